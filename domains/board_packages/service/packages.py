"""Packages and their settings: asking for one (a person, or the month's close
where the association's settings say so), and filing what the workflow read —
the PDF and the ZIP of source documents in the library, board only.

A package is keyed by association, month and version (a unique constraint):
a second ask, concurrent or later, finds the first row and starts nothing; the
workflow's id derives from the same key, so DBOS runs its body once as well.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.service import fiscal
from domains.associations.models import Association, Unit
from domains.board_packages.errors import BoardPackageNotReady
from domains.board_packages.models import (
    BoardPackage,
    BoardPackageSettings,
    BoardPackageStatus,
    BoardPackageTransition,
    BoardPackageTrigger,
)
from domains.board_packages.service import pdf, sources
from domains.documents.models import Document, DocumentCategory, DocumentVersion, DocumentVisibility, RetentionClass
from domains.documents.service import documents, storage
from graph import durable
from graph.db import new_id
from graph.ids import decode, encode
from graph.pages import Page, page_statement
from graph.settings import Settings

WORKFLOW = "generate_board_package_workflow"


def workflow_id(organization_id: UUID, association_id: UUID, month: date, version: int) -> str:
    key = f"{organization_id}|{association_id}|{month.isoformat()}|{version}"
    return f"board-package-{hashlib.sha256(key.encode()).hexdigest()[:40]}"


# --- settings ---------------------------------------------------------------------


async def settings_of(session: AsyncSession, association_id: UUID) -> BoardPackageSettings | None:
    return await session.scalar(select(BoardPackageSettings).where(BoardPackageSettings.association_id == association_id))


async def set_settings(
    session: AsyncSession, organization_id: UUID, association_id: UUID, generate_on_close: bool, by: UUID
) -> BoardPackageSettings:
    values = {"generate_on_close": generate_on_close, "updated_by": by, "updated_at": datetime.now(UTC)}
    await session.execute(
        insert(BoardPackageSettings)
        .values(id=new_id(), organization_id=organization_id, association_id=association_id, **values)
        .on_conflict_do_update(index_elements=["organization_id", "association_id"], set_=values)
    )
    row = await settings_of(session, association_id)
    assert row is not None
    await session.refresh(row)
    return row


# --- asking for a package ---------------------------------------------------------------


async def request(
    session: AsyncSession,
    organization_id: UUID,
    association_id: UUID,
    month: date,
    version: int,
    by: UUID,
    trigger: BoardPackageTrigger,
) -> tuple[BoardPackage, bool]:
    """The package for this key: (the new row, True) — its workflow to be started
    once this transaction commits — or the row an earlier ask wrote (False)."""
    month = month.replace(day=1)
    package_id = new_id()
    wf = workflow_id(organization_id, association_id, month, version)
    # A concurrent ask waits here for the first one's commit, then finds its row.
    inserted = await session.scalar(
        insert(BoardPackage)
        .values(
            id=package_id,
            organization_id=organization_id,
            association_id=association_id,
            month=month,
            version=version,
            status=BoardPackageStatus.GENERATING,
            trigger=trigger,
            requested_by=by,
            workflow_id=wf,
        )
        .on_conflict_do_nothing(index_elements=["organization_id", "association_id", "month", "version"])
        .returning(BoardPackage.id)
    )
    if inserted is None:
        existing = await session.scalar(
            select(BoardPackage).where(
                BoardPackage.association_id == association_id, BoardPackage.month == month, BoardPackage.version == version
            )
        )
        assert existing is not None
        return existing, False
    session.add(
        BoardPackageTransition(
            organization_id=organization_id,
            association_id=association_id,
            package_id=package_id,
            from_status=None,
            to_status=BoardPackageStatus.GENERATING,
            note=f"asked for by {trigger.value.replace('_', ' ')}",
        )
    )
    await session.flush()
    package = await session.get(BoardPackage, package_id)
    assert package is not None
    return package, True


@fiscal.after_close
async def generate_after_close(session: AsyncSession, organization_id: UUID, association_id: UUID, month: date, by: UUID) -> None:
    """The closed month's package, where the association's settings ask for it:
    the row now, in the close's transaction; the generation in its own workflow,
    started after the close commits — the close waits for none of it."""
    chosen = await settings_of(session, association_id)
    if chosen is None or not chosen.generate_on_close:
        return
    package, created = await request(session, organization_id, association_id, month, 1, by, BoardPackageTrigger.MONTH_CLOSE)
    if created:
        durable.start_after_commit(
            session, WORKFLOW, package.workflow_id, str(organization_id), str(package.id), recorded_in=organization_id
        )


# --- reading ------------------------------------------------------------------------


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[BoardPackage], Page]:
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, BoardPackage.association_id == data.association_id]
    if data.month is not None:
        where.append(BoardPackage.month == data.month.replace(day=1))
    return (await session.scalars(page_statement(BoardPackage, page, where))).all(), page


async def file_of(session: AsyncSession, package: BoardPackage, which: str) -> tuple[Document, list[DocumentVersion]]:
    """The package's PDF or ZIP in the library, with its versions (BOARD_PACKAGE_NOT_READY before it is filed)."""
    document_id = package.pdf_document_id if which == "pdf" else package.zip_document_id
    if package.status is not BoardPackageStatus.READY or document_id is None:
        raise BoardPackageNotReady(f"This package is {package.status.value}: it has no files yet.", field=["id"])
    document = await session.get(Document, document_id)
    assert document is not None, "a package's files are kept seven years and never deleted"
    return document, (await documents.versions_of(session, [document.id]))[document.id]


# --- generating ----------------------------------------------------------------------


async def contents_for(session: AsyncSession, platform: Any, package_id: UUID) -> dict[str, Any] | None:
    """What the package will print, read from the report operations; None once it is filed."""
    package = await session.get(BoardPackage, package_id)
    assert package is not None, "the package row commits before its workflow starts"
    if package.status is not BoardPackageStatus.GENERATING:
        return None
    return await sources.read(session, platform, package.organization_id, encode("asn", package.association_id), package.month)


async def _source_documents(
    session: AsyncSession, settings: Settings, platform: Any, package: BoardPackage
) -> list[tuple[str, bytes]]:
    """The association's library documents recorded in the month that the board may read, latest file of each."""
    reader = sources.Reader(session, platform, package.organization_id)
    listed = await reader.every("document/v1/list", {"associationId": encode("asn", package.association_id)})
    last = sources.month_end(package.month)
    chosen = [d for d in listed if package.month.isoformat() <= d["recordDate"] <= last.isoformat()]
    files: list[tuple[str, bytes]] = []
    versions = await documents.versions_of(session, [_uuid(d["id"]) for d in chosen])
    for d in chosen:
        kept = versions.get(_uuid(d["id"]), [])
        if not kept:
            continue
        stream = await storage.chunks(settings, kept[-1].storage_key)
        if stream is None:
            continue
        body = b"".join([chunk async for chunk in stream])
        files.append((f"documents/{d['category']}/{d['recordDate']} {_safe(d['title'])} {kept[-1].filename}", body))
    return files


def _uuid(public_id: str) -> UUID:
    return decode(public_id)[1]


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in " -_.," else "_" for c in text)[:80].strip()


def bundle(contents: dict[str, Any], files: list[tuple[str, bytes]]) -> bytes:
    """The ZIP: each report's data as its operation answered it, the minutes as text, the library's documents."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, value in contents.items():
            if name != "month":
                z.writestr(f"reports/{name}.json", json.dumps(value, indent=2, sort_keys=True))
        for item in contents["meetings"]:
            m, minutes = item["meeting"], item["minutes"]
            if minutes is not None:
                z.writestr(f"minutes/{m['startsAt'][:10]} {_safe(m['title'])} v{minutes['version']}.txt", minutes["text"])
        for item in contents["bankReconciliations"]:
            z.writestr(
                f"reconciliations/{_safe(item['account']['name'])} {contents['month'][:7]}.json",
                json.dumps(item["report"], indent=2, sort_keys=True),
            )
        for name, body in files:
            z.writestr(name, body)
    return out.getvalue()


def _document(package: BoardPackage, title: str, description: str) -> Document:
    record_date = sources.month_end(package.month)
    return Document(
        id=new_id(),
        organization_id=package.organization_id,
        association_id=package.association_id,
        category=DocumentCategory.FINANCIAL,
        title=title[:300],
        description=description[:4000],
        # The delinquency list names owners and what they owe: the board's, not the owners'.
        visibility=DocumentVisibility.BOARD,
        retention_class=RetentionClass.SEVEN_YEARS,
        record_date=record_date,
        retain_until=documents.retention(DocumentCategory.FINANCIAL, RetentionClass.SEVEN_YEARS, record_date)[1],
        created_by=package.requested_by,
    )


def _finish(session: AsyncSession, package: BoardPackage, to: BoardPackageStatus, note: str | None) -> None:
    """A generating package's end, ready or failed, and its transition row."""
    package.status, package.completed_at = to, datetime.now(UTC)
    session.add(
        BoardPackageTransition(
            organization_id=package.organization_id,
            association_id=package.association_id,
            package_id=package.id,
            from_status=BoardPackageStatus.GENERATING,
            to_status=to,
            note=note,
        )
    )


async def file(session: AsyncSession, settings: Settings, platform: Any, package_id: UUID, contents: dict[str, Any]) -> bool:
    """Render and file the PDF and the ZIP and mark the package ready, once:
    False when an earlier run already did (the step re-run after a crash)."""
    package = await session.scalar(select(BoardPackage).where(BoardPackage.id == package_id).with_for_update())
    assert package is not None
    if package.status is not BoardPackageStatus.GENERATING:
        return False
    association = await session.get(Association, package.association_id)
    assert association is not None
    units = {
        encode("unt", u.id): u.unit_number
        for u in await session.scalars(select(Unit).where(Unit.association_id == package.association_id))
    }
    reference = encode("bpk", package.id)
    month = package.month.strftime("%B %Y")
    body = pdf.render(association.legal_name, contents, units, reference)
    archive = bundle(contents, await _source_documents(session, settings, platform, package))
    pdf_doc = _document(package, f"Board package, {month} (v{package.version})", f"The board's monthly package {reference}.")
    zip_doc = _document(package, f"Board package sources, {month} (v{package.version})", f"Source documents of {reference}.")
    await documents.file_generated(session, settings, pdf_doc, f"{reference}.pdf", "application/pdf", body, package.requested_by)
    await documents.file_generated(
        session, settings, zip_doc, f"{reference}.zip", "application/zip", archive, package.requested_by
    )
    package.pdf_document_id, package.zip_document_id = pdf_doc.id, zip_doc.id
    package.contents = contents
    _finish(session, package, BoardPackageStatus.READY, None)
    durable.audit(
        session,
        package.organization_id,
        "boardPackage/v1/generate",
        [reference, encode("doc", pdf_doc.id), encode("doc", zip_doc.id)],
        {"month": package.month.isoformat(), "version": package.version, "pdfBytes": len(body), "zipBytes": len(archive)},
    )
    await session.flush()
    return True


async def fail(session: AsyncSession, package_id: UUID, reason: str) -> None:
    """Mark a package failed with why (a report refused in a way no section can print)."""
    package = await session.scalar(select(BoardPackage).where(BoardPackage.id == package_id).with_for_update())
    assert package is not None
    if package.status is not BoardPackageStatus.GENERATING:
        return
    package.error = reason[:2000]
    _finish(session, package, BoardPackageStatus.FAILED, package.error)
    durable.audit(
        session, package.organization_id, "boardPackage/v1/generate", [encode("bpk", package.id)], {"failed": reason[:200]}
    )
    await session.flush()

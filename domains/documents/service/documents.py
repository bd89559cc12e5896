"""The library: filing a record, its versions (declared, uploaded, confirmed
against the stored bytes), signed download links, retention and destruction,
and the check other domains use to attach documents by reference."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.documents.errors import (
    ChecksumMismatch,
    DocumentDestroyed,
    DocumentElsewhere,
    FileSizeMismatch,
    FileTooLarge,
    FileTypeMismatch,
    NoFile,
    RetentionHold,
    RetentionShortened,
    UnsupportedContentType,
    UploadMissing,
    VersionNotPending,
)
from domains.documents.models import (
    DEFAULT_RETENTION,
    RETENTION_YEARS,
    Document,
    DocumentCategory,
    DocumentVersion,
    RetentionClass,
    VersionStatus,
)
from domains.documents.service import storage
from graph.clock import today
from graph.db import new_id
from graph.errors import NotFound
from graph.pages import Page, page_statement
from graph.settings import Settings


def _text(head: bytes) -> bool:
    return b"\x00" not in head


# What a file of each accepted media type starts with.
SIGNATURES: dict[str, Any] = {
    "application/pdf": lambda h: h.startswith(b"%PDF-"),
    "image/png": lambda h: h.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda h: h.startswith(b"\xff\xd8\xff"),
    "image/gif": lambda h: h.startswith((b"GIF87a", b"GIF89a")),
    "image/webp": lambda h: h.startswith(b"RIFF") and h[8:12] == b"WEBP",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": lambda h: h.startswith(b"PK\x03\x04"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": lambda h: h.startswith(b"PK\x03\x04"),
    "text/plain": _text,
    "text/csv": _text,
}
HEAD_BYTES = 512


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def retention(category: DocumentCategory, chosen: RetentionClass | None, record_date: date) -> tuple[RetentionClass, date | None]:
    """The retention class (the category's unless a longer one is chosen) and the first day the record may go."""
    default = DEFAULT_RETENTION[category]
    klass = chosen or default
    years, floor = RETENTION_YEARS[klass], RETENTION_YEARS[default]
    if (floor is None and years is not None) or (years is not None and floor is not None and years < floor):
        raise RetentionShortened(
            f"{category.value} records are kept {default.value.replace('_', ' ')} at least.", field=["retentionClass"]
        )
    return klass, None if years is None else _plus_years(record_date, years)


def create(organization_id: UUID, data: Any, by: UUID) -> Document:
    """A new record (not yet added to the session: the caller authorizes it first)."""
    record_date = data.record_date or today()
    klass, until = retention(data.category, data.retention_class, record_date)
    return Document(
        id=new_id(),
        organization_id=organization_id,
        association_id=data.association_id,
        category=data.category,
        title=data.title,
        description=data.description,
        visibility=data.visibility,
        retention_class=klass,
        record_date=record_date,
        retain_until=until,
        created_by=by,
    )


async def add(session: AsyncSession, document: Document) -> Document:
    session.add(document)
    await session.flush()
    await session.refresh(document, ["library"])
    return document


async def lock(session: AsyncSession, document_id: UUID) -> Document:
    row = await session.scalar(
        select(Document).where(Document.id == document_id).with_for_update().execution_options(populate_existing=True)
    )
    if row is None:
        raise NotFound("No document with this id is visible to you.", field=["id"])
    return row


async def versions_of(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, list[DocumentVersion]]:
    """Confirmed (and purged) versions of documents, oldest first: one statement."""
    await session.flush()
    out: dict[UUID, list[DocumentVersion]] = defaultdict(list)
    for v in await session.scalars(
        select(DocumentVersion)
        .where(DocumentVersion.document_id.in_(ids), DocumentVersion.number.is_not(None))
        .order_by(DocumentVersion.document_id, DocumentVersion.number)
    ):
        out[v.document_id].append(v)
    return out


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Document], Page]:
    page = Page(data.first, data.after, "record_date", descending=True)
    where = [visible]
    where.append(
        Document.association_id == data.association_id if data.association_id is not None else Document.association_id.is_(None)
    )
    if data.category is not None:
        where.append(Document.category == data.category)
    if not data.include_destroyed:
        where.append(Document.destroyed_at.is_(None))
    return (await session.scalars(page_statement(Document, page, where))).all(), page


def _key(version: DocumentVersion) -> str:
    return f"{version.organization_id}/{version.document_id}/{version.id}"


async def start_upload(
    session: AsyncSession, settings: Settings, document: Document, data: Any, by: UUID
) -> tuple[DocumentVersion, str, datetime]:
    """A pending version and the signed URL its bytes go to."""
    if document.destroyed_at is not None:
        raise DocumentDestroyed("This document's files were destroyed: it takes no new version.", field=["id"])
    media_type = data.media_type.lower()
    if media_type not in SIGNATURES:
        raise UnsupportedContentType(
            f"{data.media_type} is not kept; accepted: {', '.join(sorted(SIGNATURES))}.", field=["mediaType"]
        )
    if data.size > settings.document_max_bytes:
        raise FileTooLarge(f"Files are kept up to {settings.document_max_bytes} bytes.", field=["size"])
    version = DocumentVersion(
        id=new_id(),
        organization_id=document.organization_id,
        document_id=document.id,
        filename=data.filename,
        media_type=media_type,
        size=data.size,
        sha256=data.sha256,
        status=VersionStatus.PENDING,
        uploaded_by=by,
    )
    version.storage_key = _key(version)
    session.add(version)
    await session.flush()
    grant = storage.Grant(version.storage_key, "PUT", data.size, media_type, data.filename)
    link, expires = await storage.url(settings, grant)
    return version, link, datetime.fromtimestamp(expires, UTC)


async def confirm(session: AsyncSession, settings: Settings, version: DocumentVersion) -> DocumentVersion:
    """Check the stored bytes against the declaration: the size, the SHA-256 and
    the leading bytes of the declared type. A mismatched file is deleted (and the
    version stays pending for a new upload); a matching one becomes the next version."""
    if version.status is not VersionStatus.PENDING:
        raise VersionNotPending("This version was already confirmed.", field=["versionId"])
    document = await lock(session, version.document_id)
    if document.destroyed_at is not None:
        raise DocumentDestroyed("This document's files were destroyed.", field=["versionId"])
    stream = await storage.chunks(settings, version.storage_key)
    if stream is None:
        raise UploadMissing("No file was uploaded for this version yet.", field=["versionId"])
    digest, size, head = hashlib.sha256(), 0, b""
    async for chunk in stream:
        digest.update(chunk)
        size += len(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
    refusal: Exception | None = None
    if size != version.size:
        refusal = FileSizeMismatch(f"The file has {size} bytes, not the {version.size} declared.", field=["versionId"])
    elif digest.hexdigest() != version.sha256:
        refusal = ChecksumMismatch("The file's SHA-256 is not the one declared.", field=["versionId"])
    elif not SIGNATURES[version.media_type](head):
        refusal = FileTypeMismatch(f"The file is not a {version.media_type} file.", field=["versionId"])
    if refusal is not None:
        await storage.delete(settings, version.storage_key)
        raise refusal
    last = await session.scalar(select(func.max(DocumentVersion.number)).where(DocumentVersion.document_id == document.id))
    version.number = (last or 0) + 1
    version.status = VersionStatus.CONFIRMED
    version.confirmed_at = datetime.now(UTC)
    await session.flush()
    return version


async def file_generated(
    session: AsyncSession,
    settings: Settings,
    document: Document,
    filename: str,
    media_type: str,
    content: bytes,
    by: UUID,
) -> DocumentVersion:
    """File a document the platform made itself (a certificate, a report) with
    its file as version 1: the bytes are stored first, then the record and its
    confirmed version, so no record names a file that is not there. `document`
    comes from `create` (the caller authorizes it)."""
    version = DocumentVersion(
        id=new_id(),
        organization_id=document.organization_id,
        document_id=document.id,
        number=1,
        filename=filename,
        media_type=media_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        status=VersionStatus.CONFIRMED,
        uploaded_by=by,
        confirmed_at=datetime.now(UTC),
    )
    version.storage_key = _key(version)
    await storage.write_bytes(settings, version.storage_key, content)
    await add(session, document)
    session.add(version)
    await session.flush()
    return version


async def download(
    settings: Settings, document: Document, versions: list[DocumentVersion], number: int | None
) -> tuple[DocumentVersion, str, datetime]:
    if document.destroyed_at is not None:
        raise DocumentDestroyed("This document's files were destroyed; its record stays.", field=["id"])
    if not versions:
        raise NoFile("This document has no file yet.", field=["id"])
    chosen = versions[-1] if number is None else next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise NotFound(f"This document has no version {number}.", field=["number"])
    grant = storage.Grant(chosen.storage_key, "GET", chosen.size, chosen.media_type, chosen.filename)
    link, expires = await storage.url(settings, grant)
    return chosen, link, datetime.fromtimestamp(expires, UTC)


async def destroy(session: AsyncSession, settings: Settings, document: Document, by: UUID) -> list[DocumentVersion]:
    """Purge every file of the document and keep its record, once its retention date has passed."""
    if document.destroyed_at is not None:
        raise DocumentDestroyed("This document's files were already destroyed.", field=["id"])
    if document.retain_until is None or document.retain_until > today():
        kept = "permanently" if document.retain_until is None else f"until {document.retain_until.isoformat()}"
        raise RetentionHold(f"This record is kept {kept}.", field=["id"])
    versions = list(await session.scalars(select(DocumentVersion).where(DocumentVersion.document_id == document.id)))
    for v in versions:
        await storage.delete(settings, v.storage_key)
    for v in versions:
        if v.status is VersionStatus.CONFIRMED:
            v.status = VersionStatus.PURGED
    document.destroyed_at = datetime.now(UTC)
    document.destroyed_by = by
    await session.flush()
    return versions


async def referenced(session: AsyncSession, ids: Sequence[UUID], association_id: UUID | None, field: str) -> list[Document]:
    """The documents another domain's record names (`DocumentReference`), in
    order: each in this organization (INVALID_REFERENCE otherwise, by the
    pipeline), kept (DOCUMENT_DESTROYED), and in the record's association's
    library or the organization's own (DOCUMENT_ELSEWHERE)."""
    if not ids:
        return []
    rows = {d.id: d for d in await session.scalars(select(Document).where(Document.id.in_(ids)))}
    return [_referable(rows.get(d), association_id, [field, str(i)]) for i, d in enumerate(ids)]


async def referenced_one(session: AsyncSession, id: UUID | None, association_id: UUID | None, field: str) -> Document | None:
    """`referenced` for a record naming one document (or none)."""
    if id is None:
        return None
    return _referable(await session.get(Document, id), association_id, [field])


def _referable(document: Document | None, association_id: UUID | None, path: list[str]) -> Document:
    if document is None:
        raise DocumentElsewhere("No such document in this organization.", field=path)
    if document.association_id not in (None, association_id):
        raise DocumentElsewhere("This document is in another association's library.", field=path)
    if document.destroyed_at is not None:
        raise DocumentDestroyed("This document's files were destroyed.", field=path)
    return document

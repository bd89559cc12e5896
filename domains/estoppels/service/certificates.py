"""Issuing a certificate: the form in force for the association's jurisdiction,
who asked and who pays, the fee posted (to the owner's ledger, where the owner
pays it), the figures read after it, the PDF filed in the library, and the
certificate row — all in the request's one transaction, so a retried request
(its idempotency key) finds the stored answer and posts no second fee."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import ControlRole, EntrySource
from domains.associations.models import Association, Unit
from domains.documents.models import Document, DocumentCategory, DocumentVersion, DocumentVisibility, RetentionClass
from domains.documents.service import documents
from domains.estoppels.errors import NoEstoppelForm, NoOwnerOfRecord
from domains.estoppels.models import (
    EstoppelCertificate,
    EstoppelFeeDisposition,
    EstoppelForm,
    EstoppelRequesterKind,
    EstoppelStatus,
)
from domains.estoppels.service import figures, pdf
from domains.jurisdictions.models import DEFAULT_JURISDICTION
from domains.organizations.models import ServiceAccount
from domains.receivables.service import owner_ledger
from graph.auth.principal import PrincipalKind
from graph.clock import today
from graph.db import new_id
from graph.ids import encode
from graph.pages import Page, page_statement
from graph.settings import Settings

STAFF_ROLES = frozenset({"admin", "manager"})


def status(certificate: EstoppelCertificate, on: date | None = None) -> EstoppelStatus:
    return EstoppelStatus.CURRENT if (on or today()) <= certificate.valid_through else EstoppelStatus.STALE


async def form_for(session: AsyncSession, association: Association, on: date) -> EstoppelForm:
    """The form in force on `on` for the association's country and region, else the default one."""
    code = f"{association.country}-{association.region}"
    form = await session.scalar(
        select(EstoppelForm)
        .where(EstoppelForm.jurisdiction.in_((code, DEFAULT_JURISDICTION)), EstoppelForm.effective_on <= on)
        .order_by((EstoppelForm.jurisdiction == DEFAULT_JURISDICTION).asc(), EstoppelForm.effective_on.desc())
        .limit(1)
    )
    if form is None:
        raise NoEstoppelForm(f"No certificate form is in force for {code} on {on.isoformat()}.", field=["unitId"])
    return form


def requester_kind(principal: Any) -> EstoppelRequesterKind:
    """A service account is an integration (a title company); an admin or a manager is staff; else an owner
    (Cerbos has checked that a member asking owns the unit)."""
    if principal.kind is PrincipalKind.SERVICE_ACCOUNT:
        return EstoppelRequesterKind.SERVICE_ACCOUNT
    return EstoppelRequesterKind.STAFF if STAFF_ROLES & set(principal.roles) else EstoppelRequesterKind.OWNER


def disposition(kind: EstoppelRequesterKind, waive: bool) -> EstoppelFeeDisposition:
    """Who pays: an owner (and staff asking for one) through the owner ledger; a title company at closing,
    since it has no account in the association's books and the statute lets the fee be collected then."""
    if waive:
        return EstoppelFeeDisposition.WAIVED
    return (
        EstoppelFeeDisposition.AT_CLOSING
        if kind is EstoppelRequesterKind.SERVICE_ACCOUNT
        else EstoppelFeeDisposition.OWNER_LEDGER
    )


async def _requester_name(
    session: AsyncSession, kind: EstoppelRequesterKind, principal_id: UUID, owners: list[str], association: Association
) -> str:
    if kind is EstoppelRequesterKind.OWNER:
        return "; ".join(owners)
    if kind is EstoppelRequesterKind.SERVICE_ACCOUNT:
        account = await session.get(ServiceAccount, principal_id)
        assert account is not None, "the API key's service account is in this organization"
        return account.name
    return f"Management of {association.legal_name}"


_TERMS = {
    EstoppelFeeDisposition.OWNER_LEDGER: "charged to the unit owner's account with the association",
    EstoppelFeeDisposition.AT_CLOSING: "payable by the requestor at closing",
    EstoppelFeeDisposition.WAIVED: "waived by the association",
}


async def issue(
    session: AsyncSession,
    settings: Settings,
    organization_id: UUID,
    unit: Unit,
    data: Any,
    principal: Any,
) -> EstoppelCertificate:
    """Issue a certificate for `unit` now, from the books as they stand."""
    association = await session.get(Association, unit.association_id)
    assert association is not None
    on = today()
    form = await form_for(session, association, on)
    names = await figures.owners(session, unit.id, on)
    if not names:
        raise NoOwnerOfRecord("This unit has no current owner on file.", field=["unitId"])
    kind = requester_kind(principal)
    paid_by = disposition(kind, data.waive_fee)
    fee = Decimal(0)
    if paid_by is not EstoppelFeeDisposition.WAIVED:
        fee = form.fee + (form.delinquent_fee if await figures.balance(session, unit.id, on) > 0 else 0)
    certificate_id = new_id()
    reference = encode("est", certificate_id)
    entry = None
    if paid_by is EstoppelFeeDisposition.OWNER_LEDGER and fee > 0:
        # Posted before the figures are read: the certificate shows the fee among what the owner owes.
        entry = await owner_ledger.fee(
            session,
            organization_id,
            unit.id,
            fee,
            on,
            f"{form.title} {reference}",
            principal.id,
            income=ControlRole.ESTOPPEL_FEE_INCOME,
            source=EntrySource.ESTOPPEL_FEE,
            label="Certificate fee",
        )
    valid_through = on + timedelta(days=form.validity_days)
    shown = await figures.read(session, association, unit, on, valid_through)
    requester = data.requester_name or await _requester_name(session, kind, principal.id, names, association)
    shown |= {
        "requester": requester,
        "closing_date": None if data.closing_date is None else data.closing_date.isoformat(),
        "fee": {"amount": figures.money(fee), "disposition": paid_by.value, "terms": _TERMS[paid_by]},
    }
    layout = {
        "title": form.title,
        "citation": form.citation,
        "validity_citation": form.validity_citation,
        "sections": form.sections,
    }
    content = pdf.render(layout, shown, reference)
    document = Document(
        id=new_id(),
        organization_id=organization_id,
        association_id=association.id,
        category=DocumentCategory.FINANCIAL,
        title=f"{form.title}, unit {unit.unit_number}, {on.isoformat()}"[:300],
        description=f"Issued to {requester}; valid through {valid_through.isoformat()}."[:4000],
        # The owner's balance is in it: staff read it in the library, the owner and the requestor through the certificate.
        visibility=DocumentVisibility.STAFF,
        retention_class=RetentionClass.SEVEN_YEARS,
        record_date=on,
        retain_until=documents.retention(DocumentCategory.FINANCIAL, RetentionClass.SEVEN_YEARS, on)[1],
        created_by=principal.id,
    )
    await documents.file_generated(session, settings, document, f"{reference}.pdf", "application/pdf", content, principal.id)
    certificate = EstoppelCertificate(
        id=certificate_id,
        organization_id=organization_id,
        association_id=association.id,
        unit_id=unit.id,
        jurisdiction=form.jurisdiction,
        form_effective_on=form.effective_on,
        title=form.title,
        citation=form.citation,
        requester_kind=kind,
        requested_by=principal.id,
        requester_name=requester[:200],
        closing_date=data.closing_date,
        issued_on=on,
        valid_through=valid_through,
        balance=Decimal(shown["balance"]),
        fee=fee,
        fee_disposition=paid_by,
        fee_entry_id=None if entry is None else entry.id,
        document_id=document.id,
        figures=shown,
    )
    session.add(certificate)
    await session.flush()
    return certificate


async def file_of(session: AsyncSession, certificate: EstoppelCertificate) -> tuple[Document, list[DocumentVersion]]:
    """The certificate's PDF in the library, with its versions."""
    document = await session.get(Document, certificate.document_id)
    assert document is not None, "a certificate's document is kept seven years and never deleted"
    return document, (await documents.versions_of(session, [document.id]))[document.id]


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[EstoppelCertificate], Page]:
    page = Page(data.first, data.after, "issued_at", descending=True)
    where = [visible, EstoppelCertificate.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(EstoppelCertificate.unit_id == data.unit_id)
    return (await session.scalars(page_statement(EstoppelCertificate, page, where))).all(), page

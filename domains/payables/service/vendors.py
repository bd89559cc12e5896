"""Vendors: who may be paid. A new vendor starts on payment hold, and changing
where the money goes (tax id, remittance address) puts it back on hold: the
classic payables fraud is a changed payee, so someone verifies before the next
payment. Insurance certificates are evidence and are only ever added."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.organizations.models import OrganizationType
from domains.payables.errors import (
    InvalidDates,
    InvalidVendorOrganization,
    TaxIdRequired,
    VendorExists,
)
from domains.payables.models import (
    InsuranceCertificate,
    InsuranceKind,
    TaxIdKind,
    Vendor,
)
from graph.db import add_or_raise
from graph.handlers import require
from graph.pages import Page, page_statement

HOLD_NEW = "New vendor: verify the tax id and insurance, then release the hold."
HOLD_CHANGED = "Payee details changed: verify them, then release the hold."


def tax_id_kind(tax_id: str | None) -> TaxIdKind | None:
    """12-3456789 is an EIN; 123-45-6789 an SSN or ITIN (the input pattern allows only these)."""
    if tax_id is None:
        return None
    return TaxIdKind.EIN if tax_id.index("-") == 2 else TaxIdKind.SSN


def masked(tax_id: str | None) -> str | None:
    """What the audit log may say about a tax id."""
    return None if tax_id is None else f"…{tax_id[-4:]}"


async def _check_provider(session: AsyncSession, organization_id: UUID) -> None:
    # RLS hides other tenants' organizations; this function reveals the type only.
    kind = await session.scalar(select(func.organization_kind(organization_id)))
    if kind != OrganizationType.SERVICE_PROVIDER.value:
        raise InvalidVendorOrganization(
            "`providerOrganizationId` must name a service-provider organization.", field=["providerOrganizationId"]
        )


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> Vendor:
    if data.provider_organization_id is not None:
        await _check_provider(session, data.provider_organization_id)
    if data.is_1099 and data.tax_id is None:
        raise TaxIdRequired("A 1099 vendor needs a tax id.", field=["taxId"])
    vendor = Vendor(
        organization_id=organization_id,
        name=data.name,
        provider_organization_id=data.provider_organization_id,
        tax_id=data.tax_id,
        tax_id_kind=tax_id_kind(data.tax_id),
        is_1099=data.is_1099,
        remittance_address=data.remittance_address,
        tax_classification=data.tax_classification,
        w9_received_on=data.w9_received_on,
        payment_hold=True,
        hold_reason=HOLD_NEW,
    )
    await add_or_raise(
        session,
        vendor,
        VendorExists("This service provider is already a vendor here.", field=["providerOrganizationId"]),
    )
    return vendor


async def update(session: AsyncSession, vendor: Vendor, data: Any) -> dict[str, Any]:
    """Apply the fields `data` names; returns the audit's {field: {from, to}},
    tax ids masked."""
    fields = data.model_fields_set - {"id"}
    if fields & {"tax_id", "is_1099"}:
        await session.refresh(vendor, ["tax_id"])  # deferred: loaded only when it matters
    changed: dict[str, Any] = {}
    for name in sorted(fields):
        new, old = getattr(data, name), getattr(vendor, name)
        if new == old or (new is None and name in ("name", "is_1099")):  # required fields: null means unchanged
            continue
        shown = (masked(old), masked(new)) if name == "tax_id" else (old, new)
        changed[name] = {"from": None if shown[0] is None else str(shown[0]), "to": None if shown[1] is None else str(shown[1])}
        setattr(vendor, name, new)
    if ("tax_id" in changed or "is_1099" in changed) and vendor.is_1099 and vendor.tax_id is None:
        raise TaxIdRequired("A 1099 vendor needs a tax id.", field=["taxId"])
    if "tax_id" in changed:
        vendor.tax_id_kind = tax_id_kind(vendor.tax_id)
    if ("tax_id" in changed or "remittance_address" in changed) and not vendor.payment_hold:
        vendor.payment_hold, vendor.hold_reason = True, HOLD_CHANGED
        changed["payment_hold"] = {"from": "False", "to": "True"}
    await session.flush()
    return changed


async def lock(session: AsyncSession, vendor_id: UUID) -> Vendor:
    vendor = await session.scalar(
        select(Vendor).where(Vendor.id == vendor_id).with_for_update().execution_options(populate_existing=True)
    )
    assert vendor is not None, "the pipeline found the vendor visible a moment ago"
    return vendor


async def set_hold(session: AsyncSession, vendor: Vendor, reason: str | None) -> bool:
    """Hold (with a reason) or release (None). True when it changed anything."""
    hold = reason is not None
    if vendor.payment_hold == hold and vendor.hold_reason == reason:
        return False
    vendor.payment_hold, vendor.hold_reason = hold, reason
    await session.flush()
    return True


async def add_certificate(session: AsyncSession, organization_id: UUID, data: Any) -> InsuranceCertificate:
    await require(session, Vendor, data.vendor_id, "vendorId")
    if data.expires_on < data.effective_on:
        raise InvalidDates("A certificate can't expire before it takes effect.", field=["expiresOn"])
    certificate = InsuranceCertificate(organization_id=organization_id, **data.model_dump())
    session.add(certificate)
    await session.flush()
    return certificate


async def certificates_of(session: AsyncSession, vendor_ids: list[UUID]) -> list[InsuranceCertificate]:
    return list(
        (
            await session.scalars(
                select(InsuranceCertificate)
                .where(InsuranceCertificate.vendor_id.in_(vendor_ids))
                .order_by(InsuranceCertificate.expires_on.desc(), InsuranceCertificate.id)
            )
        ).all()
    )


async def lapsed_coverage(session: AsyncSession, vendor_id: UUID, on: date) -> list[tuple[InsuranceKind, date]]:
    """Kinds of coverage the vendor has on file with no certificate in force on
    `on`, each with its latest expiry. A vendor with no certificates at all (a
    utility, a city) has nothing lapsed: the hold on new vendors is the control."""
    covered = and_(InsuranceCertificate.effective_on <= on, InsuranceCertificate.expires_on >= on)
    rows = await session.execute(
        select(InsuranceCertificate.kind, func.max(InsuranceCertificate.expires_on))
        .where(InsuranceCertificate.vendor_id == vendor_id)
        .group_by(InsuranceCertificate.kind)
        .having(~func.bool_or(covered))
        .order_by(InsuranceCertificate.kind)
    )
    return [(kind, expiry) for kind, expiry in rows.all()]


async def vendor_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Vendor], Page]:
    """The organization's vendors by name, filtered by hold and 1099 status:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "name")
    where = [visible]
    if data.payment_hold is not None:
        where.append(Vendor.payment_hold.is_(data.payment_hold))
    if data.is_1099 is not None:
        where.append(Vendor.is_1099.is_(data.is_1099))
    return (await session.scalars(page_statement(Vendor, page, where))).all(), page

"""vendor/v1/{create,update,placeHold,releaseHold,get,list}, insuranceCertificate/v1/create."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from domains.payables.models import Vendor
from domains.payables.schemas import (
    InsuranceCertificateCreateInput,
    InsuranceCertificateRead,
    VendorConnection,
    VendorCreateInput,
    VendorGetInput,
    VendorHoldInput,
    VendorListInput,
    VendorRead,
    VendorReleaseInput,
    VendorUpdateInput,
)
from domains.payables.service import vendors
from graph.handlers import OperationContext, as_connection, org, with_nodes
from graph.operations import operation


async def _with_certificates(ctx: OperationContext, rows: Sequence[Vendor]) -> list[Any]:
    """Vendors as API models with their certificates, read in one statement."""
    by_vendor: dict[Any, list[Any]] = defaultdict(list)
    for certificate in await vendors.certificates_of(ctx.session, [v.id for v in rows]):
        by_vendor[certificate.vendor_id].append(InsuranceCertificateRead.model_validate(certificate))
    return [VendorRead.model_validate(v).model_copy(update={"insurance_certificates": by_vendor[v.id]}) for v in rows]


@operation(
    "vendor/v1/create", input=VendorCreateInput, output=VendorRead, kind="vendor", action="create", summary="Create a vendor"
)
async def create_vendor(ctx: OperationContext, data: VendorCreateInput) -> VendorRead:
    """Add a vendor: a service-provider organization on the platform
    (`providerOrganizationId`, INVALID_VENDOR_ORGANIZATION for any other kind)
    or a plain payee. The tax id is stored but only its last four digits are
    ever shown. A new vendor is on payment hold until someone verifies it and
    calls vendorReleaseHold."""
    vendor = await vendors.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"name": vendor.name, "taxId": vendors.masked(data.tax_id), "is1099": vendor.is_1099}
    return VendorRead.model_validate(vendor)  # no certificates yet


@operation(
    "vendor/v1/update",
    input=VendorUpdateInput,
    output=VendorRead,
    kind="vendor",
    action="update",
    target=Vendor,
    summary="Change a vendor",
)
async def update_vendor(ctx: OperationContext, data: VendorUpdateInput) -> VendorRead:
    """Change a vendor's name, 1099 flag, remittance address or tax id; only the
    fields given change. A new tax id or remittance address puts the vendor
    back on payment hold, so a changed payee is verified before money goes out."""
    vendor = await vendors.lock(ctx.session, data.id)
    ctx.audit_summary = {"changed": await vendors.update(ctx.session, vendor, data)}
    return (await _with_certificates(ctx, [vendor]))[0]


@operation(
    "vendor/v1/placeHold",
    input=VendorHoldInput,
    output=VendorRead,
    kind="vendor",
    action="place_hold",
    target=Vendor,
    summary="Stop payments to a vendor",
)
async def place_hold(ctx: OperationContext, data: VendorHoldInput) -> VendorRead:
    """Put a vendor's payments on hold, with the reason payers will see
    (VENDOR_ON_HOLD) until the hold is released."""
    vendor = await vendors.lock(ctx.session, data.id)
    changed = await vendors.set_hold(ctx.session, vendor, data.reason)
    ctx.audit_summary = {"hold": True, "reason": data.reason, "changed": changed}
    return (await _with_certificates(ctx, [vendor]))[0]


@operation(
    "vendor/v1/releaseHold",
    input=VendorReleaseInput,
    output=VendorRead,
    kind="vendor",
    action="release_hold",
    target=Vendor,
    summary="Allow payments to a vendor",
)
async def release_hold(ctx: OperationContext, data: VendorReleaseInput) -> VendorRead:
    """Release a vendor's payment hold once its tax id, remittance details and
    insurance are verified. The audit log keeps who released it and the note."""
    vendor = await vendors.lock(ctx.session, data.id)
    previous = vendor.hold_reason
    changed = await vendors.set_hold(ctx.session, vendor, None)
    ctx.audit_summary = {"hold": False, "released": previous, "note": data.note, "changed": changed}
    return (await _with_certificates(ctx, [vendor]))[0]


@operation(
    "vendor/v1/get",
    input=VendorGetInput,
    output=VendorRead,
    kind="vendor",
    action="read",
    target=Vendor,
    mutates=False,
    summary="Read a vendor",
)
async def get_vendor(ctx: OperationContext, data: VendorGetInput) -> VendorRead:
    """One vendor with its insurance certificates (the tax id shows its last four digits only)."""
    vendor = ctx.target
    assert vendor is not None
    return (await _with_certificates(ctx, [vendor]))[0]


@operation(
    "vendor/v1/list",
    input=VendorListInput,
    output=VendorConnection,
    kind="vendor",
    action="list",
    mutates=False,
    graphql_name="vendors",
    summary="List vendors",
)
async def list_vendors(ctx: OperationContext, data: VendorListInput) -> VendorConnection:
    """The organization's vendors by name, optionally only those on hold (or
    not) or only 1099 vendors (or not)."""
    rows, page = await vendors.vendor_page(ctx.session, data, await ctx.visible("vendor", "read", Vendor))
    return with_nodes(as_connection(VendorConnection, rows, page), await _with_certificates(ctx, rows[: page.first]))


@operation(
    "insuranceCertificate/v1/create",
    input=InsuranceCertificateCreateInput,
    output=InsuranceCertificateRead,
    kind="vendor",
    action="update",
    summary="Record a vendor's certificate of insurance",
)
async def create_certificate(ctx: OperationContext, data: InsuranceCertificateCreateInput) -> InsuranceCertificateRead:
    """Record a certificate of insurance a vendor sent. Certificates are never
    changed: a renewal is a new certificate. From then on the vendor is paid
    only on dates when each kind of coverage it has on file is in force
    (VENDOR_INSURANCE_EXPIRED otherwise)."""
    certificate = await vendors.add_certificate(ctx.session, org(ctx), data)
    ctx.audit_summary = {"kind": certificate.kind.value, "expiresOn": str(certificate.expires_on)}
    return InsuranceCertificateRead.model_validate(certificate)

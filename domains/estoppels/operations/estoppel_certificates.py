"""estoppelCertificate/v1/{request,get,list,download}."""

from __future__ import annotations

from types import SimpleNamespace

from domains.associations.models import Unit
from domains.documents.schemas import DocumentVersionRead, DownloadLink
from domains.documents.service import documents
from domains.estoppels.models import EstoppelCertificate
from domains.estoppels.schemas import (
    EstoppelCertificateConnection,
    EstoppelCertificateGetInput,
    EstoppelCertificateListInput,
    EstoppelCertificateRead,
    EstoppelCertificateRequestInput,
)
from domains.estoppels.service import certificates
from graph.authz import ResourceRef
from graph.handlers import OperationContext, as_connection, org, require
from graph.ids import encode
from graph.operations import operation

KIND = "estoppel_certificate"


def _issued(certificate: EstoppelCertificate) -> SimpleNamespace:
    """The certificate as issued, with its status on the day it is read (computed: the row never changes)."""
    fields = {name: getattr(certificate, name) for name in EstoppelCertificateRead.model_fields if name != "status"}
    return SimpleNamespace(**fields, status=certificates.status(certificate))


def _read(certificate: EstoppelCertificate) -> EstoppelCertificateRead:
    return EstoppelCertificateRead.model_validate(_issued(certificate))


@operation(
    "estoppelCertificate/v1/request",
    input=EstoppelCertificateRequestInput,
    output=EstoppelCertificateRead,
    kind=KIND,
    action="request",
    summary="Issue a resale or estoppel certificate for a unit",
)
async def request(ctx: OperationContext, data: EstoppelCertificateRequestInput) -> EstoppelCertificateRead:
    """Issue a certificate for a unit at once, from live data: the owner
    ledger's balance and open items as of today, the charges the schedules
    bring due while it is valid, special assessments not yet fully due, open
    violations, and the governing documents and insurance in the library — in
    the form of the association's jurisdiction (Florida §720.30851, California
    §4525, or the default), valid for the form's period. Asked by an owner of
    the unit, the association's admin or manager, or an integration's API key
    (a title company). The fee is the form's (plus its delinquency fee where the
    unit owes money): charged to the owner's ledger for an owner's or staff's
    request, due at closing from a title company, or waived by staff
    (`waiveFee`). The PDF is filed in the association's library. Refused:
    NO_OWNER_OF_RECORD for a unit with no current owner, CONTROL_ACCOUNT_MISSING
    where the fee's income account (4130) is missing."""
    unit = await require(ctx.session, Unit, data.unit_id, "unitId")
    attrs = {"organization_id": unit.organization_id, "association_id": unit.association_id, "unit_id": unit.id}
    resource = ResourceRef(id="new", attrs=attrs)
    assert ctx.principal is not None
    await ctx.decisions.require(ctx.principal, KIND, "request_for_unit", resource)
    if data.waive_fee:
        await ctx.decisions.require(ctx.principal, KIND, "waive_fee", resource)
    certificate = await certificates.issue(ctx.session, ctx.platform.settings, org(ctx), unit, data, ctx.principal)
    ctx.audit_targets = [encode("est", certificate.id), encode("unt", unit.id), encode("doc", certificate.document_id)]
    ctx.audit_summary = {
        "jurisdiction": certificate.jurisdiction,
        "balance": str(certificate.balance),
        "fee": str(certificate.fee),
        "feeDisposition": certificate.fee_disposition.value,
        "validThrough": certificate.valid_through.isoformat(),
    }
    return _read(certificate)


@operation(
    "estoppelCertificate/v1/get",
    input=EstoppelCertificateGetInput,
    output=EstoppelCertificateRead,
    kind=KIND,
    action="read",
    target=EstoppelCertificate,
    mutates=False,
    summary="Read a certificate",
)
async def get_certificate(ctx: OperationContext, data: EstoppelCertificateGetInput) -> EstoppelCertificateRead:
    """One certificate as issued, with its status (`stale` after its validity date).
    Staff, the board, auditors and integrations read every one; an owner their unit's."""
    return _read(ctx.target)


@operation(
    "estoppelCertificate/v1/list",
    input=EstoppelCertificateListInput,
    output=EstoppelCertificateConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="estoppelCertificates",
    summary="List certificates",
)
async def list_certificates(ctx: OperationContext, data: EstoppelCertificateListInput) -> EstoppelCertificateConnection:
    """An association's certificates (or one unit's), latest first; an owner sees their units'."""
    rows, page = await certificates.page(ctx.session, data, await ctx.visible(KIND, "read", EstoppelCertificate))
    return as_connection(EstoppelCertificateConnection, [_issued(c) for c in rows], page)


@operation(
    "estoppelCertificate/v1/download",
    input=EstoppelCertificateGetInput,
    output=DownloadLink,
    kind=KIND,
    action="read",
    target=EstoppelCertificate,
    mutates=False,
    summary="Get a signed link to a certificate's PDF",
)
async def download(ctx: OperationContext, data: EstoppelCertificateGetInput) -> DownloadLink:
    """A short-lived signed URL to GET the certificate's PDF, for whoever may
    read the certificate (the PDF is staff-only in the library: the owner and
    the requestor reach it here)."""
    document, versions = await certificates.file_of(ctx.session, ctx.target)
    version, link, expires = await documents.download(ctx.platform.settings, document, versions, None)
    return DownloadLink(version=DocumentVersionRead.model_validate(version), url=link, expires_at=expires)

"""GraphQL relation fields of the payables domain, resolved through loaders."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry
from sqlalchemy import select
from strawberry.dataloader import DataLoader

from domains.accounting.models import Fund, GlAccount, JournalEntry
from domains.accounting.types import FundType, GlAccountType, JournalEntryType
from domains.payables.models import (
    InsuranceCertificate,
    Invoice,
    InvoiceApproval,
    InvoiceLine,
    Vendor,
    VendorPayment,
)
from domains.payables.schemas import (
    ApRegisterRow,
    InsuranceCertificateRead,
    InvoiceApprovalRead,
    InvoiceLineRead,
    InvoiceRead,
    VendorPaymentRead,
    VendorRead,
)
from graph.gqltypes import extend, output_type
from graph.pages import group


def _certificates(info: strawberry.Info) -> DataLoader[UUID, list[InsuranceCertificate]]:
    """`InsuranceCertificatesByVendor`, latest expiry first."""
    ctx = info.context

    async def load(vendor_ids: list[UUID]) -> list[list[InsuranceCertificate]]:
        rows = await ctx.scalars(
            select(InsuranceCertificate)
            .where(InsuranceCertificate.vendor_id.in_(vendor_ids))
            .order_by(InsuranceCertificate.expires_on.desc(), InsuranceCertificate.id)
        )
        return group(rows, "vendor_id", vendor_ids)

    return ctx.loaders.keyed(("certificates_by_vendor",), load)


@extend(VendorRead)
class VendorRelations:
    @strawberry.field(description="Certificates of insurance on file, latest expiry first.")
    async def insurance_certificates(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[InsuranceCertificateType]:
        if getattr(root, "insurance_certificates", None) is not None:  # an operation's result carries them
            return root.insurance_certificates
        return await _certificates(info).load(root.id)


@extend(InvoiceRead)
class InvoiceRelations:
    @strawberry.field(description="The vendor who billed.")
    async def vendor(self, root: strawberry.Parent[Any], info: strawberry.Info) -> VendorType | None:
        return await info.context.loaders.by_id(Vendor).load(root.vendor_id)

    @strawberry.field(description="The charges, in order.")
    async def lines(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[InvoiceLineType]:
        if getattr(root, "lines", None) is not None:
            return root.lines
        return await info.context.loaders.by_column(InvoiceLine, "invoice_id", order_by="line_no").load(root.id)

    @strawberry.field(description="Decisions so far, manager step first.")
    async def approvals(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[InvoiceApprovalType]:
        if getattr(root, "approvals", None) is not None:
            return root.approvals
        return await info.context.loaders.by_column(InvoiceApproval, "invoice_id", order_by="decided_at").load(root.id)

    @strawberry.field(description="Payments of this invoice, oldest first.")
    async def payments(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[VendorPaymentType]:
        return await info.context.loaders.by_column(VendorPayment, "invoice_id", order_by="paid_on").load(root.id)

    @strawberry.field(description="The entry that posted the expense and the payable.")
    async def journal_entry(self, root: strawberry.Parent[Any], info: strawberry.Info) -> JournalEntryType | None:
        return await info.context.loaders.by_id(JournalEntry).load(root.journal_entry_id)


@extend(InvoiceLineRead)
class InvoiceLineRelations:
    @strawberry.field(description="The expense account charged.")
    async def account(self, root: strawberry.Parent[Any], info: strawberry.Info) -> GlAccountType | None:
        return await info.context.loaders.by_id(GlAccount).load(root.account_id)

    @strawberry.field(description="The fund that bears the expense.")
    async def fund(self, root: strawberry.Parent[Any], info: strawberry.Info) -> FundType | None:
        return await info.context.loaders.by_id(Fund).load(root.fund_id)


@strawberry.type
class OfInvoice:
    @strawberry.field(description="The invoice.")
    async def invoice(self, root: strawberry.Parent[Any], info: strawberry.Info) -> InvoiceType | None:
        return await info.context.loaders.by_id(Invoice).load(root.invoice_id)


extend(VendorPaymentRead)(OfInvoice)
extend(ApRegisterRow)(OfInvoice)


# Built after every extension: return annotations above name these lazily.
InsuranceCertificateType = output_type(InsuranceCertificateRead)
VendorType = output_type(VendorRead)
InvoiceLineType = output_type(InvoiceLineRead)
InvoiceApprovalType = output_type(InvoiceApprovalRead)
InvoiceType = output_type(InvoiceRead)
VendorPaymentType = output_type(VendorPaymentRead)

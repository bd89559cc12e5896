"""GraphQL relation fields of the payables domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.payables import loaders
from domains.payables.models import (
    InvoiceApproval,
    InvoiceLine,
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
from graph.gqltypes import extend, output_type, to_one


@extend(VendorRead)
class VendorRelations:
    @strawberry.field(description="Certificates of insurance on file, latest expiry first.")
    async def insurance_certificates(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[InsuranceCertificateType]:
        if getattr(root, "insurance_certificates", None) is not None:  # an operation's result carries them
            return root.insurance_certificates
        return await loaders.certificates(info.context).load(root.id)


@extend(InvoiceRead)
class InvoiceRelations:
    vendor = to_one("The vendor who billed.")
    scan = to_one("The invoice as received (null without one, or if you may not read it).", kind="document")

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

    journal_entry = to_one("The entry that posted the expense and the payable.")


@extend(InvoiceLineRead)
class InvoiceLineRelations:
    account = to_one("The expense account charged.")
    fund = to_one("The fund that bears the expense.")


class OfInvoice:
    invoice = to_one("The invoice.")


extend(VendorPaymentRead)(OfInvoice)
extend(ApRegisterRow)(OfInvoice)


# Built after every extension: return annotations above name these lazily.
InsuranceCertificateType = output_type(InsuranceCertificateRead)
VendorType = output_type(VendorRead)
InvoiceLineType = output_type(InvoiceLineRead)
InvoiceApprovalType = output_type(InvoiceApprovalRead)
InvoiceType = output_type(InvoiceRead)
VendorPaymentType = output_type(VendorPaymentRead)

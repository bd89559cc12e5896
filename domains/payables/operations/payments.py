"""vendorPayment/v1/{create,void,list}."""

from __future__ import annotations

from domains.payables.models import InvoiceStatus, VendorPayment
from domains.payables.schemas import (
    VendorPaymentConnection,
    VendorPaymentCreateInput,
    VendorPaymentListInput,
    VendorPaymentRead,
    VendorPaymentVoidInput,
    VendorPaymentVoidRead,
)
from domains.payables.service import payments
from domains.webhooks.models import WebhookEventType
from domains.webhooks.service import events
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "vendorPayment/v1/create",
    input=VendorPaymentCreateInput,
    output=VendorPaymentRead,
    kind="vendor_payment",
    action="create",
    summary="Pay an invoice",
)
async def create_payment(ctx: OperationContext, data: VendorPaymentCreateInput) -> VendorPaymentRead:
    """Pay an approved invoice in full or in part (INVOICE_NOT_APPROVED before
    approval; OVERPAYMENT above what is open). Refused while the vendor is on
    hold (VENDOR_ON_HOLD) or a kind of coverage it has on file is not in force on
    the payment date (VENDOR_INSURANCE_EXPIRED). Posts on the payment date
    (open month): Dr accounts payable [accrual] and Dr expense [cash], Cr cash,
    per fund, settling the invoice's lines in order. The invoice becomes paid
    when nothing is open."""
    payment, invoice = await payments.pay(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {
        "amount": str(payment.amount),
        "invoiceStatus": invoice.status.value,
        "open": str(invoice.total - invoice.amount_paid),
    }
    read = VendorPaymentRead.model_validate(payment)
    if invoice.status is InvoiceStatus.PAID:
        await events.emit(ctx.session, org(ctx), WebhookEventType.INVOICE_PAID, read)
    return read


@operation(
    "vendorPayment/v1/void",
    input=VendorPaymentVoidInput,
    output=VendorPaymentVoidRead,
    kind="vendor_payment",
    action="void",
    target=VendorPayment,
    summary="Void a vendor payment entered in error",
)
async def void_payment(ctx: OperationContext, data: VendorPaymentVoidInput) -> VendorPaymentVoidRead:
    """Void a vendor payment entered in error: its journal entry is reversed on
    `voidedOn` (an open month, not before the payment) and its amount is open
    on the invoice again (a paid invoice is approved again), the reason kept.
    Once only (VENDOR_PAYMENT_ALREADY_VOIDED)."""
    row = await payments.void(ctx.session, org(ctx), ctx.target, data, actor(ctx))
    ctx.audit_summary = {"amount": str(row.amount), "reason": data.reason}
    return VendorPaymentVoidRead.model_validate(row)


@operation(
    "vendorPayment/v1/list",
    input=VendorPaymentListInput,
    output=VendorPaymentConnection,
    kind="vendor_payment",
    action="list",
    mutates=False,
    graphql_name="vendorPayments",
    summary="List vendor payments",
)
async def list_payments(ctx: OperationContext, data: VendorPaymentListInput) -> VendorPaymentConnection:
    """An association's vendor payments, latest payment date first; optionally one invoice's."""
    rows, page = await payments.payment_page(ctx.session, data, await ctx.visible("vendor_payment", "read", VendorPayment))
    return as_connection(VendorPaymentConnection, rows, page)

"""ownerPayment/v1/{create,settle,originateDebits,get,list}."""

from __future__ import annotations

from domains.associations.models import Unit
from domains.owner_payments.models import OwnerPayment
from domains.owner_payments.schemas import (
    OwnerPaymentConnection,
    OwnerPaymentCreateInput,
    OwnerPaymentDebitsOriginateInput,
    OwnerPaymentDebitsResult,
    OwnerPaymentGetInput,
    OwnerPaymentListInput,
    OwnerPaymentRead,
    OwnerPaymentSettleInput,
)
from domains.owner_payments.service import payments, receipts
from graph.handlers import OperationContext, actor, as_connection, org, require
from graph.operations import operation

KIND = "owner_payment"


@operation(
    "ownerPayment/v1/create",
    input=OwnerPaymentCreateInput,
    output=OwnerPaymentRead,
    kind=KIND,
    action="create",
    summary="Pay a unit's balance",
)
async def create(ctx: OperationContext, data: OwnerPaymentCreateInput) -> OwnerPaymentRead:
    """An owner pays their unit's balance (or staff take a payment for them):
    from the unit's saved ACH account — the debit goes in the next morning's
    file of one-time debits — or by card through the processor, whose charge
    reference the app got from the processor's own card form. The payment posts
    at once on the unit's ledger, pending, applied to the oldest charges, and a
    receipt (numbered in the association) is sent to the payer. It settles when
    the debit settles or the processor calls back (ownerPayment/v1/settle); a
    returned debit or declined charge reverses it. ACH needs the unit's active
    authorization (ACH_AUTHORIZATION_NOT_ACTIVE) within its limit, and an
    association that can send ACH files (ACH_ORIGINATION_NOT_SET_UP); card needs
    a known processor (UNKNOWN_PAYMENT_PROCESSOR) and a reference of its shape."""
    unit = await require(ctx.session, Unit, data.unit_id, "unitId")
    await ctx.authorize(KIND, "pay_for_unit", unit)
    payment = await payments.pay(ctx.session, org(ctx), unit, data, actor(ctx))
    await receipts.send(ctx.session, payment, actor(ctx))
    ctx.audit_summary = {"method": data.method.value, "amount": str(data.amount), "receipt": payment.receipt_number}
    return OwnerPaymentRead.model_validate(payment)


@operation(
    "ownerPayment/v1/settle",
    input=OwnerPaymentSettleInput,
    output=OwnerPaymentRead,
    kind=KIND,
    action="settle",
    target=OwnerPayment,
    summary="Settle or decline a card payment (the processor's callback)",
)
async def settle(ctx: OperationContext, data: OwnerPaymentSettleInput) -> OwnerPaymentRead:
    """The card processor's callback, through its integration's API key (or an
    admin acting on the processor's report): the charge settled, or it was
    declined — then the payment is reversed on the unit's ledger (the charges it
    paid are open again; no fee). The reference must be the payment's. Once
    (OWNER_PAYMENT_NOT_PENDING); an ACH payment settles by its debit instead
    (OWNER_PAYMENT_SETTLES_BY_BANK_FILE)."""
    payment = await payments.settle_card(ctx.session, org(ctx), ctx.target, data, actor(ctx))
    ctx.audit_summary = {"outcome": data.outcome.value, "on": data.on.isoformat(), "reason": data.reason}
    return OwnerPaymentRead.model_validate(payment)


@operation(
    "ownerPayment/v1/originateDebits",
    input=OwnerPaymentDebitsOriginateInput,
    output=OwnerPaymentDebitsResult,
    kind=KIND,
    action="originate",
    result_field="result",
    summary="File owners' one-time ACH payments now",
)
async def originate_debits(ctx: OperationContext, data: OwnerPaymentDebitsOriginateInput) -> OwnerPaymentDebitsResult:
    """Send the association's one-time ACH payments due to go by the date as
    that morning's file (a PPD batch; the daily workflow does the same every
    morning). One file per association and morning: asking again answers the
    file built before."""
    file, count = await payments.file_debits(ctx.session, org(ctx), data.association_id, data.effective_date, ctx.platform.sealer)
    ctx.audit_summary = {"payments": count}
    return OwnerPaymentDebitsResult(file_id=file.id if file else None, payments=count)


@operation(
    "ownerPayment/v1/get",
    input=OwnerPaymentGetInput,
    output=OwnerPaymentRead,
    kind=KIND,
    action="read",
    target=OwnerPayment,
    mutates=False,
    summary="Read an owner payment (its receipt)",
)
async def get(ctx: OperationContext, data: OwnerPaymentGetInput) -> OwnerPaymentRead:
    """One payment with its receipt number and where it stands. Owners read their own units'."""
    return OwnerPaymentRead.model_validate(ctx.target)


@operation(
    "ownerPayment/v1/list",
    input=OwnerPaymentListInput,
    output=OwnerPaymentConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="ownerPayments",
    summary="List owner payments",
)
async def list_payments(ctx: OperationContext, data: OwnerPaymentListInput) -> OwnerPaymentConnection:
    """An association's owner payments, newest first. Owners see their own units' only."""
    rows, page = await payments.page(ctx.session, data, await ctx.visible(KIND, "read", OwnerPayment))
    return as_connection(OwnerPaymentConnection, rows, page)

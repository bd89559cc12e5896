"""payment/v1/{record,return,void}, ownerLedgerEntry/v1/{charge,credit,get,list}."""

from __future__ import annotations

from domains.receivables.models import OwnerLedgerEntry
from domains.receivables.schemas import (
    OwnerLedgerEntryChargeInput,
    OwnerLedgerEntryConnection,
    OwnerLedgerEntryCreditInput,
    OwnerLedgerEntryGetInput,
    OwnerLedgerEntryListInput,
    OwnerLedgerEntryRead,
    PaymentRecordInput,
    PaymentReturnInput,
    PaymentReturnResult,
    PaymentVoidInput,
    PaymentVoidRead,
    PaymentVoidResult,
)
from domains.receivables.service import owner_ledger
from domains.webhooks.models import WebhookEventType
from domains.webhooks.service import events
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


def _actor(ctx: OperationContext) -> object:
    return ctx.principal.id if ctx.principal else None


@operation(
    "payment/v1/record",
    input=PaymentRecordInput,
    output=OwnerLedgerEntryRead,
    kind="owner_ledger_entry",
    action="create",
    summary="Record an owner's payment",
)
async def record_payment(ctx: OperationContext, data: PaymentRecordInput) -> OwnerLedgerEntryRead:
    """Record a payment received for a unit. It pays the oldest open charges
    first (by due date) unless `allocations` name charges to pay first; what is
    left stays as a credit that later charges use. The amount is positive with
    at most two decimals (VALIDATION_FAILED otherwise); its month must be open
    (PERIOD_CLOSED)."""
    rows, allocations = await owner_ledger.record_payment(ctx.session, org(ctx), data, _actor(ctx))  # type: ignore[arg-type]
    [payment] = await owner_ledger.entry_reads(ctx.session, rows, allocations)
    applied = sum(a.amount for a in allocations)
    ctx.audit_summary = {"amount": str(data.amount), "applied": str(applied), "credit": str(data.amount - applied)}
    await events.emit(ctx.session, org(ctx), WebhookEventType.PAYMENT_RECORDED, payment)
    return payment


@operation(
    "payment/v1/return",
    input=PaymentReturnInput,
    output=PaymentReturnResult,
    kind="owner_ledger_entry",
    action="return",
    target=OwnerLedgerEntry,
    result_field="result",
    summary="Return a bounced payment",
)
async def return_payment(ctx: OperationContext, data: PaymentReturnInput) -> PaymentReturnResult:
    """Record that the bank returned a payment (NSF): the charges it paid are
    open again — undone by new rows, nothing is edited — the money leaves cash,
    and `fee` is charged. A payment is returned at most once
    (PAYMENT_ALREADY_RETURNED)."""
    payment = ctx.target
    returned, fee, allocations = await owner_ledger.return_payment(ctx.session, org(ctx), payment, data, _actor(ctx))  # type: ignore[arg-type]
    reads = await owner_ledger.entry_reads(ctx.session, [returned, *([fee] if fee else [])], allocations)
    ctx.audit_summary = {"amount": str(returned.amount), "fee": str(data.fee)}
    result = PaymentReturnResult(returned=reads[0], fee=reads[1] if fee else None)
    await events.emit(ctx.session, org(ctx), WebhookEventType.PAYMENT_RETURNED, result)
    return result


@operation(
    "payment/v1/void",
    input=PaymentVoidInput,
    output=PaymentVoidResult,
    kind="owner_ledger_entry",
    action="void",
    target=OwnerLedgerEntry,
    result_field="result",
    summary="Void a payment entered in error",
)
async def void_payment(ctx: OperationContext, data: PaymentVoidInput) -> PaymentVoidResult:
    """Void a payment entered in error: it is reversed by a new row on its
    accounting date `voidedOn` (the charges it paid are open again, its money
    leaves cash), with no fee and the reason kept — unlike a bounce
    (`payment/v1/return`). Once only (PAYMENT_ALREADY_VOIDED; a payment already
    returned: PAYMENT_ALREADY_RETURNED); NOT_A_PAYMENT for any other row."""
    void, reversal, allocations = await owner_ledger.void_payment(ctx.session, org(ctx), ctx.target, data, actor(ctx))
    [read] = await owner_ledger.entry_reads(ctx.session, [reversal], allocations)
    ctx.audit_summary = {"amount": str(reversal.amount), "reason": data.reason}
    return PaymentVoidResult(void=PaymentVoidRead.model_validate(void), reversal=read)


@operation(
    "ownerLedgerEntry/v1/charge",
    input=OwnerLedgerEntryChargeInput,
    output=OwnerLedgerEntryRead,
    kind="owner_ledger_entry",
    action="create",
    summary="Charge a unit",
)
async def charge(ctx: OperationContext, data: OwnerLedgerEntryChargeInput) -> OwnerLedgerEntryRead:
    """Charge one unit a one-off amount (a fine, a repair charged back, a
    correction), credited to an income account; any credit the owner has pays it."""
    rows, allocations = await owner_ledger.charge(ctx.session, org(ctx), data, _actor(ctx))  # type: ignore[arg-type]
    ctx.audit_summary = {"amount": str(data.amount), "memo": data.memo}
    return (await owner_ledger.entry_reads(ctx.session, rows, allocations))[0]


@operation(
    "ownerLedgerEntry/v1/credit",
    input=OwnerLedgerEntryCreditInput,
    output=OwnerLedgerEntryRead,
    kind="owner_ledger_entry",
    action="create",
    summary="Credit a unit",
)
async def credit(ctx: OperationContext, data: OwnerLedgerEntryCreditInput) -> OwnerLedgerEntryRead:
    """Credit one unit (a waived fee, a concession): it reduces the income it
    gives back and pays the named charge, or the oldest open charges of its fund;
    any rest stays as credit."""
    rows, allocations = await owner_ledger.credit(ctx.session, org(ctx), data, _actor(ctx))  # type: ignore[arg-type]
    ctx.audit_summary = {"amount": str(data.amount), "memo": data.memo}
    return (await owner_ledger.entry_reads(ctx.session, rows, allocations))[0]


@operation(
    "ownerLedgerEntry/v1/get",
    input=OwnerLedgerEntryGetInput,
    output=OwnerLedgerEntryRead,
    kind="owner_ledger_entry",
    action="read",
    target=OwnerLedgerEntry,
    mutates=False,
    summary="Read an owner-ledger row",
)
async def get_entry(ctx: OperationContext, data: OwnerLedgerEntryGetInput) -> OwnerLedgerEntryRead:
    """One row of a unit's ledger with its allocations. Owners read their own units' rows."""
    return (await owner_ledger.entry_reads(ctx.session, [ctx.target]))[0]


@operation(
    "ownerLedgerEntry/v1/list",
    input=OwnerLedgerEntryListInput,
    output=OwnerLedgerEntryConnection,
    kind="owner_ledger_entry",
    action="list",
    mutates=False,
    graphql_name="ownerLedgerEntries",
    summary="List owner-ledger rows",
)
async def list_entries(ctx: OperationContext, data: OwnerLedgerEntryListInput) -> OwnerLedgerEntryConnection:
    """Owner-ledger rows of an association or one unit, newest first, with their
    allocations. Owners see their own units' rows only."""
    rows, page = await owner_ledger.entry_page(
        ctx.session, data, await ctx.visible("owner_ledger_entry", "read", OwnerLedgerEntry)
    )
    connection = as_connection(OwnerLedgerEntryConnection, rows, page)
    nodes = await owner_ledger.entry_reads(ctx.session, rows[: page.first])
    return connection.model_copy(
        update={"nodes": nodes, "edges": [e.model_copy(update={"node": n}) for e, n in zip(connection.edges, nodes, strict=True)]}
    )

"""bankReconciliation/v1/{start,finish,get,report,list}."""

from __future__ import annotations

from decimal import Decimal

from domains.banking.models import BankReconciliation, ReconciliationStatus
from domains.banking.schemas import (
    BankReconciliationConnection,
    BankReconciliationIdInput,
    BankReconciliationListInput,
    BankReconciliationRead,
    BankReconciliationReport,
    BankReconciliationStartInput,
    OutstandingItem,
)
from domains.banking.service import matching, reconciliations
from domains.banking.service.reconciliations import Figures
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


async def _report(ctx: OperationContext, row: BankReconciliation, f: Figures) -> BankReconciliationReport:
    finished = row.status is ReconciliationStatus.FINISHED
    book = row.book_balance if finished and row.book_balance is not None else f.book_balance
    outstanding = row.outstanding if finished and row.outstanding is not None else f.outstanding_total
    return BankReconciliationReport(
        reconciliation=BankReconciliationRead.model_validate(row),
        period_end=f.period_end,
        book_balance=book,
        cleared_balance=book - outstanding,
        deposits_in_transit=sum((r.amount for r in f.outstanding if r.amount > 0), Decimal(0)),
        outstanding_payments=-sum((r.amount for r in f.outstanding if r.amount < 0), Decimal(0)),
        difference=row.statement_ending_balance - (book - outstanding),
        outstanding_items=[OutstandingItem.model_validate(r, from_attributes=True) for r in f.outstanding],
        unmatched_transactions=await matching.reads(ctx.session, f.unmatched),
    )


@operation(
    "bankReconciliation/v1/start",
    input=BankReconciliationStartInput,
    output=BankReconciliationReport,
    kind="bank_reconciliation",
    action="create",
    summary="Start a bank reconciliation",
)
async def start(ctx: OperationContext, data: BankReconciliationStartInput) -> BankReconciliationReport:
    """Start reconciling a bank account for a month with the statement's ending
    balance; answers the reconciliation report as it stands. One per account and
    month (RECONCILIATION_EXISTS), not before the account's `openedOn`."""
    row = await reconciliations.start(ctx.session, org(ctx), data, actor(ctx))
    _, f = await reconciliations.report(ctx.session, row)
    ctx.audit_summary = {"month": row.month.isoformat(), "statement": str(row.statement_ending_balance)}
    return await _report(ctx, row, f)


@operation(
    "bankReconciliation/v1/finish",
    input=BankReconciliationIdInput,
    output=BankReconciliationReport,
    kind="bank_reconciliation",
    action="finish",
    target=BankReconciliation,
    summary="Finish a bank reconciliation",
)
async def finish(ctx: OperationContext, data: BankReconciliationIdInput) -> BankReconciliationReport:
    """Finish a reconciliation that ties — statement ending balance plus
    outstanding items equal to the book balance, every bank transaction of the
    month matched — or RECONCILIATION_NOT_BALANCED with the figures. Finished, it
    is locked (RECONCILIATION_FINISHED): its month's matches no longer change and
    the month may close."""
    row, f = await reconciliations.finish(ctx.session, ctx.target, actor(ctx))
    ctx.audit_summary = {"month": row.month.isoformat(), "book": str(row.book_balance), "outstanding": str(row.outstanding)}
    return await _report(ctx, row, f)


@operation(
    "bankReconciliation/v1/get",
    input=BankReconciliationIdInput,
    output=BankReconciliationRead,
    kind="bank_reconciliation",
    action="read",
    target=BankReconciliation,
    mutates=False,
    summary="Read a bank reconciliation",
)
async def get(ctx: OperationContext, data: BankReconciliationIdInput) -> BankReconciliationRead:
    """One reconciliation: its month, the statement's ending balance, its status
    and, once finished, the book balance and outstanding total it tied with."""
    return BankReconciliationRead.model_validate(ctx.target)


@operation(
    "bankReconciliation/v1/report",
    input=BankReconciliationIdInput,
    output=BankReconciliationReport,
    kind="bank_reconciliation",
    action="read",
    target=BankReconciliation,
    mutates=False,
    graphql_name="bankReconciliationReport",
    summary="Bank reconciliation report",
)
async def report(ctx: OperationContext, data: BankReconciliationIdInput) -> BankReconciliationReport:
    """The reconciliation report: book balance, outstanding deposits and
    payments item by item, the cleared balance, the difference from the
    statement and the bank transactions still unmatched."""
    row, f = await reconciliations.report(ctx.session, ctx.target)
    return await _report(ctx, row, f)


@operation(
    "bankReconciliation/v1/list",
    input=BankReconciliationListInput,
    output=BankReconciliationConnection,
    kind="bank_reconciliation",
    action="list",
    mutates=False,
    graphql_name="bankReconciliations",
    summary="List bank reconciliations",
)
async def list_reconciliations(ctx: OperationContext, data: BankReconciliationListInput) -> BankReconciliationConnection:
    """A bank account's reconciliations, latest month first."""
    rows, page = await reconciliations.page(
        ctx.session, data, await ctx.visible("bank_reconciliation", "read", BankReconciliation)
    )
    return as_connection(BankReconciliationConnection, rows, page)

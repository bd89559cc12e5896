"""bankTransaction/v1/{list,autoMatch,match,unmatch,createEntry}."""

from __future__ import annotations

from domains.banking.models import BankTransaction
from domains.banking.schemas import (
    BankTransactionAutoMatchInput,
    BankTransactionAutoMatchResult,
    BankTransactionConnection,
    BankTransactionCreateEntryInput,
    BankTransactionCreateEntryResult,
    BankTransactionListInput,
    BankTransactionMatchInput,
    BankTransactionRead,
    BankTransactionUnmatchInput,
)
from domains.banking.service import matching
from graph.handlers import OperationContext, actor, as_connection, org, with_nodes
from graph.operations import operation


@operation(
    "bankTransaction/v1/list",
    input=BankTransactionListInput,
    output=BankTransactionConnection,
    kind="bank_transaction",
    action="list",
    mutates=False,
    graphql_name="bankTransactions",
    summary="List bank transactions",
)
async def list_transactions(ctx: OperationContext, data: BankTransactionListInput) -> BankTransactionConnection:
    """A bank account's transactions by posting date, each with the journal lines
    it clears; `unmatchedOnly` leaves the ones still to match."""
    rows, page = await matching.page(ctx.session, data, await ctx.visible("bank_transaction", "read", BankTransaction))
    connection = as_connection(BankTransactionConnection, rows, page)
    return with_nodes(connection, await matching.reads(ctx.session, rows[: page.first]))


@operation(
    "bankTransaction/v1/autoMatch",
    input=BankTransactionAutoMatchInput,
    output=BankTransactionAutoMatchResult,
    kind="bank_transaction",
    action="match",
    result_field="result",
    summary="Match bank transactions automatically",
)
async def auto_match(ctx: OperationContext, data: BankTransactionAutoMatchInput) -> BankTransactionAutoMatchResult:
    """Match the account's unmatched transactions (outside reconciled months) to
    unmatched lines of its cash account: same amount, within `windowDays`, the
    check number or reference deciding between candidates, then the nearest
    date. A tie is left for a person (counted as `ambiguous`)."""
    account = await matching.lock(ctx.session, data.bank_account_id)
    matched, ambiguous, unmatched = await matching.auto_match(
        ctx.session, org(ctx), account, data.through, data.window_days, actor(ctx)
    )
    ctx.audit_summary = {"matched": matched, "ambiguous": ambiguous, "unmatched": unmatched}
    return BankTransactionAutoMatchResult(matched=matched, ambiguous=ambiguous, unmatched=unmatched)


@operation(
    "bankTransaction/v1/match",
    input=BankTransactionMatchInput,
    output=BankTransactionRead,
    kind="bank_transaction",
    action="match",
    target=BankTransaction,
    summary="Match a bank transaction by hand",
)
async def match(ctx: OperationContext, data: BankTransactionMatchInput) -> BankTransactionRead:
    """Match a transaction to lines of its account's cash account whose net
    amounts add up to it (NOT_MATCHABLE otherwise, or when a line is matched
    already); ALREADY_MATCHED if it is; MONTH_RECONCILED in a locked month."""
    await matching.match(ctx.session, org(ctx), ctx.target, data.journal_line_ids, actor(ctx))
    ctx.audit_summary = {"lines": len(data.journal_line_ids)}
    return (await matching.reads(ctx.session, [ctx.target]))[0]


@operation(
    "bankTransaction/v1/unmatch",
    input=BankTransactionUnmatchInput,
    output=BankTransactionRead,
    kind="bank_transaction",
    action="unmatch",
    target=BankTransaction,
    summary="Undo a bank transaction's match",
)
async def unmatch(ctx: OperationContext, data: BankTransactionUnmatchInput) -> BankTransactionRead:
    """Undo a transaction's matches (kept, stamped as undone); its lines are
    outstanding again. NOT_MATCHED if it isn't; MONTH_RECONCILED in a locked month."""
    undone = await matching.unmatch(ctx.session, ctx.target, actor(ctx))
    ctx.audit_summary = {"undone": undone}
    return (await matching.reads(ctx.session, [ctx.target]))[0]


@operation(
    "bankTransaction/v1/createEntry",
    input=BankTransactionCreateEntryInput,
    output=BankTransactionCreateEntryResult,
    kind="bank_transaction",
    action="create_entry",
    target=BankTransaction,
    result_field="result",
    summary="Book a bank fee or interest",
)
async def create_entry(ctx: OperationContext, data: BankTransactionCreateEntryInput) -> BankTransactionCreateEntryResult:
    """Post the entry the books lack for an unmatched transaction — a bank fee
    (Dr the expense, Cr cash), interest (Dr cash, Cr the income) — on its posting
    date, in the bank account's fund (source `bank`), and match it. The month
    must be open (PERIOD_CLOSED); owner-ledger accounts are refused
    (OWNER_LEDGER_ACCOUNT)."""
    entry = await matching.create_entry(ctx.session, org(ctx), ctx.target, data, actor(ctx))
    ctx.audit_summary = {"entry": entry.number, "amount": str(ctx.target.amount)}
    [transaction] = await matching.reads(ctx.session, [ctx.target])
    return BankTransactionCreateEntryResult(transaction=transaction, journal_entry_id=entry.id)

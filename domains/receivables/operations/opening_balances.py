"""openingBalance/v1/{post,get}."""

from __future__ import annotations

from domains.receivables.errors import OpeningBalanceMissing
from domains.receivables.schemas import OpeningBalanceGetInput, OpeningBalancePostInput, OpeningBalanceRead
from domains.receivables.service import opening_balances
from graph.handlers import OperationContext, actor, org
from graph.operations import operation


@operation(
    "openingBalance/v1/post",
    input=OpeningBalancePostInput,
    output=OpeningBalanceRead,
    kind="opening_balance",
    action="create",
    summary="Post an association's opening balances",
)
async def post_opening_balances(ctx: OperationContext, data: OpeningBalancePostInput) -> OpeningBalanceRead:
    """Move an association in: its opening trial balance (per account and fund)
    and its owners' opening items (charges aged by their original due dates,
    prepaid credit), as of the cut-over date, from JSON rows or CSV. Validated as
    a whole and posted all or nothing as one journal entry (source
    `opening_balance`) with the owner-ledger rows: any wrong row and nothing is
    written, IMPORT_REJECTED listing every problem by section and row. The trial
    balance must balance per fund and its receivable and prepaid lines equal the
    owners' items; the books must hold nothing on or before the cut-over date
    (BOOKS_ALREADY_STARTED); an association moves in once (OPENING_BALANCE_EXISTS)."""
    row = await opening_balances.post(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {
        "cut_over_date": row.cut_over_date.isoformat(),
        "account_lines": row.account_lines,
        "unit_items": row.unit_items,
        "total_debit": str(row.total_debit),
    }
    return OpeningBalanceRead.model_validate(row)


@operation(
    "openingBalance/v1/get",
    input=OpeningBalanceGetInput,
    output=OpeningBalanceRead,
    kind="opening_balance",
    action="read",
    mutates=False,
    summary="Read an association's opening balances",
)
async def get_opening_balances(ctx: OperationContext, data: OpeningBalanceGetInput) -> OpeningBalanceRead:
    """The association's opening balances: cut-over date, the entry that posted
    them, and their totals (OPENING_BALANCE_MISSING before it has moved in)."""
    row = await opening_balances.get(ctx.session, data.association_id)
    if row is None:
        raise OpeningBalanceMissing("This association has no opening balances.", field=["associationId"])
    return OpeningBalanceRead.model_validate(row)

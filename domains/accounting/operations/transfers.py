"""reserveTransfer/v1/create."""

from __future__ import annotations

from domains.accounting.schemas import JournalEntryRead, JournalLineRead, ReserveTransferCreateInput
from domains.accounting.service import ledger, transfers
from graph.handlers import OperationContext, org
from graph.operations import operation


@operation(
    "reserveTransfer/v1/create",
    input=ReserveTransferCreateInput,
    output=JournalEntryRead,
    kind="reserve_transfer",
    action="create",
    summary="Transfer cash between the operating and a reserve fund",
)
async def create_transfer(ctx: OperationContext, data: ReserveTransferCreateInput) -> JournalEntryRead:
    """Move cash from one fund's cash account to another's — operating to
    reserve (the month's contribution) or back — as one journal entry (source
    `reserve_transfer`) in which each fund balances on its own: the fund the
    cash leaves is owed it through its interfund account, the fund it reaches
    owes it through its own. Refused between the same fund or two funds that
    are not one operating and one reserve (INVALID_TRANSFER), for more than the
    paying fund's cash holds that day (INSUFFICIENT_CASH), into a closed month
    (PERIOD_CLOSED), or when a fund lacks its cash or interfund account
    (CONTROL_ACCOUNT_MISSING). Undo one by reversing its entry."""
    entry = await transfers.transfer(
        ctx.session,
        organization_id=org(ctx),
        association_id=data.association_id,
        from_fund_id=data.from_fund_id,
        to_fund_id=data.to_fund_id,
        amount=data.amount,
        on=data.transfer_date,
        memo=data.memo,
        posted_by=ctx.principal.id if ctx.principal else None,
    )
    ctx.audit_summary = {"number": entry.number, "amount": str(data.amount)}
    lines = [JournalLineRead.model_validate(line) for line in await ledger.lines_of(ctx.session, [entry.id])]
    return JournalEntryRead.model_validate(entry).model_copy(update={"lines": lines})

"""Reserve transfers: cash moved between an association's operating fund and a
reserve fund, posted so that each fund balances on its own.

Money leaving a fund's cash account is owed back to it by the fund that got it,
so each side posts against its own interfund account (control role
`interfund`, an asset whose credit balance is what the fund owes):

    from fund   Dr interfund   Cr cash
    to fund     Dr cash        Cr interfund

Neither fund's assets less liabilities change, and the interfund accounts of
all funds add up to zero; a transfer back settles them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import InsufficientCash, InvalidTransfer, UnknownFund
from domains.accounting.models import Basis, ControlRole, EntrySource, Fund, FundKind, JournalEntry, JournalLine
from domains.accounting.service import ledger
from domains.accounting.service.ledger import Posting

TRANSFER_KINDS = frozenset({FundKind.OPERATING, FundKind.RESERVE})


async def _fund(session: AsyncSession, association_id: UUID, fund_id: UUID, field: str) -> Fund:
    fund = await session.get(Fund, fund_id)
    if fund is None or fund.association_id != association_id:
        raise UnknownFund("No fund of this association has this id.", field=[field])
    return fund


async def cash_balance(session: AsyncSession, association_id: UUID, account_id: UUID, fund_id: UUID, on: date) -> Decimal:
    """What the cash account holds at the end of `on` (the cash view)."""
    net: Decimal | None = await session.scalar(
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
            JournalLine.association_id == association_id,
            JournalLine.account_id == account_id,
            JournalLine.fund_id == fund_id,
            JournalLine.entry_date <= on,
            JournalLine.basis.in_([Basis.BOTH, Basis.CASH]),
        )
    )
    return net if net is not None else Decimal(0)


async def transfer(
    session: AsyncSession,
    *,
    organization_id: UUID,
    association_id: UUID,
    from_fund_id: UUID,
    to_fund_id: UUID,
    amount: Decimal,
    on: date,
    memo: str | None,
    posted_by: UUID | None,
) -> JournalEntry:
    """Post one transfer of `amount` from one fund's cash to the other's."""
    if from_fund_id == to_fund_id:
        raise InvalidTransfer("A transfer moves cash between two different funds.", field=["toFundId"])
    source = await _fund(session, association_id, from_fund_id, "fromFundId")
    target = await _fund(session, association_id, to_fund_id, "toFundId")
    if {source.kind, target.kind} != TRANSFER_KINDS:
        raise InvalidTransfer(
            f"A reserve transfer is between an operating and a reserve fund, not {source.kind.value} to {target.kind.value}.",
            field=["toFundId"],
        )
    accounts = await ledger.control_accounts(session, association_id)
    from_cash = ledger.control(accounts, ControlRole.CASH, source.id)
    to_cash = ledger.control(accounts, ControlRole.CASH, target.id)
    from_due = ledger.control(accounts, ControlRole.INTERFUND, source.id)
    to_due = ledger.control(accounts, ControlRole.INTERFUND, target.id)
    available = await cash_balance(session, association_id, from_cash.id, source.id, on)
    if available < amount:
        raise InsufficientCash(
            f"{source.name}'s cash ({from_cash.number}) holds {available} on {on.isoformat()}, less than {amount}.",
            field=["amount"],
            details={"field": ["amount"], "available": str(available)},
        )
    return await ledger.post(
        session,
        organization_id=organization_id,
        association_id=association_id,
        entry_date=on,
        memo=memo or f"Transfer from {source.name} to {target.name}",
        source=EntrySource.RESERVE_TRANSFER,
        lines=[
            Posting(from_due.id, source.id, debit=amount, memo=f"Due from {target.name}"),
            Posting(from_cash.id, source.id, credit=amount),
            Posting(to_cash.id, target.id, debit=amount),
            Posting(to_due.id, target.id, credit=amount, memo=f"Due to {source.name}"),
        ],
        posted_by=posted_by,
        checked=True,
    )

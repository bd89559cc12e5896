"""Use cases of the receivables domain. Nothing here commits: each runs inside
the operation's (or the workflow step's) transaction."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import UnknownAccount, UnknownFund
from domains.accounting.models import AccountType, Fund, GlAccount


async def income_account(session: AsyncSession, association_id: UUID, account_id: UUID, field: str) -> GlAccount:
    """An active income account of the association, or UNKNOWN_ACCOUNT on `field`."""
    account = await session.scalar(
        select(GlAccount).where(
            GlAccount.id == account_id,
            GlAccount.association_id == association_id,
            GlAccount.type == AccountType.INCOME,
            GlAccount.is_active.is_(True),
        )
    )
    if account is None:
        raise UnknownAccount("No active income account of this association has this id.", field=[field])
    return account


async def fund_of(session: AsyncSession, association_id: UUID, fund_id: UUID, field: str) -> Fund:
    fund = await session.scalar(select(Fund).where(Fund.id == fund_id, Fund.association_id == association_id))
    if fund is None:
        raise UnknownFund("No fund of this association has this id.", field=[field])
    return fund

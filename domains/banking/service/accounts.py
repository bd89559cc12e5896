"""Bank accounts: each holds one cash account (an active asset account of one fund) of its association."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import AccountType, GlAccount
from domains.associations.models import Association
from domains.banking.errors import CashAccountTaken, InvalidCashAccount
from domains.banking.models import BankAccount
from graph.db import add_or_raise
from graph.handlers import changes, require
from graph.pages import Page, page_statement


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> BankAccount:
    await require(session, Association, data.association_id, "associationId")
    account: GlAccount = await require(session, GlAccount, data.gl_account_id, "glAccountId")
    if (
        account.association_id != data.association_id
        or account.type is not AccountType.ASSET
        or account.fund_id is None
        or not account.is_active
    ):
        raise InvalidCashAccount(
            "A bank account holds an active asset account of the association, in one fund (e.g. 1010 Operating Cash).",
            field=["glAccountId"],
        )
    row = BankAccount(
        organization_id=organization_id,
        association_id=data.association_id,
        name=data.name,
        institution=data.institution,
        kind=data.kind,
        routing_number=data.routing_number,
        account_number_last4=data.account_number[-4:],
        gl_account_id=account.id,
        fund_id=account.fund_id,
        opened_on=data.opened_on,
        is_active=True,
        ach_return_window_days=data.ach_return_window_days,
    )
    await add_or_raise(
        session, row, CashAccountTaken(f"Another bank account holds account {account.number}.", field=["glAccountId"])
    )
    return row


async def update(session: AsyncSession, row: BankAccount, data: Any) -> dict[str, Any]:
    changed = changes(row, data)
    await session.flush()
    return changed


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[BankAccount], Page]:
    page = Page(data.first, data.after, "name")
    where = [visible, BankAccount.association_id == data.association_id]
    return (await session.scalars(page_statement(BankAccount, page, where))).all(), page


async def of_association(session: AsyncSession, association_id: UUID) -> Sequence[BankAccount]:
    return (await session.scalars(select(BankAccount).where(BankAccount.association_id == association_id))).all()

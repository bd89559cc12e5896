"""Reserve components and the general-ledger accounts their spending lands on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import AccountType, GlAccount
from domains.reserves.errors import ReserveAccountInvalid
from domains.reserves.models import ReserveComponent, ReserveComponentAccount
from graph.db import new_id
from graph.handlers import changes
from graph.pages import Page, page_statement


async def _check_accounts(session: AsyncSession, association_id: UUID, account_ids: Sequence[UUID]) -> None:
    """Every account is an active expense account of the association (one statement)."""
    if len(set(account_ids)) != len(account_ids):
        raise ReserveAccountInvalid("Each account is named once.", field=["accountIds"])
    if not account_ids:
        return
    found = set(
        (
            await session.scalars(
                select(GlAccount.id).where(
                    GlAccount.association_id == association_id,
                    GlAccount.id.in_(account_ids),
                    GlAccount.type == AccountType.EXPENSE,
                    GlAccount.is_active.is_(True),
                )
            )
        ).all()
    )
    for i, account_id in enumerate(account_ids):
        if account_id not in found:
            raise ReserveAccountInvalid(
                "Spending on a component is posted to an active expense account of its association.",
                field=["accountIds", str(i)],
            )


async def _link(session: AsyncSession, component: ReserveComponent, account_ids: Sequence[UUID]) -> None:
    if account_ids:
        await session.execute(
            insert(ReserveComponentAccount),
            [
                {
                    "id": new_id(),
                    "organization_id": component.organization_id,
                    "association_id": component.association_id,
                    "component_id": component.id,
                    "account_id": account_id,
                }
                for account_id in account_ids
            ],
        )


async def create(session: AsyncSession, organization_id: UUID, data: Any, actor: UUID) -> ReserveComponent:
    values = data.model_dump(exclude={"account_ids"})
    await _check_accounts(session, data.association_id, data.account_ids)
    component = ReserveComponent(id=new_id(), organization_id=organization_id, updated_by=actor, **values)
    session.add(component)
    await session.flush()
    await _link(session, component, data.account_ids)
    return component


async def lock(session: AsyncSession, component_id: UUID) -> ReserveComponent:
    row = await session.scalar(select(ReserveComponent).where(ReserveComponent.id == component_id).with_for_update())
    assert row is not None  # the pipeline found it in this transaction
    return row


async def update(session: AsyncSession, component: ReserveComponent, data: Any, actor: UUID) -> dict[str, Any]:
    """Apply a patch; returns what changed, for the audit row."""
    changed: dict[str, Any] = changes(component, data, skip=("id", "account_ids"))
    if data.account_ids is not None:
        await _check_accounts(session, component.association_id, data.account_ids)
        before = (await accounts_of(session, [component.id]))[component.id]
        if set(before) != set(data.account_ids):
            await session.execute(delete(ReserveComponentAccount).where(ReserveComponentAccount.component_id == component.id))
            await _link(session, component, data.account_ids)
            changed["accountIds"] = {"from": sorted(map(str, before)), "to": sorted(map(str, data.account_ids))}
    if changed:
        component.updated_by = actor
        await session.flush()
        await session.refresh(component)  # the computed columns (replacement cost, qualifies)
    return changed


async def accounts_of(session: AsyncSession, component_ids: Sequence[UUID]) -> dict[UUID, list[UUID]]:
    """Each component's accounts, in one statement."""
    found: dict[UUID, list[UUID]] = defaultdict(list)
    rows = await session.execute(
        select(ReserveComponentAccount.component_id, ReserveComponentAccount.account_id)
        .where(ReserveComponentAccount.component_id.in_(component_ids))
        .order_by(ReserveComponentAccount.component_id, ReserveComponentAccount.account_id)
    )
    for component_id, account_id in rows:
        found[component_id].append(account_id)
    return {c: found[c] for c in component_ids}


async def component_page(
    session: AsyncSession, data: Any, visible: ColumnElement[bool]
) -> tuple[Sequence[ReserveComponent], Page]:
    """An association's components by name: the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "name")
    where = [visible, ReserveComponent.association_id == data.association_id]
    if data.category is not None:
        where.append(ReserveComponent.category == data.category)
    if data.status is not None:
        where.append(ReserveComponent.status == data.status)
    if data.qualifies is not None:
        where.append(ReserveComponent.qualifies.is_(data.qualifies))
    return (await session.scalars(page_statement(ReserveComponent, page, where))).all(), page

"""Portfolio assignments: who runs which association, kept as history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.organizations.models import Membership
from domains.portfolio.errors import PortfolioAlreadyAssigned, PortfolioAssignmentEnded, PortfolioManagerNotMember
from domains.portfolio.models import PortfolioAssignment
from graph.db import add_or_raise
from graph.pages import Page, page_statement


async def assign(
    session: AsyncSession, organization_id: UUID, association_id: UUID, user_id: UUID, starts_on: date, by: UUID
) -> PortfolioAssignment:
    member = await session.scalar(
        select(Membership.id).where(Membership.organization_id == organization_id, Membership.user_id == user_id)
    )
    if member is None:
        raise PortfolioManagerNotMember("That user is not a member of the organization.", field=["userId"])
    row = PortfolioAssignment(
        organization_id=organization_id, association_id=association_id, user_id=user_id, starts_on=starts_on, assigned_by=by
    )
    await add_or_raise(session, row, PortfolioAlreadyAssigned("That user already runs this association.", field=["userId"]))
    return row


async def end(session: AsyncSession, row: PortfolioAssignment, ends_on: date, by: UUID) -> PortfolioAssignment:
    if row.ends_on is not None:
        raise PortfolioAssignmentEnded(f"This assignment ended on {row.ends_on}.")
    if ends_on < row.starts_on:
        raise PortfolioAssignmentEnded("An assignment can't end before it starts.", field=["endsOn"], status=422)
    row.ends_on, row.ended_by = ends_on, by
    await session.flush()
    return row


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[PortfolioAssignment], Page]:
    """Assignments, newest first."""
    p = Page(data.first, data.after, "created_at", descending=True)
    where = [visible]
    if data.association_id is not None:
        where.append(PortfolioAssignment.association_id == data.association_id)
    if data.user_id is not None:
        where.append(PortfolioAssignment.user_id == data.user_id)
    if not data.include_ended:
        where.append(PortfolioAssignment.ends_on.is_(None))
    return (await session.scalars(page_statement(PortfolioAssignment, p, where))).all(), p

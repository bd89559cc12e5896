"""Terms on boards and committees, and the offices their holders take.

A term runs from `starts_on` up to `ends_on`, the day its powers end. Terms of
one body are decided one at a time under a lock on the body, so two clerks
can't seat more members than the body has seats.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domains.associations.models import Party
from domains.governance.errors import (
    AlreadySeated,
    InvalidEarlyEnd,
    InvalidTerm,
    OfficeOutsideTerm,
    SeatsFull,
    TermEnded,
)
from domains.governance.models import GoverningBody, Office, Seat
from graph.clock import database_today
from graph.handlers import require
from graph.pages import Page, page_statement


def held_on(starts: Any, ends: Any, day: Any) -> ColumnElement[bool]:
    """A term [starts, ends) in force on `day`."""
    return and_(starts <= day, ends > day)


def _overlapping(seat: Any, starts_on: date, ends_on: date) -> ColumnElement[bool]:
    return and_(seat.starts_on < ends_on, seat.ends_on > starts_on)


async def most_at_once(session: AsyncSession, body_id: UUID, starts_on: date | None = None, ends_on: date | None = None) -> int:
    """The most terms of the body in force on any one day of [starts_on, ends_on)
    (default: from today on). Counting on each term's first day in the range is
    enough: the count only rises on a start."""
    starts_on = starts_on or await database_today(session)
    ends_on = ends_on or date.max
    first, other = aliased(Seat), aliased(Seat)
    day = func.greatest(first.starts_on, literal(starts_on))
    per_day = (
        select(func.count(other.id).label("n"))
        .select_from(first)
        .join(other, and_(other.body_id == first.body_id, held_on(other.starts_on, other.ends_on, day)))
        .where(first.body_id == body_id, _overlapping(first, starts_on, ends_on))
        .group_by(first.id)
        .subquery()
    )
    return int(await session.scalar(select(func.coalesce(func.max(per_day.c.n), 0))) or 0)


async def fill(session: AsyncSession, organization_id: UUID, body: GoverningBody, data: Any) -> Seat:
    await require(session, Party, data.party_id, "partyId")
    if data.ends_on <= data.starts_on:
        raise InvalidTerm("A term ends after it starts.", field=["endsOn"])
    clash = await session.scalar(
        select(Seat.id).where(
            Seat.body_id == body.id, Seat.party_id == data.party_id, _overlapping(Seat, data.starts_on, data.ends_on)
        )
    )
    if clash is not None:
        raise AlreadySeated("This person already holds a term on this body at that time.", field=["partyId"])
    seat = Seat(
        organization_id=organization_id,
        association_id=body.association_id,
        body_id=body.id,
        party_id=data.party_id,
        filled_by=data.filled_by,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        scheduled_ends_on=data.ends_on,
    )
    session.add(seat)
    await session.flush()
    if await most_at_once(session, body.id, data.starts_on, data.ends_on) > body.seat_count:
        raise SeatsFull(f"{body.name} has {body.seat_count} seats, all held during this term.", field=["startsOn"])
    return seat


async def lock(session: AsyncSession, seat_id: UUID) -> Seat:
    seat = await session.scalar(
        select(Seat).where(Seat.id == seat_id).with_for_update().execution_options(populate_existing=True)
    )
    assert seat is not None, "the pipeline found the term visible a moment ago"
    return seat


async def end_early(session: AsyncSession, seat: Seat, ends_on: date, reason: Any) -> list[Office]:
    """End a term on `ends_on` (its powers end that day); the holder's offices
    end with it. Returns the offices cut short."""
    now = await database_today(session)
    if seat.ends_on <= now or seat.ended_early is not None:
        raise TermEnded(f"This term ended on {seat.ends_on}.", field=["id"])
    if not seat.starts_on < ends_on < seat.ends_on:
        raise InvalidEarlyEnd(
            f"The term runs from {seat.starts_on} to {seat.ends_on}; an early end falls between.", field=["endsOn"]
        )
    if ends_on < now:
        raise InvalidEarlyEnd("An early end can't be backdated: its powers were used until today.", field=["endsOn"])
    seat.ends_on, seat.ended_early = ends_on, reason
    cut = list(
        (await session.scalars(select(Office).where(Office.seat_id == seat.id, Office.ends_on > ends_on).with_for_update())).all()
    )
    for office in cut:
        if office.starts_on >= ends_on:
            raise InvalidEarlyEnd(f"The holder takes office on {office.starts_on}, after this end.", field=["endsOn"])
        office.ends_on = ends_on
    await session.flush()
    return cut


async def assign_office(session: AsyncSession, organization_id: UUID, seat: Seat, data: Any) -> tuple[Office, list[Office]]:
    """Give the seat's holder the title from `starts_on`; the holding current then
    (if another) ends that day, and a later-starting one is refused. Returns the
    new holding and those it ended."""
    ends_on = data.ends_on or seat.ends_on
    if not (seat.starts_on <= data.starts_on < seat.ends_on and ends_on <= seat.ends_on):
        raise OfficeOutsideTerm(
            f"The holder's term runs from {seat.starts_on} to {seat.ends_on}; the office must fall within it.",
            field=["startsOn"],
        )
    if ends_on <= data.starts_on:
        raise InvalidTerm("An office holding ends after it starts.", field=["endsOn"])
    if data.starts_on < await database_today(session):
        raise InvalidTerm("An office is assigned from today on, not backdated.", field=["startsOn"])
    holders = list(
        (
            await session.scalars(
                select(Office)
                .where(Office.body_id == seat.body_id, Office.title == data.title, Office.ends_on > data.starts_on)
                .with_for_update()
            )
        ).all()
    )
    ended = []
    for office in holders:
        if office.starts_on >= data.starts_on:
            raise OfficeOutsideTerm(
                f"Someone takes this office on {office.starts_on}; assign from a later day.", field=["startsOn"]
            )
        office.ends_on = data.starts_on
        ended.append(office)
    office = Office(
        organization_id=organization_id,
        association_id=seat.association_id,
        body_id=seat.body_id,
        seat_id=seat.id,
        title=data.title,
        starts_on=data.starts_on,
        ends_on=ends_on,
    )
    session.add(office)
    await session.flush()
    return office, ended


def seat_page_of(data: Any) -> Page:
    return Page(data.first, data.after, "starts_on", descending=True)


async def seat_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> Sequence[Seat]:
    where = [visible, Seat.body_id == data.body_id]
    if data.current_on is not None:
        where.append(held_on(Seat.starts_on, Seat.ends_on, data.current_on))
    if data.party_id is not None:
        where.append(Seat.party_id == data.party_id)
    return (await session.scalars(page_statement(Seat, seat_page_of(data), where))).all()


async def office_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Office], Page]:
    page = Page(data.first, data.after, "starts_on", descending=True)
    where = [visible, Office.body_id == data.body_id]
    if data.current_on is not None:
        where.append(held_on(Office.starts_on, Office.ends_on, data.current_on))
    return (await session.scalars(page_statement(Office, page, where))).all(), page


async def current_seats_of(session: AsyncSession, body_ids: list[UUID], visible: ColumnElement[bool]) -> Sequence[Seat]:
    """Terms in force today on each body, earliest start first."""
    stmt = select(Seat).where(Seat.body_id.in_(body_ids), held_on(Seat.starts_on, Seat.ends_on, func.current_date()), visible)
    return (await session.scalars(stmt.order_by(Seat.starts_on, Seat.id))).all()


async def current_offices_of(
    session: AsyncSession, column: Any, keys: list[UUID], visible: ColumnElement[bool]
) -> Sequence[Office]:
    """Offices held today, by body or by seat (`column`), by title."""
    stmt = select(Office).where(column.in_(keys), held_on(Office.starts_on, Office.ends_on, func.current_date()), visible)
    return (await session.scalars(stmt.order_by(Office.title, Office.id))).all()

"""The owner's home: each section is one statement over all the caller's units
(or their associations) at once, so the home of an owner of 20 units costs
what the home of an owner of 2 does. Every statement also carries the Cerbos
filter of the kind it reads (`visible`), so the home shows nothing the
resource's own list would not."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.ach.models import AchAuthorization, AchAuthorizationStatus
from domains.amenities.models import Amenity, AmenityBooking, BookingStatus
from domains.arc_requests.models import ArcRequest, ArcStatus
from domains.associations.models import Association, Unit
from domains.communications.models import Message
from domains.documents.models import Document
from domains.governance.models import Election, ElectionStatus, Meeting, MeetingStatus
from domains.portal.models import DirectorySetting
from domains.receivables.models import DEBIT_KINDS, OwnerLedgerAllocation, OwnerLedgerEntry
from domains.violations.models import Violation, ViolationStatus
from domains.work_orders.models import WorkOrder, WorkOrderStatus

# A work order, ARC request or violation in one of these states needs nothing more of anyone.
WORK_ORDER_DONE = (
    WorkOrderStatus.NOT_RESPONSIBLE,
    WorkOrderStatus.REQUESTER_TOLD,
    WorkOrderStatus.CLOSED,
    WorkOrderStatus.COMPLETED,
    WorkOrderStatus.COMPLETED_NO_BILL,
    WorkOrderStatus.CANCELED,
)
ARC_DECIDED = (
    ArcStatus.APPROVED,
    ArcStatus.APPROVED_WITH_CONDITIONS,
    ArcStatus.DENIED,
    ArcStatus.DEEMED_APPROVED,
    ArcStatus.COMPLETED,
    ArcStatus.VOID,
)
VIOLATION_CLOSED = (ViolationStatus.CLOSED, ViolationStatus.DISMISSED)
MEETING_AHEAD = (MeetingStatus.SCHEDULED, MeetingStatus.NOTICED, MeetingStatus.IN_SESSION)
ELECTION_OPEN = (ElectionStatus.NOMINATING, ElectionStatus.VOTING)
BOOKING_HELD = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)

Visible = Callable[[str, Any], Any]  # (kind, model) -> awaitable WHERE clause


def last_month(today: date) -> tuple[date, date]:
    """The last full calendar month before `today`."""
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def _capped(rows: Sequence[Any]) -> tuple[list[dict[str, Any]], int]:
    """Rows carrying their list's full count (`total`, a window) → (items, count)."""
    items = [{k: v for k, v in r.items() if k != "total"} for r in rows]
    return items, int(rows[0]["total"]) if rows else 0


async def units(session: AsyncSession, unit_ids: list[UUID]) -> list[dict[str, Any]]:
    statement = (
        select(Unit.id, Unit.unit_number, Unit.association_id, Association.legal_name.label("association_name"))
        .join(Association, and_(Association.organization_id == Unit.organization_id, Association.id == Unit.association_id))
        .where(Unit.id.in_(unit_ids))
        .order_by(Association.legal_name, Unit.unit_number, Unit.id)
    )
    return [dict(r) for r in (await session.execute(statement)).mappings()]


async def money(
    session: AsyncSession, unit_ids: list[UUID], visible: ColumnElement[bool], today: date
) -> dict[UUID, dict[str, Decimal]]:
    """Per unit: today's balance and last month's statement, summed in one pass over its ledger."""
    start, end = last_month(today)
    e = OwnerLedgerEntry
    debit = e.kind.in_(sorted(DEBIT_KINDS))

    def total(*where: Any) -> Any:
        return func.coalesce(func.sum(e.amount).filter(*where), 0)

    statement = (
        select(
            e.unit_id,
            total(e.entry_date <= today).label("balance"),
            total(e.entry_date < start).label("opening_balance"),
            total(e.entry_date.between(start, end), debit).label("charges"),
            total(e.entry_date.between(start, end), ~debit).label("payments_and_credits"),
            total(e.entry_date <= end).label("closing_balance"),
        )
        .where(e.unit_id.in_(unit_ids), visible)
        .group_by(e.unit_id)
    )
    return {r["unit_id"]: dict(r) for r in (await session.execute(statement)).mappings()}


async def open_charges(
    session: AsyncSession, unit_ids: list[UUID], visible: ColumnElement[bool], today: date, limit: int
) -> dict[UUID, tuple[Decimal, list[dict[str, Any]]]]:
    """Per unit: what is past due, and its open charges soonest due first (up to `limit`)."""
    e, a = OwnerLedgerEntry, OwnerLedgerAllocation
    paid = (
        select(a.charge_entry_id, func.sum(a.amount).label("amount"))
        .where(a.unit_id.in_(unit_ids))
        .group_by(a.charge_entry_id)
        .subquery()
    )
    open_amount = e.amount - func.coalesce(paid.c.amount, 0)
    charges = (
        select(e.id, e.unit_id, e.kind, e.memo, e.due_date, open_amount.label("open_amount"))
        .outerjoin(paid, paid.c.charge_entry_id == e.id)
        .where(e.unit_id.in_(unit_ids), e.kind.in_(sorted(DEBIT_KINDS)), e.entry_date <= today, open_amount > 0, visible)
        .subquery()
    )
    ranked = select(
        charges,
        func.row_number()
        .over(partition_by=charges.c.unit_id, order_by=(charges.c.due_date.nulls_last(), charges.c.id))
        .label("n"),
        func.coalesce(
            func.sum(charges.c.open_amount).filter(charges.c.due_date < today).over(partition_by=charges.c.unit_id), 0
        ).label("past_due"),
    ).subquery()
    statement = select(ranked).where(ranked.c.n <= limit).order_by(ranked.c.unit_id, ranked.c.n)
    out: dict[UUID, tuple[Decimal, list[dict[str, Any]]]] = {}
    for r in (await session.execute(statement)).mappings():
        out.setdefault(r["unit_id"], (r["past_due"], []))[1].append(
            {k: r[k] for k in ("id", "kind", "memo", "due_date", "open_amount")}
        )
    return out


async def autopay(session: AsyncSession, unit_ids: list[UUID], visible: ColumnElement[bool]) -> dict[UUID, AchAuthorization]:
    statement = select(AchAuthorization).where(
        AchAuthorization.unit_id.in_(unit_ids),
        AchAuthorization.status == AchAuthorizationStatus.ACTIVE,
        AchAuthorization.autopay.is_(True),
        visible,
    )
    return {r.unit_id: r for r in (await session.scalars(statement)) if r.unit_id is not None}


def _listed(*columns: Any) -> Any:
    return select(*columns, func.count().over().label("total"))


async def work_orders(
    session: AsyncSession, unit_ids: list[UUID], user_id: UUID | None, visible: ColumnElement[bool], limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Open work orders on the caller's units or asked for by them, newest first."""
    w = WorkOrder
    mine = w.unit_id.in_(unit_ids) if user_id is None else or_(w.unit_id.in_(unit_ids), w.requester_user_id == user_id)
    statement = (
        _listed(w.id, w.title, w.unit_id, w.status, w.priority, w.created_at)
        .where(mine, w.status.not_in(WORK_ORDER_DONE), visible)
        .order_by(w.created_at.desc(), w.id)
        .limit(limit)
    )
    return _capped((await session.execute(statement)).mappings().all())


async def arc_requests(
    session: AsyncSession, unit_ids: list[UUID], visible: ColumnElement[bool], limit: int
) -> tuple[list[dict[str, Any]], int]:
    r = ArcRequest
    statement = (
        _listed(r.id, r.unit_id, r.description, r.status, r.decision_due_by)
        .where(r.unit_id.in_(unit_ids), r.status.not_in(ARC_DECIDED), visible)
        .order_by(r.decision_due_by, r.id)
        .limit(limit)
    )
    return _capped((await session.execute(statement)).mappings().all())


async def violations(
    session: AsyncSession, unit_ids: list[UUID], visible: ColumnElement[bool], today: date, limit: int
) -> tuple[list[dict[str, Any]], int]:
    """Open violations, the next date that matters first: the cure date while it
    is ahead, else the hearing while it is ahead."""
    v = Violation
    cure = case((v.cure_by >= today, v.cure_by))
    hearing = case((v.hearing_on >= today, v.hearing_on))
    deadline = func.least(cure, hearing)
    statement = (
        _listed(
            v.id,
            v.unit_id,
            v.description,
            v.status,
            deadline.label("next_deadline"),
            case((deadline.is_(None), None), (deadline == cure, literal("cure_by")), else_=literal("hearing_on")).label(
                "next_deadline_kind"
            ),
        )
        .where(v.unit_id.in_(unit_ids), v.status.not_in(VIOLATION_CLOSED), visible)
        .order_by(deadline.nulls_last(), v.id)
        .limit(limit)
    )
    return _capped((await session.execute(statement)).mappings().all())


async def unread_messages(
    session: AsyncSession, user_id: UUID, visible: ColumnElement[bool], limit: int
) -> tuple[list[dict[str, Any]], int]:
    m = Message
    statement = (
        _listed(m.id, m.subject, m.created_at)
        .where(m.user_id == user_id, m.read_at.is_(None), visible)
        .order_by(m.created_at.desc(), m.id)
        .limit(limit)
    )
    return _capped((await session.execute(statement)).mappings().all())


async def documents(
    session: AsyncSession, association_ids: list[UUID], visible: ColumnElement[bool], limit: int
) -> tuple[list[dict[str, Any]], int]:
    d = Document
    statement = (
        _listed(d.id, d.association_id, d.title, d.category, d.record_date)
        .where(d.association_id.in_(association_ids), d.destroyed_at.is_(None), visible)
        .order_by(d.record_date.desc(), d.id)
        .limit(limit)
    )
    return _capped((await session.execute(statement)).mappings().all())


async def meetings(
    session: AsyncSession, association_ids: list[UUID], visible: ColumnElement[bool], until: datetime, limit: int
) -> list[dict[str, Any]]:
    m = Meeting
    now = datetime.now(UTC)
    statement = (
        select(m.id, m.association_id, m.title, m.kind, m.status, m.starts_at)
        .where(
            m.association_id.in_(association_ids),
            m.status.in_(MEETING_AHEAD),
            or_(m.status == MeetingStatus.IN_SESSION, m.starts_at.between(now, until)),
            visible,
        )
        .order_by(m.starts_at, m.id)
        .limit(limit)
    )
    return [dict(r) for r in (await session.execute(statement)).mappings()]


async def elections(
    session: AsyncSession, association_ids: list[UUID], visible: ColumnElement[bool], limit: int
) -> list[dict[str, Any]]:
    e = Election
    statement = (
        select(e.id, e.association_id, e.title, e.status, e.voting_closes_at)
        .where(e.association_id.in_(association_ids), e.status.in_(ELECTION_OPEN), visible)
        .order_by(e.voting_closes_at, e.id)
        .limit(limit)
    )
    return [dict(r) for r in (await session.execute(statement)).mappings()]


async def bookings(
    session: AsyncSession, unit_ids: list[UUID], visible: ColumnElement[bool], until: datetime, limit: int
) -> list[dict[str, Any]]:
    b = AmenityBooking
    statement = (
        select(b.id, b.unit_id, Amenity.name.label("amenity_name"), b.status, b.starts_at, b.ends_at)
        .join(Amenity, and_(Amenity.organization_id == b.organization_id, Amenity.id == b.amenity_id))
        .where(
            b.unit_id.in_(unit_ids),
            b.status.in_(BOOKING_HELD),
            b.ends_at >= datetime.now(UTC),
            b.starts_at <= until,
            visible,
        )
        .order_by(b.starts_at, b.id)
        .limit(limit)
    )
    return [dict(r) for r in (await session.execute(statement)).mappings()]


async def directory_setting(session: AsyncSession, party_ids: list[UUID]) -> DirectorySetting | None:
    if not party_ids:
        return None
    return await session.scalar(select(DirectorySetting).where(DirectorySetting.party_id.in_(party_ids)).limit(1))


async def elsewhere(session: AsyncSession) -> list[dict[str, Any]]:
    """The caller's units in their other organizations, counted (migration 0040's function)."""
    found = func.my_units_elsewhere().table_valued("organization_id", "organization_name", "owned", "lived_in")
    rows = (
        (await session.execute(select(found.c.organization_id, found.c.organization_name, found.c.owned, found.c.lived_in)))
        .mappings()
        .all()
    )
    return [
        {"id": r["organization_id"], "name": r["organization_name"], "owned_units": r["owned"], "lived_in_units": r["lived_in"]}
        for r in rows
    ]

"""The items a calendar shows, read from the domains that own them: meetings
(governance), charges due and assessments not levied yet (receivables), amenity
bookings, ARC decision deadlines, violation cure deadlines and hearings.

One statement: a UNION ALL of one branch per source, each filtered by the
Cerbos plan of its own kind (the same clause that source's list applies, so an
owner sees their units' items and staff their associations'), cut to a window
of days and paged by (start, item id). A page holding projected assessments
costs one statement more, for their amounts: a share-based amount is the levy's
largest-remainder split over every active unit of the association, which the
levy computes in Python (receivables' `unit_charges`), not in SQL.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Numeric,
    Select,
    String,
    Uuid,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domains.amenities.models import Amenity, AmenityBooking, BookingStatus
from domains.arc_requests.models import UNDECIDED, ArcRequest
from domains.associations.models import Unit, UnitStatus
from domains.calendar.models import CalendarItemKind as K
from domains.governance.models import Meeting, MeetingStatus
from domains.receivables.models import (
    DEBIT_KINDS,
    MONTHS_PER_PERIOD,
    AssessmentMethod,
    AssessmentSchedule,
    Frequency,
    Levy,
    OwnerLedgerEntry,
)
from domains.receivables.service.assessments import unit_charges
from domains.violations.models import Violation, ViolationStatus
from graph.clock import today
from graph.ids import encode
from graph.pages import Page, decode_cursor
from graph.schemas import NODES

# Each source: the Cerbos kind whose `read` plan filters it, and its table.
SOURCES: dict[K, tuple[str, Any]] = {
    K.MEETING: ("meeting", Meeting),
    K.CHARGE_DUE: ("owner_ledger_entry", OwnerLedgerEntry),
    # A projected charge is as visible as the charges its unit will get.
    K.CHARGE_PROJECTED: ("owner_ledger_entry", Unit),
    K.AMENITY_BOOKING: ("amenity_booking", AmenityBooking),
    K.ARC_DECISION_DUE: ("arc_request", ArcRequest),
    K.VIOLATION_CURE_DUE: ("violation", Violation),
    K.VIOLATION_HEARING: ("violation", Violation),
}
_SUBJECT: dict[K, Any] = {
    K.MEETING: Meeting,
    K.CHARGE_DUE: Unit,
    K.CHARGE_PROJECTED: AssessmentSchedule,
    K.AMENITY_BOOKING: AmenityBooking,
    K.ARC_DECISION_DUE: ArcRequest,
    K.VIOLATION_CURE_DUE: Violation,
    K.VIOLATION_HEARING: Violation,
}
_PREFIX = {model: prefix for prefix, (model, _) in NODES.items()}
_LIVE_MEETINGS = (MeetingStatus.SCHEDULED, MeetingStatus.NOTICED, MeetingStatus.IN_SESSION, MeetingStatus.ADJOURNED)
_LIVE_BOOKINGS = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED, BookingStatus.CHECKED_IN)
_CURING = (ViolationStatus.NOTICE_SENT, ViolationStatus.REINSPECTION_DUE)

Visible = Callable[[str, str, Any], Awaitable[ColumnElement[bool]]]


@dataclass(frozen=True)
class Item:
    id: str
    kind: K
    title: str
    location: str | None
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    day: date | None
    association_id: UUID
    unit_id: UUID | None
    subject_id: str
    amount: Decimal | None


@dataclass(frozen=True)
class Window:
    first_day: date
    last_day: date

    @property
    def starts(self) -> datetime:
        return datetime.combine(self.first_day, time(), UTC)

    @property
    def ends(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(), UTC)


async def clauses(visible: Visible) -> dict[K, ColumnElement[bool]]:
    """Each source's Cerbos filter (one plan per kind, asked through the request's decisions)."""
    return {kind: await visible(cerbos_kind, "read", model) for kind, (cerbos_kind, model) in SOURCES.items()}


def _day(column: Any) -> Any:
    # An all-day item sorts at 00:00 UTC of its day.
    return func.timezone("UTC", cast(column, DateTime))


def _columns(
    kind: K,
    uid: Any,
    title: Any,
    location: Any,
    starts_at: Any,
    ends_at: Any,
    day: Any,
    association_id: Any,
    unit_id: Any,
    subject_id: Any,
    amount: Any = None,
) -> list[Any]:
    return [
        cast(literal(kind.value), String).label("kind"),
        cast(uid, String).label("uid"),
        cast(title, String).label("title"),
        cast(location, String).label("location"),
        cast(starts_at, DateTime(timezone=True)).label("starts_at"),
        cast(ends_at, DateTime(timezone=True)).label("ends_at"),
        cast(literal(day is not None), Boolean).label("all_day"),
        cast(day if day is not None else null(), DateTime).label("day"),
        cast(association_id, Uuid).label("association_id"),
        cast(unit_id, Uuid).label("unit_id"),
        cast(subject_id, Uuid).label("subject_id"),
        cast(amount if amount is not None else null(), Numeric(14, 2)).label("amount"),
    ]


def _projected(w: Window, where: ColumnElement[bool]) -> Select[Any]:
    """Each active schedule's periods due in the window from today on and not
    levied yet, for each active unit the levy would charge (a share-based
    schedule charges no unit without a share); amounts come after (`page`)."""
    s = AssessmentSchedule
    # A one-off schedule's series ends where it starts: any step will do.
    months = case(MONTHS_PER_PERIOD, value=s.frequency, else_=1)
    last = case((s.frequency == Frequency.ONCE, s.starts_on), else_=func.least(s.ends_on, w.last_day))
    # Timestamps without a zone: the months step the same in any session time zone.
    steps = func.generate_series(cast(s.starts_on, DateTime), cast(last, DateTime), func.make_interval(0, months))
    series = steps.table_valued("period").render_derived(name="periods")
    starts = cast(series.c.period, Date)
    due = starts + s.due_day - 1
    levied = (
        select(Levy.id).where(Levy.organization_id == s.organization_id, Levy.schedule_id == s.id, Levy.period == starts).exists()
    )
    return (
        select(
            *_columns(
                K.CHARGE_PROJECTED,
                func.concat("projected-", s.id, "-", Unit.id, "-", due),
                func.concat(s.name, " due (projected), unit ", Unit.unit_number),
                null(),
                _day(due),
                null(),
                due,
                s.association_id,
                Unit.id,
                s.id,
            )
        )
        .select_from(s)
        .join(series, true())
        .join(Unit, and_(Unit.organization_id == s.organization_id, Unit.association_id == s.association_id))
        .where(
            where,
            s.is_active,
            due.between(max(w.first_day, today()), w.last_day),
            ~levied,
            Unit.status == UnitStatus.ACTIVE,
            or_(s.method == AssessmentMethod.FIXED, Unit.assessment_share > 0),
        )
    )


def _branches(w: Window, where: dict[K, ColumnElement[bool]]) -> list[Select[Any]]:
    m, e, b, a, v = Meeting, OwnerLedgerEntry, AmenityBooking, ArcRequest, Violation
    charges = (
        select(e.organization_id, e.association_id, e.unit_id, e.due_date, func.sum(e.amount).label("amount"))
        .where(where[K.CHARGE_DUE], e.kind.in_(DEBIT_KINDS), e.due_date.between(w.first_day, w.last_day))
        .group_by(e.organization_id, e.association_id, e.unit_id, e.due_date)
        .subquery("charges")
    )
    return [
        select(
            *_columns(
                K.MEETING,
                "meeting-" + cast(m.id, String),
                m.title,
                func.coalesce(m.place, m.video_link),
                m.starts_at,
                null(),
                None,
                m.association_id,
                null(),
                m.id,
            )
        ).where(where[K.MEETING], m.status.in_(_LIVE_MEETINGS), m.starts_at >= w.starts, m.starts_at < w.ends),
        select(
            *_columns(
                K.CHARGE_DUE,
                "charge-" + cast(charges.c.unit_id, String) + "-" + cast(charges.c.due_date, String),
                "Payment due, unit " + Unit.unit_number,
                null(),
                _day(charges.c.due_date),
                null(),
                charges.c.due_date,
                charges.c.association_id,
                charges.c.unit_id,
                charges.c.unit_id,
                charges.c.amount,
            )
        ).join(Unit, and_(Unit.organization_id == charges.c.organization_id, Unit.id == charges.c.unit_id)),
        _projected(w, where[K.CHARGE_PROJECTED]),
        select(
            *_columns(
                K.AMENITY_BOOKING,
                "booking-" + cast(b.id, String),
                Amenity.name + " booking",
                Amenity.name,
                b.starts_at,
                b.ends_at,
                None,
                b.association_id,
                b.unit_id,
                b.id,
            )
        )
        .join(Amenity, and_(Amenity.organization_id == b.organization_id, Amenity.id == b.amenity_id))
        .where(where[K.AMENITY_BOOKING], b.status.in_(_LIVE_BOOKINGS), b.starts_at < w.ends, b.starts_at >= w.starts),
        select(
            *_columns(
                K.ARC_DECISION_DUE,
                "arc-" + cast(a.id, String),
                func.concat(
                    "ARC decision due: ",
                    func.replace(cast(a.project_type, String), "_", " "),
                    case((a.deemed_approval, " (deemed approved if undecided)"), else_=""),
                ),
                null(),
                _day(a.decision_due_by),
                null(),
                a.decision_due_by,
                a.association_id,
                a.unit_id,
                a.id,
            )
        ).where(where[K.ARC_DECISION_DUE], a.status.in_(UNDECIDED), a.decision_due_by.between(w.first_day, w.last_day)),
        select(
            *_columns(
                K.VIOLATION_CURE_DUE,
                "violation-" + cast(v.id, String) + "-cure",
                "Last day to cure: " + func.left(v.description, 80),
                null(),
                _day(v.cure_by),
                null(),
                v.cure_by,
                v.association_id,
                v.unit_id,
                v.id,
            )
        ).where(where[K.VIOLATION_CURE_DUE], v.status.in_(_CURING), v.cure_by.between(w.first_day, w.last_day)),
        select(
            *_columns(
                K.VIOLATION_HEARING,
                "violation-" + cast(v.id, String) + "-hearing",
                "Violation hearing: " + func.left(v.description, 80),
                null(),
                _day(v.hearing_on),
                null(),
                v.hearing_on,
                v.association_id,
                v.unit_id,
                v.id,
            )
        ).where(
            where[K.VIOLATION_HEARING],
            v.status == ViolationStatus.HEARING_SCHEDULED,
            v.hearing_on.between(w.first_day, w.last_day),
        ),
    ]


def statement(w: Window, where: dict[K, ColumnElement[bool]], page: Page) -> Select[Any]:
    items = union_all(*_branches(w, where)).subquery("items")
    conditions = []
    if page.after:
        conditions.append(
            tuple_(items.c.starts_at, items.c.uid) > tuple_(*decode_cursor(page.after, [items.c.starts_at, items.c.uid]))
        )
    return select(items).where(*conditions).order_by(items.c.starts_at, items.c.uid).limit(page.first + 1)


def _item(row: Any, amount: Decimal | None) -> Item:
    kind = K(row.kind)
    return Item(
        id=row.uid,
        kind=kind,
        title=row.title,
        location=row.location,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        all_day=row.all_day,
        day=row.day.date() if row.day is not None else None,
        association_id=row.association_id,
        unit_id=row.unit_id,
        subject_id=encode(_PREFIX[_SUBJECT[kind]], row.subject_id),
        amount=amount,
    )


async def page(session: AsyncSession, w: Window, where: dict[K, ColumnElement[bool]], p: Page) -> Sequence[Item]:
    """Up to `p.first + 1` items of the window after `p.after`, soonest first."""
    rows = (await session.execute(statement(w, where, p))).all()
    schedules = {r.subject_id for r in rows if r.kind == K.CHARGE_PROJECTED}
    projected = await unit_charges(session, schedules) if schedules else {}
    # A unit whose share rounds to no cent is one the levy would charge nothing.
    return [
        _item(r, projected.get((r.subject_id, r.unit_id), Decimal(0)) if r.kind == K.CHARGE_PROJECTED else r.amount) for r in rows
    ]

"""Meetings: settings, scheduling under the notice rules, the lifecycle's
state map, the notice record, and attendance with the live quorum tally.

    scheduled → noticed | canceled | notice_lapsed      (notice_lapsed: the workflow)
    noticed → in_session | canceled | not_held           (not_held: the workflow)
    in_session → adjourned
    adjourned, canceled, notice_lapsed, not_held: final

Every change of status goes through `move`, which checks the map
(ILLEGAL_MEETING_TRANSITION naming the statuses allowed) and writes the
transition row in the same transaction.

The quorum is kept as a running tally on the meeting: a check-in adds its
unit's (or seat's) weight when it is the first of that unit's people in the
room (`meeting_presence` counts them), a check-out subtracts it when it was the
last. So a check-in costs the same few statements whether it is the first or
the two-thousandth, and a unit with two owners (or an owner and their proxy
holder) is counted once.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import distinct_on, insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import (
    Association,
    ContactPoint,
    ContactPointKind,
    Ownership,
    Party,
    Unit,
    UnitStatus,
)
from domains.communications.models import Channel, TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service.recipients import Recipient, reach
from domains.governance.errors import (
    AlreadyCheckedIn,
    IllegalMeetingTransition,
    MeetingBodyMismatch,
    NotEntitledToAttend,
    NoticePeriodTooShort,
    NoticeTooEarly,
    QuorumNotPresent,
)
from domains.governance.models import (
    MEMBERSHIP_KINDS,
    GoverningBody,
    GoverningBodyKind,
    Meeting,
    MeetingAgendaItem,
    MeetingAttendance,
    MeetingKind,
    MeetingNotice,
    MeetingPresence,
    MeetingProxy,
    MeetingSettings,
    MeetingStatus,
    MeetingTransition,
    Seat,
)
from domains.governance.schemas import Quorum
from domains.governance.service import bodies
from domains.governance.service.seats import held_on
from domains.jurisdictions.service import rules as jurisdiction_rules
from graph.clock import today
from graph.db import add_or_raise, new_id
from graph.errors import InvalidReference
from graph.pages import Page, page_statement

S = MeetingStatus
WORKFLOW = "meeting_workflow"
TOPIC = "meeting"
EMAIL, MAIL = "email", "first_class_mail"
WEIGHT_PLACES = Decimal("0.00000001")

STATE_MAP: dict[MeetingStatus, frozenset[MeetingStatus]] = {
    S.SCHEDULED: frozenset({S.NOTICED, S.CANCELED, S.NOTICE_LAPSED}),
    S.NOTICED: frozenset({S.IN_SESSION, S.CANCELED, S.NOT_HELD}),
    S.IN_SESSION: frozenset({S.ADJOURNED}),
    S.ADJOURNED: frozenset(),
    S.CANCELED: frozenset(),
    S.NOTICE_LAPSED: frozenset(),
    S.NOT_HELD: frozenset(),
}
FINAL = frozenset(s for s, nexts in STATE_MAP.items() if not nexts)
# Who may come in: the doors open once the notice is out.
CHECK_IN_OPEN = frozenset({S.NOTICED, S.IN_SESSION})
# Proxies are given and revoked until the meeting opens.
PROXIES_OPEN = frozenset({S.SCHEDULED, S.NOTICED})

# The notice rule of each kind of meeting (jurisdiction rules, migration 0019).
NOTICE_RULE = {
    MeetingKind.BOARD_OPEN: "board_meeting_notice_days",
    MeetingKind.COMMITTEE: "board_meeting_notice_days",
    MeetingKind.BOARD_EXECUTIVE: "executive_session_notice_days",
    MeetingKind.ANNUAL_MEMBERSHIP: "membership_meeting_notice_days",
    MeetingKind.SPECIAL_MEMBERSHIP: "membership_meeting_notice_days",
}
NOTICE_MAX_RULE = "membership_meeting_notice_max_days"
# The body each kind of meeting is held by (membership meetings: none).
BODY_KIND = {
    MeetingKind.BOARD_OPEN: GoverningBodyKind.BOARD,
    MeetingKind.BOARD_EXECUTIVE: GoverningBodyKind.BOARD,
    MeetingKind.COMMITTEE: GoverningBodyKind.COMMITTEE,
}
DEFAULTS = {
    "membership_quorum_share": Decimal("0.2500"),
    "board_quorum_share": Decimal("0.5000"),
    "proxies_allowed": True,
    "cumulative_voting": False,
}


def workflow_id(meeting_id: UUID) -> str:
    return f"meeting-{meeting_id}"


# --- settings -------------------------------------------------------------------


async def settings_of(session: AsyncSession, association_id: UUID) -> MeetingSettings:
    """The association's meeting settings, or the defaults (unsaved) if never set."""
    row = await session.scalar(select(MeetingSettings).where(MeetingSettings.association_id == association_id))
    return row or MeetingSettings(association_id=association_id, **DEFAULTS)


async def set_settings(session: AsyncSession, organization_id: UUID, data: Any, by: UUID) -> MeetingSettings:
    given = {k: v for k, v in data.model_dump(exclude={"association_id"}).items() if v is not None}
    values = DEFAULTS | given | {"updated_by": by}
    statement = (
        insert(MeetingSettings)
        .values(id=new_id(), organization_id=organization_id, association_id=data.association_id, **values)
        .on_conflict_do_update(
            index_elements=["organization_id", "association_id"], set_=given | {"updated_by": by, "updated_at": func.now()}
        )
        .returning(MeetingSettings)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one()


# --- scheduling -------------------------------------------------------------------


def _rule(meeting: Meeting, key: str) -> dict[str, Any]:
    rule = meeting.rules_used["rules"][key]
    return {"key": key, "value": rule["value"], "citation": rule["citation"], "source": rule["source"]}


async def _body_of(session: AsyncSession, association: Association, kind: MeetingKind, body_id: UUID | None) -> Any:
    if kind in MEMBERSHIP_KINDS:
        if body_id is not None:
            raise MeetingBodyMismatch("A membership meeting is the members', not a body's: give no `bodyId`.", field=["bodyId"])
        return None
    if body_id is None:
        raise MeetingBodyMismatch(f"A {kind.value} meeting names its body (`bodyId`).", field=["bodyId"])
    body = await session.get(GoverningBody, body_id)
    if body is None:
        raise InvalidReference("`bodyId` names no governing body in this organization.", field=["bodyId"])
    if body.association_id != association.id or body.kind is not BODY_KIND[kind]:
        raise MeetingBodyMismatch(
            f"A {kind.value} meeting is held by a {BODY_KIND[kind].value} of its association; {body.name} is not one.",
            field=["bodyId"],
        )
    bodies.require_active(body)
    return body


async def _quorum_basis(
    session: AsyncSession, association_id: UUID, body: GoverningBody | None, settings: MeetingSettings
) -> tuple[Decimal, Decimal]:
    """The whole of the votes and the part of it that makes a quorum."""
    if body is None:
        total = await session.scalar(
            select(func.coalesce(func.sum(Unit.voting_weight), 0)).where(
                Unit.association_id == association_id, Unit.status == UnitStatus.ACTIVE
            )
        )
        total = Decimal(total or 0)
        required = (total * settings.membership_quorum_share).quantize(WEIGHT_PLACES, rounding=ROUND_CEILING)
        return total, required
    # More than the share of the seats: with 0.5, a majority.
    seats = Decimal(body.seat_count)
    return seats, Decimal(math.floor(seats * settings.board_quorum_share) + 1)


async def schedule(session: AsyncSession, organization_id: UUID, data: Any, actor: UUID, as_of: date | None = None) -> Meeting:
    """Call a meeting whose notice can still go out in time (NOTICE_PERIOD_TOO_SHORT otherwise, citing the rule),
    on `as_of` (today; the demo seed records meetings called in the past)."""
    association = await session.get(Association, data.association_id)
    assert association is not None, "the pipeline resolved the association"
    body = await _body_of(session, association, data.kind, data.body_id)
    starts_at = data.starts_at if data.starts_at.tzinfo else data.starts_at.replace(tzinfo=UTC)
    if data.place is None and data.video_link is None:
        raise InvalidReference("A meeting is held somewhere: give a `place`, a `videoLink` or both.", field=["place"])
    now = as_of or today()
    jurisdiction, effective = await jurisdiction_rules.effective(session, association, now)
    keys = {NOTICE_RULE[data.kind]} | ({NOTICE_MAX_RULE} if data.kind in MEMBERSHIP_KINDS else set())
    rules_used = jurisdiction_rules.snapshot(jurisdiction, now, [r for r in effective if r.key in keys])
    notice = rules_used["rules"][NOTICE_RULE[data.kind]]
    meeting_day = starts_at.date()
    notice_by = meeting_day - timedelta(days=int(notice["value"]))
    if notice_by < now:
        raise NoticePeriodTooShort(
            f"{notice['citation']} The notice would have had to go out by {notice_by}; schedule it on or after "
            f"{now + timedelta(days=int(notice['value']))}.",
            field=["startsAt"],
            details={"field": ["startsAt"], "rule": {"key": NOTICE_RULE[data.kind], **notice}, "noticeBy": notice_by.isoformat()},
        )
    not_before = None
    if data.kind in MEMBERSHIP_KINDS:
        not_before = meeting_day - timedelta(days=int(rules_used["rules"][NOTICE_MAX_RULE]["value"]))
    settings = await settings_of(session, association.id)
    total, required = await _quorum_basis(session, association.id, body, settings)
    meeting_id = new_id()
    meeting = Meeting(
        id=meeting_id,
        organization_id=organization_id,
        association_id=association.id,
        body_id=None if body is None else body.id,
        kind=data.kind,
        title=data.title,
        starts_at=starts_at,
        place=data.place,
        video_link=data.video_link,
        status=S.SCHEDULED,
        notice_days=int(notice["value"]),
        notice_by=notice_by,
        notice_not_before=not_before,
        jurisdiction=jurisdiction,
        rules_used=rules_used,
        quorum_total=total,
        quorum_required=required,
        present_weight=Decimal(0),
        present_voters=0,
        called_by=actor,
        workflow_id=workflow_id(meeting_id),
    )
    session.add(meeting)
    await session.flush()
    session.add_all(
        MeetingAgendaItem(
            organization_id=organization_id,
            association_id=association.id,
            meeting_id=meeting.id,
            position=i,
            title=item.title,
            description=item.description,
            requires_vote=item.requires_vote,
        )
        for i, item in enumerate(data.agenda, start=1)
    )
    session.add(_transition(meeting, None, S.SCHEDULED, actor, None))
    await session.flush()
    return meeting


# --- the lifecycle -------------------------------------------------------------------


async def lock(session: AsyncSession, meeting_id: UUID) -> Meeting:
    """The meeting, locked: its steps (and check-ins) take turns."""
    row = await session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).with_for_update().execution_options(populate_existing=True)
    )
    assert row is not None, "the pipeline found the meeting visible a moment ago"
    return row


def allowed(status: MeetingStatus) -> list[str]:
    return sorted(s.value for s in STATE_MAP[status])


def _transition(meeting: Meeting, from_: MeetingStatus | None, to: MeetingStatus, actor: UUID | None, note: str | None) -> Any:
    return MeetingTransition(
        organization_id=meeting.organization_id,
        association_id=meeting.association_id,
        meeting_id=meeting.id,
        from_status=from_,
        to_status=to,
        actor_id=actor,
        note=note,
    )


def require_status(meeting: Meeting, statuses: frozenset[MeetingStatus], doing: str) -> None:
    if meeting.status not in statuses:
        raise IllegalMeetingTransition(
            f"This meeting is {meeting.status.value}; {doing} needs it {' or '.join(sorted(s.value for s in statuses))}.",
            field=["id"],
            details={"field": ["id"], "status": meeting.status.value, "allowed": allowed(meeting.status)},
        )


def move(session: AsyncSession, meeting: Meeting, to: MeetingStatus, actor: UUID | None, note: str | None = None) -> None:
    """Move the meeting to `to` along the state map, recording the transition."""
    if to not in STATE_MAP[meeting.status]:
        raise IllegalMeetingTransition(
            f"A {meeting.status.value} meeting can't become {to.value}; "
            f"it can become: {', '.join(allowed(meeting.status)) or 'nothing'}.",
            field=["id"],
            details={"field": ["id"], "status": meeting.status.value, "to": to.value, "allowed": allowed(meeting.status)},
        )
    session.add(_transition(meeting, meeting.status, to, actor, note))
    now = datetime.now(UTC)
    if to is S.IN_SESSION:
        meeting.opened_at = now
    elif to is S.ADJOURNED:
        meeting.adjourned_at = now
    meeting.status = to


async def step(session: AsyncSession, meeting: Meeting, to: MeetingStatus, actor: UUID | None, note: str | None = None) -> None:
    """A person's move of the meeting, written now."""
    move(session, meeting, to, actor, note)
    await session.flush()


def next_deadline(meeting: Meeting) -> tuple[MeetingStatus | None, date | None]:
    """What the workflow does by itself next and from which day: a notice not
    sent by its last day lapses; a noticed meeting not opened by the day after
    it was to start was not held."""
    if meeting.status is S.SCHEDULED:
        return S.NOTICE_LAPSED, meeting.notice_by + timedelta(days=1)
    if meeting.status is S.NOTICED:
        return S.NOT_HELD, meeting.starts_at.astimezone(UTC).date() + timedelta(days=1)
    return None, None


# --- notice -------------------------------------------------------------------------


def _owners_today() -> ColumnElement[bool]:
    day = func.current_date()
    return and_(Ownership.starts_on <= day, or_(Ownership.ends_on.is_(None), Ownership.ends_on > day))


async def _recipients(session: AsyncSession, meeting: Meeting) -> list[tuple[Party, UUID | None, str | None, str | None]]:
    """Who is noticed — every current owner (executive sessions and committee
    meetings: the body's current members) — with a unit they own, the unit's
    address and their primary email."""
    email = (
        select(ContactPoint.value)
        .where(ContactPoint.party_id == Party.id, ContactPoint.kind == ContactPointKind.EMAIL)
        .order_by(ContactPoint.is_primary.desc(), ContactPoint.created_at)
        .limit(1)
        .scalar_subquery()
    )
    address = func.concat_ws(", ", Unit.street, Unit.city, func.concat_ws(" ", Unit.region, Unit.postal_code))
    if meeting.kind in (MeetingKind.BOARD_EXECUTIVE, MeetingKind.COMMITTEE):
        statement = (
            select(Party, Unit.id, address, email)
            .join(Seat, and_(Seat.organization_id == Party.organization_id, Seat.party_id == Party.id))
            .outerjoin(Ownership, and_(Ownership.party_id == Party.id, _owners_today()))
            .outerjoin(Unit, and_(Unit.id == Ownership.unit_id, Unit.association_id == meeting.association_id))
            .where(Seat.body_id == meeting.body_id, held_on(Seat.starts_on, Seat.ends_on, func.current_date()))
        )
    else:
        statement = (
            select(Party, Unit.id, address, email)
            .join(Ownership, and_(Ownership.party_id == Party.id, _owners_today()))
            .join(Unit, Unit.id == Ownership.unit_id)
            .where(Unit.association_id == meeting.association_id, Unit.status == UnitStatus.ACTIVE)
        )
    # One notice per person, however many units they own.
    statement = statement.order_by(Party.id, Unit.unit_sort.nulls_last()).ext(distinct_on(Party.id))
    return [(r[0], r[1], r[2], r[3]) for r in (await session.execute(statement)).all()]


async def send_notice(session: AsyncSession, meeting: Meeting, actor: UUID, as_of: date | None = None) -> list[MeetingNotice]:
    """Record the notice sent to each recipient today (email where they
    consented to electronic delivery, else first-class mail) and move the
    meeting to noticed. Refused past the last day to send it
    (NOTICE_PERIOD_TOO_SHORT) or before the first (NOTICE_TOO_EARLY)."""
    now = as_of or today()
    rule = _rule(meeting, NOTICE_RULE[meeting.kind])
    if now > meeting.notice_by:
        raise NoticePeriodTooShort(
            f"{rule['citation']} The last day to send this meeting's notice was {meeting.notice_by}.",
            field=["id"],
            details={"field": ["id"], "rule": rule, "noticeBy": meeting.notice_by.isoformat()},
        )
    if meeting.notice_not_before is not None and now < meeting.notice_not_before:
        longest = _rule(meeting, NOTICE_MAX_RULE)
        raise NoticeTooEarly(
            f"{longest['citation']} Send it on or after {meeting.notice_not_before}.",
            field=["id"],
            details={"field": ["id"], "rule": longest, "noticeNotBefore": meeting.notice_not_before.isoformat()},
        )
    move(session, meeting, S.NOTICED, actor)
    notices, letters = [], []
    for party, unit_id, unit_address, email in await _recipients(session, meeting):
        reached: list[Recipient] = reach(party, email, None, unit_address)
        electronic = any(r.channel is Channel.EMAIL for r in reached)
        letters.extend(reached)
        notices.append(
            MeetingNotice(
                organization_id=meeting.organization_id,
                association_id=meeting.association_id,
                meeting_id=meeting.id,
                party_id=party.id,
                unit_id=unit_id,
                method=EMAIL if electronic else MAIL,
                address=str(email if electronic else party.mailing_address or unit_address or "no address on file")[:400],
                sent_on=now,
                sent_by=actor,
            )
        )
    session.add_all(notices)
    await session.flush()
    # The letters themselves, in this transaction: delivered once it commits.
    variables = {"meeting": await notice_variables(session, meeting)}
    source = f"meeting:{meeting.id}"
    await outbox.write(
        session, meeting.organization_id, meeting.association_id, TemplateKind.MEETING_NOTICE, source, letters, variables, actor
    )
    return notices


_KIND_WORDS = {
    MeetingKind.BOARD_OPEN: "open board meeting",
    MeetingKind.BOARD_EXECUTIVE: "executive session of the board",
    MeetingKind.ANNUAL_MEMBERSHIP: "annual meeting of the members",
    MeetingKind.SPECIAL_MEMBERSHIP: "special meeting of the members",
    MeetingKind.COMMITTEE: "committee meeting",
}


async def notice_variables(session: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """The `meeting` variable of a meeting notice's template."""
    agenda = await session.scalars(
        select(MeetingAgendaItem.title).where(MeetingAgendaItem.meeting_id == meeting.id).order_by(MeetingAgendaItem.position)
    )
    return {
        "title": meeting.title,
        "kind": _KIND_WORDS[meeting.kind],
        "starts_at": meeting.starts_at.astimezone(UTC).strftime("%A, %B %-d, %Y at %H:%M UTC"),
        "place": meeting.place or "the place given in the agenda",
        "agenda": list(agenda.all()),
    }


# --- attendance and the quorum -------------------------------------------------------------


def quorum(meeting: Meeting) -> Quorum:
    total = meeting.quorum_total
    share = (meeting.present_weight / total).quantize(Decimal("0.0001")) if total else Decimal(0)
    return Quorum(
        meeting_id=meeting.id,
        present_weight=meeting.present_weight,
        present_voters=meeting.present_voters,
        required_weight=meeting.quorum_required,
        total_weight=total,
        share_present=share,
        present=quorum_present(meeting),
    )


def quorum_present(meeting: Meeting) -> bool:
    return meeting.present_weight >= meeting.quorum_required and meeting.present_voters > 0


def require_quorum(meeting: Meeting, doing: str) -> None:
    if not quorum_present(meeting):
        q = quorum(meeting)
        raise QuorumNotPresent(
            f"No quorum is present ({q.present_weight} of {q.required_weight} required): {doing} waits for one.",
            field=["id"],
            details={"field": ["id"], "presentWeight": str(q.present_weight), "requiredWeight": str(q.required_weight)},
        )


async def _entitlement(session: AsyncSession, meeting: Meeting, data: Any) -> dict[str, Any]:
    """Whose vote the attendee brings, or NOT_ENTITLED_TO_ATTEND."""
    if meeting.kind in MEMBERSHIP_KINDS:
        if data.unit_id is None or (data.party_id is None) == (data.proxy_id is None) or data.seat_id is not None:
            raise NotEntitledToAttend(
                "At a membership meeting a unit is represented by its owner (`unitId`, `partyId`) or its proxy "
                "holder (`unitId`, `proxyId`).",
                field=["unitId"],
            )
        if data.proxy_id is not None:
            row = (
                await session.execute(
                    select(Unit.voting_weight, MeetingProxy.holder_name, Party.name, MeetingProxy.holder_party_id)
                    .join(MeetingProxy, MeetingProxy.unit_id == Unit.id)
                    .outerjoin(Party, Party.id == MeetingProxy.holder_party_id)
                    .where(
                        Unit.id == data.unit_id,
                        Unit.status == UnitStatus.ACTIVE,
                        Unit.association_id == meeting.association_id,
                        MeetingProxy.id == data.proxy_id,
                        MeetingProxy.meeting_id == meeting.id,
                        MeetingProxy.revoked_at.is_(None),
                    )
                )
            ).first()
            if row is None:
                raise NotEntitledToAttend("No proxy in force for this unit at this meeting by that id.", field=["proxyId"])
            weight, holder_name, party_name, holder_party = row
            return {
                "voter_id": data.unit_id,
                "unit_id": data.unit_id,
                "party_id": holder_party,
                "proxy_id": data.proxy_id,
                "attendee_name": party_name or holder_name,
                "weight": weight,
            }
        owner = (
            await session.execute(
                select(Unit.voting_weight, Party.name)
                .join(Ownership, and_(Ownership.unit_id == Unit.id, _owners_today()))
                .join(Party, Party.id == Ownership.party_id)
                .where(
                    Unit.id == data.unit_id,
                    Unit.status == UnitStatus.ACTIVE,
                    Unit.association_id == meeting.association_id,
                    Party.id == data.party_id,
                )
            )
        ).first()
        if owner is None:
            raise NotEntitledToAttend("That person is not a current owner of that unit of the association.", field=["partyId"])
        return {
            "voter_id": data.unit_id,
            "unit_id": data.unit_id,
            "party_id": data.party_id,
            "attendee_name": owner[1],
            "weight": owner[0],
        }
    if data.seat_id is None or data.unit_id is not None or data.party_id is not None or data.proxy_id is not None:
        raise NotEntitledToAttend("At a board or committee meeting a member attends for their seat (`seatId`).", field=["seatId"])
    member = (
        await session.execute(
            select(Seat.party_id, Party.name)
            .join(Party, Party.id == Seat.party_id)
            .where(
                Seat.id == data.seat_id,
                Seat.body_id == meeting.body_id,
                held_on(Seat.starts_on, Seat.ends_on, meeting.starts_at.astimezone(UTC).date()),
            )
        )
    ).first()
    if member is None:
        raise NotEntitledToAttend("That seat is not a current seat on this meeting's body.", field=["seatId"])
    return {
        "voter_id": data.seat_id,
        "seat_id": data.seat_id,
        "party_id": member[0],
        "attendee_name": member[1],
        "weight": Decimal(1),
    }


async def check_in(session: AsyncSession, meeting: Meeting, data: Any, actor: UUID) -> tuple[MeetingAttendance, bool]:
    """Record an arrival; its unit's (or seat's) weight joins the tally if none
    of its people was in the room. Returns the check-in and whether it counted."""
    require_status(meeting, CHECK_IN_OPEN, "checking in")
    who = await _entitlement(session, meeting, data)
    attendance = MeetingAttendance(
        organization_id=meeting.organization_id,
        association_id=meeting.association_id,
        meeting_id=meeting.id,
        checked_in_by=actor,
        **who,
    )
    await add_or_raise(session, attendance, AlreadyCheckedIn(f"{who['attendee_name']} is already checked in.", field=["id"]))
    present = (
        insert(MeetingPresence)
        .values(
            id=new_id(),
            organization_id=meeting.organization_id,
            association_id=meeting.association_id,
            meeting_id=meeting.id,
            voter_id=who["voter_id"],
            weight=who["weight"],
            attendees=1,
        )
        .on_conflict_do_update(
            index_elements=["organization_id", "meeting_id", "voter_id"],
            set_={"attendees": MeetingPresence.attendees + 1},
        )
        .returning(MeetingPresence.attendees)
    )
    counted = await session.scalar(present) == 1
    if counted:
        meeting.present_weight += who["weight"]
        meeting.present_voters += 1
    await session.flush()
    return attendance, counted


async def check_out(session: AsyncSession, meeting: Meeting, attendance_id: UUID) -> MeetingAttendance:
    """Record a departure; the weight leaves the tally with the last of its unit's (or seat's) people."""
    require_status(meeting, CHECK_IN_OPEN, "checking out")
    attendance = await session.scalar(
        select(MeetingAttendance)
        .where(MeetingAttendance.id == attendance_id, MeetingAttendance.meeting_id == meeting.id)
        .with_for_update()
    )
    if attendance is None:
        raise InvalidReference("`attendanceId` names no check-in at this meeting.", field=["attendanceId"])
    if attendance.left_at is not None:
        raise AlreadyCheckedIn(f"{attendance.attendee_name} already left.", field=["attendanceId"])
    attendance.left_at = datetime.now(UTC)
    here = and_(MeetingPresence.meeting_id == meeting.id, MeetingPresence.voter_id == attendance.voter_id)
    last = await session.scalar(delete(MeetingPresence).where(here, MeetingPresence.attendees == 1).returning(MeetingPresence.id))
    if last is not None:
        meeting.present_weight -= attendance.weight
        meeting.present_voters -= 1
    else:
        await session.execute(
            update(MeetingPresence)
            .where(here)
            .values(attendees=MeetingPresence.attendees - 1)
            .execution_options(synchronize_session=False)
        )
    await session.flush()
    return attendance


async def presence_of(session: AsyncSession, meeting: Meeting, voter_id: UUID) -> MeetingPresence | None:
    return await session.scalar(
        select(MeetingPresence).where(MeetingPresence.meeting_id == meeting.id, MeetingPresence.voter_id == voter_id)
    )


# --- reading ---------------------------------------------------------------------------------


async def meeting_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Meeting], Page]:
    page = Page(data.first, data.after, "starts_at", descending=data.descending)
    where = [visible]
    if data.association_id is not None:
        where.append(Meeting.association_id == data.association_id)
    if data.kind is not None:
        where.append(Meeting.kind == data.kind)
    if data.status is not None:
        where.append(Meeting.status == data.status)
    if data.upcoming is not None:
        ahead = Meeting.status.in_([S.SCHEDULED, S.NOTICED])
        where.append(ahead if data.upcoming else ~ahead)
    return (await session.scalars(page_statement(Meeting, page, where))).all(), page


async def rows_of(
    session: AsyncSession, model: Any, meeting_id: UUID, data: Any, sort: str, *where: Any, descending: bool = False
) -> tuple[Sequence[Any], Page]:
    """A page of one meeting's rows of `model`."""
    page = Page(data.first, data.after, sort, descending=descending)
    statement = page_statement(model, page, [model.meeting_id == meeting_id, *where])
    return (await session.scalars(statement)).all(), page

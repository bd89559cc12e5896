"""Elections: the call, nominations, secret ballots, the close, the count and
the certification that fills the seats.

    nominating → voting (the workflow, when nominations close) | canceled
    voting → closed (the workflow, when the window ends)
    closed → tallying (the inspector) → tallied (the workflow counts)
    tallied → certified (the inspector: the winners' seats are filled)

How a ballot stays secret. Casting writes two things in one transaction: the
who-voted row (`election_voters`: the unit, who cast it, when) and the ballot
sealed into the box (`election_ballot_box`: AES-GCM under the platform's keys,
which live in the application's settings, never in the database). The marks
themselves were sealed before the request's workflow checkpointed its input,
and the idempotency key keeps a keyed digest of them, not a plain hash. So a
reader of the database — the application's role, an admin's raw SQL — who
pairs a voter row with the box row written in the same transaction (same xmin)
finds ciphertext. The close, one transaction, opens the box, splits each
ballot's weight into binary pieces, shuffles every piece of every ballot and
writes them all with the same statement, then deletes the box: the ballots
share one transaction id, carry no time, and their order, ids and weights say
nothing about whose they were.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import ColumnElement, and_, delete, func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Ownership, Party, Unit, UnitStatus
from domains.associations.service.access import current
from domains.governance.errors import (
    AlreadyNominated,
    AlreadyVoted,
    CumulativeVotingNotAllowed,
    ElectionNotOpen,
    IllegalElectionTransition,
    InspectorNotEligible,
    InvalidBallot,
    InvalidElectionWindow,
    MeetingBodyMismatch,
    NotEntitledToVote,
    TallyTied,
)
from domains.governance.models import (
    MEMBERSHIP_KINDS,
    Election,
    ElectionBallot,
    ElectionBallotBox,
    ElectionCandidate,
    ElectionMethod,
    ElectionResult,
    ElectionStatus,
    ElectionTransition,
    ElectionVoter,
    GoverningBody,
    Meeting,
    MeetingProxy,
    SeatFilledBy,
)
from domains.governance.service import bodies, meetings, seats
from graph.auth.sealing import Sealer
from graph.db import add_or_raise, new_id
from graph.pages import Page, page_statement
from graph.schemas import fixed_point

S = ElectionStatus
WORKFLOW = "election_workflow"
TOPIC = "election"
# A weight's smallest step (the column's 8 places): pieces are powers of two of it.
WEIGHT_STEP = Decimal("0.00000001")

STATE_MAP: dict[ElectionStatus, frozenset[ElectionStatus]] = {
    S.NOMINATING: frozenset({S.VOTING, S.CANCELED}),
    S.VOTING: frozenset({S.CLOSED}),
    S.CLOSED: frozenset({S.TALLYING}),
    S.TALLYING: frozenset({S.TALLIED}),
    S.TALLIED: frozenset({S.CERTIFIED}),
    S.CERTIFIED: frozenset(),
    S.CANCELED: frozenset(),
}
FINAL = frozenset(s for s, nexts in STATE_MAP.items() if not nexts)
# The moves the workflow makes by itself, and when.
AUTOMATIC = {S.NOMINATING: S.VOTING, S.VOTING: S.CLOSED, S.TALLYING: S.TALLIED}


def now() -> datetime:
    return datetime.now(UTC)


def workflow_id(election_id: UUID) -> str:
    return f"election-{election_id}"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- the lifecycle -------------------------------------------------------------------


async def lock(session: AsyncSession, election_id: UUID) -> Election:
    """The election, locked: votes, the close and the count take turns."""
    row = await session.scalar(
        select(Election).where(Election.id == election_id).with_for_update().execution_options(populate_existing=True)
    )
    assert row is not None, "the election was found visible a moment ago"
    return row


def allowed(status: ElectionStatus) -> list[str]:
    return sorted(s.value for s in STATE_MAP[status])


def move(session: AsyncSession, election: Election, to: ElectionStatus, actor: UUID | None, note: str | None = None) -> None:
    """Move the election to `to` along the state map, recording the transition."""
    if to not in STATE_MAP[election.status]:
        raise IllegalElectionTransition(
            f"A {election.status.value} election can't become {to.value}; "
            f"it can become: {', '.join(allowed(election.status)) or 'nothing'}.",
            field=["id"],
            details={"field": ["id"], "status": election.status.value, "to": to.value, "allowed": allowed(election.status)},
        )
    session.add(_transition(election, election.status, to, actor, note))
    election.status = to


def _transition(
    election: Election, from_: ElectionStatus | None, to: ElectionStatus, actor: UUID | None, note: str | None
) -> ElectionTransition:
    return ElectionTransition(
        organization_id=election.organization_id,
        association_id=election.association_id,
        election_id=election.id,
        from_status=from_,
        to_status=to,
        actor_id=actor,
        note=note,
    )


def next_due(election: Election) -> datetime | None:
    """When the workflow next moves the election by itself (None: it waits for the inspector, or is done)."""
    if election.status is S.NOMINATING:
        return election.nominations_close_at
    if election.status is S.VOTING:
        return election.voting_closes_at
    if election.status is S.TALLYING:
        return now()
    return None


def _require_open(election: Election, status: ElectionStatus, doing: str) -> None:
    if election.status is not status:
        raise ElectionNotOpen(
            f"This election is {election.status.value}; {doing} while it is {status.value}.",
            field=["id"],
            details={"field": ["id"], "status": election.status.value},
        )


async def call(session: AsyncSession, organization_id: UUID, data: Any, actor: UUID) -> Election:
    """Call an election (nominations open at once), checked: the body active and of
    the association, the meeting a membership meeting of it, the window ahead, the
    method allowed, the inspector a person with a login."""
    body = await session.get(GoverningBody, data.body_id)
    assert body is not None, "the pipeline resolved the body"
    if body.association_id != data.association_id:
        raise MeetingBodyMismatch("The body governs another association.", field=["bodyId"])
    bodies.require_active(body)
    if data.meeting_id is not None:
        meeting = await session.get(Meeting, data.meeting_id)
        assert meeting is not None, "the pipeline resolved the meeting"
        if meeting.association_id != data.association_id or meeting.kind not in MEMBERSHIP_KINDS:
            raise MeetingBodyMismatch("An election is held at a membership meeting of its association.", field=["meetingId"])
    closes_nominations, closes = _aware(data.nominations_close_at), _aware(data.voting_closes_at)
    if closes_nominations <= now():
        raise InvalidElectionWindow("Nominations close in the future.", field=["nominationsCloseAt"])
    if closes <= closes_nominations:
        raise InvalidElectionWindow("Voting closes after nominations do.", field=["votingClosesAt"])
    if data.term_ends_on <= data.term_starts_on:
        raise InvalidElectionWindow("The winners' terms end after they start.", field=["termEndsOn"])
    if (
        data.method is ElectionMethod.CUMULATIVE
        and not (await meetings.settings_of(session, data.association_id)).cumulative_voting
    ):
        raise CumulativeVotingNotAllowed(
            "The association's meeting settings don't allow cumulative voting (`meetingSettings/v1/set`).", field=["method"]
        )
    inspector = await session.get(Party, data.inspector_party_id)
    assert inspector is not None, "the pipeline resolved the party"
    if inspector.user_id is None:
        raise InspectorNotEligible("The inspector needs a login to count and certify.", field=["inspectorPartyId"])
    election_id = new_id()
    election = Election(
        id=election_id,
        organization_id=organization_id,
        association_id=data.association_id,
        body_id=data.body_id,
        meeting_id=data.meeting_id,
        title=data.title,
        seats_to_fill=data.seats_to_fill,
        term_starts_on=data.term_starts_on,
        term_ends_on=data.term_ends_on,
        method=data.method,
        status=S.NOMINATING,
        nominations_close_at=closes_nominations,
        voting_closes_at=closes,
        inspector_party_id=inspector.id,
        inspector_user_id=inspector.user_id,
        ballots_cast=0,
        weight_cast=Decimal(0),
        called_by=actor,
        workflow_id=workflow_id(election_id),
    )
    session.add(election)
    session.add(_transition(election, None, S.NOMINATING, actor, None))
    await session.flush()
    return election


async def nominate(session: AsyncSession, election: Election, data: Any, actor: UUID) -> ElectionCandidate:
    _require_open(election, S.NOMINATING, "candidates are nominated")
    if data.party_id == election.inspector_party_id:
        raise InspectorNotEligible("The inspector of elections stands for nothing in it.", field=["partyId"])
    party = await session.get(Party, data.party_id)
    assert party is not None, "the pipeline resolved the party"
    candidate = ElectionCandidate(
        organization_id=election.organization_id,
        association_id=election.association_id,
        election_id=election.id,
        party_id=party.id,
        name=party.name,
        statement=data.statement,
        nominated_by=actor,
    )
    await add_or_raise(session, candidate, AlreadyNominated(f"{party.name} is already a candidate.", field=["partyId"]))
    return candidate


async def open_voting(session: AsyncSession, election: Election) -> None:
    """Nominations closed: the candidate list is fixed and ballots issue to every
    active unit with a vote; with no candidate, nothing to vote on."""
    candidates = await session.scalar(select(func.count()).where(ElectionCandidate.election_id == election.id))
    if not candidates:
        move(session, election, S.CANCELED, None, "No candidate was nominated.")
        return
    units, weight = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Unit.voting_weight), 0)).where(
                Unit.association_id == election.association_id, Unit.status == UnitStatus.ACTIVE, Unit.voting_weight > 0
            )
        )
    ).one()
    election.eligible_units, election.eligible_weight = units, Decimal(weight)
    move(session, election, S.VOTING, None, f"Nominations closed with {candidates} candidates.")


async def cancel(session: AsyncSession, election: Election, actor: UUID, reason: str) -> None:
    move(session, election, S.CANCELED, actor, reason)


# --- casting ---------------------------------------------------------------------------


async def _entitlement(session: AsyncSession, election: Election, data: Any, user_id: UUID | None) -> tuple[UUID, Decimal]:
    """Who casts the unit's ballot (an owner today, or its proxy holder for the
    election's meeting), and the unit's weight; NOT_ENTITLED_TO_VOTE otherwise."""
    unit = await session.get(Unit, data.unit_id)
    assert unit is not None, "the pipeline resolved the unit"
    if unit.association_id != election.association_id or unit.status is not UnitStatus.ACTIVE or unit.voting_weight <= 0:
        raise NotEntitledToVote("This unit has no vote in this election.", field=["unitId"])
    if user_id is None:
        raise NotEntitledToVote("A ballot is cast by a person, not a service account.", field=["unitId"])
    if data.proxy_id is not None:
        holder = await session.scalar(
            select(MeetingProxy.holder_party_id)
            .join(Party, and_(Party.organization_id == MeetingProxy.organization_id, Party.id == MeetingProxy.holder_party_id))
            .where(
                MeetingProxy.id == data.proxy_id,
                MeetingProxy.meeting_id == election.meeting_id,
                MeetingProxy.unit_id == unit.id,
                MeetingProxy.revoked_at.is_(None),
                Party.user_id == user_id,
            )
        )
        if holder is None:
            raise NotEntitledToVote("You hold no proxy in force for this unit at the election's meeting.", field=["proxyId"])
        return holder, unit.voting_weight
    owner = await session.scalar(
        select(Ownership.party_id)
        .join(Party, and_(Party.organization_id == Ownership.organization_id, Party.id == Ownership.party_id))
        .where(Ownership.unit_id == unit.id, Party.user_id == user_id, current(Ownership.starts_on, Ownership.ends_on))
        .order_by(Ownership.party_id)
        .limit(1)
    )
    if owner is None:
        raise NotEntitledToVote("Only a current owner of the unit, or its proxy holder, votes for it.", field=["unitId"])
    return owner, unit.voting_weight


async def _marks(session: AsyncSession, election: Election, marks: Sequence[Any]) -> dict[str, int]:
    named = [m.candidate_id for m in marks]
    if len(set(named)) != len(named):
        raise InvalidBallot("A ballot names each candidate once.", field=["marks"])
    if named:
        known = set(
            (
                await session.scalars(
                    select(ElectionCandidate.id).where(
                        ElectionCandidate.election_id == election.id, ElectionCandidate.id.in_(named)
                    )
                )
            ).all()
        )
        if known != set(named):
            raise InvalidBallot("A ballot marks candidates of this election.", field=["marks"])
    votes = sum(m.votes for m in marks)
    if election.method is ElectionMethod.PLURALITY and any(m.votes != 1 for m in marks):
        raise InvalidBallot("A plurality ballot gives each candidate marked one vote.", field=["marks"])
    if votes > election.seats_to_fill:
        raise InvalidBallot(f"A ballot has {election.seats_to_fill} votes; this one gives {votes}.", field=["marks"])
    return {str(m.candidate_id): m.votes for m in marks}


def sealed_ballot(sealer: Sealer, weight: Decimal, choices: dict[str, int]) -> str:
    """A ballot as the box keeps it: its weight and marks, sealed."""
    return sealer.seal(json.dumps({"weight": str(weight), "choices": choices}, sort_keys=True))


async def cast(
    session: AsyncSession, election: Election, data: Any, user_id: UUID | None, actor: UUID, sealer: Sealer
) -> ElectionVoter:
    """Record that the unit voted and put its sealed ballot in the box (see the module's docstring)."""
    _require_open(election, S.VOTING, "ballots are cast")
    if now() >= election.voting_closes_at:
        raise ElectionNotOpen("Voting has closed.", field=["id"], details={"field": ["id"], "status": election.status.value})
    party, weight = await _entitlement(session, election, data, user_id)
    choices = await _marks(session, election, data.marks)
    return await record_ballot(session, election, data.unit_id, party, data.proxy_id, weight, choices, actor, sealer)


async def record_ballot(
    session: AsyncSession,
    election: Election,
    unit_id: UUID,
    party_id: UUID,
    proxy_id: UUID | None,
    weight: Decimal,
    choices: dict[str, int],
    actor: UUID,
    sealer: Sealer,
) -> ElectionVoter:
    """That the unit voted (ALREADY_VOTED a second time), and its ballot, sealed, in the box."""
    voter = ElectionVoter(
        organization_id=election.organization_id,
        association_id=election.association_id,
        election_id=election.id,
        unit_id=unit_id,
        party_id=party_id,
        proxy_id=proxy_id,
        weight=weight,
        cast_by=actor,
    )
    await add_or_raise(session, voter, AlreadyVoted("This unit has already voted in this election.", field=["unitId"]))
    session.add(
        ElectionBallotBox(
            id=uuid4(),
            organization_id=election.organization_id,
            association_id=election.association_id,
            election_id=election.id,
            sealed=sealed_ballot(sealer, weight, choices),
        )
    )
    election.ballots_cast += 1
    election.weight_cast += weight
    await session.flush()
    return voter


def pieces(weight: Decimal) -> list[Decimal]:
    """The weight as a sum of distinct powers of two of its smallest step."""
    steps = int(weight / WEIGHT_STEP)
    return [Decimal(1 << bit) * WEIGHT_STEP for bit in range(steps.bit_length()) if steps >> bit & 1]


async def close(session: AsyncSession, election: Election, sealer: Sealer) -> int:
    """The window has ended: empty the box into the ballots, every piece shuffled
    and written together; answers the ballots counted."""
    box = (await session.scalars(select(ElectionBallotBox.sealed).where(ElectionBallotBox.election_id == election.id))).all()
    rows: list[dict[str, Any]] = []
    for sealed in box:
        ballot = json.loads(sealer.unseal(sealed))
        rows.extend({"weight": piece, "choices": ballot["choices"]} for piece in pieces(Decimal(ballot["weight"])))
    random.SystemRandom().shuffle(rows)
    if rows:
        await session.execute(
            insert(ElectionBallot),
            [
                {
                    "id": uuid4(),
                    "organization_id": election.organization_id,
                    "association_id": election.association_id,
                    "election_id": election.id,
                }
                | row
                for row in rows
            ],
        )
    await session.execute(delete(ElectionBallotBox).where(ElectionBallotBox.election_id == election.id))
    move(session, election, S.CLOSED, None, f"Voting closed: {len(box)} ballots.")
    return len(box)


# --- the count ---------------------------------------------------------------------------


async def count(session: AsyncSession, election: Election) -> tuple[list[tuple[UUID, Decimal]], Decimal]:
    """Each candidate's weighted votes from the stored ballots, most first (then by
    id, for a stable order), and the weight of the ballots counted."""
    totals: dict[str, Decimal] = dict(
        (
            await session.execute(
                text(
                    "SELECT mark.key, sum(b.weight * mark.value::int) FROM election_ballots b, jsonb_each_text(b.choices) mark "
                    "WHERE b.election_id = :election GROUP BY mark.key"
                ),
                {"election": election.id},
            )
        ).all()
    )
    candidates = (await session.scalars(select(ElectionCandidate.id).where(ElectionCandidate.election_id == election.id))).all()
    counts = [(c, Decimal(totals.get(str(c)) or 0).quantize(WEIGHT_STEP)) for c in candidates]
    counts.sort(key=lambda c: (-c[1], str(c[0])))
    weight = await session.scalar(
        select(func.coalesce(func.sum(ElectionBallot.weight), 0)).where(ElectionBallot.election_id == election.id)
    )
    return counts, Decimal(weight or 0).quantize(WEIGHT_STEP)


async def tally(session: AsyncSession, election: Election) -> list[ElectionResult]:
    """Count the ballots into the results: a place per candidate (equal counts share
    one) and who is elected — the first `seats_to_fill` places, unless a tie
    straddles the last seat, which leaves those tied unelected for a tie-break."""
    counts, _ = await count(session, election)
    results = []
    for candidate, votes in counts:
        place = 1 + sum(1 for _, other in counts if other > votes)
        tied_beyond = sum(1 for _, other in counts if other >= votes) > election.seats_to_fill
        results.append(
            ElectionResult(
                organization_id=election.organization_id,
                association_id=election.association_id,
                election_id=election.id,
                candidate_id=candidate,
                votes=votes,
                place=place,
                elected=place <= election.seats_to_fill and not tied_beyond,
            )
        )
    session.add_all(results)
    election.tallied_at = now()
    move(session, election, S.TALLIED, None, "Counted from the ballots.")
    await session.flush()
    return results


async def results_of(session: AsyncSession, election_id: UUID) -> Sequence[ElectionResult]:
    return (
        await session.scalars(
            select(ElectionResult)
            .where(ElectionResult.election_id == election_id)
            .order_by(ElectionResult.place, ElectionResult.candidate_id)
        )
    ).all()


async def certify(session: AsyncSession, election: Election, actor: UUID) -> Sequence[ElectionResult]:
    """The inspector certifies the count: each winner's term is filled on the body
    (elected, with the election's dates), so the board role follows from the seat."""
    _require_open(election, S.TALLIED, "the count is certified")
    results = await results_of(session, election.id)
    winners = [r for r in results if r.elected]
    if len(winners) < min(election.seats_to_fill, len(results)):
        tied = [fixed_point(r.votes) for r in results if not r.elected and r.place <= election.seats_to_fill]
        raise TallyTied(
            f"Candidates tie for the last seat ({', '.join(tied)} votes): the governing documents' tie-break decides.",
            field=["id"],
        )
    body = await session.get(GoverningBody, election.body_id)
    assert body is not None
    candidates = {
        c.id: c for c in (await session.scalars(select(ElectionCandidate).where(ElectionCandidate.election_id == election.id)))
    }
    for result in winners:
        term = _Term(candidates[result.candidate_id].party_id, election.term_starts_on, election.term_ends_on)
        seat = await seats.fill(session, election.organization_id, body, term)
        await session.execute(update(ElectionResult).where(ElectionResult.id == result.id).values(seat_id=seat.id))
        result.seat_id = seat.id
    election.certified_at = now()
    move(session, election, S.CERTIFIED, actor, f"Certified: {len(winners)} elected.")
    await session.flush()
    return results


class _Term:
    """A term to fill, in the shape `seats.fill` takes."""

    filled_by = SeatFilledBy.ELECTED

    def __init__(self, party_id: UUID, starts_on: Any, ends_on: Any) -> None:
        self.party_id, self.starts_on, self.ends_on = party_id, starts_on, ends_on


# --- reading ---------------------------------------------------------------------------------


async def election_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Election], Page]:
    page = Page(data.first, data.after, "voting_closes_at", descending=True)
    where = [visible]
    if data.association_id is not None:
        where.append(Election.association_id == data.association_id)
    if data.status is not None:
        where.append(Election.status == data.status)
    return (await session.scalars(page_statement(Election, page, where))).all(), page


async def voters_page(session: AsyncSession, election_id: UUID, data: Any) -> tuple[Sequence[ElectionVoter], Page]:
    page = Page(data.first, data.after, "created_at")
    return (await session.scalars(page_statement(ElectionVoter, page, [ElectionVoter.election_id == election_id]))).all(), page

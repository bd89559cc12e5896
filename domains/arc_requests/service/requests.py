"""ARC requests: submission (complete or not), the committee's review — votes
or the chair's decision — requests for more information and the clock, the
decision deadline and deemed approval, appeals, completion and inspection.

A request keeps the jurisdiction rules in force the day it was submitted
(`rules_used`). Its deadline is arc_decision_days after submission, or
solar_arc_decision_days for a solar energy system; it is deemed approved when
the deadline passes undecided if arc_deemed_approval says so, or, for solar,
where a statute (not just Hestami's default) sets the solar deadline — CA Civil
Code §714(g) deems such an application approved.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.arc_requests.errors import (
    AlreadyVoted,
    ConditionsRequired,
    InvalidArcTransition,
    InvalidDates,
    NeighborAcknowledgementsRequired,
    NoAppeal,
    NotCommitteeMember,
    WrongDecisionMode,
)
from domains.arc_requests.models import (
    UNDECIDED,
    ArcClock,
    ArcDecisionMode,
    ArcDeemedApproval,
    ArcEventKind,
    ArcProjectType,
    ArcRequest,
    ArcRequestEvent,
    ArcSettings,
    ArcStatus,
    ArcVote,
    ArcVoteChoice,
)
from domains.arc_requests.service.committee import require_committee, seat_of
from domains.associations.models import Association, Unit
from domains.communications.models import TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.documents.service import documents
from domains.jurisdictions.service import rules as jurisdiction_rules
from graph.clock import today
from graph.db import add_or_raise, new_id
from graph.durable import SYSTEM_ACTOR
from graph.ids import encode
from graph.pages import Page, page_statement

S = ArcStatus
WORKFLOW = "arc_request_deadline_workflow"
TOPIC = "arc_request"
APPROVED_BY = {
    ArcVoteChoice.APPROVE: ArcStatus.APPROVED,
    ArcVoteChoice.APPROVE_WITH_CONDITIONS: ArcStatus.APPROVED_WITH_CONDITIONS,
    ArcVoteChoice.DENY: ArcStatus.DENIED,
}


def workflow_id(request_id: UUID) -> str:
    return f"arc-request-{request_id}"


# --- settings ---------------------------------------------------------------------


def default_settings(association_id: UUID) -> ArcSettings:
    return ArcSettings(
        association_id=association_id,
        decision_mode=ArcDecisionMode.VOTE,
        votes_required=1,
        neighbor_acknowledgements_required=False,
        more_info_clock=ArcClock.PAUSE,
        inspection_required=False,
        committee_body_id=None,
    )


async def settings_of(session: AsyncSession, association_id: UUID) -> ArcSettings:
    row = await session.scalar(select(ArcSettings).where(ArcSettings.association_id == association_id))
    return row if row is not None else default_settings(association_id)


async def set_settings(session: AsyncSession, organization_id: UUID, data: Any, by: UUID) -> ArcSettings:
    await require_committee(session, data.association_id, data.committee_body_id)
    # The committee, when not given, stays as it was: settings are set from the documents, the committee by the board.
    keep = set() if "committee_body_id" in data.model_fields_set else {"committee_body_id"}
    values = data.model_dump(exclude={"association_id", *keep}) | {"updated_by": by}
    statement = (
        insert(ArcSettings)
        .values(id=new_id(), organization_id=organization_id, association_id=data.association_id, **values)
        .on_conflict_do_update(index_elements=["organization_id", "association_id"], set_=values | {"updated_at": func.now()})
        .returning(ArcSettings)
        .execution_options(populate_existing=True)
    )
    return (await session.scalars(statement)).one()


# --- reading ----------------------------------------------------------------------


async def lock(session: AsyncSession, request_id: UUID) -> ArcRequest:
    row = await session.scalar(
        select(ArcRequest).where(ArcRequest.id == request_id).with_for_update().execution_options(populate_existing=True)
    )
    assert row is not None, "the pipeline found the request visible a moment ago"
    return row


async def request_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[ArcRequest], Page]:
    page = Page(data.first, data.after, "submitted_on", descending=True)
    where = [visible, ArcRequest.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(ArcRequest.unit_id == data.unit_id)
    if data.status is not None:
        where.append(ArcRequest.status == data.status)
    return (await session.scalars(page_statement(ArcRequest, page, where))).all(), page


async def details_of(
    session: AsyncSession, ids: list[UUID]
) -> tuple[dict[UUID, list[ArcRequestEvent]], dict[UUID, list[ArcVote]], dict[UUID, ArcDeemedApproval]]:
    """Events and votes of requests, oldest first, and their deemed-approval
    records (three statements), the step's own included."""
    await session.flush()
    events: dict[UUID, list[ArcRequestEvent]] = defaultdict(list)
    votes: dict[UUID, list[ArcVote]] = defaultdict(list)
    for e in await session.scalars(
        select(ArcRequestEvent).where(ArcRequestEvent.arc_request_id.in_(ids)).order_by(ArcRequestEvent.seq)
    ):
        events[e.arc_request_id].append(e)
    for v in await session.scalars(select(ArcVote).where(ArcVote.arc_request_id.in_(ids)).order_by(ArcVote.cast_at, ArcVote.id)):
        votes[v.arc_request_id].append(v)
    deemed = {
        d.arc_request_id: d
        for d in await session.scalars(select(ArcDeemedApproval).where(ArcDeemedApproval.arc_request_id.in_(ids)))
    }
    return events, votes, deemed


# --- steps ------------------------------------------------------------------------

FROM: dict[ArcEventKind, frozenset[ArcStatus]] = {
    ArcEventKind.ACCEPTED: frozenset({S.SUBMITTED}),
    ArcEventKind.MORE_INFO_REQUESTED: frozenset({S.SUBMITTED, S.UNDER_REVIEW}),
    ArcEventKind.OWNER_REPLIED: frozenset({S.MORE_INFO_REQUESTED}),
    ArcEventKind.VOTED: frozenset({S.UNDER_REVIEW}),
    ArcEventKind.DECIDED: frozenset({S.UNDER_REVIEW}),
    ArcEventKind.DEEMED_APPROVED: frozenset({S.SUBMITTED, S.UNDER_REVIEW}),
    ArcEventKind.DEADLINE_PASSED: frozenset({S.SUBMITTED, S.UNDER_REVIEW}),
    ArcEventKind.APPEALED: frozenset({S.DENIED}),
    ArcEventKind.APPEAL_DECIDED: frozenset({S.APPEALED}),
    ArcEventKind.WORK_COMPLETED: frozenset({S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.DEEMED_APPROVED}),
    ArcEventKind.INSPECTED: frozenset({S.PENDING_INSPECTION}),
    ArcEventKind.VOIDED: frozenset({*UNDECIDED, S.APPROVED, S.APPROVED_WITH_CONDITIONS, S.DEEMED_APPROVED}),
}


def allowed(request: ArcRequest, kind: ArcEventKind) -> None:
    if request.status not in FROM[kind]:
        starts = sorted(s.value for s in FROM[kind])
        raise InvalidArcTransition(
            f"This request is {request.status.value}; {kind.value} needs it to be one of: {', '.join(starts)}.",
            field=["id"],
            details={"status": request.status.value, "step": kind.value, "allowedFrom": starts},
        )


def move(
    session: AsyncSession,
    request: ArcRequest,
    kind: ArcEventKind,
    to: ArcStatus,
    actor: UUID | None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
    on: date | None = None,
) -> ArcRequestEvent:
    event = ArcRequestEvent(
        organization_id=request.organization_id,
        association_id=request.association_id,
        arc_request_id=request.id,
        unit_id=request.unit_id,
        kind=kind,
        from_status=request.status,
        to_status=to,
        occurred_on=on or today(),
        actor_id=actor,
        note=note,
        details=details or {},
    )
    session.add(event)
    request.status = to
    return event


def rule(request: ArcRequest, key: str) -> dict[str, Any]:
    return dict(request.rules_used["rules"][key])


def deadline_rule(request: ArcRequest) -> str:
    return "solar_arc_decision_days" if request.project_type is ArcProjectType.SOLAR else "arc_decision_days"


def _cited(request: ArcRequest, key: str, **more: Any) -> dict[str, Any]:
    r = rule(request, key)
    return {
        "key": key,
        "value": r["value"],
        "citation": r["citation"],
        "source": r["source"],
        "effectiveOn": r["effectiveOn"],
    } | more


async def submit(session: AsyncSession, organization_id: UUID, unit: Unit, data: Any, by: UUID) -> ArcRequest:
    """A new request, complete or not yet checked, with its deadline from the rules."""
    settings = await settings_of(session, unit.association_id)
    if settings.neighbor_acknowledgements_required and not data.neighbor_acknowledgements:
        raise NeighborAcknowledgementsRequired(
            "This association requires the neighbours' acknowledgements with a request.", field=["neighborAcknowledgements"]
        )
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        raise InvalidDates("The work can't end before it starts.", field=["endsOn"])
    await documents.referenced(session, data.document_ids, unit.association_id, "documentIds")
    association = await session.get(Association, unit.association_id)
    assert association is not None
    on = today()
    jurisdiction, effective = await jurisdiction_rules.effective(session, association, on)
    rid = new_id()
    request = ArcRequest(
        id=rid,
        organization_id=organization_id,
        association_id=unit.association_id,
        unit_id=unit.id,
        submitted_by=by,
        project_type=data.project_type,
        description=data.description,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        contractor=data.contractor,
        document_ids=list(data.document_ids),
        neighbor_acknowledgements=[a.model_dump(mode="json", by_alias=True) for a in data.neighbor_acknowledgements],
        status=S.SUBMITTED,
        jurisdiction=jurisdiction,
        rules_used=jurisdiction_rules.snapshot(jurisdiction, on, effective),
        submitted_on=on,
        review_round=1,
        workflow_id=workflow_id(rid),
    )
    key = deadline_rule(request)
    days = int(rule(request, key)["value"])
    request.decision_due_by = on + timedelta(days=days)
    solar_by_statute = key == "solar_arc_decision_days" and rule(request, key)["source"] != "default"
    request.deemed_approval = bool(rule(request, "arc_deemed_approval")["value"]) or solar_by_statute
    session.add(request)
    await session.flush()
    event = move(
        session,
        request,
        ArcEventKind.SUBMITTED,
        S.SUBMITTED,
        by,
        None,
        {
            "decisionDueBy": request.decision_due_by.isoformat(),
            "deemedApproval": request.deemed_approval,
            "rule": _cited(request, key),
            "deemedApprovalRule": _cited(request, key if solar_by_statute else "arc_deemed_approval"),
        },
    )
    event.from_status = None
    return request


async def accept(session: AsyncSession, request: ArcRequest, note: str | None, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.ACCEPTED)
    return move(session, request, ArcEventKind.ACCEPTED, S.UNDER_REVIEW, by, note)


async def request_info(session: AsyncSession, request: ArcRequest, missing: str, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.MORE_INFO_REQUESTED)
    settings = await settings_of(session, request.association_id)
    request.paused_on, request.reasons = today(), missing
    return move(
        session,
        request,
        ArcEventKind.MORE_INFO_REQUESTED,
        S.MORE_INFO_REQUESTED,
        by,
        missing,
        {"clock": settings.more_info_clock.value, "decisionDueBy": request.decision_due_by.isoformat()},
    )


async def reply(session: AsyncSession, request: ArcRequest, text: str, document_ids: list[UUID], by: UUID) -> ArcRequestEvent:
    """The owner's reply: back to review, a new round; the deadline moves by the
    days it waited (clock pause) or runs again from today (clock restart)."""
    allowed(request, ArcEventKind.OWNER_REPLIED)
    await documents.referenced(session, document_ids, request.association_id, "documentIds")
    settings = await settings_of(session, request.association_id)
    assert request.paused_on is not None
    before = request.decision_due_by
    if settings.more_info_clock is ArcClock.PAUSE:
        request.decision_due_by = before + (today() - request.paused_on)
    else:
        request.decision_due_by = today() + timedelta(days=int(rule(request, deadline_rule(request))["value"]))
    request.paused_on, request.reasons = None, None
    request.review_round += 1
    request.document_ids = [*request.document_ids, *document_ids]
    return move(
        session,
        request,
        ArcEventKind.OWNER_REPLIED,
        S.UNDER_REVIEW,
        by,
        text,
        {
            "clock": settings.more_info_clock.value,
            "decisionDueBy": {"from": before.isoformat(), "to": request.decision_due_by.isoformat()},
            "documentIds": [encode("doc", d) for d in document_ids],
        },
    )


async def _outcome(
    session: AsyncSession,
    request: ArcRequest,
    outcome: ArcVoteChoice,
    conditions: str | None,
    reasons: str | None,
    by: UUID | None,
    kind: ArcEventKind,
    details: dict[str, Any],
) -> ArcRequestEvent:
    if outcome is ArcVoteChoice.APPROVE_WITH_CONDITIONS and not conditions:
        raise ConditionsRequired("An approval with conditions states them.", field=["conditions"])
    if outcome is ArcVoteChoice.DENY and not reasons:
        raise ConditionsRequired("A denial states its reasons.", field=["reasons"])
    request.decided_on = today()
    request.conditions = conditions if outcome is ArcVoteChoice.APPROVE_WITH_CONDITIONS else None
    request.reasons = reasons if outcome is ArcVoteChoice.DENY else None
    if outcome is ArcVoteChoice.DENY:
        appeal = rule(request, "appeal_required")
        request.appeal_available = bool(appeal["value"]) and kind is not ArcEventKind.APPEAL_DECIDED
        details = details | {"appealAvailable": request.appeal_available, "appealRule": _cited(request, "appeal_required")}
    else:
        request.appeal_available = None
    event = move(session, request, kind, APPROVED_BY[outcome], by, reasons or conditions, details | {"outcome": outcome.value})
    await decision_letters(session, request, event, by)
    return event


OUTCOME_WORDS = {
    S.APPROVED: "approved",
    S.APPROVED_WITH_CONDITIONS: "approved with conditions",
    S.DENIED: "denied",
    S.DEEMED_APPROVED: "deemed approved",
}


async def decision_letters(session: AsyncSession, request: ArcRequest, event: ArcRequestEvent, by: UUID | None) -> None:
    """The decision, to the unit's owners, in the decision's transaction: one
    letter per owner and decision (an appeal's decision is a second one)."""
    await session.flush()  # the event's id keys the letters
    assert request.decided_on is not None
    variables = {
        "arc": {
            "project": request.project_type.value.replace("_", " "),
            "description": request.description[:500],
            "outcome": OUTCOME_WORDS[request.status],
            "decided_on": request.decided_on.isoformat(),
            "conditions": request.conditions or "",
            "reasons": request.reasons or "",
            "appeal_available": "yes" if request.appeal_available else "no",
        }
    }
    owners = await people.owners_of_units(session, request.association_id, [request.unit_id])
    await outbox.write(
        session,
        request.organization_id,
        request.association_id,
        TemplateKind.ARC_DECISION,
        f"arc:{request.id}:{event.id}",
        owners,
        variables,
        by or SYSTEM_ACTOR,
    )


async def vote(session: AsyncSession, request: ArcRequest, data: Any, by: UUID) -> ArcRequestEvent:
    """A member's vote; the votes required decide by their majority (a tie denies)."""
    allowed(request, ArcEventKind.VOTED)
    settings = await settings_of(session, request.association_id)
    if settings.decision_mode is not ArcDecisionMode.VOTE:
        raise WrongDecisionMode("The association's chair decides requests (decisionMode chair).", field=["id"])
    if await seat_of(session, request.association_id, by, today()) is None:
        raise NotCommitteeMember("Only a current member of the committee votes.", field=["id"])
    if data.vote is ArcVoteChoice.APPROVE_WITH_CONDITIONS and not data.conditions:
        raise ConditionsRequired("An approval with conditions states them.", field=["conditions"])
    cast = ArcVote(
        organization_id=request.organization_id,
        association_id=request.association_id,
        arc_request_id=request.id,
        unit_id=request.unit_id,
        review_round=request.review_round,
        voter_id=by,
        vote=data.vote,
        conditions=data.conditions,
        note=data.note,
    )
    await add_or_raise(session, cast, AlreadyVoted("You have voted on this request in this round.", field=["id"]))
    votes = (
        await session.scalars(
            select(ArcVote).where(ArcVote.arc_request_id == request.id, ArcVote.review_round == request.review_round)
        )
    ).all()
    tally = Counter(v.vote for v in votes)
    details = {"vote": data.vote.value, "round": request.review_round, "tally": {k.value: n for k, n in tally.items()}}
    if len(votes) < settings.votes_required:
        return move(
            session, request, ArcEventKind.VOTED, S.UNDER_REVIEW, by, data.note, details | {"required": settings.votes_required}
        )
    approvals = tally[ArcVoteChoice.APPROVE] + tally[ArcVoteChoice.APPROVE_WITH_CONDITIONS]
    if approvals > tally[ArcVoteChoice.DENY]:
        conditions = "\n".join(v.conditions for v in votes if v.conditions) or None
        outcome = ArcVoteChoice.APPROVE_WITH_CONDITIONS if conditions else ArcVoteChoice.APPROVE
        return await _outcome(session, request, outcome, conditions, None, by, ArcEventKind.DECIDED, details | {"by": "vote"})
    reasons = "\n".join(v.note for v in votes if v.vote is ArcVoteChoice.DENY and v.note) or "Denied by the committee's vote."
    return await _outcome(session, request, ArcVoteChoice.DENY, None, reasons, by, ArcEventKind.DECIDED, details | {"by": "vote"})


async def chair_decides(session: AsyncSession, request: ArcRequest, data: Any, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.DECIDED)
    settings = await settings_of(session, request.association_id)
    if settings.decision_mode is not ArcDecisionMode.CHAIR:
        raise WrongDecisionMode("The committee decides requests by vote (decisionMode vote).", field=["id"])
    seat = await seat_of(session, request.association_id, by, today())
    if seat is None or not seat[1]:
        raise NotCommitteeMember("Only the committee's chair decides.", field=["id"])
    return await _outcome(
        session, request, data.outcome, data.conditions, data.reasons, by, ArcEventKind.DECIDED, {"by": "chair"}
    )


async def appeal(session: AsyncSession, request: ArcRequest, reason: str, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.APPEALED)
    if not request.appeal_available:
        raise NoAppeal("This denial offers no appeal.", field=["id"], details=_cited(request, "appeal_required"))
    return move(session, request, ArcEventKind.APPEALED, S.APPEALED, by, reason)


async def decide_appeal(session: AsyncSession, request: ArcRequest, data: Any, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.APPEAL_DECIDED)
    return await _outcome(
        session, request, data.outcome, data.conditions, data.reasons, by, ArcEventKind.APPEAL_DECIDED, {"by": "board"}
    )


async def complete(session: AsyncSession, request: ArcRequest, note: str | None, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.WORK_COMPLETED)
    settings = await settings_of(session, request.association_id)
    to = S.PENDING_INSPECTION if settings.inspection_required else S.COMPLETED
    return move(session, request, ArcEventKind.WORK_COMPLETED, to, by, note)


async def inspect(session: AsyncSession, request: ArcRequest, note: str | None, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.INSPECTED)
    return move(session, request, ArcEventKind.INSPECTED, S.COMPLETED, by, note)


async def void(session: AsyncSession, request: ArcRequest, note: str | None, by: UUID) -> ArcRequestEvent:
    allowed(request, ArcEventKind.VOIDED)
    return move(session, request, ArcEventKind.VOIDED, S.VOID, by, note)


# --- the deadline -------------------------------------------------------------------


def next_deadline(request: ArcRequest) -> date | None:
    """The day the deadline has passed (the day after the last day to decide),
    while the request waits undecided on the committee; None while the clock
    is paused or once decided."""
    if request.status in (S.SUBMITTED, S.UNDER_REVIEW):
        return request.decision_due_by + timedelta(days=1)
    return None


async def _lapse_recorded(session: AsyncSession, request: ArcRequest) -> bool:
    return bool(
        await session.scalar(
            select(func.count())
            .select_from(ArcRequestEvent)
            .where(ArcRequestEvent.arc_request_id == request.id, ArcRequestEvent.kind == ArcEventKind.DEADLINE_PASSED)
            .where(ArcRequestEvent.details["decisionDueBy"].astext == request.decision_due_by.isoformat())
        )
    )


async def pending_deadline(session: AsyncSession, request: ArcRequest) -> date | None:
    """What the workflow waits for: the deadline, unless its lapse is already on record."""
    due = next_deadline(request)
    if due is None or (not request.deemed_approval and await _lapse_recorded(session, request)):
        return None
    return due


async def deadline_passed(session: AsyncSession, request_id: UUID, due: date) -> ArcRequestEvent | None:
    """The deadline passed undecided: deemed approved where the rules say so,
    with a letter-ready record of why; otherwise the lapse is recorded (once)."""
    request = await lock(session, request_id)
    if next_deadline(request) != due:
        return None  # decided, paused or moved since
    key = deadline_rule(request)
    facts: dict[str, Any] = {
        "submittedOn": request.submitted_on.isoformat(),
        "decisionDueBy": request.decision_due_by.isoformat(),
        "rule": _cited(request, key),
        "deemedApprovalRule": _cited(
            request, key if request.project_type is ArcProjectType.SOLAR and request.deemed_approval else "arc_deemed_approval"
        ),
    }
    if request.deemed_approval:
        deemed_on = min(due, today())
        request.decided_on = deemed_on
        unit = await session.get(Unit, request.unit_id)
        assert unit is not None
        cited = facts["deemedApprovalRule"]
        letter = (
            f"The architectural request for unit {unit.unit_number} ({request.project_type.value}: "
            f"{request.description[:200]}), submitted on {request.submitted_on.isoformat()}, received no written "
            f"decision by {request.decision_due_by.isoformat()}, the last day allowed ({facts['rule']['value']} days: "
            f"{facts['rule']['citation']}). It is therefore deemed approved. Authority: {cited['citation']} "
            f"(version in force from {cited['effectiveOn']}, as of {request.rules_used['asOf']})."
        )
        event = move(
            session,
            request,
            ArcEventKind.DEEMED_APPROVED,
            S.DEEMED_APPROVED,
            None,
            letter,
            facts | {"letter": letter},
            on=deemed_on,
        )
        await session.flush()
        session.add(
            ArcDeemedApproval(
                organization_id=request.organization_id,
                association_id=request.association_id,
                arc_request_id=request.id,
                unit_id=request.unit_id,
                event_id=event.id,
                deemed_on=deemed_on,
                submitted_on=request.submitted_on,
                decision_due_by=request.decision_due_by,
                jurisdiction=request.jurisdiction,
                rules_as_of=date.fromisoformat(request.rules_used["asOf"]),
                deadline_rule=facts["rule"],
                deemed_approval_rule=cited,
                letter=letter,
            )
        )
        await decision_letters(session, request, event, None)
        return event
    if await _lapse_recorded(session, request):
        return None
    return move(
        session,
        request,
        ArcEventKind.DEADLINE_PASSED,
        request.status,
        None,
        "The decision deadline passed undecided.",
        facts,
        on=min(due, today()),
    )

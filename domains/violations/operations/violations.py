"""violation/v1/{observe,checkNotice,queueNotice,reviewNotice,sendNotice,reinspect,scheduleHearing,decide,
deliverDecision,respond,appeal,decideAppeal,dismiss,get,list}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domains.violations.models import Violation, ViolationEventKind
from domains.violations.schemas import (
    NoticeChecks,
    ViolationAppealDecideInput,
    ViolationAppealInput,
    ViolationConnection,
    ViolationDecideInput,
    ViolationDeliverInput,
    ViolationDismissInput,
    ViolationEventRead,
    ViolationFineRead,
    ViolationGetInput,
    ViolationHearingInput,
    ViolationListInput,
    ViolationNoticeCheckInput,
    ViolationNoticeInput,
    ViolationNoticeQueueInput,
    ViolationNoticeReviewInput,
    ViolationObservationRead,
    ViolationObserveInput,
    ViolationObserveResult,
    ViolationRead,
    ViolationReinspectInput,
    ViolationRespondInput,
)
from domains.violations.service import fines, violations
from domains.violations.service.violations import TOPIC, WORKFLOW
from graph.clock import today
from graph.handlers import OperationContext, actor, as_connection, org, with_nodes
from graph.operations import operation


async def _with_details(ctx: OperationContext, rows: Sequence[Violation]) -> list[Any]:
    """Violations as API models with their events, observations and fines (three statements)."""
    ids = [v.id for v in rows]
    events, observations = await violations.details_of(ctx.session, ids)
    posted = await fines.of(ctx.session, ids)
    return [
        ViolationRead.model_validate(v).model_copy(
            update={
                "events": [ViolationEventRead.model_validate(e) for e in events[v.id]],
                "observations": [ViolationObservationRead.model_validate(o) for o in observations[v.id]],
                "fines": [ViolationFineRead.model_validate(f) for f in posted[v.id]],
            }
        )
        for v in rows
    ]


async def _stepped(ctx: OperationContext, violation: Violation, event: Any) -> ViolationRead:
    """After a step: wake the workflow, say what changed in the audit row, answer the violation."""
    # Started if it isn't running (a violation loaded by the demo seed has none
    # yet); a start with the id of a running or finished workflow changes nothing.
    ctx.after_commit.append(
        {
            "kind": "start",
            "name": WORKFLOW,
            "workflow_id": violation.workflow_id,
            "args": [str(violation.organization_id), str(violation.id), ctx.platform.settings.workflow_day_seconds],
        }
    )
    ctx.send(violation.workflow_id, TOPIC, {"step": event.kind.value})
    ctx.audit_summary = {
        "step": event.kind.value,
        "from": event.from_status.value if event.from_status else None,
        "to": event.to_status.value,
        "on": event.occurred_on.isoformat(),
    }
    if (rule := event.details.get("rule")) is not None:
        ctx.audit_summary["rule"] = {"key": rule["key"], "value": rule["value"], "citation": rule["citation"]}
    return (await _with_details(ctx, [violation]))[0]


@operation(
    "violation/v1/observe",
    input=ViolationObserveInput,
    output=ViolationObserveResult,
    kind="violation",
    action="observe",
    summary="Log a violation sighting",
)
async def observe(ctx: OperationContext, data: ViolationObserveInput) -> ViolationObserveResult:
    """Log a sighting of a rule violated at a unit (a drive-by inspection, a
    complaint), with description, location and photos. If a violation of the
    same rule at the same unit is open, the sighting is added to it
    (`duplicate`); otherwise a violation opens, a `repeat` when the unit
    violated the rule within the rule's repeat window before, working under
    the jurisdiction rules in force that day (kept on it), and its lifecycle
    workflow starts. Photos are documents filed first (`document/v1/create`),
    named by id. Refused: a retired rule (RULE_INACTIVE); a rule of another
    association (INVALID_REFERENCE); a photo in another association's library
    (DOCUMENT_ELSEWHERE) or destroyed (DOCUMENT_DESTROYED); a day after today
    (DATE_IN_FUTURE)."""
    violation, observation, duplicate = await violations.observe(ctx.session, org(ctx), data, actor(ctx))
    if not duplicate:
        await ctx.start_workflow(
            WORKFLOW,
            violation.workflow_id,
            str(violation.organization_id),
            str(violation.id),
            ctx.platform.settings.workflow_day_seconds,
        )
    ctx.audit_summary = {"duplicate": duplicate, "repeat": violation.is_repeat, "observedOn": data.observed_on.isoformat()}
    return ViolationObserveResult(
        violation=(await _with_details(ctx, [violation]))[0],
        observation_id=observation.id,
        duplicate=duplicate,
        repeat=violation.is_repeat,
    )


@operation(
    "violation/v1/checkNotice",
    input=ViolationNoticeCheckInput,
    output=NoticeChecks,
    kind="violation",
    action="send_notice",
    target=Violation,
    mutates=False,
    summary="Check a notice before it goes out",
)
async def check_notice(ctx: OperationContext, data: ViolationNoticeCheckInput) -> NoticeChecks:
    """Run the checks a notice must pass, without sending it: the violation is
    at a step that takes a notice, its rule is active, the unit is active and
    has current owners, each owner can be reached by the method (a mailing
    address; for email, an address and consent to electronic delivery), the
    jurisdiction allows the method, and — where the rule's notices need it —
    the board approved the notice. Each failing check names the code
    `sendNotice` would be refused with; the recipients are listed."""
    checks, recipients = await violations.notice_checks(ctx.session, ctx.target, data.method)
    return NoticeChecks(ok=all(c.ok for c in checks), checks=checks, recipients=recipients)


@operation(
    "violation/v1/queueNotice",
    input=ViolationNoticeQueueInput,
    output=ViolationRead,
    kind="violation",
    action="send_notice",
    target=Violation,
    summary="Queue a notice for the board's review",
)
async def queue_notice(ctx: OperationContext, data: ViolationNoticeQueueInput) -> ViolationRead:
    """Put a notice before the board before it goes out — required where the
    rule says its notices need the board's review (`noticeReviewRequired`),
    allowed for any. The notice must pass every `checkNotice` check (each
    failing one with its code); the violation keeps its status and its
    `noticeReview` becomes pending: the board's queue is `violations(noticeReview:
    PENDING)`. Refused: a notice already waiting (NOTICE_REVIEW_PENDING); cure
    days for an incurable rule (NOT_CURABLE); the wrong step
    (INVALID_VIOLATION_TRANSITION)."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.queue_notice(ctx.session, violation, data, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/reviewNotice",
    input=ViolationNoticeReviewInput,
    output=ViolationRead,
    kind="violation",
    action="decide",
    target=Violation,
    summary="Approve or reject a queued notice",
)
async def review_notice(ctx: OperationContext, data: ViolationNoticeReviewInput) -> ViolationRead:
    """The board's answer to the violation's queued notice: approved, it may go
    out (sendNotice, once, as queued: its method, cure days and note); rejected,
    with reasons (REJECTION_REASON_REQUIRED without), it doesn't, and a changed
    notice may be queued again. NO_NOTICE_QUEUED when none waits; the wrong
    step is INVALID_VIOLATION_TRANSITION."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.review_notice(ctx.session, violation, data, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/sendNotice",
    input=ViolationNoticeInput,
    output=ViolationRead,
    kind="violation",
    action="send_notice",
    target=Violation,
    summary="Send a violation notice",
)
async def send_notice(ctx: OperationContext, data: ViolationNoticeInput) -> ViolationRead:
    """Record a notice (the first, or a second after a re-inspection found it
    uncured) sent to the unit's current owners, with the rule's text and the
    action that resolves it; a curable violation gets a cure date (the rule's
    cure days, or `cureDays`), after which its workflow marks it due for
    re-inspection. Every `checkNotice` check must pass, each failing one with
    its code (RULE_INACTIVE, UNIT_INACTIVE, NO_CURRENT_OWNER,
    MAILING_ADDRESS_UNKNOWN, EMAIL_NOT_CONSENTED, DELIVERY_METHOD_NOT_ALLOWED
    citing the statute); the wrong step is INVALID_VIOLATION_TRANSITION. Where
    the rule's notices need the board's review, only the notice the board
    approved goes out (NOTICE_REVIEW_PENDING while it waits,
    NOTICE_REVIEW_REQUIRED when none was approved or this one differs)."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.send_notice(ctx.session, violation, data, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/reinspect",
    input=ViolationReinspectInput,
    output=ViolationRead,
    kind="violation",
    action="reinspect",
    target=Violation,
    summary="Record a re-inspection",
)
async def reinspect(ctx: OperationContext, data: ViolationReinspectInput) -> ViolationRead:
    """Record what a re-inspection found. Cured: the violation closes (and a
    fined one's continuing fines stop). Not cured: only after the cure date
    (CURE_PERIOD_NOT_OVER before), and the violation is uncured — ready for a
    second notice or a hearing. Its photos (documents, by id) are kept in the
    event's details; refused as for a sighting's (DOCUMENT_ELSEWHERE,
    DOCUMENT_DESTROYED)."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.reinspect(ctx.session, violation, data, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/scheduleHearing",
    input=ViolationHearingInput,
    output=ViolationRead,
    kind="violation",
    action="schedule_hearing",
    target=Violation,
    summary="Schedule a hearing",
)
async def schedule_hearing(ctx: OperationContext, data: ViolationHearingInput) -> ViolationRead:
    """Schedule a hearing before the board and record its notice to the
    owners: at least the jurisdiction's hearing_notice_days after the notice
    (HEARING_NOTICE_TOO_SHORT citing the statute — in California 10 days, in
    Florida 14 — or the governing documents' longer period), by a method it
    allows, to owners who can be reached. A curable violation goes to a hearing
    once a re-inspection found it uncured; an incurable one after its sighting or notice."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.schedule_hearing(ctx.session, violation, data, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/decide",
    input=ViolationDecideInput,
    output=ViolationRead,
    kind="violation",
    action="decide",
    target=Violation,
    summary="Record the hearing's decision",
)
async def decide(ctx: OperationContext, data: ViolationDecideInput) -> ViolationRead:
    """Record the board's decision, on or after the hearing's scheduled day
    (DATE_OUT_OF_ORDER before): a fine, no fine, or more time to cure. A fine is
    the rule's scheduled amount (the repeat fine for a repeat) where the
    jurisdiction requires a published schedule (FINE_SCHEDULE_REQUIRED), and at
    most the jurisdiction's max_fine and the rule's cap (FINE_ABOVE_MAXIMUM).
    The written decision is then due within hearing_decision_delivery_days
    (California 15, Florida 7); undelivered by then, the workflow lapses it."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.decide(ctx.session, violation, data, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/deliverDecision",
    input=ViolationDeliverInput,
    output=ViolationRead,
    kind="violation",
    action="deliver_decision",
    target=Violation,
    summary="Record the written decision's delivery",
)
async def deliver_decision(ctx: OperationContext, data: ViolationDeliverInput) -> ViolationRead:
    """Record that the written decision went to the owners, by its due date
    (DECISION_DELIVERY_LATE after it, citing the statute). A fine then waits
    (fine_pending) for the workflow, which posts it to the owner's ledger on the
    fine income account exactly once, dated the delivery day; no fine closes
    the violation; more time sends it back to cure with a new cure date."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.deliver(ctx.session, violation, data, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/respond",
    input=ViolationRespondInput,
    output=ViolationRead,
    kind="violation",
    action="respond",
    target=Violation,
    summary="Respond to a violation in writing",
)
async def respond(ctx: OperationContext, data: ViolationRespondInput) -> ViolationRead:
    """The owner's written response to an open violation of their unit: an
    event the board sees in the violation's history (and `ownerRespondedAt`).
    Only an owner of the unit may respond."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.respond(ctx.session, violation, data.text, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/appeal",
    input=ViolationAppealInput,
    output=ViolationRead,
    kind="violation",
    action="appeal",
    target=Violation,
    summary="Appeal a fine",
)
async def appeal(ctx: OperationContext, data: ViolationAppealInput) -> ViolationRead:
    """The owner appeals a posted fine: continuing fines pause until the board
    decides the appeal. Only an owner of the unit may appeal."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.appeal(ctx.session, violation, data.reason, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/decideAppeal",
    input=ViolationAppealDecideInput,
    output=ViolationRead,
    kind="violation",
    action="decide",
    target=Violation,
    summary="Decide an appeal",
)
async def decide_appeal(ctx: OperationContext, data: ViolationAppealDecideInput) -> ViolationRead:
    """The board's decision on an appeal: upheld, the fine stands and continuing
    fines resume; overturned, every fine of the violation is credited back on
    the owner's ledger and the violation closes."""
    violation = await violations.lock(ctx.session, data.id)
    violations.allowed(violation, ViolationEventKind.APPEAL_DECIDED)
    if data.upheld:
        event = violations.move(
            ctx.session,
            violation,
            ViolationEventKind.APPEAL_DECIDED,
            violations.S.FINED,
            today(),
            actor(ctx),
            data.note,
            {"upheld": True},
        )
    else:
        await fines.overturn(ctx.session, violation, today(), data.note, actor(ctx))
        event = await violations.last_event(ctx.session, violation)
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/dismiss",
    input=ViolationDismissInput,
    output=ViolationRead,
    kind="violation",
    action="dismiss",
    target=Violation,
    summary="Dismiss a violation",
)
async def dismiss(ctx: OperationContext, data: ViolationDismissInput) -> ViolationRead:
    """Dismiss an open violation (observed in error, waived by the board): it
    ends, its workflow stops and no further fine posts; fines already posted
    stay (an appeal overturns those). Not while a fine is being posted."""
    violation = await violations.lock(ctx.session, data.id)
    event = await violations.dismiss(ctx.session, violation, data.reason, actor(ctx))
    return await _stepped(ctx, violation, event)


@operation(
    "violation/v1/get",
    input=ViolationGetInput,
    output=ViolationRead,
    kind="violation",
    action="read",
    target=Violation,
    mutates=False,
    summary="Read a violation",
)
async def get_violation(ctx: OperationContext, data: ViolationGetInput) -> ViolationRead:
    """One violation with its history (every step: who, when, from and to, why,
    the rules checked), its sightings and its fines. Owners read their own units'."""
    return (await _with_details(ctx, [ctx.target]))[0]


@operation(
    "violation/v1/list",
    input=ViolationListInput,
    output=ViolationConnection,
    kind="violation",
    action="list",
    mutates=False,
    graphql_name="violations",
    summary="List violations",
)
async def list_violations(ctx: OperationContext, data: ViolationListInput) -> ViolationConnection:
    """An association's violations, latest observed first, with their history,
    sightings and fines; optionally of one unit, one rule, one status, only
    open or ended ones, or those whose queued notice stands so (noticeReview
    pending: the board's review queue). An owner sees only their own units' violations."""
    rows, page = await violations.violation_page(ctx.session, data, await ctx.visible("violation", "read", Violation))
    return with_nodes(as_connection(ViolationConnection, rows, page), await _with_details(ctx, rows[: page.first]))

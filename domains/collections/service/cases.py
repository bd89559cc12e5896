"""Collection cases: who the nightly run moves and how, the case workflow's
waits and the board's approvals.

The nightly run visits each unit of the association that is delinquent or
has an open case, and `decide`s one move at most: open the case with the
friendly reminder, the late notice, the notice of intent to lien, or an exit
(settled → closed; an active payment plan → suspended; the plan ended unpaid
→ resumed). A move is one transaction: the case row locked, the step row
(unique per case and night: a second run that night moves nobody), the
letters (the outbox skips a letter already written for the step) and the fee
(receivables' posting path). From the notice of intent on the case's
workflow keeps the statutory wait on a durable timer, then waits for the
board's approval (an event), records the lien, waits the policy's days and
refers the account to the attorney.

Days between steps are measured from the step's time in `day_seconds`
(`workflow_day_seconds`: a day, shorter in tests); how late a charge is, in
calendar days of the ledger. Waits are the policy's, never shorter than the
jurisdiction's rules in force at the step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association
from domains.collections.errors import ForeclosureNotAllowed, NotAwaitingApproval, NoticePeriodRunning
from domains.collections.models import (
    WORKFLOW_STATUSES,
    CollectionCase,
    CollectionCaseStatus,
    CollectionPolicy,
    CollectionStep,
    CollectionStepKind,
)
from domains.collections.service import policies
from domains.communications.models import Audience, Channel, TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.receivables.models import PaymentPlan, PlanStatus
from domains.receivables.service import owner_ledger, reports
from graph import durable, hooks
from graph.ids import encode
from graph.pages import Page, page_statement

WORKFLOW = "collection_case_workflow"
RUN_WORKFLOW = "run_collections_workflow"
SCHEDULE = "run-collections"
TOPIC = "collection"
S = CollectionCaseStatus
CENT = Decimal("0.01")


def now() -> datetime:
    return datetime.now(UTC)


def workflow_id(case_id: UUID) -> str:
    return f"collection-{case_id}"


def run_id(association_id: UUID, night: date) -> str:
    """One run per association and night: starting it again joins the first."""
    return f"collections-{association_id}-{night.isoformat()}"


@dataclass(frozen=True)
class Standing:
    """A unit as the nightly run sees it."""

    unit_id: UUID
    balance: Decimal
    oldest_due_on: date | None
    assessments: Decimal
    oldest_assessment_due_on: date | None
    on_plan: bool
    excluded: bool


@dataclass(frozen=True)
class Move:
    """What the run would do with one unit tonight, or why not."""

    unit_id: UUID
    case: CollectionCase | None
    action: CollectionStepKind | None
    reason: str
    waits_until: datetime | None = None
    balance: Decimal = Decimal(0)


def _waited(case: CollectionCase, days: int, day_seconds: float) -> datetime:
    return case.step_at + timedelta(seconds=days * day_seconds)


def decide(
    policy: CollectionPolicy,
    rules: policies.Rules,
    case: CollectionCase | None,
    unit: Standing,
    night: date,
    at: datetime,
    day_seconds: float,
) -> Move:
    """The one move the nightly run makes for `unit` on `night`, if any."""

    def move(action: CollectionStepKind | None, reason: str, waits_until: datetime | None = None) -> Move:
        return Move(unit.unit_id, case, action, reason, waits_until, unit.balance)

    if case is None:
        oldest = unit.oldest_due_on
        if unit.excluded:
            return move(None, "excluded by the policy")
        if unit.on_plan:
            return move(None, "on an active payment plan")
        if unit.balance < max(policy.min_balance, CENT) or oldest is None:
            return move(None, "balance under the policy's minimum")
        if (night - oldest).days < policy.reminder_after_days:
            late_on = oldest + timedelta(days=policy.reminder_after_days)
            return move(None, f"not late enough before {late_on.isoformat()}")
        return move(CollectionStepKind.REMINDER, f"past due since {oldest.isoformat()}")
    if case.last_night == night:
        return move(None, "moved tonight already")
    if unit.balance <= 0:
        return move(CollectionStepKind.CLOSED, "balance settled")
    if unit.excluded:
        return move(CollectionStepKind.CLOSED, "excluded by the policy")
    if case.status is S.SUSPENDED:
        if unit.on_plan:
            return move(None, "payment plan kept")
        return move(CollectionStepKind.RESUMED, "payment plan ended unpaid")
    if unit.on_plan:
        return move(CollectionStepKind.SUSPENDED, "payment plan agreed")
    if case.status in WORKFLOW_STATUSES:
        return move(None, "with the case's workflow (waits and board approvals)")
    if case.status is S.REMINDED:
        action, days = CollectionStepKind.LATE_NOTICE, policy.late_notice_after_days
    else:
        action, days = (
            CollectionStepKind.INTENT_TO_LIEN,
            max(policy.intent_after_days, rules.value("collection_late_notice_days")),
        )
    due = _waited(case, days, day_seconds)
    if at < due:
        return move(None, f"{days} days after the {case.status.value.replace('_', ' ')}", waits_until=due)
    return move(action, f"{days} days after the {case.status.value.replace('_', ' ')}")


# --- what the run sees ----------------------------------------------------------------


async def _open_cases(
    session: AsyncSession, association_id: UUID, unit_ids: Sequence[UUID] | None, lock: bool
) -> dict[UUID, CollectionCase]:
    statement = select(CollectionCase).where(CollectionCase.association_id == association_id, CollectionCase.status != S.CLOSED)
    if unit_ids is not None:
        statement = statement.where(CollectionCase.unit_id.in_(unit_ids))
    if lock:
        statement = statement.order_by(CollectionCase.id).with_for_update()
    return {c.unit_id: c for c in await session.scalars(statement)}


async def _standings(
    session: AsyncSession, policy: CollectionPolicy, unit_ids: Sequence[UUID], night: date
) -> dict[UUID, Standing]:
    found = await reports.standings(session, policy.association_id, list(unit_ids), night)
    planned = set(
        await session.scalars(
            select(PaymentPlan.unit_id).where(PaymentPlan.unit_id.in_(unit_ids), PaymentPlan.status == PlanStatus.ACTIVE)
        )
    )
    excluded = {e.unit_id for e in (await policies.exclusions_of(session, [policy.id]))[policy.id]}
    return {
        u: Standing(
            unit_id=u,
            balance=Decimal(r["balance"]),
            oldest_due_on=r["oldest_due_date"],
            assessments=Decimal(r["assessments"]),
            oldest_assessment_due_on=r["oldest_assessment_due_date"],
            on_plan=u in planned,
            excluded=u in excluded,
        )
        for u, r in found.items()
    }


async def units_to_visit(session: AsyncSession, association_id: UUID, night: date) -> list[UUID]:
    """The association's units with an assessment past due on `night` or an open case."""
    late = {r["unit_id"] for r in await reports.delinquencies(session, association_id, night, 0, CENT)}
    return sorted(late | set(await _open_cases(session, association_id, None, False)), key=str)


async def preview(
    session: AsyncSession, association: Association, night: date, day_seconds: float
) -> tuple[CollectionPolicy, list[Move]]:
    """What a run on `night` would do with each unit it visits (nothing is changed)."""
    policy = await policies.required(session, association.id)
    _, rules = await policies.rules_for(session, association, night)
    units = await units_to_visit(session, association.id, night)
    cases = await _open_cases(session, association.id, units, False)
    standings = await _standings(session, policy, units, night)
    at = now()
    return policy, [decide(policy, rules, cases.get(u), standings[u], night, at, day_seconds) for u in units]


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) of every association with a collection policy,
    across organizations (a SECURITY DEFINER function: the nightly run has no
    organization yet, and learns nothing else)."""
    return [(r[0], r[1]) for r in (await session.execute(text("SELECT * FROM collection_targets()"))).all()]


# --- moving a case ------------------------------------------------------------------------

LETTERS = {
    CollectionStepKind.REMINDER: ("Friendly reminder", "a late notice", "reminder_fee"),
    CollectionStepKind.LATE_NOTICE: ("Notice of late assessment", "a notice of intent to record a lien", "late_notice_fee"),
    CollectionStepKind.INTENT_TO_LIEN: ("Notice of intent to record a lien", "the board may record a lien", "intent_fee"),
    CollectionStepKind.LIEN_RECORDED: ("Notice of lien recorded", "referral to the association's attorney", "lien_fee"),
    CollectionStepKind.ATTORNEY_REFERRAL: ("Notice of referral to the association's attorney", "", "referral_fee"),
}


async def _letters(
    session: AsyncSession,
    case: CollectionCase,
    kind: CollectionStepKind,
    seq: int,
    unit: Standing,
    fee: Decimal | None,
    wait_days: int,
    certified: bool,
    offers: tuple[bool, bool],
    citation: str,
    on: date,
    by: UUID | None,
) -> int:
    """The step's letter to each current owner of the unit; certified mail means a printed letter to each."""
    title, next_step, _ = LETTERS[kind]
    found = await people.of_audience(session, case.association_id, Audience.UNIT_OWNERS, case.unit_id)
    if certified:
        by_party: dict[Any, people.Recipient] = {}
        for r in found:
            if r.channel is Channel.MAIL or r.party_id not in by_party:
                by_party[r.party_id] = replace(
                    r,
                    channel=Channel.MAIL,
                    key=f"party:{r.party_id}:mail",
                    address=r.address if r.channel is Channel.MAIL else (r.unit_address or r.address),
                )
        found = list(by_party.values())
    variables = {
        "collection": {
            "step": kind.value,
            "title": title,
            "balance": str(unit.balance),
            "as_of": on.isoformat(),
            "oldest_due_on": unit.oldest_due_on.isoformat() if unit.oldest_due_on else "",
            "fee": str(fee) if fee else "",
            "next_step": next_step,
            "wait_days": str(wait_days),
            "meet_and_confer": "yes" if offers[0] else "",
            "payment_plan": "yes" if offers[1] else "",
            "citation": citation,
            "certified": "yes" if certified else "",
        }
    }
    source = f"collection:{case.id}:{seq}"
    written = await outbox.write(
        session, case.organization_id, case.association_id, TemplateKind.COLLECTION_NOTICE, source, found, variables,
        by or durable.SYSTEM_ACTOR,
    )  # fmt: skip
    return len(written)


async def _step(
    session: AsyncSession,
    case: CollectionCase,
    kind: CollectionStepKind,
    to: CollectionCaseStatus,
    unit: Standing,
    *,
    policy: CollectionPolicy,
    rules: policies.Rules | None = None,
    night: date | None = None,
    on: date,
    wait_days: int = 0,
    details: dict[str, Any] | None = None,
    by: UUID | None = None,
) -> CollectionStep:
    """Record one step: its letters and fee where it has them, the case moved to `to`."""
    seq = int(await session.scalar(select(func.count()).where(CollectionStep.case_id == case.id)) or 0) + 1
    fee = entry = None
    letters, delivery = 0, None
    if kind in LETTERS:
        fee = policies.zero_is_none(getattr(policy, LETTERS[kind][2]))
        if fee is not None:
            memo = f"{LETTERS[kind][0]} (collection step {seq})"
            entry = await owner_ledger.collection_fee(session, case.organization_id, case.unit_id, fee, on, memo, by)
        certified = (
            kind is CollectionStepKind.INTENT_TO_LIEN
            and rules is not None
            and bool(rules.value("collection_lien_notice_certified_mail"))
        )
        citation = rules["collection_lien_notice_days"].citation if kind is CollectionStepKind.INTENT_TO_LIEN and rules else ""
        offers = (
            (policy.offers_meet_and_confer, policy.offers_payment_plan)
            if kind is CollectionStepKind.INTENT_TO_LIEN
            else (False, False)
        )
        letters = await _letters(session, case, kind, seq, unit, fee, wait_days, certified, offers, citation, on, by)
        delivery = "certified_mail" if certified else "usual"
    before = case.status if seq > 1 else None
    step = CollectionStep(
        organization_id=case.organization_id,
        association_id=case.association_id,
        case_id=case.id,
        seq=seq,
        kind=kind,
        from_status=before,
        to_status=to,
        night=night,
        balance=unit.balance,
        fee=fee,
        fee_entry_id=entry.id if entry is not None else None,
        letters=letters,
        delivery=delivery,
        details=details or {},
        actor=by,
    )
    session.add(step)
    if to is not case.status or seq == 1:
        case.step_at = now()
    case.status = to
    if night is not None:
        case.last_night = night
    await session.flush()
    if by is None:  # the run or the workflow acted: its own audit row (a request's is the pipeline's)
        summary = {"step": kind.value, "from": before.value if before else None, "to": to.value, "balance": str(unit.balance)}
        if fee is not None:
            summary["fee"] = str(fee)
        targets = [encode("ccs", case.id)] + ([encode("ole", entry.id)] if entry is not None else [])
        durable.audit(session, case.organization_id, f"collectionCase/{kind.value}", targets, summary)
    return step


async def advance(
    session: AsyncSession, organization_id: UUID, association_id: UUID, unit_id: UUID, night: date, day_seconds: float
) -> str | None:
    """The nightly run's move for one unit (at most one a night); the step taken, if any."""
    association = await session.get(Association, association_id)
    policy = await policies.current(session, association_id)
    if association is None or policy is None:
        return None
    case = (await _open_cases(session, association_id, [unit_id], True)).get(unit_id)
    if case is not None and case.last_night == night:
        # A second run tonight, or this step again after a crash: moved already. If the
        # crash fell between the commit and the step's record, the case workflow the move
        # asked for was never started: ask again (starting a workflow id twice joins the first).
        if case.workflow_id is not None and case.status is S.INTENT_SENT:
            durable.start_after_commit(session, WORKFLOW, case.workflow_id, str(organization_id), str(case.id), day_seconds)
        return None
    _, rules = await policies.rules_for(session, association, night)
    unit = (await _standings(session, policy, [unit_id], night))[unit_id]
    move = decide(policy, rules, case, unit, night, now(), day_seconds)
    if move.action is None:
        return None
    details: dict[str, Any] = {"reason": move.reason}
    if case is None:
        case = CollectionCase(
            organization_id=organization_id,
            association_id=association_id,
            unit_id=unit_id,
            policy_id=policy.id,
            status=S.REMINDED,
            opened_on=night,
            step_at=now(),
        )
        session.add(case)
        await session.flush()
        await _step(session, case, CollectionStepKind.REMINDER, S.REMINDED, unit, policy=policy, night=night, on=night,
                    wait_days=policy.late_notice_after_days, details=details)  # fmt: skip
        return CollectionStepKind.REMINDER.value
    wake = case.workflow_id is not None
    match move.action:
        case CollectionStepKind.LATE_NOTICE:
            wait = max(policy.intent_after_days, rules.value("collection_late_notice_days"))
            await _step(session, case, CollectionStepKind.LATE_NOTICE, S.LATE_NOTICE_SENT, unit, policy=policy, rules=rules,
                        night=night, on=night, wait_days=wait, details=details)  # fmt: skip
        case CollectionStepKind.INTENT_TO_LIEN:
            wait = max(policy.lien_wait_days, rules.value("collection_lien_notice_days"))
            details["rule"] = {
                "key": "collection_lien_notice_days",
                "days": wait,
                "citation": rules["collection_lien_notice_days"].citation,
            }
            await _step(session, case, CollectionStepKind.INTENT_TO_LIEN, S.INTENT_SENT, unit, policy=policy, rules=rules,
                        night=night, on=night, wait_days=wait, details=details)  # fmt: skip
            case.due_at = case.step_at + timedelta(seconds=wait * day_seconds)
            case.workflow_id = workflow_id(case.id)
            hooks.workflow_run.call(session, organization_id, case.workflow_id, WORKFLOW)
            durable.start_after_commit(session, WORKFLOW, case.workflow_id, str(organization_id), str(case.id), day_seconds)
            wake = False
        case CollectionStepKind.CLOSED:
            case.closed_reason = move.reason
            await _step(
                session, case, CollectionStepKind.CLOSED, S.CLOSED, unit, policy=policy, night=night, on=night, details=details
            )
        case CollectionStepKind.SUSPENDED:
            case.resume_status = case.status
            await _step(
                session,
                case,
                CollectionStepKind.SUSPENDED,
                S.SUSPENDED,
                unit,
                policy=policy,
                night=night,
                on=night,
                details=details,
            )
        case CollectionStepKind.RESUMED:
            back, case.resume_status = case.resume_status, None
            assert back is not None
            await _step(
                session, case, CollectionStepKind.RESUMED, back, unit, policy=policy, night=night, on=night, details=details
            )
    if wake and case.workflow_id is not None:
        durable.send_after_commit(session, case.workflow_id, TOPIC, {"step": move.action.value})
    await session.flush()
    return move.action.value


# --- the case's workflow ---------------------------------------------------------------


async def lock(session: AsyncSession, case_id: UUID) -> CollectionCase:
    case = await session.scalar(select(CollectionCase).where(CollectionCase.id == case_id).with_for_update())
    assert case is not None, "a case's workflow starts once its case exists"
    return case


# What the workflow does on its own from each status, and whether it waits for `due_at`.
WORKFLOW_ACTIONS = {
    S.INTENT_SENT: (CollectionStepKind.NOTICE_PERIOD_ENDED, True),
    S.LIEN_APPROVED: (CollectionStepKind.LIEN_RECORDED, False),
    S.LIEN_RECORDED: (CollectionStepKind.REFERRAL_DUE, True),
    S.REFERRAL_APPROVED: (CollectionStepKind.ATTORNEY_REFERRAL, False),
}


def plan(case: CollectionCase) -> dict[str, Any]:
    """The case's status, what its workflow does next on its own and in how many seconds."""
    action, waits = WORKFLOW_ACTIONS.get(case.status, (None, False))
    wait = max(0.0, (case.due_at - now()).total_seconds()) if waits and case.due_at is not None else 0.0
    return {
        "status": case.status.value,
        "terminal": case.status in (S.CLOSED, S.REFERRED),
        "action": None if action is None else action.value,
        "wait_seconds": wait,
    }


async def act(session: AsyncSession, case_id: UUID, action: str, expected: str, day_seconds: float) -> str:
    """Do what came due, if the case is still where the plan found it and the wait is over."""
    case = await lock(session, case_id)
    if case.status.value != expected or (case.due_at is not None and now() < case.due_at and WORKFLOW_ACTIONS[case.status][1]):
        return case.status.value
    association = await session.get(Association, case.association_id)
    policy = await policies.current(session, case.association_id)
    assert policy is not None and association is not None
    today = now().date()
    unit = (await _standings(session, policy, [case.unit_id], today))[case.unit_id]
    if unit.balance <= 0:
        case.closed_reason = "balance settled"
        await _step(
            session,
            case,
            CollectionStepKind.CLOSED,
            S.CLOSED,
            unit,
            policy=policy,
            on=today,
            details={"reason": "balance settled"},
        )
        return case.status.value
    _, rules = await policies.rules_for(session, association, today)
    kind = CollectionStepKind(action)
    if kind is CollectionStepKind.NOTICE_PERIOD_ENDED:
        to = S.AWAITING_LIEN_APPROVAL if policy.lien_needs_board_approval else S.LIEN_APPROVED
        case.due_at = None
        await _step(session, case, kind, to, unit, policy=policy, on=today)
    elif kind is CollectionStepKind.LIEN_RECORDED:
        case.lien_amount, case.lien_recorded_on = unit.balance, today
        await _step(
            session, case, kind, S.LIEN_RECORDED, unit, policy=policy, rules=rules, on=today, wait_days=policy.referral_after_days
        )
        case.due_at = case.step_at + timedelta(seconds=policy.referral_after_days * day_seconds)
    elif kind is CollectionStepKind.REFERRAL_DUE:
        to = S.AWAITING_REFERRAL_APPROVAL if policy.referral_needs_board_approval else S.REFERRAL_APPROVED
        case.due_at = None
        await _step(session, case, kind, to, unit, policy=policy, on=today)
    else:
        await _step(session, case, kind, S.REFERRED, unit, policy=policy, rules=rules, on=today)
    await session.flush()
    return case.status.value


async def approve(session: AsyncSession, case: CollectionCase, data: Any, by: UUID) -> CollectionStep:
    """The board's approval of a lien or an attorney referral (refused with a
    code while the case is not waiting for it, or for a foreclosure the
    jurisdiction forbids); the case's workflow takes it from there."""
    await session.refresh(case, with_for_update=True)
    association = await session.get(Association, case.association_id)
    assert association is not None
    policy = await policies.current(session, case.association_id)
    assert policy is not None
    today = now().date()
    _, rules = await policies.rules_for(session, association, today)
    unit = (await _standings(session, policy, [case.unit_id], today))[case.unit_id]
    details: dict[str, Any] = {"reference": data.reference}
    if data.action == "lien":
        if case.status is S.INTENT_SENT:
            assert case.due_at is not None
            raise NoticePeriodRunning(
                f"The notice period runs until {case.due_at.isoformat()}: {rules['collection_lien_notice_days'].citation}",
                field=["action"],
                details={"dueAt": case.due_at.isoformat(), "citation": rules["collection_lien_notice_days"].citation},
            )
        if case.status is not S.AWAITING_LIEN_APPROVAL:
            raise NotAwaitingApproval(f"The case is {case.status.value}, not awaiting the lien's approval.", field=["action"])
        return await _step(
            session,
            case,
            CollectionStepKind.LIEN_APPROVED,
            S.LIEN_APPROVED,
            unit,
            policy=policy,
            on=today,
            details=details,
            by=by,
        )
    if case.status is not S.AWAITING_REFERRAL_APPROVAL:
        raise NotAwaitingApproval(f"The case is {case.status.value}, not awaiting the referral's approval.", field=["action"])
    if data.foreclose:
        reasons = _foreclosure_refusals(rules, unit, today)
        if reasons:
            raise ForeclosureNotAllowed(
                "Foreclosure is not allowed: " + "; ".join(r["citation"] for r in reasons),
                field=["foreclose"],
                details={"reasons": reasons},
            )
    details["foreclose"] = data.foreclose
    return await _step(
        session,
        case,
        CollectionStepKind.REFERRAL_APPROVED,
        S.REFERRAL_APPROVED,
        unit,
        policy=policy,
        on=today,
        details=details,
        by=by,
    )


def _foreclosure_refusals(rules: policies.Rules, unit: Standing, today: date) -> list[dict[str, Any]]:
    """The jurisdiction's foreclosure floors this unit is under: the delinquent
    assessments (fees, fines and adjustments aside) and how long the oldest is overdue."""
    out: list[dict[str, Any]] = []
    least = rules.value("collection_foreclosure_min_amount") or Decimal(0)
    if unit.assessments < least:
        rule = rules["collection_foreclosure_min_amount"]
        out.append({"key": rule.key, "required": str(least), "actual": str(unit.assessments), "citation": rule.citation})
    days = rules.value("collection_foreclosure_min_delinquent_days")
    late = (today - unit.oldest_assessment_due_on).days if unit.oldest_assessment_due_on else 0
    if late < days:
        rule = rules["collection_foreclosure_min_delinquent_days"]
        out.append({"key": rule.key, "required": days, "actual": late, "citation": rule.citation})
    return out


# --- reads ----------------------------------------------------------------------------------


async def steps_of(session: AsyncSession, case_ids: Sequence[UUID]) -> dict[UUID, list[CollectionStep]]:
    """Each case's steps in order, one statement."""
    out: dict[UUID, list[CollectionStep]] = {c: [] for c in case_ids}
    statement = (
        select(CollectionStep).where(CollectionStep.case_id.in_(case_ids)).order_by(CollectionStep.case_id, CollectionStep.seq)
    )
    for step in await session.scalars(statement):
        out[step.case_id].append(step)
    return out


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[CollectionCase], Page]:
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, CollectionCase.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(CollectionCase.unit_id == data.unit_id)
    if data.status is not None:
        where.append(CollectionCase.status == data.status)
    return (await session.scalars(page_statement(CollectionCase, page, where))).all(), page

"""Violations: logging sightings (duplicates and repeat offenders found at
once), the checks before a notice goes out, and every step of the lifecycle,
each checked against the state map and the jurisdiction rules the violation
works under.

The rules a violation works under are resolved once, on the day it is first
observed, and kept on it (`rules_used`: each rule's value, where it comes from
— statute, default or governing documents — its citation and the version of
the statute in force, by effective date). Every later step reads them from
there, so a violation is judged by one version of the rules throughout and
can say which; a step that a rule constrains records the rule in its event.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import (
    Association,
    ContactPoint,
    ContactPointKind,
    Ownership,
    Party,
    Resident,
    Unit,
    UnitStatus,
)
from domains.communications.models import Channel, TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service.recipients import Recipient
from domains.documents.service import documents
from domains.jurisdictions.service import rules as jurisdiction_rules
from domains.violations.errors import (
    CurePeriodNotOver,
    DateInFuture,
    DateOutOfOrder,
    DecisionDeliveryLate,
    DeliveryMethodNotAllowed,
    EmailNotConsented,
    FineAboveMaximum,
    FineScheduleRequired,
    HearingNoticeTooShort,
    InvalidTransition,
    MailingAddressUnknown,
    NoCurrentOwner,
    NoNoticeQueued,
    NotCurable,
    NoticeReviewPending,
    NoticeReviewRequired,
    RejectionReasonRequired,
    RuleInactive,
    UnitInactive,
)
from domains.violations.models import (
    TERMINAL,
    HearingOutcome,
    NoticeReview,
    Resolution,
    Violation,
    ViolationEvent,
    ViolationEventKind,
    ViolationObservation,
    ViolationRule,
    ViolationStatus,
)
from domains.violations.schemas import NoticeCheck, NoticeRecipient
from graph.clock import today
from graph.db import new_id
from graph.errors import InvalidReference
from graph.ids import encode
from graph.pages import Page, page_statement

S = ViolationStatus
WORKFLOW = "violation_lifecycle_workflow"
TOPIC = "violation"
EMAIL = "email"


def workflow_id(violation_id: UUID) -> str:
    return f"violation-{violation_id}"


# --- the rules a violation works under ---------------------------------------


def rule(violation: Violation, key: str) -> dict[str, Any]:
    """One of the jurisdiction rules the violation works under."""
    return dict(violation.rules_used["rules"][key])


def _cited(violation: Violation, key: str, **more: Any) -> dict[str, Any]:
    """A rule as an event or an error names it."""
    r = rule(violation, key)
    return {
        "key": key,
        "value": r["value"],
        "citation": r["citation"],
        "source": r["source"],
        "effectiveOn": r["effectiveOn"],
        **({"documentReference": r["documentReference"]} if r.get("documentReference") else {}),
        **more,
    }


# --- reading ------------------------------------------------------------------


async def lock(session: AsyncSession, violation_id: UUID) -> Violation:
    """The violation, locked: steps on one violation take turns."""
    row = await session.scalar(
        select(Violation).where(Violation.id == violation_id).with_for_update().execution_options(populate_existing=True)
    )
    assert row is not None, "the pipeline found the violation visible a moment ago"
    return row


async def open_rule_codes(session: AsyncSession, unit_id: UUID, codes: Sequence[str]) -> list[str]:
    """Which of the rule codes `codes` have an open violation at the unit (other
    domains' good-standing checks read this; one statement)."""
    if not codes:
        return []
    found = await session.scalars(
        select(ViolationRule.code)
        .join(Violation, Violation.rule_id == ViolationRule.id)
        .where(Violation.unit_id == unit_id, ViolationRule.code.in_(list(codes)), Violation.status.not_in(TERMINAL))
        .distinct()
        .order_by(ViolationRule.code)
    )
    return list(found)


async def violation_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Violation], Page]:
    """An association's violations, latest observed first: the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "observed_on", descending=True)
    where = [visible, Violation.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(Violation.unit_id == data.unit_id)
    if data.rule_id is not None:
        where.append(Violation.rule_id == data.rule_id)
    if data.status is not None:
        where.append(Violation.status == data.status)
    if data.notice_review is not None:
        where.append(Violation.notice_review == data.notice_review)
    if data.open is not None:
        ended = Violation.status.in_(TERMINAL)
        where.append(~ended if data.open else ended)
    return (await session.scalars(page_statement(Violation, page, where))).all(), page


# --- transitions ----------------------------------------------------------------

# Which statuses each step starts from (anything else is INVALID_VIOLATION_TRANSITION).
FROM: dict[ViolationEventKind, frozenset[ViolationStatus]] = {
    ViolationEventKind.NOTICE_SENT: frozenset({S.OBSERVED, S.UNCURED}),
    ViolationEventKind.NOTICE_QUEUED: frozenset({S.OBSERVED, S.UNCURED}),
    ViolationEventKind.NOTICE_REVIEWED: frozenset({S.OBSERVED, S.UNCURED}),
    ViolationEventKind.CURE_PERIOD_ENDED: frozenset({S.NOTICE_SENT}),
    ViolationEventKind.REINSPECTED: frozenset({S.NOTICE_SENT, S.REINSPECTION_DUE, S.FINED}),
    ViolationEventKind.HEARING_SCHEDULED: frozenset({S.UNCURED, S.OBSERVED, S.NOTICE_SENT}),
    ViolationEventKind.DECIDED: frozenset({S.HEARING_SCHEDULED}),
    ViolationEventKind.DECISION_DELIVERED: frozenset({S.DECIDED}),
    ViolationEventKind.DECISION_LAPSED: frozenset({S.DECIDED}),
    ViolationEventKind.FINE_POSTED: frozenset({S.FINE_PENDING, S.FINED}),
    ViolationEventKind.OWNER_RESPONDED: frozenset(set(S) - TERMINAL),
    ViolationEventKind.APPEALED: frozenset({S.FINED}),
    ViolationEventKind.APPEAL_DECIDED: frozenset({S.APPEALED}),
    ViolationEventKind.DISMISSED: frozenset(set(S) - TERMINAL - {S.FINE_PENDING}),
}


def allowed(violation: Violation, kind: ViolationEventKind) -> None:
    if violation.status not in FROM[kind]:
        starts = ", ".join(sorted(s.value for s in FROM[kind]))
        raise InvalidTransition(
            f"This violation is {violation.status.value}; {kind.value} needs it to be one of: {starts}.",
            field=["id"],
            details={"status": violation.status.value, "step": kind.value, "allowedFrom": sorted(s.value for s in FROM[kind])},
        )


def move(
    session: AsyncSession,
    violation: Violation,
    kind: ViolationEventKind,
    to: ViolationStatus,
    on: date,
    actor: UUID | None,
    note: str | None = None,
    details: dict[str, Any] | None = None,
) -> ViolationEvent:
    """Record a step (its event row) and move the violation to `to`."""
    event = ViolationEvent(
        organization_id=violation.organization_id,
        association_id=violation.association_id,
        violation_id=violation.id,
        unit_id=violation.unit_id,
        kind=kind,
        from_status=violation.status,
        to_status=to,
        occurred_on=on,
        actor_id=actor,
        note=note,
        details=details or {},
    )
    session.add(event)
    violation.status = to
    return event


def _past(day: date, field: str) -> None:
    if day > today():
        raise DateInFuture(f"`{field}` is after today: record a step once it has happened.", field=[field])


def _after(day: date, earlier: date | None, field: str, what: str) -> None:
    if earlier is not None and day < earlier:
        raise DateOutOfOrder(f"`{field}` is before {what} ({earlier.isoformat()}).", field=[field])


async def _last_day(session: AsyncSession, violation: Violation) -> date:
    """The day of the violation's latest step someone took: a new step can't be
    before it. (What the workflow did when a day passed — a cure period's end —
    doesn't count: a re-inspection entered late may have happened before it.)"""
    last = await session.scalar(
        select(func.max(ViolationEvent.occurred_on)).where(
            ViolationEvent.violation_id == violation.id, ViolationEvent.actor_id.is_not(None)
        )
    )
    return last or violation.observed_on


# --- logging a sighting -------------------------------------------------------


async def observe(
    session: AsyncSession, organization_id: UUID, data: Any, by: UUID
) -> tuple[Violation, ViolationObservation, bool]:
    """Log a sighting: added to the open violation of the same rule at the same
    unit if there is one (a duplicate), else a new violation, a repeat when the
    unit violated the rule within the rule's repeat window before."""
    unit = await session.get(Unit, data.unit_id)
    rule_row = await session.get(ViolationRule, data.rule_id)
    assert unit is not None and rule_row is not None, "the pipeline resolved both"
    if rule_row.association_id != unit.association_id:
        raise InvalidReference("`ruleId` names no rule of the unit's association.", field=["ruleId"])
    if not rule_row.is_active:
        raise RuleInactive(f"Rule {rule_row.code} is retired.", field=["ruleId"])
    _past(data.observed_on, "observedOn")
    await documents.referenced(session, data.document_ids, unit.association_id, "documentIds")
    # One logger at a time per unit and rule, so two inspectors never open twins.
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(f"violation:{unit.id}:{rule_row.id}", 0))))
    same = and_(Violation.unit_id == unit.id, Violation.rule_id == rule_row.id)
    current = await session.scalar(
        select(Violation).where(same, Violation.status.not_in(TERMINAL)).order_by(Violation.observed_on.desc()).limit(1)
    )
    violation = current
    if violation is None:
        window = data.observed_on - timedelta(days=rule_row.repeat_window_days)
        prior = await session.scalar(
            select(Violation.id)
            .where(
                same, Violation.status != S.DISMISSED, Violation.observed_on >= window, Violation.observed_on <= data.observed_on
            )
            .order_by(Violation.observed_on.desc(), Violation.created_at.desc())
            .limit(1)
        )
        association = await session.get(Association, unit.association_id)
        assert association is not None
        jurisdiction, effective = await jurisdiction_rules.effective(session, association, data.observed_on)
        vid = new_id()
        violation = Violation(
            id=vid,
            organization_id=organization_id,
            association_id=unit.association_id,
            unit_id=unit.id,
            rule_id=rule_row.id,
            status=S.OBSERVED,
            description=data.description,
            observed_on=data.observed_on,
            is_repeat=prior is not None,
            repeat_of_id=prior,
            jurisdiction=jurisdiction,
            rules_used=jurisdiction_rules.snapshot(jurisdiction, data.observed_on, effective),
            workflow_id=workflow_id(vid),
        )
        session.add(violation)
        await session.flush()
        event = move(session, violation, ViolationEventKind.OBSERVED, S.OBSERVED, data.observed_on, by, data.description)
        event.from_status = None
        event.details = {"repeatOfId": str(prior) if prior else None, "rulesVersion": violation.rules_used["asOf"]}
    observation = ViolationObservation(
        organization_id=organization_id,
        association_id=unit.association_id,
        violation_id=violation.id,
        unit_id=unit.id,
        observed_on=data.observed_on,
        observed_by=by,
        description=data.description,
        location=data.location,
        document_ids=list(data.document_ids),
        is_duplicate=current is not None,
    )
    session.add(observation)
    await session.flush()
    return violation, observation, current is not None


# --- checks before a notice -------------------------------------------------------


async def recipients(session: AsyncSession, unit: Unit, on: date) -> list[tuple[Party, bool, str | None]]:
    """The unit's current owners on `on`, primary first: each party, whether it
    lives in the unit, and its primary email address (one statement)."""
    current = and_(Ownership.starts_on <= on, or_(Ownership.ends_on.is_(None), Ownership.ends_on > on))
    lives_here = exists().where(
        Resident.unit_id == unit.id,
        Resident.party_id == Party.id,
        Resident.moved_in_on <= on,
        or_(Resident.moved_out_on.is_(None), Resident.moved_out_on > on),
    )
    email = (
        select(ContactPoint.value)
        .where(ContactPoint.party_id == Party.id, ContactPoint.kind == ContactPointKind.EMAIL)
        .order_by(ContactPoint.is_primary.desc(), ContactPoint.created_at)
        .limit(1)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(Party, lives_here.label("lives_here"), email.label("email"))
        .join(Ownership, and_(Ownership.organization_id == Party.organization_id, Ownership.party_id == Party.id))
        .where(Ownership.unit_id == unit.id, current)
        .order_by(Ownership.is_primary.desc(), Party.name, Party.id)
    )
    return [(party, bool(here), mail) for party, here, mail in rows.all()]


def _address(unit: Unit, party: Party, lives_here: bool) -> str | None:
    if party.mailing_address:
        return party.mailing_address
    if lives_here:
        return f"{unit.street}\n{unit.city}, {unit.region} {unit.postal_code}"
    return None


async def notice_checks(
    session: AsyncSession, violation: Violation, method: str, *, step: ViolationEventKind = ViolationEventKind.NOTICE_SENT
) -> tuple[list[NoticeCheck], list[NoticeRecipient]]:
    """Everything checked before a notice goes out, each with the code sending
    would be refused with: the violation may take the step, the cited rule is
    active, the unit is active and has current owners, each owner can be
    reached by the method (a mailing address; for email, an address and
    consent), and the jurisdiction allows the method."""
    unit = await session.get(Unit, violation.unit_id)
    rule_row = await session.get(ViolationRule, violation.rule_id)
    assert unit is not None and rule_row is not None
    checks: list[NoticeCheck] = []

    def add(check: str, ok: bool, code: str, good: str, bad: str) -> None:
        checks.append(NoticeCheck(check=check, ok=ok, code=None if ok else code, message=good if ok else bad))

    starts = FROM[step]
    add(
        "status",
        violation.status in starts,
        InvalidTransition.code,
        f"The violation is {violation.status.value}.",
        f"The violation is {violation.status.value}; a notice needs one of: {', '.join(sorted(s.value for s in starts))}.",
    )
    add(
        "rule_active",
        rule_row.is_active,
        RuleInactive.code,
        f"Rule {rule_row.code} is active.",
        f"Rule {rule_row.code} is retired.",
    )
    add("unit_active", unit.status is UnitStatus.ACTIVE, UnitInactive.code, "The unit is active.", "The unit is inactive.")
    owners = await recipients(session, unit, today())
    add("owners_known", bool(owners), NoCurrentOwner.code, f"{len(owners)} current owner(s).", "The unit has no current owner.")
    out: list[NoticeRecipient] = []
    if method == EMAIL:
        missing = [p.name for p, _, mail in owners if not mail or p.electronic_consent_at is None]
        add(
            "email_consent",
            bool(owners) and not missing,
            EmailNotConsented.code,
            "Every owner has an email address and consented to electronic delivery.",
            f"No email address or no consent to electronic delivery: {', '.join(missing) or 'no owner'}.",
        )
        out = [NoticeRecipient(party_id=p.id, name=p.name, address=mail) for p, _, mail in owners]
    else:
        out = [NoticeRecipient(party_id=p.id, name=p.name, address=_address(unit, p, here)) for p, here, _ in owners]
        missing = [r.name for r in out if r.address is None]
        add(
            "mailing_address",
            bool(owners) and not missing,
            MailingAddressUnknown.code,
            "Every owner has a mailing address (their own, or the unit's where they live).",
            f"No mailing address (and not living in the unit): {', '.join(missing) or 'no owner'}.",
        )
    methods = rule(violation, "notice_delivery_methods")
    add(
        "delivery_method",
        method in methods["value"],
        DeliveryMethodNotAllowed.code,
        f"{method} is allowed ({methods['citation']}).",
        f"{method} is not allowed here: {', '.join(methods['value'])} ({methods['citation']}).",
    )
    if step is ViolationEventKind.NOTICE_SENT and rule_row.notice_review_required:
        review = violation.notice_review
        standing = {
            None: "queue the notice for review.",
            NoticeReview.PENDING: "the queued notice waits for it.",
            NoticeReview.REJECTED: "the board rejected it.",
        }
        add(
            "board_review",
            review is NoticeReview.APPROVED,
            NoticeReviewPending.code if review is NoticeReview.PENDING else NoticeReviewRequired.code,
            "The board approved the notice.",
            f"Rule {rule_row.code}'s notices need the board's approval: {standing.get(review, '')}",
        )
    return checks, out


_ERRORS = {
    e.code: e
    for e in (
        InvalidTransition,
        RuleInactive,
        UnitInactive,
        NoCurrentOwner,
        EmailNotConsented,
        MailingAddressUnknown,
        DeliveryMethodNotAllowed,
        NoticeReviewRequired,
        NoticeReviewPending,
    )
}


async def _require_deliverable(
    session: AsyncSession, violation: Violation, method: str, step: ViolationEventKind
) -> list[NoticeRecipient]:
    """The checks a notice must pass; the first failing one is its error."""
    checks, out = await notice_checks(session, violation, method, step=step)
    for c in checks:
        if not c.ok:
            assert c.code is not None
            field = ["method"] if c.check in ("delivery_method", "email_consent", "mailing_address") else ["id"]
            details = {"check": c.check}
            if c.check == "delivery_method":
                details |= _cited(violation, "notice_delivery_methods")
            raise _ERRORS[c.code](c.message, field=field, details=details)
    return out


async def _write_letters(
    session: AsyncSession,
    violation: Violation,
    event: ViolationEvent,
    kind: TemplateKind,
    to: list[NoticeRecipient],
    method: str,
    variables: dict[str, Any],
    by: UUID,
) -> None:
    """The notice's letters, one per owner, in the communications outbox in this
    transaction: by email where the method is email (the checks found consent), else printed."""
    unit = await session.get(Unit, violation.unit_id)
    assert unit is not None
    channel = Channel.EMAIL if method == EMAIL else Channel.MAIL
    unit_address = f"{unit.street}, {unit.city}, {unit.region} {unit.postal_code}"
    letters = []
    for r in to:
        party = await session.get(Party, r.party_id)
        letters.append(
            Recipient(
                key=f"party:{r.party_id}:{channel.value}",
                name=r.name,
                channel=channel,
                address=r.address or unit_address,
                party_id=r.party_id,
                user_id=None if party is None else party.user_id,
                unit_number=unit.unit_number,
                unit_address=unit_address,
            )
        )
    await session.flush()  # the event's id keys the letters: one set per notice
    source = f"violation:{violation.id}:{event.id}"
    await outbox.write(session, violation.organization_id, violation.association_id, kind, source, letters, variables, by)


def _sent(recipients: list[NoticeRecipient]) -> list[dict[str, Any]]:
    return [{"partyId": str(r.party_id), "name": r.name, "address": r.address} for r in recipients]


# --- the lifecycle ----------------------------------------------------------------


async def _queued(session: AsyncSession, violation: Violation) -> ViolationEvent | None:
    """The latest notice queued for the board's review."""
    return await session.scalar(
        select(ViolationEvent)
        .where(ViolationEvent.violation_id == violation.id, ViolationEvent.kind == ViolationEventKind.NOTICE_QUEUED)
        .order_by(ViolationEvent.seq.desc())
        .limit(1)
    )


def _as_queued(data: Any) -> dict[str, Any]:
    return {"method": data.method, "cureDays": data.cure_days, "note": data.note}


async def queue_notice(session: AsyncSession, violation: Violation, data: Any, by: UUID) -> ViolationEvent:
    """A notice for the board to approve before it goes out: it must pass every
    check sending runs (but the review itself); the violation's status stays."""
    allowed(violation, ViolationEventKind.NOTICE_QUEUED)
    if violation.notice_review is NoticeReview.PENDING:
        raise NoticeReviewPending("A notice of this violation already waits for the board's review.", field=["id"])
    rule_row = await session.get(ViolationRule, violation.rule_id)
    assert rule_row is not None
    if data.cure_days is not None and not rule_row.curable:
        raise NotCurable(f"Rule {rule_row.code} is not curable: it has no cure period.", field=["cureDays"])
    to = await _require_deliverable(session, violation, data.method, ViolationEventKind.NOTICE_QUEUED)
    violation.notice_review = NoticeReview.PENDING
    details = _as_queued(data) | {"noticeText": rule_row.notice_text, "recipients": _sent(to)}
    return move(session, violation, ViolationEventKind.NOTICE_QUEUED, violation.status, today(), by, data.note, details)


async def review_notice(session: AsyncSession, violation: Violation, data: Any, by: UUID) -> ViolationEvent:
    """The board approves the queued notice (it may then go out, once) or rejects it with reasons."""
    allowed(violation, ViolationEventKind.NOTICE_REVIEWED)
    if violation.notice_review is not NoticeReview.PENDING:
        raise NoNoticeQueued("No notice of this violation waits for the board's review.", field=["id"])
    if not data.approved and not data.note:
        raise RejectionReasonRequired("Say why the notice is rejected: the manager sees it.", field=["note"])
    queued = await _queued(session, violation)
    assert queued is not None, "a pending review has its queued notice"
    violation.notice_review = NoticeReview.APPROVED if data.approved else NoticeReview.REJECTED
    details = {"approved": data.approved, "queuedEventId": str(queued.id)}
    return move(session, violation, ViolationEventKind.NOTICE_REVIEWED, violation.status, today(), by, data.note, details)


async def send_notice(session: AsyncSession, violation: Violation, data: Any, by: UUID) -> ViolationEvent:
    """A notice with a cure date to the current owners, once every check passes;
    where the rule needs the board's review, only the notice the board approved."""
    rule_row = await session.get(ViolationRule, violation.rule_id)
    assert rule_row is not None
    to = await _require_deliverable(session, violation, data.method, ViolationEventKind.NOTICE_SENT)
    review: dict[str, Any] | None = None
    if violation.notice_review is NoticeReview.APPROVED:
        queued = await _queued(session, violation)
        assert queued is not None, "an approved review has its queued notice"
        approved = {k: queued.details.get(k) for k in ("method", "cureDays", "note")}
        if rule_row.notice_review_required and approved != _as_queued(data):
            raise NoticeReviewRequired(
                "The board approved a different notice: send that one, or queue this one for review.",
                field=["id"],
                details={"check": "board_review", "approved": approved},
            )
        review = {"queuedEventId": str(queued.id)}
    _past(data.sent_on, "sentOn")
    _after(data.sent_on, await _last_day(session, violation), "sentOn", "the violation's latest step")
    if data.cure_days is not None and not rule_row.curable:
        raise NotCurable(f"Rule {rule_row.code} is not curable: it has no cure period.", field=["cureDays"])
    cure_days = data.cure_days or rule_row.cure_days
    violation.cure_by = data.sent_on + timedelta(days=cure_days) if cure_days else None
    violation.notice_review = None  # spent: the next notice is reviewed afresh
    event = move(
        session,
        violation,
        ViolationEventKind.NOTICE_SENT,
        S.NOTICE_SENT,
        data.sent_on,
        by,
        "\n\n".join(t for t in (rule_row.notice_text, data.note) if t),
        {
            "method": data.method,
            "cureBy": violation.cure_by.isoformat() if violation.cure_by else None,
            "actionToResolve": rule_row.action_to_resolve,
            "recipients": _sent(to),
            "rule": _cited(violation, "notice_delivery_methods", method=data.method),
            "second": violation.status is S.UNCURED,
            **({"review": review} if review else {}),
        },
    )
    variables = {
        "violation": {
            "rule_code": rule_row.code,
            "rule_title": rule_row.title,
            "document_reference": rule_row.document_reference,
            "description": "\n\n".join(t for t in (violation.description, data.note) if t),
            "observed_on": violation.observed_on.isoformat(),
            "action_to_resolve": rule_row.action_to_resolve,
            "cure_by": violation.cure_by.isoformat() if violation.cure_by else "",
        }
    }
    await _write_letters(session, violation, event, TemplateKind.VIOLATION_NOTICE, to, data.method, variables, by)
    return event


async def reinspect(session: AsyncSession, violation: Violation, data: Any, by: UUID) -> ViolationEvent:
    """Cured: closed (continuing fines stop). Not cured: only once the cure date has passed."""
    allowed(violation, ViolationEventKind.REINSPECTED)
    _past(data.inspected_on, "inspectedOn")
    _after(data.inspected_on, await _last_day(session, violation), "inspectedOn", "the violation's latest step")
    await documents.referenced(session, data.document_ids, violation.association_id, "documentIds")
    details: dict[str, Any] = {"cured": data.cured, "documentIds": [encode("doc", d) for d in data.document_ids]}
    if data.cured:
        violation.resolution = Resolution.CURED
        return move(session, violation, ViolationEventKind.REINSPECTED, S.CLOSED, data.inspected_on, by, data.note, details)
    if violation.status is S.FINED:
        return move(session, violation, ViolationEventKind.REINSPECTED, S.FINED, data.inspected_on, by, data.note, details)
    if violation.cure_by is not None and data.inspected_on <= violation.cure_by:
        raise CurePeriodNotOver(
            f"The owner has until {violation.cure_by.isoformat()} to cure; re-inspect after that to find it uncured.",
            field=["inspectedOn"],
        )
    return move(session, violation, ViolationEventKind.REINSPECTED, S.UNCURED, data.inspected_on, by, data.note, details)


async def schedule_hearing(session: AsyncSession, violation: Violation, data: Any, by: UUID) -> ViolationEvent:
    """A hearing at least the jurisdiction's hearing_notice_days after its
    notice; a curable violation goes to a hearing only once found uncured."""
    rule_row = await session.get(ViolationRule, violation.rule_id)
    assert rule_row is not None
    allowed(violation, ViolationEventKind.HEARING_SCHEDULED)
    if rule_row.curable and violation.status is not S.UNCURED:
        raise InvalidTransition(
            f"Rule {rule_row.code} is curable: a hearing follows a re-inspection that found the violation uncured.",
            field=["id"],
            details={"status": violation.status.value, "step": "hearing_scheduled", "allowedFrom": ["uncured"]},
        )
    to = await _require_deliverable(session, violation, data.method, ViolationEventKind.HEARING_SCHEDULED)
    _past(data.notice_sent_on, "noticeSentOn")
    _after(data.notice_sent_on, await _last_day(session, violation), "noticeSentOn", "the violation's latest step")
    notice = rule(violation, "hearing_notice_days")
    given = (data.hearing_on - data.notice_sent_on).days
    if given < notice["value"]:
        raise HearingNoticeTooShort(
            f"The hearing must be at least {notice['value']} days after its notice ({given} given): {notice['citation']}",
            field=["hearingOn"],
            details=_cited(violation, "hearing_notice_days", given=given),
        )
    violation.hearing_on = data.hearing_on
    event = move(
        session,
        violation,
        ViolationEventKind.HEARING_SCHEDULED,
        S.HEARING_SCHEDULED,
        data.notice_sent_on,
        by,
        data.note,
        {
            "hearingOn": data.hearing_on.isoformat(),
            "method": data.method,
            "recipients": _sent(to),
            "rule": _cited(violation, "hearing_notice_days", given=given),
        },
    )
    variables = {
        "violation": {"rule_code": rule_row.code, "rule_title": rule_row.title, "description": violation.description},
        "hearing": {"on": data.hearing_on.isoformat(), "place": data.note or "the place the board's notice gives"},
    }
    await _write_letters(session, violation, event, TemplateKind.HEARING_NOTICE, to, data.method, variables, by)
    return event


def scheduled_fine(violation: Violation, rule_row: ViolationRule) -> Decimal | None:
    """The schedule's fine for this violation: the repeat fine for a repeat (the first where none is set)."""
    if violation.is_repeat and rule_row.fine_repeat is not None:
        return rule_row.fine_repeat
    return rule_row.fine_first


def max_fine(violation: Violation) -> Decimal | None:
    value = rule(violation, "max_fine")["value"]
    return None if value is None else Decimal(value)


async def decide(session: AsyncSession, violation: Violation, data: Any, by: UUID) -> ViolationEvent:
    """The board's decision, on or after the hearing's day: a fine from the
    schedule (where the jurisdiction requires one), within the maximum; the
    written decision is due within the jurisdiction's delivery days."""
    rule_row = await session.get(ViolationRule, violation.rule_id)
    assert rule_row is not None
    allowed(violation, ViolationEventKind.DECIDED)
    _past(data.held_on, "heldOn")
    _after(data.held_on, violation.hearing_on, "heldOn", "the hearing's scheduled day")
    details: dict[str, Any] = {"outcome": data.outcome.value, "heldOn": data.held_on.isoformat()}
    violation.fine_amount = None
    if data.outcome is HearingOutcome.FINE:
        schedule = rule(violation, "fine_schedule_required")
        scheduled = scheduled_fine(violation, rule_row)
        if schedule["value"] and (scheduled is None or (data.fine_amount is not None and data.fine_amount != scheduled)):
            why = "the rule has no scheduled fine" if scheduled is None else f"the schedule's fine is {scheduled}"
            raise FineScheduleRequired(
                f"Fines come only from the published schedule ({why}): {schedule['citation']}",
                field=["fineAmount"] if scheduled is not None else ["outcome"],
                details=_cited(violation, "fine_schedule_required", scheduled=None if scheduled is None else str(scheduled)),
            )
        amount = data.fine_amount or scheduled
        if amount is None:
            raise FineScheduleRequired("The rule has no scheduled fine: give `fineAmount`.", field=["fineAmount"])
        cap = max_fine(violation)
        for limit, key in ((cap, "max_fine"), (rule_row.fine_cap, None)):
            if limit is not None and amount > limit:
                cited = _cited(violation, "max_fine", amount=str(amount)) if key else {"ruleCap": str(limit)}
                why = rule(violation, "max_fine")["citation"] if key else f"rule {rule_row.code}'s cap"
                raise FineAboveMaximum(
                    f"A fine of {amount} is above the maximum {limit}: {why}", field=["fineAmount"], details=cited
                )
        violation.fine_amount = amount
        details |= {"fineAmount": str(amount), "schedule": _cited(violation, "fine_schedule_required")}
    if data.outcome is HearingOutcome.MORE_TIME:
        if not rule_row.curable:
            raise NotCurable(f"Rule {rule_row.code} is not curable: there is no more time to give.", field=["outcome"])
        details["cureDays"] = data.cure_days or rule_row.cure_days
    violation.outcome = data.outcome
    delivery = rule(violation, "hearing_decision_delivery_days")
    violation.decision_due_by = data.held_on + timedelta(days=delivery["value"])
    details["decisionDueBy"] = violation.decision_due_by.isoformat()
    details["rule"] = _cited(violation, "hearing_decision_delivery_days")
    return move(session, violation, ViolationEventKind.DECIDED, S.DECIDED, data.held_on, by, data.note, details)


async def deliver(session: AsyncSession, violation: Violation, data: Any, by: UUID) -> ViolationEvent:
    """The written decision, by its due date: a fine then waits for the
    workflow to post it; no fine closes; more time sends it back to cure."""
    allowed(violation, ViolationEventKind.DECISION_DELIVERED)
    _past(data.delivered_on, "deliveredOn")
    _after(data.delivered_on, await _last_day(session, violation), "deliveredOn", "the decision")
    assert violation.decision_due_by is not None and violation.outcome is not None
    if data.delivered_on > violation.decision_due_by:
        delivery = rule(violation, "hearing_decision_delivery_days")
        raise DecisionDeliveryLate(
            f"The decision was due by {violation.decision_due_by.isoformat()}: {delivery['citation']}",
            field=["deliveredOn"],
            details=_cited(violation, "hearing_decision_delivery_days", dueBy=violation.decision_due_by.isoformat()),
        )
    to = await _require_deliverable(session, violation, data.method, ViolationEventKind.DECISION_DELIVERED)
    details: dict[str, Any] = {"method": data.method, "outcome": violation.outcome.value, "recipients": _sent(to)}
    if violation.outcome is HearingOutcome.FINE:
        target = S.FINE_PENDING
    elif violation.outcome is HearingOutcome.NO_FINE:
        target, violation.resolution = S.CLOSED, Resolution.NO_FINE
    else:
        decided = await session.scalar(
            select(ViolationEvent.details)
            .where(ViolationEvent.violation_id == violation.id, ViolationEvent.kind == ViolationEventKind.DECIDED)
            .order_by(ViolationEvent.seq.desc())
            .limit(1)
        )
        days = int((decided or {}).get("cureDays") or 0)
        violation.cure_by = data.delivered_on + timedelta(days=days)
        target = S.NOTICE_SENT
        details["cureBy"] = violation.cure_by.isoformat()
    return move(session, violation, ViolationEventKind.DECISION_DELIVERED, target, data.delivered_on, by, None, details)


async def respond(session: AsyncSession, violation: Violation, text: str, by: UUID) -> ViolationEvent:
    allowed(violation, ViolationEventKind.OWNER_RESPONDED)
    violation.owner_responded_at = datetime.now(UTC)
    return move(session, violation, ViolationEventKind.OWNER_RESPONDED, violation.status, today(), by, text)


async def appeal(session: AsyncSession, violation: Violation, reason: str, by: UUID) -> ViolationEvent:
    allowed(violation, ViolationEventKind.APPEALED)
    return move(session, violation, ViolationEventKind.APPEALED, S.APPEALED, today(), by, reason)


async def dismiss(session: AsyncSession, violation: Violation, reason: str, by: UUID) -> ViolationEvent:
    allowed(violation, ViolationEventKind.DISMISSED)
    violation.resolution, violation.notice_review = Resolution.DISMISSED, None
    return move(session, violation, ViolationEventKind.DISMISSED, S.DISMISSED, today(), by, reason)


# --- what the lifecycle workflow waits for --------------------------------------


def next_deadline(violation: Violation, next_fine_on: date | None) -> tuple[str | None, date | None]:
    """What the workflow does next on its own, and on which day: the cure
    period ends the day after the cure date; an undelivered decision lapses
    the day after its due date; a pending fine posts now; a continuing fine
    on its next day."""
    match violation.status:
        case S.NOTICE_SENT if violation.cure_by is not None:
            return "cure", violation.cure_by + timedelta(days=1)
        case S.DECIDED if violation.decision_due_by is not None:
            return "lapse", violation.decision_due_by + timedelta(days=1)
        case S.FINE_PENDING:
            return "fine", today()
        case S.FINED if next_fine_on is not None:
            return "continuing", next_fine_on
    return None, None


def lapse(session: AsyncSession, violation: Violation) -> ViolationEvent:
    """The written decision was not delivered by its due date: it can support
    no fine; the violation goes back to uncured (a new hearing, or dismissal)."""
    assert violation.decision_due_by is not None
    violation.outcome, violation.fine_amount = None, None
    return move(
        session,
        violation,
        ViolationEventKind.DECISION_LAPSED,
        S.UNCURED,
        min(violation.decision_due_by + timedelta(days=1), today()),
        None,
        "The written decision was not delivered in time.",
        {"rule": _cited(violation, "hearing_decision_delivery_days", dueBy=violation.decision_due_by.isoformat())},
    )


def end_cure_period(session: AsyncSession, violation: Violation) -> ViolationEvent:
    assert violation.cure_by is not None
    return move(
        session,
        violation,
        ViolationEventKind.CURE_PERIOD_ENDED,
        S.REINSPECTION_DUE,
        min(violation.cure_by + timedelta(days=1), today()),
        None,
        "The cure period is over: re-inspect.",
        {"cureBy": violation.cure_by.isoformat()},
    )


async def details_of(
    session: AsyncSession, violation_ids: list[UUID]
) -> tuple[dict[UUID, list[ViolationEvent]], dict[UUID, list[ViolationObservation]]]:
    """Events and observations of violations, oldest first (two statements),
    the step's own event included (flushed first)."""
    await session.flush()
    events: dict[UUID, list[ViolationEvent]] = defaultdict(list)
    observations: dict[UUID, list[ViolationObservation]] = defaultdict(list)
    for e in await session.scalars(
        select(ViolationEvent).where(ViolationEvent.violation_id.in_(violation_ids)).order_by(ViolationEvent.seq)
    ):
        events[e.violation_id].append(e)
    for o in await session.scalars(
        select(ViolationObservation)
        .where(ViolationObservation.violation_id.in_(violation_ids))
        .order_by(ViolationObservation.created_at, ViolationObservation.id)
    ):
        observations[o.violation_id].append(o)
    return events, observations


async def last_event(session: AsyncSession, violation: Violation) -> ViolationEvent:
    """The violation's latest step."""
    await session.flush()
    event = await session.scalar(
        select(ViolationEvent).where(ViolationEvent.violation_id == violation.id).order_by(ViolationEvent.seq.desc()).limit(1)
    )
    assert event is not None
    return event

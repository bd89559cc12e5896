"""Fines: posted to the owner's ledger through receivables' posting path (the
owner-ledger charge and its journal entry in one transaction, on the fine
income account), recorded here once per violation, kind and day.

The lifecycle workflow posts them, never a request: a decided fine once its
written decision is delivered, then each continuing fine on its day while the
violation stays uncured, until the rule's cap (and the jurisdiction's
max_fine per fine) is reached. Each posting runs in a workflow step that
locks the violation and looks at its status first, and the unique key on
(violation, kind, day) stands behind it: a step re-run after a crash posts
nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.receivables.models import OwnerLedgerEntry
from domains.receivables.service import owner_ledger
from domains.violations.models import (
    FineKind,
    FinePeriod,
    Resolution,
    Violation,
    ViolationEvent,
    ViolationEventKind,
    ViolationFine,
    ViolationRule,
    ViolationStatus,
)
from domains.violations.service import violations
from graph import durable
from graph.ids import encode

S = ViolationStatus


async def _fined(session: AsyncSession, violation: Violation) -> tuple[Decimal, date | None]:
    """What the violation has been fined in all, and the day of its latest fine."""
    total, last = (
        await session.execute(
            select(func.coalesce(func.sum(ViolationFine.amount), 0), func.max(ViolationFine.fined_on)).where(
                ViolationFine.violation_id == violation.id
            )
        )
    ).one()
    return Decimal(total), last


async def next_fine_on(session: AsyncSession, violation: Violation) -> date | None:
    """The day of the next continuing fine, or None when the rule has none or the cap is reached."""
    if violation.status is not S.FINED:
        return None
    rule = await session.get(ViolationRule, violation.rule_id)
    assert rule is not None
    if rule.fine_continuing is None or rule.continuing_period is None:
        return None
    total, last = await _fined(session, violation)
    if last is None or (rule.fine_cap is not None and total >= rule.fine_cap):
        return None
    return last + timedelta(days=1 if rule.continuing_period is FinePeriod.DAY else 7)


async def _post(
    session: AsyncSession, violation: Violation, rule: ViolationRule, kind: FineKind, amount: Decimal, on: date
) -> ViolationFine:
    entry = await owner_ledger.fine(
        session,
        violation.organization_id,
        violation.unit_id,
        amount,
        on,
        f"{rule.code} {rule.title} ({kind.value})",
        None,
    )
    fine = ViolationFine(
        organization_id=violation.organization_id,
        association_id=violation.association_id,
        violation_id=violation.id,
        unit_id=violation.unit_id,
        kind=kind,
        fined_on=on,
        amount=amount,
        owner_ledger_entry_id=entry.id,
    )
    session.add(fine)
    await session.flush()
    violations.move(
        session,
        violation,
        ViolationEventKind.FINE_POSTED,
        S.FINED,
        on,
        None,
        None,
        {
            "kind": kind.value,
            "amount": str(amount),
            "ownerLedgerEntryId": encode("ole", entry.id),
            "fineId": encode("vfn", fine.id),
        },
    )
    durable.audit(
        session,
        violation.organization_id,
        "violation/finePosted",
        [encode("vio", violation.id), encode("ole", entry.id)],
        {"kind": kind.value, "amount": str(amount), "finedOn": on.isoformat()},
    )
    return fine


async def post_decided(session: AsyncSession, violation_id: UUID) -> str:
    """Post the decided fine of a violation whose decision was delivered (fine_pending), once."""
    violation = await violations.lock(session, violation_id)
    if violation.status is not S.FINE_PENDING:
        return violation.status.value  # posted already (a re-run step), or moved on
    rule = await session.get(ViolationRule, violation.rule_id)
    assert rule is not None and violation.fine_amount is not None
    delivered = await session.scalar(
        select(ViolationEvent.occurred_on)
        .where(ViolationEvent.violation_id == violation.id, ViolationEvent.kind == ViolationEventKind.DECISION_DELIVERED)
        .order_by(ViolationEvent.seq.desc())
        .limit(1)
    )
    assert delivered is not None
    kind = FineKind.REPEAT if violation.is_repeat and rule.fine_repeat is not None else FineKind.FIRST
    await _post(session, violation, rule, kind, violation.fine_amount, delivered)
    return violation.status.value


async def post_continuing(session: AsyncSession, violation_id: UUID, due: date) -> str:
    """The continuing fine due on `due`, if the violation is still fined and
    uncured and the cap leaves room (the last one is cut to fit the cap)."""
    violation = await violations.lock(session, violation_id)
    if violation.status is not S.FINED or await next_fine_on(session, violation) != due:
        return violation.status.value
    rule = await session.get(ViolationRule, violation.rule_id)
    assert rule is not None and rule.fine_continuing is not None
    total, _ = await _fined(session, violation)
    amount = rule.fine_continuing
    if rule.fine_cap is not None:
        amount = min(amount, rule.fine_cap - total)
    cap = violations.max_fine(violation)
    if cap is not None:
        amount = min(amount, cap)
    if amount > 0:
        await _post(session, violation, rule, FineKind.CONTINUING, amount, due)
    return violation.status.value


async def overturn(session: AsyncSession, violation: Violation, on: date, note: str | None, by: UUID) -> list[OwnerLedgerEntry]:
    """An appeal overturned the fine: every fine of the violation is credited
    back on the owner's ledger (receivables' credit path) and it closes."""
    credits = []
    for fine in await session.scalars(select(ViolationFine).where(ViolationFine.violation_id == violation.id)):
        entry = await session.get(OwnerLedgerEntry, fine.owner_ledger_entry_id)
        assert entry is not None
        credits.append(
            await owner_ledger.credit_fine(
                session, violation.organization_id, entry, max(on, entry.entry_date), "appeal: fine overturned", by
            )
        )
    violation.resolution = Resolution.OVERTURNED
    violations.move(
        session,
        violation,
        ViolationEventKind.APPEAL_DECIDED,
        S.CLOSED,
        on,
        by,
        note,
        {"upheld": False, "credits": [encode("ole", c.id) for c in credits]},
    )
    return credits


async def of(session: AsyncSession, violation_ids: list[UUID]) -> dict[UUID, list[ViolationFine]]:
    """The fines of violations, oldest first (one statement)."""
    found: dict[UUID, list[ViolationFine]] = defaultdict(list)
    for f in await session.scalars(
        select(ViolationFine)
        .where(ViolationFine.violation_id.in_(violation_ids))
        .order_by(ViolationFine.fined_on, ViolationFine.id)
    ):
        found[f.violation_id].append(f)
    return found

"""Payment plans: an owner's balance split into instalments.

What counts toward a plan is every payment on the unit from the day it was
agreed, less payments returned since (the owner ledger is the record; a plan
posts nothing). Payments cover the instalments in due-date order; an
instalment still uncovered `grace_days` after its due date is missed, which
defaults the plan; covering the whole amount completes it. The nightly review
(workflows.py) and `paymentPlan/v1/review` apply those transitions, each a row
of `payment_plan_transitions`; collections read `active` as "suspended"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Unit
from domains.receivables.errors import NothingOwed, PlanExists, PlanNotActive
from domains.receivables.models import (
    EntryKind,
    OwnerLedgerEntry,
    PaymentPlan,
    PaymentPlanInstalment,
    PaymentPlanTransition,
    PlanStatus,
)
from domains.receivables.schemas import InstalmentStanding, PaymentPlanRead
from graph.db import flush_or_raise, new_id
from graph.handlers import require
from graph.pages import Page, page_statement

CENT = Decimal("0.01")
PLAN_REVIEW_SCHEDULE = "review-payment-plans"


def split(amount: Decimal, count: int) -> list[Decimal]:
    """`count` equal instalments cut down to the cent, the last taking the rest."""
    each = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    return [each] * (count - 1) + [amount - each * (count - 1)]


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


async def unit_balance(session: AsyncSession, unit_id: UUID, on: date) -> Decimal:
    """What the unit owes on `on` (its owner-ledger rows to that day; credit is negative)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(OwnerLedgerEntry.amount), 0)).where(
            OwnerLedgerEntry.unit_id == unit_id, OwnerLedgerEntry.entry_date <= on
        )
    )
    return Decimal(total or 0)


async def create(session: AsyncSession, organization_id: UUID, data: Any, by: UUID) -> PaymentPlan:
    unit: Unit = await require(session, Unit, data.unit_id, "unitId", lock=True)
    owed = await unit_balance(session, unit.id, data.starts_on)
    amount = data.amount if data.amount is not None else owed
    if owed <= 0 or amount > owed:
        raise NothingOwed(f"The unit owes {owed} on {data.starts_on.isoformat()}.", field=["amount" if data.amount else "unitId"])
    plan = PaymentPlan(
        id=new_id(),
        organization_id=organization_id,
        association_id=unit.association_id,
        unit_id=unit.id,
        amount=amount,
        starts_on=data.starts_on,
        grace_days=data.grace_days,
        status=PlanStatus.ACTIVE,
        memo=data.memo,
        created_by=by,
    )
    session.add(plan)
    await flush_or_raise(session, PlanExists("The unit already has an active payment plan.", field=["unitId"]))
    session.add_all(
        PaymentPlanInstalment(
            organization_id=organization_id,
            association_id=unit.association_id,
            plan_id=plan.id,
            seq=n,
            due_on=add_months(data.first_due_on, (n - 1) * data.interval_months),
            amount=part,
        )
        for n, part in enumerate(split(amount, data.instalments), start=1)
    )
    _transition(session, plan, None, PlanStatus.ACTIVE, "agreed", by)
    await session.flush()
    await session.refresh(plan)
    return plan


def _transition(
    session: AsyncSession, plan: PaymentPlan, before: PlanStatus | None, after: PlanStatus, reason: str, by: UUID | None
) -> None:
    session.add(
        PaymentPlanTransition(
            organization_id=plan.organization_id,
            association_id=plan.association_id,
            plan_id=plan.id,
            from_status=before,
            to_status=after,
            reason=reason[:200],
            changed_by=by,
        )
    )


@dataclass
class Standing:
    paid: Decimal
    instalments: list[dict[str, Any]]

    @property
    def missed(self) -> dict[str, Any] | None:
        return next((i for i in self.instalments if i["state"] == "missed"), None)


async def standings(session: AsyncSession, plans: Sequence[PaymentPlan], as_of: date) -> dict[UUID, Standing]:
    """Each plan's standing on `as_of`: two statements for any number of plans."""
    if not plans:
        return {}
    ids = [p.id for p in plans]
    P, E = PaymentPlan, OwnerLedgerEntry
    paid_rows = await session.execute(
        select(P.id, func.coalesce(-func.sum(E.amount), 0))
        .select_from(P)
        .outerjoin(
            E,
            and_(
                E.organization_id == P.organization_id,
                E.unit_id == P.unit_id,
                E.kind.in_([EntryKind.PAYMENT, EntryKind.PAYMENT_RETURN]),
                E.entry_date >= P.starts_on,
                E.entry_date <= as_of,
            ),
        )
        .where(P.id.in_(ids))
        .group_by(P.id)
    )
    paid = {plan_id: Decimal(total) for plan_id, total in paid_rows.all()}
    instalments = (
        await session.scalars(
            select(PaymentPlanInstalment)
            .where(PaymentPlanInstalment.plan_id.in_(ids))
            .order_by(PaymentPlanInstalment.plan_id, PaymentPlanInstalment.seq)
        )
    ).all()
    grace = {p.id: p.grace_days for p in plans}
    out = {p.id: Standing(paid.get(p.id, Decimal(0)), []) for p in plans}
    left = dict(paid)
    for i in instalments:
        covered = max(Decimal(0), min(i.amount, left.get(i.plan_id, Decimal(0))))
        left[i.plan_id] = left.get(i.plan_id, Decimal(0)) - covered
        if covered == i.amount:
            state = "paid"
        elif i.due_on + timedelta(days=grace[i.plan_id]) < as_of:
            state = "missed"
        else:
            state = "open"
        out[i.plan_id].instalments.append({"seq": i.seq, "due_on": i.due_on, "amount": i.amount, "paid": covered, "state": state})
    return out


async def _move(session: AsyncSession, plan: PaymentPlan, after: PlanStatus, reason: str, by: UUID | None) -> None:
    before = plan.status
    await session.execute(update(PaymentPlan).where(PaymentPlan.id == plan.id).values(status=after, updated_at=func.now()))
    _transition(session, plan, before, after, reason, by)
    await session.flush()
    await session.refresh(plan)


async def cancel(session: AsyncSession, plan: PaymentPlan, reason: str, by: UUID) -> PaymentPlan:
    await session.refresh(plan, with_for_update=True)
    if plan.status is not PlanStatus.ACTIVE:
        raise PlanNotActive(f"This plan is {plan.status.value}.", field=["id"])
    await _move(session, plan, PlanStatus.CANCELLED, reason, by)
    return plan


async def review(session: AsyncSession, association_id: UUID, as_of: date, by: UUID | None) -> tuple[int, int]:
    """(completed, defaulted): the association's active plans moved on `as_of`."""
    plans = (
        await session.scalars(
            select(PaymentPlan)
            .where(PaymentPlan.association_id == association_id, PaymentPlan.status == PlanStatus.ACTIVE)
            .order_by(PaymentPlan.id)
            .with_for_update()
        )
    ).all()
    completed = defaulted = 0
    for plan, standing in zip(plans, (await standings(session, plans, as_of)).values(), strict=True):
        if standing.paid >= plan.amount:
            await _move(session, plan, PlanStatus.COMPLETED, f"paid off by {as_of.isoformat()}", by)
            completed += 1
        elif (missed := standing.missed) is not None:
            await _move(
                session, plan, PlanStatus.DEFAULTED, f"instalment {missed['seq']} due {missed['due_on'].isoformat()} missed", by
            )
            defaulted += 1
    return completed, defaulted


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) pairs with active plans, for the nightly review."""
    return [(r[0], r[1]) for r in (await session.execute(text("SELECT * FROM payment_plan_targets()"))).all()]


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[PaymentPlan], Page]:
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, PaymentPlan.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(PaymentPlan.unit_id == data.unit_id)
    if data.status is not None:
        where.append(PaymentPlan.status == data.status)
    return (await session.scalars(page_statement(PaymentPlan, page, where))).all(), page


async def reads(session: AsyncSession, plans: Sequence[PaymentPlan], as_of: date) -> list[Any]:
    found = await standings(session, plans, as_of)
    return [
        PaymentPlanRead.model_validate(p).model_copy(
            update={
                "paid": found[p.id].paid.quantize(CENT),
                "as_of": as_of,
                "instalments": [InstalmentStanding.model_validate(i) for i in found[p.id].instalments],
            }
        )
        for p in plans
    ]

"""Interest on delinquent assessments: an association's policy (versions,
checked against its jurisdiction's limit when set) and the monthly accrual.

A month's interest on a unit is simple interest, actual/365, on each of its
assessment charges for every day of the month the charge was open and more
than the grace days past due: Σ open × rate / 100 / 365, rounded to the cent
once per unit. Interest never bears interest, and fees never do: only
assessment charges (`charge`) count. The rate is the policy's, capped by the
jurisdiction's limit in force on the month's last day, and the grace days are
at least the limit's, so a statute amended after the policy was set still binds.
The charge is posted on the month's last day through the receivables `Book` on
the delinquency interest income account, with its `interest_accruals` row;
that row is unique per unit and month, so a month is charged once whoever runs
it, however often, and a run that crashed before committing charged nothing."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import AccountType, ControlRole, EntrySource, GlAccount
from domains.accounting.service import chart, ledger
from domains.associations.models import Association
from domains.jurisdictions.service import interest_limits
from domains.receivables.errors import InterestPeriodNotOver, InterestPolicyBelowStatute, InterestPolicyMissing
from domains.receivables.models import EntryKind, InterestAccrual, InterestPolicy
from domains.receivables.service.book import Book
from graph import durable
from graph.handlers import require
from graph.ids import encode

CENT = Decimal("0.01")
INTEREST_SCHEDULE = "accrue-interest"
# Where the income account goes in a chart installed before interest had one.
ACCOUNT = {"number": "4140", "name": "Interest on Delinquent Assessments", "type": AccountType.INCOME}

# Per unit: the sum over the month's days of its assessment charges' open
# amounts on the days they were past due by more than the grace days.
_INTEREST_DAYS = text(
    """WITH days AS (SELECT d::date AS day FROM generate_series(CAST(:first AS date), CAST(:last AS date), '1 day') d),
    open_days AS (
      SELECT e.unit_id, e.amount - coalesce(
               (SELECT sum(a.amount) FROM owner_ledger_allocations a
                 WHERE a.organization_id = e.organization_id AND a.charge_entry_id = e.id AND a.applied_on <= days.day), 0
             ) AS open
        FROM owner_ledger_entries e
        JOIN days ON days.day > e.due_date + CAST(:grace AS integer) AND days.day >= e.entry_date
       WHERE e.association_id = :association AND e.kind = 'charge'
         AND e.due_date + CAST(:grace AS integer) < CAST(:last AS date)
         AND NOT EXISTS (SELECT 1 FROM interest_accruals i
                          WHERE i.organization_id = e.organization_id AND i.unit_id = e.unit_id AND i.period = :first))
    SELECT unit_id, sum(open) AS open_days FROM open_days GROUP BY unit_id HAVING sum(open) > 0 ORDER BY unit_id"""
)


def month_end(period: date) -> date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


async def current(session: AsyncSession, association_id: UUID) -> InterestPolicy | None:
    return await session.scalar(
        select(InterestPolicy)
        .where(InterestPolicy.association_id == association_id)
        .order_by(InterestPolicy.version.desc())
        .limit(1)
    )


async def _ensure_account(session: AsyncSession, organization_id: UUID, association_id: UUID) -> None:
    """The delinquency interest income account, added to a chart installed without it."""
    found = await session.scalar(
        select(GlAccount.id).where(
            GlAccount.association_id == association_id, GlAccount.control == ControlRole.DELINQUENCY_INTEREST_INCOME
        )
    )
    if found is None:
        values = ACCOUNT | {"association_id": association_id, "control": ControlRole.DELINQUENCY_INTEREST_INCOME}
        await chart.create_account(session, organization_id, values)


async def set_policy(session: AsyncSession, organization_id: UUID, data: Any, as_of: date, by: UUID) -> InterestPolicy:
    """Add the association's next policy version, refused where it is looser
    than its jurisdiction's interest limit on `as_of` (INTEREST_POLICY_BELOW_STATUTE)."""
    association = await require(session, Association, data.association_id, "associationId", lock=True)
    limit = await interest_limits.in_force(session, association, as_of)
    details = {"jurisdiction": limit.jurisdiction, "citation": limit.citation}
    if limit.max_annual_rate is not None and data.annual_rate > limit.max_annual_rate:
        raise InterestPolicyBelowStatute(
            f"The rate is above the {limit.max_annual_rate}% a year the statute allows: {limit.citation}",
            field=["annualRate"],
            details=details | {"field": ["annualRate"], "maxAnnualRate": str(limit.max_annual_rate)},
        )
    if data.grace_days < limit.min_grace_days:
        raise InterestPolicyBelowStatute(
            f"Interest may begin only {limit.min_grace_days} days after the due date: {limit.citation}",
            field=["graceDays"],
            details=details | {"field": ["graceDays"], "minGraceDays": limit.min_grace_days},
        )
    await _ensure_account(session, organization_id, association.id)
    version = await session.scalar(
        select(func.coalesce(func.max(InterestPolicy.version), 0)).where(InterestPolicy.association_id == association.id)
    )
    policy = InterestPolicy(
        organization_id=organization_id,
        version=int(version or 0) + 1,
        limit_used=interest_limits.snapshot(limit),
        created_by=by,
        **data.model_dump(),
    )
    session.add(policy)
    await session.flush()
    return policy


async def accrue(
    session: AsyncSession,
    organization_id: UUID,
    association_id: UUID,
    period: date,
    today: date,
    posted_by: UUID | None,
    *,
    required: bool = True,
) -> tuple[InterestPolicy | None, list[InterestAccrual]]:
    """Charge the month's interest to each unit not yet charged for it; returns
    the policy applied and the new accruals."""
    period = period.replace(day=1)
    last = month_end(period)
    if last >= today:
        raise InterestPeriodNotOver(f"{period:%B %Y} is not over yet.", field=["month"])
    # One run per association at a time: the association's row lock.
    association = await session.scalar(select(Association).where(Association.id == association_id).with_for_update())
    assert association is not None, "the caller named a visible association"
    policy = await current(session, association_id)
    if policy is None or not policy.is_active:
        if required:
            raise InterestPolicyMissing(
                "This association has no active interest policy (interestPolicy/v1/set).", field=["associationId"]
            )
        return policy, []
    await ledger.check_open(session, association_id, last)
    limit = await interest_limits.in_force(session, association, last)
    rate = policy.annual_rate if limit.max_annual_rate is None else min(policy.annual_rate, limit.max_annual_rate)
    grace = max(policy.grace_days, limit.min_grace_days)
    days = (last - period).days + 1
    params = {"association": association_id, "first": period, "last": last, "grace": grace}
    book = await Book.open(session, organization_id, association_id, posted_by)
    units = await book.lock([row.unit_id for row in await session.execute(_INTEREST_DAYS, params)])
    # Read again under the units' locks: a payment may have landed in between.
    owed = [r for r in await session.execute(_INTEREST_DAYS, params) if r.unit_id in set(units)]
    await book.load_open(units)
    account = book.account(ControlRole.DELINQUENCY_INTEREST_INCOME)
    pending: list[dict[str, Any]] = []
    for row in owed:
        principal = (Decimal(row.open_days) / days).quantize(CENT, ROUND_HALF_UP)
        amount = (Decimal(row.open_days) * rate / 100 / 365).quantize(CENT, ROUND_HALF_UP)
        if principal < policy.min_balance or amount <= 0:
            continue
        charge = book.debit(
            row.unit_id,
            EntryKind.ADJUSTMENT,
            amount,
            on=last,
            due=last,
            fund_id=book.home_fund,
            account_id=account,
            memo=f"Interest, {period:%B %Y}: {rate}% a year on delinquent assessments",
        )
        pending.append(
            {
                "organization_id": organization_id,
                "association_id": association_id,
                "unit_id": row.unit_id,
                "period": period,
                "policy_id": policy.id,
                "principal": principal,
                "annual_rate": rate,
                "days": days,
                "amount": amount,
                "entry_id": charge.id,
            }
        )
    if not pending:
        return policy, []
    for unit in units:
        book.settle(unit, last)
    await book.post(
        source=EntrySource.DELINQUENCY_INTEREST, source_id=policy.id, memo=f"Interest on delinquent assessments, {period:%B %Y}"
    )
    session.add_all(accruals := [InterestAccrual(**values) for values in pending])
    await session.flush()
    return policy, accruals


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) of every interest policy, across
    organizations (a SECURITY DEFINER function: the monthly run has no
    organization yet, and learns nothing else)."""
    rows = (await session.execute(text("SELECT organization_id, association_id FROM interest_policy_targets()"))).all()
    return [(org, association) for org, association in rows]


async def accrue_monthly(session: AsyncSession, org: UUID, association: UUID, period: date, today: date) -> int:
    """The monthly run's interest for one association, with its audit row (the
    system acts); how many units it charged."""
    _, accruals = await accrue(session, org, association, period, today, None, required=False)
    if accruals:
        durable.audit(
            session,
            org,
            "interestPolicy/accrue",
            [encode("iac", a.id) for a in accruals],
            {"associationId": encode("asn", association), "month": period.isoformat(), "count": len(accruals)},
        )
    return len(accruals)

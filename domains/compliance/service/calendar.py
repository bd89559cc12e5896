"""The compliance calendar: settings, the fidelity-bond check, generating tasks
from the jurisdiction's rules and the association's settings and books, and
escalating what is overdue.

Where each due date comes from (rules are the association's effective
jurisdiction rules, domains/jurisdictions, so its governing documents may make
them stricter):
- annual_meeting: by the end of the settings' annual meeting month, each year,
  when `annual_meeting_required`; the board's.
- budget_distribution: `budget_distribution_days` before each fiscal year starts
  (the association's fiscal year start month); the manager's.
- financial_review: `financial_review_due_days` after a fiscal year closes whose
  gross income (income accounts, all funds, in the books) exceeded
  `financial_review_revenue_threshold`; the manager's.
- reserve_study: `reserve_study_inspection_days` after the latest reserve study
  (at once when there is none); the board's.
- insurance_renewal: the settings' renewal date; the manager's.
- fidelity_bond: when `fidelity_bond_required`, by the bond's expiry (or at once
  without one), with a finding when the coverage is below the reserves (the
  ledger) plus the settings' months of regular assessments (the schedules in
  receivables); the board's.
Tasks are generated for due dates from LOOKBACK_DAYS ago to HORIZON_DAYS ahead: an
obligation of the past year with no evidence on file is overdue until someone
closes it with its evidence or waives it.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, insert, literal_column, select, text, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.service import fiscal
from domains.associations.models import Association
from domains.compliance.errors import TaskClosed
from domains.compliance.models import (
    ComplianceSettings,
    ComplianceTask,
    ComplianceTaskEvent,
    Requirement,
    TaskStatus,
)
from domains.jurisdictions.service import rules
from domains.reserves.service import studies
from graph.db import new_id
from graph.handlers import changes
from graph.pages import Page, page_statement

CENT = Decimal("0.01")
ZERO = Decimal(0)
LOOKBACK_DAYS = 365
HORIZON_DAYS = 365
# Overdue this many days at level 1 before level 2 (the admins).
SECOND_ESCALATION_DAYS = 30
DEFAULT_BOND_MONTHS = 3

# Regular assessments per month in force on :as_of: a schedule's period total
# (method share) or per-unit charge × active units (method fixed), per month of its period.
MONTHLY_ASSESSMENTS = text(
    """
    SELECT coalesce(sum(
             CASE WHEN s.method = 'fixed'
                  THEN s.amount * (SELECT count(*) FROM units u
                                    WHERE u.organization_id = s.organization_id AND u.association_id = s.association_id
                                      AND u.status = 'active')
                  ELSE s.amount END
             / CASE s.frequency WHEN 'monthly' THEN 1 WHEN 'quarterly' THEN 3 ELSE 12 END), 0)
      FROM assessment_schedules s
     WHERE s.organization_id = :org AND s.association_id = :association
       AND s.kind = 'regular' AND s.frequency <> 'once' AND s.is_active
       AND s.starts_on <= :as_of AND (s.ends_on IS NULL OR s.ends_on >= :as_of)
    """
)

# Gross income of a fiscal year: credits less debits of income accounts, every fund, in the association's basis.
GROSS_INCOME = text(
    """
    SELECT coalesce(sum(l.credit - l.debit), 0)
      FROM journal_lines l
      JOIN gl_accounts a ON a.organization_id = l.organization_id AND a.association_id = l.association_id AND a.id = l.account_id
      JOIN associations s ON s.organization_id = l.organization_id AND s.id = l.association_id
     WHERE l.organization_id = :org AND l.association_id = :association AND a.type = 'income'
       AND l.entry_date BETWEEN :from_date AND :to_date
       AND l.basis IN ('both', CAST(CAST(s.accounting_basis AS text) AS ledger_basis))
    """
)


async def settings_of(session: AsyncSession, association_id: UUID) -> ComplianceSettings | None:
    return await session.scalar(select(ComplianceSettings).where(ComplianceSettings.association_id == association_id))


async def set_settings(
    session: AsyncSession, organization_id: UUID, data: Any, actor: UUID
) -> tuple[ComplianceSettings, dict[str, Any]]:
    row = await session.scalar(
        select(ComplianceSettings).where(ComplianceSettings.association_id == data.association_id).with_for_update()
    )
    if row is None:
        row = ComplianceSettings(
            id=new_id(),
            organization_id=organization_id,
            association_id=data.association_id,
            fidelity_bond_assessment_months=DEFAULT_BOND_MONTHS,
            updated_by=actor,
        )
        session.add(row)
    changed = changes(row, data, skip=("id", "association_id"))
    row.updated_by = actor
    await session.flush()
    return row, changed


@dataclass(frozen=True)
class BondCheck:
    """The fidelity bond against what it must cover."""

    reserve_balance: Decimal
    monthly_assessments: Decimal
    months: int
    required: Decimal
    coverage: Decimal | None
    expires_on: date | None
    shortfall: Decimal
    passes: bool
    citation: str


async def fidelity_bond(session: AsyncSession, organization_id: UUID, association: Association, as_of: date) -> BondCheck:
    """Required coverage = the reserves on the day (the ledger) + months × the regular
    assessments per month in force (the schedules). It passes when a bond is on
    file, in force on the day and at least that large."""
    settings = await settings_of(session, association.id)
    months = settings.fidelity_bond_assessment_months if settings is not None else DEFAULT_BOND_MONTHS
    reserves = (await studies.reserve_balances(session, organization_id, [association.id], as_of))[association.id]
    monthly = Decimal(
        await session.scalar(MONTHLY_ASSESSMENTS, {"org": organization_id, "association": association.id, "as_of": as_of}) or 0
    ).quantize(CENT, ROUND_HALF_UP)
    required = max(reserves, ZERO) + monthly * months
    coverage = settings.fidelity_bond_amount if settings is not None else None
    expires = settings.fidelity_bond_expires_on if settings is not None else None
    in_force = coverage is not None and (expires is None or expires >= as_of)
    shortfall = max(required - (coverage if in_force and coverage is not None else ZERO), ZERO)
    rule = await rules.effective_rule(session, association, "fidelity_bond_required", as_of)
    return BondCheck(
        reserves, monthly, months, required, coverage, expires, shortfall, in_force and shortfall == 0, rule.citation
    )


@dataclass(frozen=True)
class Due:
    requirement: Requirement
    period_start: date
    due_on: date
    role: str
    title: str
    citation: str
    finding: str | None = None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


async def obligations(session: AsyncSession, organization_id: UUID, association: Association, today: date) -> list[Due]:
    """Every obligation of the association with a due date in the window (see the module docstring)."""
    _, effective = await rules.effective(session, association, today)
    rule = {r.key: r for r in effective}
    settings = await settings_of(session, association.id)
    start_month = association.fiscal_year_start_month
    found: list[Due] = []

    meeting = rule.get("annual_meeting_required")
    if meeting is not None and meeting.flag and settings is not None and settings.annual_meeting_month:
        m = settings.annual_meeting_month
        found += [
            Due(
                Requirement.ANNUAL_MEETING,
                date(year, m, 1),
                _month_end(year, m),
                "board_member",
                f"Hold the {year} annual meeting of the members",
                meeting.citation,
            )
            for year in (today.year - 1, today.year, today.year + 1)
        ]

    budget = rule.get("budget_distribution_days")
    current = fiscal.year_of(today, start_month)
    if budget is not None and budget.days is not None:
        for year in (current, current + 1, current + 2):
            starts = fiscal.year_start(year, start_month)
            found.append(
                Due(
                    Requirement.BUDGET_DISTRIBUTION,
                    starts,
                    starts - timedelta(days=budget.days),
                    "manager",
                    f"Distribute the budget for the fiscal year starting {starts.isoformat()} to the members",
                    budget.citation,
                )
            )

    threshold, review_days = rule.get("financial_review_revenue_threshold"), rule.get("financial_review_due_days")
    if threshold is not None and review_days is not None and review_days.days is not None:
        for year in (current - 2, current - 1):
            starts, ends = fiscal.year_start(year, start_month), fiscal.year_start(year + 1, start_month) - timedelta(days=1)
            income = Decimal(
                await session.scalar(
                    GROSS_INCOME, {"org": organization_id, "association": association.id, "from_date": starts, "to_date": ends}
                )
                or 0
            )
            if threshold.amount is not None and income > threshold.amount:
                found.append(
                    Due(
                        Requirement.FINANCIAL_REVIEW,
                        starts,
                        ends + timedelta(days=review_days.days),
                        "manager",
                        f"Distribute the reviewed financial statement of the fiscal year starting {starts.isoformat()}",
                        threshold.citation,
                        f"Gross income {income.quantize(CENT)} exceeds {threshold.amount}.",
                    )
                )

    inspection = rule.get("reserve_study_inspection_days")
    if inspection is not None and inspection.days is not None:
        latest = await studies.latest(session, [association.id], true())
        if latest:
            last = latest[0].study_date
            due = Due(
                Requirement.RESERVE_STUDY,
                last,
                last + timedelta(days=inspection.days),
                "board_member",
                "Have the reserve study updated with a visual inspection",
                inspection.citation,
            )
        else:
            starts = date(today.year, 1, 1)
            due = Due(
                Requirement.RESERVE_STUDY,
                starts,
                starts,
                "board_member",
                "Have a reserve study prepared",
                inspection.citation,
                "No reserve study on file.",
            )
        found.append(due)

    if settings is not None and settings.insurance_renews_on is not None:
        found.append(
            Due(
                Requirement.INSURANCE_RENEWAL,
                settings.insurance_renews_on,
                settings.insurance_renews_on,
                "manager",
                "Renew the master insurance policy (and send the members its summary)",
                "The association's master policy renewal date (compliance settings).",
            )
        )

    bond_rule = rule.get("fidelity_bond_required")
    if bond_rule is not None and bond_rule.flag:
        check = await fidelity_bond(session, organization_id, association, today)
        finding = None
        if not check.passes:
            finding = (
                f"Coverage {check.coverage if check.coverage is not None else 'none on file'} is below the required "
                f"{check.required} (reserves {check.reserve_balance} + {check.months} months of assessments "
                f"at {check.monthly_assessments}); short by {check.shortfall}."
            )
        period = check.expires_on if check.expires_on is not None else date(today.year, 1, 1)
        found.append(
            Due(
                Requirement.FIDELITY_BOND,
                period,
                check.expires_on if check.expires_on is not None and check.passes else today,
                "board_member",
                "Keep the fidelity bond in force, at least the reserves plus the months of assessments required",
                bond_rule.citation,
                finding,
            )
        )
    low, high = today - timedelta(days=LOOKBACK_DAYS), today + timedelta(days=HORIZON_DAYS)
    return [d for d in found if low <= d.due_on <= high]


async def generate(session: AsyncSession, organization_id: UUID, association: Association, today: date) -> list[ComplianceTask]:
    """Create the tasks the window holds that don't exist yet (one per requirement and
    period, whoever runs it and however often); an open task's due date and finding
    follow the latest check. Returns the tasks created."""
    dues = await obligations(session, organization_id, association, today)
    created: list[UUID] = []
    for d in dues:
        values = {
            "id": new_id(),
            "organization_id": organization_id,
            "association_id": association.id,
            "requirement": d.requirement,
            "period_start": d.period_start,
            "due_on": d.due_on,
            "assigned_role": d.role,
            "title": d.title,
            "citation": d.citation[:400],
            "finding": d.finding,
        }
        new = pg_insert(ComplianceTask).values(**values)
        # xmax = 0 on the row returned: it was inserted now, not updated.
        upsert: Any = new.on_conflict_do_update(
            index_elements=["organization_id", "association_id", "requirement", "period_start"],
            set_={"due_on": new.excluded.due_on, "finding": new.excluded.finding},
            where=ComplianceTask.status == TaskStatus.OPEN,
        ).returning(ComplianceTask.id, literal_column("xmax = 0").label("inserted"))
        row = (await session.execute(upsert)).first()
        if row is not None and row.inserted:
            created.append(row.id)
    if created:
        await session.execute(
            insert(ComplianceTaskEvent),
            [
                {
                    "id": new_id(),
                    "organization_id": organization_id,
                    "association_id": association.id,
                    "task_id": task_id,
                    "event": "created",
                    "note": None,
                    "actor_id": None,
                }
                for task_id in created
            ],
        )
    return list((await session.scalars(select(ComplianceTask).where(ComplianceTask.id.in_(created)))).all()) if created else []


async def escalate(session: AsyncSession, organization_id: UUID, association_id: UUID, today: date) -> int:
    """Raise open overdue tasks: past due → level 1 (the board); SECOND_ESCALATION_DAYS
    more → level 2 (the admins). Each raise is an event. Returns how many were raised."""
    now = datetime.now(UTC)
    raised = 0
    for level, before in ((1, today), (2, today - timedelta(days=SECOND_ESCALATION_DAYS))):
        ids = (
            await session.scalars(
                update(ComplianceTask)
                .where(
                    ComplianceTask.association_id == association_id,
                    ComplianceTask.status == TaskStatus.OPEN,
                    ComplianceTask.due_on < before,
                    ComplianceTask.escalation_level == level - 1,
                )
                .values(escalation_level=level, escalated_at=now)
                .returning(ComplianceTask.id)
            )
        ).all()
        if ids:
            note = "Overdue: raised to the board." if level == 1 else "Still overdue: raised to the admins."
            await session.execute(
                insert(ComplianceTaskEvent),
                [
                    {
                        "id": new_id(),
                        "organization_id": organization_id,
                        "association_id": association_id,
                        "task_id": i,
                        "event": "escalated",
                        "note": note,
                        "actor_id": None,
                    }
                    for i in ids
                ],
            )
        raised += len(ids)
    return raised


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) of every association keeping compliance settings,
    across organizations (a SECURITY DEFINER function: the daily run has no
    organization yet, and learns nothing else)."""
    rows = (await session.execute(text("SELECT organization_id, association_id FROM compliance_targets()"))).all()
    return [(org, association) for org, association in rows]


async def lock(session: AsyncSession, task_id: UUID) -> ComplianceTask:
    row = await session.scalar(select(ComplianceTask).where(ComplianceTask.id == task_id).with_for_update())
    assert row is not None  # the pipeline found it in this transaction
    return row


async def close(
    session: AsyncSession,
    task: ComplianceTask,
    status: TaskStatus,
    actor: UUID,
    kind: str | None,
    reference: str | None,
    note: str | None,
) -> None:
    """Close an open task as done (with its evidence) or waived (with the reason)."""
    if task.status is not TaskStatus.OPEN:
        raise TaskClosed(f"This task is already {task.status.value}.", field=["id"])
    task.status = status
    task.evidence_kind, task.evidence_reference = kind, reference
    task.completed_at, task.completed_by = datetime.now(UTC), actor
    session.add(
        ComplianceTaskEvent(
            id=new_id(),
            organization_id=task.organization_id,
            association_id=task.association_id,
            task_id=task.id,
            event="completed" if status is TaskStatus.DONE else "waived",
            note=note,
            actor_id=actor,
        )
    )
    await session.flush()


async def task_page(
    session: AsyncSession, data: Any, visible: ColumnElement[bool], today: date
) -> tuple[Sequence[ComplianceTask], Page]:
    """Tasks by due date (soonest first), of one association or all of the organization's."""
    page = Page(data.first, data.after, "due_on")
    where = [visible]
    if data.association_id is not None:
        where.append(ComplianceTask.association_id == data.association_id)
    if data.status is not None:
        where.append(ComplianceTask.status == data.status)
    if data.requirement is not None:
        where.append(ComplianceTask.requirement == data.requirement)
    if data.overdue is not None:
        overdue = (ComplianceTask.status == TaskStatus.OPEN) & (ComplianceTask.due_on < today)
        where.append(overdue if data.overdue else ~overdue)
    return (await session.scalars(page_statement(ComplianceTask, page, where))).all(), page

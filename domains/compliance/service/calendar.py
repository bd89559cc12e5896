"""The compliance calendar: settings, the fidelity-bond check, generating tasks
from the jurisdiction's rules and the association's settings and books, and
escalating what is overdue.

Where each due date comes from (rules are the association's effective
jurisdiction rules, domains/jurisdictions, so its governing documents may make
them stricter):
- annual_meeting: by the end of the settings' annual meeting month, each year,
  when `annual_meeting_required`; the board's.
- annual_meeting_notice: `annual_meeting_notice_days` before that month begins
  (only the month is on file, so the notice is due before the earliest day the
  meeting may be held); the manager's.
- budget_distribution: `budget_distribution_days` before each fiscal year starts
  (the association's fiscal year start month); the manager's.
- financial_review: `financial_review_due_days` after a fiscal year closes whose
  gross income (income accounts, all funds, in the books) exceeded
  `financial_review_revenue_threshold`; the manager's. Its level is the highest
  of `financial_statement_{audited,reviewed,compiled}_threshold` the income
  reaches (FL §720.303(7): $500,000 / $300,000 / $150,000), else a report of
  cash receipts and expenditures.
- tax_filing: `federal_tax_return_due_days` after each fiscal year closes
  (subject `US`), and the state's return (subject the association's
  jurisdiction, e.g. `US-CA`) `state_tax_return_due_days` after it where
  `state_tax_return_required`; the manager's.
- vendor_w9 and vendor_insurance, for each vendor the association paid (an
  invoice not rejected, dated in the last LOOKBACK_DAYS): with no tax id on file
  when `vendor_w9_required`, due the first such invoice's date; for each kind of
  coverage whose latest certificate expires within `vendor_insurance_notice_days`,
  due on that expiry; with no certificate at all when the vendor is a service
  provider (a 1099 vendor, or one on the platform), due the first invoice's
  date; the manager's. The subject is the vendor (and kind); the daily run
  closes such a task itself, its evidence the vendor's W-9 or the renewing
  certificate, once payables has them.
- reserve_study (at once when there is none; the board's): a visual inspection
  `reserve_study_inspection_days` after the latest study with a site visit (a
  full study or an update with one); a full study `reserve_study_full_days`
  after the latest full one (ten years unless the governing documents say fewer)
  (subject `full`); the board's review `reserve_study_review_days` after the
  latest version (subject `review`, CA §5550(a): annually).
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

from sqlalchemy import ColumnElement, func, insert, literal_column, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.service import fiscal
from domains.associations.models import Association
from domains.compliance.errors import EvidenceRequired, TaskClosed
from domains.compliance.models import (
    ComplianceSettings,
    ComplianceTask,
    ComplianceTaskEvent,
    EvidenceKind,
    Requirement,
    TaskStatus,
)
from domains.documents.models import Document
from domains.governance.models import Meeting, MeetingStatus
from domains.jurisdictions.schemas import EffectiveRule
from domains.jurisdictions.service import rules
from domains.payables.models import InsuranceCertificate, Invoice, InvoiceStatus, Vendor
from domains.reserves.models import ReserveStudy, StudyLevel
from domains.reserves.service import studies
from graph.db import new_id
from graph.handlers import changes
from graph.ids import decode, encode
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
    subject: str = ""
    vendor_id: UUID | None = None


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
        notice = rule.get("annual_meeting_notice_days")
        if notice is not None and notice.days is not None:
            found += [
                Due(
                    Requirement.ANNUAL_MEETING_NOTICE,
                    date(year, m, 1),
                    date(year, m, 1) - timedelta(days=notice.days),
                    "manager",
                    f"Send the members notice of the {year} annual meeting",
                    notice.citation,
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
                level, citation = _statement_level(rule, income, threshold)
                found.append(
                    Due(
                        Requirement.FINANCIAL_REVIEW,
                        starts,
                        ends + timedelta(days=review_days.days),
                        "manager",
                        f"Distribute the {level} of the fiscal year starting {starts.isoformat()}",
                        citation,
                        f"Gross income {income.quantize(CENT)} exceeds {threshold.amount}: {level}.",
                    )
                )
    found += _tax_filings(rule, association, current)

    found += await _reserve_study_dues(session, rule, association, today)

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
    # A vendor's missing W-9 or certificate is a condition of today, however long ago it began.
    return [d for d in found if low <= d.due_on <= high] + await _vendor_obligations(session, rule, association, today)


# A study's cadence: (rule, subject, the levels of study that restart its clock, title).
STUDY_CADENCE = (
    (
        "reserve_study_inspection_days",
        "",
        (StudyLevel.FULL, StudyLevel.UPDATE_WITH_SITE_VISIT),
        "Have the reserve study updated with a visual inspection",
    ),
    ("reserve_study_full_days", "full", (StudyLevel.FULL,), "Have a full reserve study prepared"),
    ("reserve_study_review_days", "review", tuple(StudyLevel), "Review the reserve study and adjust the funding"),
)


async def _reserve_study_dues(
    session: AsyncSession, rule: dict[str, EffectiveRule], association: Association, today: date
) -> list[Due]:
    """The reserve study's cadence from the association's study versions: without
    any, one at once; else each cadence rule's days after the latest study of a
    level that restarts its clock (after the first study where none has)."""
    inspection = rule.get("reserve_study_inspection_days")
    if inspection is None or inspection.days is None:
        return []
    versions = (
        await session.execute(
            select(ReserveStudy.study_date, ReserveStudy.level).where(ReserveStudy.association_id == association.id)
        )
    ).all()
    if not versions:
        starts = date(today.year, 1, 1)
        return [
            Due(
                Requirement.RESERVE_STUDY,
                starts,
                starts,
                "board_member",
                "Have a reserve study prepared",
                inspection.citation,
                "No reserve study on file.",
            )
        ]
    first = min(on for on, _ in versions)
    found: list[Due] = []
    for key, subject, levels, title in STUDY_CADENCE:
        cadence = rule.get(key)
        if cadence is None or cadence.days is None:
            continue
        since = max((on for on, level in versions if level in levels), default=first)
        found.append(
            Due(
                Requirement.RESERVE_STUDY,
                since,
                since + timedelta(days=cadence.days),
                "board_member",
                title,
                cadence.citation,
                subject=subject,
            )
        )
    return found


LEVELS = (
    ("financial_statement_audited_threshold", "audited financial statement"),
    ("financial_statement_reviewed_threshold", "reviewed financial statement"),
    ("financial_statement_compiled_threshold", "compiled financial statement"),
)


def _statement_level(rule: dict[str, EffectiveRule], income: Decimal, threshold: EffectiveRule) -> tuple[str, str]:
    """The statement a year's gross income calls for, and the rule that says so."""
    for key, level in LEVELS:
        bound = rule.get(key)
        if bound is not None and bound.amount is not None and income >= bound.amount:
            return level, bound.citation
    compiled = rule.get("financial_statement_compiled_threshold")
    below = compiled.citation if compiled is not None and compiled.amount is not None else threshold.citation
    return "report of cash receipts and expenditures", below


def _tax_filings(rule: dict[str, EffectiveRule], association: Association, current: int) -> list[Due]:
    """The federal return of each of the last two fiscal years, and the state's where it requires one."""
    start_month = association.fiscal_year_start_month
    returns: list[tuple[str, EffectiveRule, str]] = []
    federal = rule.get("federal_tax_return_due_days")
    if federal is not None and federal.days is not None:
        returns.append(("US", federal, "the federal income tax return (Form 1120-H or 1120)"))
    state, state_days = rule.get("state_tax_return_required"), rule.get("state_tax_return_due_days")
    if state is not None and state.flag and state_days is not None and state_days.days is not None:
        code = f"{association.country}-{association.region}"
        returns.append((code, state_days, f"the {code} income tax return"))
    found: list[Due] = []
    for year in (current - 1, current):
        starts = fiscal.year_start(year, start_month)
        closes = fiscal.year_start(year + 1, start_month) - timedelta(days=1)
        found += [
            Due(
                Requirement.TAX_FILING,
                starts,
                closes + timedelta(days=due.days or 0),
                "manager",
                f"File {what} of the fiscal year starting {starts.isoformat()}",
                due.citation,
                subject=subject,
            )
            for subject, due, what in returns
        ]
    return found


def _in_force(certificate: InsuranceCertificate, on: date) -> bool:
    return certificate.effective_on <= on <= certificate.expires_on


async def _paid_vendors(session: AsyncSession, association_id: UUID, today: date) -> list[tuple[Vendor, date]]:
    """Vendors the association paid (invoiced, not rejected) in the last LOOKBACK_DAYS, with the first such invoice's date."""
    first = (
        select(Invoice.vendor_id, func.min(Invoice.invoice_date).label("first_on"))
        .where(
            Invoice.association_id == association_id,
            Invoice.status != InvoiceStatus.REJECTED,
            Invoice.invoice_date >= today - timedelta(days=LOOKBACK_DAYS),
        )
        .group_by(Invoice.vendor_id)
        .subquery()
    )
    rows = await session.execute(select(Vendor, first.c.first_on).join(first, first.c.vendor_id == Vendor.id).order_by(Vendor.id))
    return [(vendor, first_on) for vendor, first_on in rows.all()]


async def _certificates(session: AsyncSession, vendor_ids: list[UUID]) -> dict[UUID, list[InsuranceCertificate]]:
    """Each vendor's certificates, latest expiry first."""
    by_vendor: dict[UUID, list[InsuranceCertificate]] = {v: [] for v in vendor_ids}
    if vendor_ids:
        for c in await session.scalars(
            select(InsuranceCertificate)
            .where(InsuranceCertificate.vendor_id.in_(vendor_ids))
            .order_by(InsuranceCertificate.expires_on.desc(), InsuranceCertificate.id)
        ):
            by_vendor[c.vendor_id].append(c)
    return by_vendor


async def _vendor_obligations(
    session: AsyncSession, rule: dict[str, EffectiveRule], association: Association, today: date
) -> list[Due]:
    paid = await _paid_vendors(session, association.id, today)
    certificates = await _certificates(session, [v.id for v, _ in paid])
    w9, notice = rule.get("vendor_w9_required"), rule.get("vendor_insurance_notice_days")
    found: list[Due] = []
    for vendor, first_on in paid:
        public = encode("vnd", vendor.id)
        if w9 is not None and w9.flag and vendor.tax_id_kind is None:
            found.append(
                Due(
                    Requirement.VENDOR_W9,
                    vendor.created_at.date(),
                    first_on,
                    "manager",
                    f"Get {vendor.name}'s W-9 (taxpayer identification number)",
                    w9.citation,
                    f"No tax id on file for a vendor paid since {first_on.isoformat()}.",
                    subject=public,
                    vendor_id=vendor.id,
                )
            )
        if notice is None or notice.days is None:
            continue
        held = certificates[vendor.id]
        if not held and (vendor.is_1099 or vendor.provider_organization_id is not None):
            found.append(
                Due(
                    Requirement.VENDOR_INSURANCE,
                    vendor.created_at.date(),
                    first_on,
                    "manager",
                    f"Get {vendor.name}'s certificate of insurance",
                    notice.citation,
                    "No certificate of insurance on file for a service provider the association pays.",
                    subject=f"{public}:none",
                    vendor_id=vendor.id,
                )
            )
        latest: dict[str, InsuranceCertificate] = {}
        for c in held:  # latest expiry first: the first of each kind is its latest
            latest.setdefault(c.kind.value, c)
        for kind, c in sorted(latest.items()):
            if c.expires_on <= today + timedelta(days=notice.days):
                state = "expired" if c.expires_on < today else "expires"
                found.append(
                    Due(
                        Requirement.VENDOR_INSURANCE,
                        c.expires_on,
                        c.expires_on,
                        "manager",
                        f"Get {vendor.name}'s renewed {kind.replace('_', ' ')} certificate of insurance",
                        notice.citation,
                        f"The certificate on file ({c.carrier} {c.policy_number}) {state} on {c.expires_on.isoformat()}.",
                        subject=f"{public}:{kind}",
                        vendor_id=vendor.id,
                    )
                )
    return found


async def _resolve_vendor_tasks(session: AsyncSession, association_id: UUID, today: date) -> list[ComplianceTask]:
    """Close the open W-9 and certificate tasks payables now answers: the vendor's
    tax id is on file; a certificate of the kind (of any kind, for a missing one)
    in force today and expiring after the lapsing one. Each is closed done, its
    evidence the vendor or the certificate."""
    open_tasks = (
        await session.scalars(
            select(ComplianceTask).where(
                ComplianceTask.association_id == association_id,
                ComplianceTask.status == TaskStatus.OPEN,
                ComplianceTask.requirement.in_((Requirement.VENDOR_W9, Requirement.VENDOR_INSURANCE)),
            )
        )
    ).all()
    vendor_ids = sorted({t.vendor_id for t in open_tasks if t.vendor_id is not None})
    if not vendor_ids:
        return []
    vendors = {v.id: v for v in await session.scalars(select(Vendor).where(Vendor.id.in_(vendor_ids)))}
    certificates = await _certificates(session, vendor_ids)
    closed: list[ComplianceTask] = []
    for task in open_tasks:
        assert task.vendor_id is not None  # vendor tasks always name their vendor
        if task.requirement is Requirement.VENDOR_W9:
            if vendors[task.vendor_id].tax_id_kind is not None:
                await _close(session, task, TaskStatus.DONE, None, EvidenceKind.VENDOR_W9, task.subject, "W-9 on file.")
                closed.append(task)
            continue
        kind = task.subject.partition(":")[2]
        renewal = next(
            (
                c
                for c in certificates[task.vendor_id]
                if (kind == "none" or c.kind.value == kind) and _in_force(c, today) and c.expires_on > task.period_start
            ),
            None,
        )
        if renewal is not None:
            reference = encode("icf", renewal.id)
            await _close(
                session, task, TaskStatus.DONE, None, EvidenceKind.INSURANCE_CERTIFICATE, reference, "Certificate on file."
            )
            closed.append(task)
    return closed


async def generate(
    session: AsyncSession, organization_id: UUID, association: Association, today: date
) -> tuple[list[ComplianceTask], list[ComplianceTask]]:
    """Close the vendor tasks payables now answers, then create the tasks the window
    holds that don't exist yet (one per requirement, subject and period, whoever
    runs it and however often); an open task's due date and finding follow the
    latest check. Returns (the tasks created, the tasks closed)."""
    resolved = await _resolve_vendor_tasks(session, association.id, today)
    dues = await obligations(session, organization_id, association, today)
    created: list[UUID] = []
    for d in dues:
        values = {
            "id": new_id(),
            "organization_id": organization_id,
            "association_id": association.id,
            "requirement": d.requirement,
            "subject": d.subject,
            "vendor_id": d.vendor_id,
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
            index_elements=["organization_id", "association_id", "requirement", "subject", "period_start"],
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
    made = list((await session.scalars(select(ComplianceTask).where(ComplianceTask.id.in_(created)))).all()) if created else []
    return made, resolved


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


# What each kind of evidence the platform holds must be: its id's prefix, and what
# the refusal says is expected of it.
_ON_FILE: dict[EvidenceKind, tuple[str, str]] = {
    EvidenceKind.RESERVE_STUDY: ("rst", "a reserve study on file for this association"),
    EvidenceKind.INSURANCE_CERTIFICATE: ("icf", "an insurance certificate on file"),
    EvidenceKind.VENDOR_W9: ("vnd", "a vendor with its W-9 on file"),
    EvidenceKind.MEETING: ("mtg", "a meeting of this association, held and adjourned"),
    EvidenceKind.DOCUMENT: ("doc", "a document in this association's library or the organization's own, not destroyed"),
}


async def _on_file(session: AsyncSession, task: ComplianceTask, kind: EvidenceKind, row_id: UUID) -> bool:
    if kind is EvidenceKind.RESERVE_STUDY:
        study = await session.get(ReserveStudy, row_id)
        return study is not None and study.association_id == task.association_id
    if kind is EvidenceKind.INSURANCE_CERTIFICATE:
        return await session.get(InsuranceCertificate, row_id) is not None
    if kind is EvidenceKind.VENDOR_W9:
        vendor = await session.get(Vendor, row_id)
        return vendor is not None and vendor.tax_id_kind is not None
    if kind is EvidenceKind.DOCUMENT:
        document = await session.get(Document, row_id)
        return document is not None and document.association_id in (task.association_id, None) and document.destroyed_at is None
    meeting = await session.get(Meeting, row_id)
    # A meeting that was only called proves nothing: the obligation is to hold it.
    return meeting is not None and meeting.association_id == task.association_id and meeting.status is MeetingStatus.ADJOURNED


async def check_evidence(session: AsyncSession, task: ComplianceTask, kind: EvidenceKind, reference: str) -> None:
    """Evidence the platform holds must be on file, by public id: the reserve study
    and the meeting of the task's association (the meeting held), the document in
    its library or the organization's own (not destroyed), the certificate, the
    vendor with its tax id. A filing's is the filing authority's number."""
    if kind not in _ON_FILE:
        return
    prefix, expected = _ON_FILE[kind]
    try:
        found_prefix, row_id = decode(reference)
    except ValueError:
        found_prefix, row_id = "", None
    if found_prefix != prefix or row_id is None or not await _on_file(session, task, kind, row_id):
        raise EvidenceRequired(f"`evidenceReference` must be the id ({prefix}_…) of {expected}.", field=["evidenceReference"])


async def close(
    session: AsyncSession,
    task: ComplianceTask,
    status: TaskStatus,
    actor: UUID,
    kind: EvidenceKind | None,
    reference: str | None,
    note: str | None,
) -> None:
    """Close an open task as done (with its evidence, checked where the platform holds it) or waived (with the reason)."""
    if task.status is not TaskStatus.OPEN:
        raise TaskClosed(f"This task is already {task.status.value}.", field=["id"])
    if kind is not None and reference is not None:
        await check_evidence(session, task, kind, reference)
    await _close(session, task, status, actor, kind, reference, note)


async def _close(
    session: AsyncSession,
    task: ComplianceTask,
    status: TaskStatus,
    actor: UUID | None,
    kind: EvidenceKind | None,
    reference: str | None,
    note: str | None,
) -> None:
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

"""The live figures a certificate prints, read in the issuing transaction:
the unit's owner ledger as of the day of issue (balance, each open item,
unapplied credit), the charges its association's schedules will bring due
while the certificate is valid, special assessments not yet fully due, open
violations, and the governing documents and insurance in the library.

Every form field names one of SOURCES; `read` returns them all as JSON-ready
values (money as strings with two decimals, dates ISO), which is what the
certificate keeps and what its PDF prints.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association, Ownership, Party, Unit
from domains.documents.models import Document, DocumentCategory
from domains.receivables.models import (
    DEBIT_KINDS,
    MONTHS_PER_PERIOD,
    AssessmentKind,
    AssessmentSchedule,
    Levy,
    OwnerLedgerAllocation,
    OwnerLedgerEntry,
)
from domains.receivables.service import assessments
from domains.receivables.service.payment_plans import add_months
from domains.violations.models import Violation, ViolationRule, ViolationStatus
from graph.ids import encode

SOURCES = frozenset(
    {
        "issued_on",
        "valid_through",
        "association",
        "unit",
        "owners",
        "requester",
        "closing_date",
        "regular_assessment",
        "balance",
        "open_items",
        "credit",
        "upcoming",
        "special_assessments",
        "violations",
        "governing_documents",
        "insurance",
        "fee",
    }
)
CLOSED_VIOLATIONS = (ViolationStatus.CLOSED, ViolationStatus.DISMISSED)
CENT = Decimal("0.01")


def money(amount: Decimal) -> str:
    return str(Decimal(amount).quantize(CENT))


async def owners(session: AsyncSession, unit_id: UUID, on: date) -> list[str]:
    """The unit's owners of record on `on`, the primary one first."""
    return list(
        (
            await session.scalars(
                select(Party.name)
                .join(Ownership, and_(Ownership.organization_id == Party.organization_id, Ownership.party_id == Party.id))
                .where(
                    Ownership.unit_id == unit_id,
                    Ownership.starts_on <= on,
                    (Ownership.ends_on.is_(None)) | (Ownership.ends_on > on),
                )
                .order_by(Ownership.is_primary.desc(), Party.name)
            )
        ).all()
    )


async def balance(session: AsyncSession, unit_id: UUID, on: date) -> Decimal:
    """What the unit owes on `on`: the sum of its owner-ledger rows to that day (negative: credit)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(OwnerLedgerEntry.amount), 0)).where(
            OwnerLedgerEntry.unit_id == unit_id, OwnerLedgerEntry.entry_date <= on
        )
    )
    return Decimal(total or 0)


async def _open_items(session: AsyncSession, unit_id: UUID, on: date) -> list[dict[str, Any]]:
    """Each charge still open on `on`, oldest due first: its amount less what was applied to it by then."""
    E, A = OwnerLedgerEntry, OwnerLedgerAllocation
    applied = (
        select(func.coalesce(func.sum(A.amount), 0))
        .where(A.organization_id == E.organization_id, A.charge_entry_id == E.id, A.applied_on <= on)
        .scalar_subquery()
    )
    open_ = (E.amount - applied).label("open")
    rows = await session.execute(
        select(E.id, E.kind, E.memo, E.entry_date, E.due_date, open_)
        .where(E.unit_id == unit_id, E.kind.in_(DEBIT_KINDS), E.entry_date <= on, open_ > 0)
        .order_by(E.due_date, E.seq)
    )
    return [
        {
            "entryId": encode("ole", r.id),
            "kind": r.kind.value,
            "memo": r.memo,
            "dueDate": r.due_date.isoformat(),
            "open": money(r.open),
        }
        for r in rows
    ]


def _periods(schedule: AssessmentSchedule, until: date) -> list[date]:
    """The schedule's periods whose charges fall due by `until` (and not past its end)."""
    step = MONTHS_PER_PERIOD.get(schedule.frequency)
    out, period = [], schedule.starts_on
    while period.replace(day=schedule.due_day) <= until and (schedule.ends_on is None or period <= schedule.ends_on):
        out.append(period)
        if step is None:
            break
        period = add_months(period, step)
    return out


async def _schedules(
    session: AsyncSession, unit: Unit, issued_on: date, valid_through: date
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(the regular assessments, the charges coming due while valid, the special
    assessments not yet fully due), for this unit, from the active schedules."""
    schedules = (
        await session.scalars(
            select(AssessmentSchedule)
            .where(AssessmentSchedule.association_id == unit.association_id, AssessmentSchedule.is_active.is_(True))
            .order_by(AssessmentSchedule.kind, AssessmentSchedule.name)
        )
    ).all()
    levied = {
        (r.schedule_id, r.period)
        for r in await session.execute(
            select(Levy.schedule_id, Levy.period)
            .join(
                OwnerLedgerEntry,
                and_(OwnerLedgerEntry.organization_id == Levy.organization_id, OwnerLedgerEntry.levy_id == Levy.id),
            )
            .where(OwnerLedgerEntry.unit_id == unit.id)
        )
    }
    regular: list[dict[str, Any]] = []
    upcoming: list[dict[str, Any]] = []
    special: list[dict[str, Any]] = []
    for schedule in schedules:
        # A far horizon for a special assessment with an end: every installment still to come.
        horizon = max(valid_through, schedule.ends_on or valid_through)
        to_come = [p for p in _periods(schedule, horizon) if p.replace(day=schedule.due_day) > issued_on]
        to_come = [p for p in to_come if (schedule.id, p) not in levied]
        line = next(
            (x for x in (await assessments.plan(session, schedule, schedule.starts_on)).lines if x.unit_id == unit.id), None
        )
        if line is None:
            continue
        amount = line.amount
        named = {"name": schedule.name, "frequency": schedule.frequency.value, "amount": money(amount)}
        due = [p.replace(day=schedule.due_day) for p in to_come]
        upcoming += [named | {"kind": schedule.kind.value, "dueDate": d.isoformat()} for d in due if d <= valid_through]
        if schedule.kind is AssessmentKind.REGULAR:
            regular.append(named | {"nextDueDate": due[0].isoformat() if due else None})
        elif due:
            special.append(
                named
                | {
                    "remainingInstallments": None if schedule.ends_on is None else len(due),
                    "remainingTotal": None if schedule.ends_on is None else money(amount * len(due)),
                    "nextDueDate": due[0].isoformat(),
                }
            )
    upcoming.sort(key=lambda u: (u["dueDate"], u["name"]))
    return regular, upcoming, special


async def _violations(session: AsyncSession, unit_id: UUID) -> list[dict[str, Any]]:
    rows = await session.execute(
        select(Violation.id, Violation.status, Violation.observed_on, Violation.cure_by, ViolationRule.code, ViolationRule.title)
        .join(
            ViolationRule, and_(ViolationRule.organization_id == Violation.organization_id, ViolationRule.id == Violation.rule_id)
        )
        .where(Violation.unit_id == unit_id, Violation.status.not_in(CLOSED_VIOLATIONS))
        .order_by(Violation.observed_on, Violation.id)
    )
    return [
        {
            "violationId": encode("vio", r.id),
            "rule": f"{r.code} {r.title}",
            "status": r.status.value,
            "observedOn": r.observed_on.isoformat(),
            "cureBy": None if r.cure_by is None else r.cure_by.isoformat(),
        }
        for r in rows
    ]


async def _library(session: AsyncSession, association_id: UUID) -> dict[DocumentCategory, list[dict[str, Any]]]:
    """The association's governing documents and insurance records still kept, latest first."""
    wanted = (DocumentCategory.GOVERNING_DOCUMENTS, DocumentCategory.INSURANCE)
    out: dict[DocumentCategory, list[dict[str, Any]]] = {c: [] for c in wanted}
    for d in await session.scalars(
        select(Document)
        .where(Document.association_id == association_id, Document.category.in_(wanted), Document.destroyed_at.is_(None))
        .order_by(Document.record_date.desc(), Document.title)
    ):
        out[d.category].append({"documentId": encode("doc", d.id), "title": d.title, "recordDate": d.record_date.isoformat()})
    return out


async def read(
    session: AsyncSession, association: Association, unit: Unit, issued_on: date, valid_through: date
) -> dict[str, Any]:
    """Every figure of the certificate but who asked and its fee (the caller's), as of `issued_on`."""
    owed = await balance(session, unit.id, issued_on)
    items = await _open_items(session, unit.id, issued_on)
    regular, upcoming, special = await _schedules(session, unit, issued_on, valid_through)
    library = await _library(session, association.id)
    return {
        "issued_on": issued_on.isoformat(),
        "valid_through": valid_through.isoformat(),
        "association": association.legal_name,
        "unit": f"{unit.unit_number}, {unit.street}, {unit.city}, {unit.region} {unit.postal_code}",
        "owners": await owners(session, unit.id, issued_on),
        "regular_assessment": regular,
        "balance": money(owed),
        "open_items": items,
        # Open charges less the balance is what was paid ahead and not yet applied.
        "credit": money(sum((Decimal(i["open"]) for i in items), Decimal(0)) - owed),
        "upcoming": upcoming,
        "special_assessments": special,
        "violations": await _violations(session, unit.id),
        "governing_documents": library[DocumentCategory.GOVERNING_DOCUMENTS],
        "insurance": library[DocumentCategory.INSURANCE],
    }

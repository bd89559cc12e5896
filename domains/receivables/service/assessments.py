"""Assessment schedules and levies.

A levy charges one period of a schedule to every active unit, exactly once:
- `start` writes the levy row — unique per (schedule, period), so a second start,
  concurrent or later, finds the first and posts nothing — and, once that
  commits, starts the posting workflow under an id derived from the same key
  (a duplicate start joins it);
- the workflow posts the planned charges in batches, one durable step (one
  transaction) per batch; a step re-run after a crash skips units already
  charged (and a unique index on (levy, unit) stands behind that), so a process
  killed half-way resumes where it stopped.
The plan — which units, how much — is fixed when the levy starts and travels in
the workflow's inputs, so a recovered run posts exactly what was previewed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_FLOOR, Decimal, localcontext
from itertools import groupby
from operator import attrgetter
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import ControlRole, EntrySource
from domains.accounting.service import ledger
from domains.associations.models import Association, Unit, UnitStatus
from domains.communications.models import TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.communications.service.recipients import Recipient
from domains.communications.service.templates import money
from domains.receivables.errors import (
    InvalidPeriod,
    InvalidSchedule,
    NoAssessableUnits,
    ScheduleInactive,
)
from domains.receivables.models import (
    MONTHS_PER_PERIOD,
    AssessmentMethod,
    AssessmentSchedule,
    EntryKind,
    Frequency,
    Levy,
    OwnerLedgerEntry,
)
from domains.receivables.schemas import LevyRead
from domains.receivables.service import fund_of, income_account
from domains.receivables.service.book import Book
from graph.db import new_id
from graph.handlers import changes, require
from graph.pages import Page, page_statement

CENT = Decimal("0.01")
LEVY_WORKFLOW = "post_levy_workflow"

# --- schedules --------------------------------------------------------------


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if starts_on.day != 1:
        raise InvalidSchedule("A schedule starts on the first of a month.", field=["startsOn"])
    if ends_on is not None and ends_on < starts_on:
        raise InvalidSchedule("`endsOn` is before `startsOn`.", field=["endsOn"])


async def _check_receivable(session: AsyncSession, association_id: UUID, fund_id: UUID) -> None:
    """The fund has the receivable account its charges go to (CONTROL_ACCOUNT_MISSING)."""
    ledger.control(await ledger.control_accounts(session, association_id), ControlRole.ACCOUNTS_RECEIVABLE, fund_id)


async def create_schedule(session: AsyncSession, organization_id: UUID, data: Any) -> AssessmentSchedule:
    await require(session, Association, data.association_id, "associationId")
    _check_dates(data.starts_on, data.ends_on)
    await income_account(session, data.association_id, data.income_account_id, "incomeAccountId")
    await fund_of(session, data.association_id, data.fund_id, "fundId")
    await _check_receivable(session, data.association_id, data.fund_id)
    schedule = AssessmentSchedule(organization_id=organization_id, is_active=True, **data.model_dump())
    session.add(schedule)
    await session.flush()
    return schedule


async def update_schedule(session: AsyncSession, schedule: AssessmentSchedule, data: Any) -> dict[str, Any]:
    if data.ends_on is not None:
        _check_dates(schedule.starts_on, data.ends_on)
    unset = tuple(name for name in data.model_fields_set if getattr(data, name) is None)
    changed = changes(schedule, data, skip=("id", *unset))
    await session.flush()
    return changed


# --- periods and plans ------------------------------------------------------


def check_period(schedule: AssessmentSchedule, period: date) -> None:
    """`period` is the first day of one of the schedule's periods."""
    if not schedule.is_active:
        raise ScheduleInactive("This schedule is inactive; activate it to levy it.", field=["scheduleId"])
    months = (period.year - schedule.starts_on.year) * 12 + period.month - schedule.starts_on.month
    step = MONTHS_PER_PERIOD.get(schedule.frequency)
    fits = period.day == 1 and months >= 0 and (months == 0 if step is None else months % step == 0)
    if not fits or (schedule.ends_on is not None and period > schedule.ends_on):
        cadence = "once" if schedule.frequency is Frequency.ONCE else f"every {step} month(s)"
        raise InvalidPeriod(
            f"Periods of this schedule start on the first of a month, {cadence} from {schedule.starts_on}"
            + (f", until {schedule.ends_on}." if schedule.ends_on else "."),
            field=["period"],
        )


def split_by_share(total: Decimal, shares: list[Decimal]) -> tuple[list[Decimal], list[Decimal], int]:
    """Largest remainder: exact amounts (total × share ÷ sum of shares) rounded
    down to the cent, then one cent more to each of the units with the largest
    remainders — ties to the earlier unit in the given order — until the amounts
    add up to `total`. Returns (exact, amounts, cents handed out)."""
    with localcontext() as ctx:
        ctx.prec = 50
        whole = sum(shares)
        exact = [total * s / whole for s in shares]
        amounts = [e.quantize(CENT, rounding=ROUND_FLOOR) for e in exact]
        left = int((total - sum(amounts)) / CENT)
        for i in sorted(range(len(shares)), key=lambda i: (amounts[i] - exact[i], i))[:left]:
            amounts[i] += CENT
    return exact, amounts, left


@dataclass
class PlanLine:
    unit_id: UUID
    unit_number: str
    share: Decimal
    exact: Decimal
    amount: Decimal


@dataclass
class Plan:
    schedule: AssessmentSchedule
    period: date
    due_date: date
    lines: list[PlanLine]
    remainder_cents: int

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))


def _assessable_units(*first: Any) -> Select[Any]:
    """Active units and their shares, ordered (after `first`) as the split hands
    out its leftover cents: a projection reading them agrees with the levy to the cent."""
    return (
        select(*first, Unit.id, Unit.unit_number, Unit.assessment_share)
        .where(Unit.status == UnitStatus.ACTIVE)
        .order_by(*first, Unit.unit_number, Unit.id)
    )


def _lines(method: AssessmentMethod, amount: Decimal, units: Sequence[Any]) -> tuple[list[PlanLine], int]:
    """Each unit's charge (units with none left out) and the cents handed out by
    largest remainder; no lines when a share-based amount has no share to split by."""
    if method is AssessmentMethod.FIXED:
        exact = amounts = [amount] * len(units)
        left = 0
    elif any(u.assessment_share for u in units):
        exact, amounts, left = split_by_share(amount, [u.assessment_share for u in units])
    else:
        return [], 0
    lines = [
        PlanLine(u.id, u.unit_number, u.assessment_share, e, a) for u, e, a in zip(units, exact, amounts, strict=True) if a > 0
    ]
    return lines, left


async def plan(session: AsyncSession, schedule: AssessmentSchedule, period: date) -> Plan:
    """Each active unit's charge for one period, by unit number."""
    check_period(schedule, period)
    await _check_receivable(session, schedule.association_id, schedule.fund_id)
    units = (await session.execute(_assessable_units().where(Unit.association_id == schedule.association_id))).all()
    lines, left = _lines(schedule.method, schedule.amount, units)
    if not lines:
        raise NoAssessableUnits(
            "No active unit of this association has an assessment share."
            if schedule.method is AssessmentMethod.SHARE
            else "This association has no active unit to charge.",
            field=["scheduleId"],
        )
    return Plan(schedule, period, period.replace(day=schedule.due_day), lines, left)


async def unit_charges(session: AsyncSession, schedule_ids: Iterable[UUID]) -> dict[tuple[UUID, UUID], Decimal]:
    """What a levy of each schedule would charge each active unit if started now,
    by (schedule, unit): the plan's own amounts, for showing charges not levied yet."""
    s = AssessmentSchedule
    statement = (
        _assessable_units(s.id.label("schedule_id"))
        .add_columns(s.method, s.amount)
        .where(s.organization_id == Unit.organization_id, s.association_id == Unit.association_id, s.id.in_(schedule_ids))
    )
    charges: dict[tuple[UUID, UUID], Decimal] = {}
    for schedule_id, group in groupby((await session.execute(statement)).all(), key=attrgetter("schedule_id")):
        units = list(group)
        lines, _ = _lines(units[0].method, units[0].amount, units)
        charges.update({(schedule_id, line.unit_id): line.amount for line in lines})
    return charges


# --- levies -----------------------------------------------------------------


def levy_workflow_id(organization_id: UUID, schedule_id: UUID, period: date) -> str:
    """The posting workflow's id, from the levy's own key."""
    key = f"{organization_id}|{schedule_id}|{period.isoformat()}"
    return f"levy-{hashlib.sha256(key.encode()).hexdigest()[:40]}"


async def existing_levy(session: AsyncSession, schedule_id: UUID, period: date) -> Levy | None:
    return await session.scalar(select(Levy).where(Levy.schedule_id == schedule_id, Levy.period == period))


async def start(session: AsyncSession, organization_id: UUID, levy_plan: Plan, created_by: UUID) -> tuple[Levy, bool]:
    """The levy row for this schedule and period: (the new row, True), or the one
    an earlier start wrote (False)."""
    schedule = levy_plan.schedule
    await ledger.check_open(session, schedule.association_id, levy_plan.period)
    values = {
        "id": new_id(),
        "organization_id": organization_id,
        "association_id": schedule.association_id,
        "schedule_id": schedule.id,
        "period": levy_plan.period,
        "due_date": levy_plan.due_date,
        "total": levy_plan.total,
        "unit_count": len(levy_plan.lines),
        "remainder_cents": levy_plan.remainder_cents,
        "workflow_id": levy_workflow_id(organization_id, schedule.id, levy_plan.period),
        "created_by": created_by,
    }
    # A concurrent start waits here for the first one's commit, then finds its row.
    inserted = await session.scalar(
        insert(Levy)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["organization_id", "schedule_id", "period"])
        .returning(Levy.id)
    )
    levy = await session.get(Levy, inserted) if inserted else await existing_levy(session, schedule.id, levy_plan.period)
    assert levy is not None
    return levy, inserted is not None


def batches(levy_plan: Plan, size: int) -> list[list[list[str]]]:
    """The plan as the workflow's input: [[unit id, amount], …] per step."""
    pairs = [[str(line.unit_id), str(line.amount)] for line in levy_plan.lines]
    return [pairs[i : i + size] for i in range(0, len(pairs), size)]


async def post_batch(session: AsyncSession, organization_id: UUID, levy_id: UUID, batch: list[tuple[UUID, Decimal]]) -> int:
    """Charge these units their share of the levy, skipping any already charged;
    returns how many were charged now."""
    levy = await session.get(Levy, levy_id)
    assert levy is not None, "the levy row commits before its workflow starts"
    schedule = await session.get(AssessmentSchedule, levy.schedule_id)
    assert schedule is not None
    book = await Book.open(session, organization_id, levy.association_id, levy.created_by)
    units = await book.lock([unit for unit, _ in batch])
    done = set(
        (
            await session.scalars(
                select(OwnerLedgerEntry.unit_id).where(OwnerLedgerEntry.levy_id == levy.id, OwnerLedgerEntry.unit_id.in_(units))
            )
        ).all()
    )
    todo = [(unit, amount) for unit, amount in batch if unit in units and unit not in done]
    if not todo:
        return 0
    await book.load_open([unit for unit, _ in todo])
    memo = f"{schedule.name}, {levy.period:%B %Y}"
    for unit, amount in todo:
        book.debit(
            unit,
            EntryKind.CHARGE,
            amount,
            on=levy.period,
            due=levy.due_date,
            fund_id=schedule.fund_id,
            account_id=schedule.income_account_id,
            memo=memo,
            levy_id=levy.id,
        )
        book.settle(unit, levy.period)
    await book.post(source=EntrySource.ASSESSMENT, source_id=levy.id, memo=f"Levy: {memo}")
    await _statements(session, organization_id, levy, schedule.name, book, dict(todo))
    return len(todo)


async def _statements(
    session: AsyncSession, organization_id: UUID, levy: Levy, description: str, book: Book, charged: dict[UUID, Decimal]
) -> None:
    """Each unit charged now gets its statement notice, to its owners, in the
    batch's transaction: one event per levy and unit, so a batch re-run after a
    crash (which charges no one again) writes nothing again, and one insert per
    thousand letters whatever the batch's size."""
    owners = await people.owners_of_units(session, levy.association_id, list(charged))
    owed, period, due = book.owed(), f"{levy.period:%B %Y}", levy.due_date.isoformat()

    def statement(r: Recipient) -> dict[str, Any]:
        assert r.unit_id is not None
        amount, balance = money(charged[r.unit_id]), money(owed[r.unit_id])
        return {"statement": {"description": description, "period": period, "amount": amount, "due_on": due, "balance": balance}}

    await outbox.write(
        session,
        organization_id,
        levy.association_id,
        TemplateKind.STATEMENT_NOTICE,
        lambda r: f"levy:{levy.id}:{r.unit_id}",
        owners,
        statement,
        levy.created_by,
    )


async def levy_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Levy], Page]:
    """An association's levies, latest period first:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "period", descending=True)
    where = [visible, Levy.association_id == data.association_id]
    if data.schedule_id is not None:
        where.append(Levy.schedule_id == data.schedule_id)
    return (await session.scalars(page_statement(Levy, page, where))).all(), page


async def schedule_page(
    session: AsyncSession, data: Any, visible: ColumnElement[bool]
) -> tuple[Sequence[AssessmentSchedule], Page]:
    """An association's assessment schedules, by name:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "name")
    where = [
        visible,
        AssessmentSchedule.association_id == data.association_id,
    ]
    if not data.include_inactive:
        where.append(AssessmentSchedule.is_active.is_(True))
    return (await session.scalars(page_statement(AssessmentSchedule, page, where))).all(), page


async def levy_read(session: AsyncSession, levy_id: UUID) -> Any:
    """One levy as the API shows it (its row commits before its workflow starts)."""
    levy = await session.get(Levy, levy_id)
    assert levy is not None
    return (await levy_reads(session, [levy]))[0]


async def levy_reads(session: AsyncSession, levies: Sequence[Levy]) -> list[Any]:
    """Levies as API models with how many units are charged so far (one statement)."""
    counts = await posted_counts(session, [lv.id for lv in levies])
    return [LevyRead.model_validate(lv).model_copy(update={"posted_units": counts.get(lv.id, 0)}) for lv in levies]


async def posted_counts(session: AsyncSession, levy_ids: list[UUID]) -> dict[UUID, int]:
    """How many units each levy has charged so far (levies with none are absent)."""
    E = OwnerLedgerEntry
    rows = (await session.execute(select(E.levy_id, func.count()).where(E.levy_id.in_(levy_ids)).group_by(E.levy_id))).all()
    return {levy_id: count for levy_id, count in rows if levy_id is not None}

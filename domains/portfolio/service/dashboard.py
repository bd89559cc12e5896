"""The manager's morning: one row per association of a page, every figure
counted by SQL per association (GROUP BY association_id) over the rows the
caller may read of each domain's table (each kind's Cerbos plan, as its own
list applies it), in one statement however many associations the page holds.

Each figure is counted as the owning domain's list or report counts it, so the
dashboard agrees with them: the delinquency list at 60 and 90 days, the work
orders' `escalated` filter, the compliance tasks' `overdue` filter, the
banking close check's month (an active account opened by the month's end).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    Date,
    Interval,
    Row,
    Uuid,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    true,
    tuple_,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from domains.arc_requests.models import UNDECIDED, ArcRequest
from domains.associations.models import Association
from domains.banking.models import BankAccount, BankReconciliation, ReconciliationStatus
from domains.compliance.models import ComplianceTask, TaskStatus
from domains.payables.models import Invoice, InvoiceStatus
from domains.portfolio.models import PortfolioAssignment
from domains.receivables.models import DEBIT_KINDS, OwnerLedgerAllocation, OwnerLedgerEntry
from domains.violations.models import Violation, ViolationStatus
from domains.work_orders.models import OPEN, WorkOrder, WorkOrderStatus
from graph.pages import Page, decode_cursor

# The Cerbos kind whose `read` plan filters each table read.
KINDS: dict[str, Any] = {
    "association": Association,
    "portfolio_assignment": PortfolioAssignment,
    "owner_ledger_entry": OwnerLedgerEntry,
    "work_order": WorkOrder,
    "arc_request": ArcRequest,
    "violation": Violation,
    "compliance_task": ComplianceTask,
    "bank_account": BankAccount,
    "invoice": Invoice,
}
# A work order still to be answered: its response deadline counts.
UNANSWERED = (WorkOrderStatus.RECEIVED, WorkOrderStatus.REVIEW)
AWAITING = (InvoiceStatus.AWAITING_MANAGER, InvoiceStatus.AWAITING_BOARD)

Visible = Callable[[str, str, Any], Awaitable[ColumnElement[bool]]]


async def clauses(visible: Visible) -> dict[str, ColumnElement[bool]]:
    return {kind: await visible(kind, "read", model) for kind, model in KINDS.items()}


def _count(condition: Any = None) -> Any:
    return func.count() if condition is None else func.count().filter(condition)


def statement(
    where: dict[str, ColumnElement[bool]],
    page: Page,
    as_of: date,
    now: datetime,
    manager_id: UUID | None,
    arc_days: int,
    compliance_days: int,
) -> Any:
    a = Association
    chosen = [where["association"]]
    if manager_id is not None:
        chosen.append(
            a.id.in_(
                select(PortfolioAssignment.association_id).where(
                    where["portfolio_assignment"],
                    PortfolioAssignment.user_id == manager_id,
                    PortfolioAssignment.ends_on.is_(None),
                )
            )
        )
    if page.after:
        chosen.append(tuple_(a.code, a.id) > tuple_(*decode_cursor(page.after, [a.code, a.id])))
    paged = select(a.id, a.code, a.legal_name).where(*chosen).order_by(a.code, a.id).limit(page.first + 1).cte("paged")
    ids = select(paged.c.id).scalar_subquery()

    managers = (
        select(PortfolioAssignment.association_id, func.array_agg(PortfolioAssignment.user_id).label("user_ids"))
        .where(where["portfolio_assignment"], PortfolioAssignment.ends_on.is_(None), PortfolioAssignment.association_id.in_(ids))
        .group_by(PortfolioAssignment.association_id)
        .subquery("managers")
    )

    e, al = OwnerLedgerEntry, OwnerLedgerAllocation
    paid = (
        select(al.charge_entry_id, func.sum(al.amount).label("amount"))
        .where(al.association_id.in_(ids), al.applied_on <= as_of)
        .group_by(al.charge_entry_id)
        .subquery("paid")
    )
    open_amount = e.amount - func.coalesce(paid.c.amount, 0)
    days = literal(as_of, Date) - e.due_date
    per_unit = (
        select(
            e.association_id,
            e.unit_id,
            func.sum(open_amount).filter(days > 60).label("over_60"),
            func.sum(open_amount).filter(days > 90).label("over_90"),
        )
        .select_from(e)
        .outerjoin(paid, paid.c.charge_entry_id == e.id)
        .where(
            where["owner_ledger_entry"],
            e.association_id.in_(ids),
            e.kind.in_(DEBIT_KINDS),
            e.entry_date <= as_of,
            open_amount > 0,
        )
        .group_by(e.association_id, e.unit_id)
        .subquery("per_unit")
    )
    delinquency = (
        select(
            per_unit.c.association_id,
            _count(per_unit.c.over_60 > 0).label("units_60"),
            func.coalesce(func.sum(per_unit.c.over_60), 0).label("amount_60"),
            _count(per_unit.c.over_90 > 0).label("units_90"),
            func.coalesce(func.sum(per_unit.c.over_90), 0).label("amount_90"),
        )
        .group_by(per_unit.c.association_id)
        .subquery("delinquency")
    )

    w = WorkOrder
    late = or_(and_(w.status.in_(UNANSWERED), w.respond_by < now), w.complete_by < now)
    work = (
        select(
            w.association_id,
            _count().label("open"),
            _count(w.escalated).label("escalated"),
            _count(and_(~w.escalated, late)).label("past"),
            _count(and_(~w.escalated, ~late)).label("on_track"),
        )
        .where(where["work_order"], w.status.in_(OPEN), w.association_id.in_(ids))
        .group_by(w.association_id)
        .subquery("work")
    )

    r = ArcRequest
    arc = (
        select(
            r.association_id,
            _count(and_(r.deemed_approval, r.decision_due_by.between(as_of, as_of + timedelta(days=arc_days)))).label("nearing"),
            _count(r.decision_due_by < as_of).label("past"),
        )
        .where(where["arc_request"], r.status.in_(UNDECIDED), r.association_id.in_(ids))
        .group_by(r.association_id)
        .subquery("arc")
    )

    v = Violation
    hearings = (
        select(v.association_id, _count().label("hearings"))
        .where(where["violation"], v.status == ViolationStatus.HEARING_SCHEDULED, v.association_id.in_(ids))
        .group_by(v.association_id)
        .subquery("hearings")
    )

    t = ComplianceTask
    compliance = (
        select(
            t.association_id,
            _count(t.due_on < as_of).label("overdue"),
            _count(t.due_on.between(as_of, as_of + timedelta(days=compliance_days))).label("due"),
        )
        .where(where["compliance_task"], t.status == TaskStatus.OPEN, t.association_id.in_(ids))
        .group_by(t.association_id)
        .subquery("compliance")
    )

    b = BankAccount
    month = (
        func.generate_series(
            func.date_trunc("month", b.opened_on),
            func.date_trunc("month", literal(as_of, Date)) - cast(literal("1 month"), Interval),
            cast(literal("1 month"), Interval),
        )
        # A function in FROM sees the tables before it (implicitly LATERAL).
        .table_valued("month")
        .render_derived(name="months")
    )
    finished = exists().where(
        BankReconciliation.organization_id == b.organization_id,
        BankReconciliation.bank_account_id == b.id,
        BankReconciliation.month == cast(month.c.month, Date),
        BankReconciliation.status == ReconciliationStatus.FINISHED,
    )
    banking = (
        select(b.association_id, _count().label("months"))
        .select_from(b)
        .join(month, true())
        .where(where["bank_account"], b.is_active.is_(True), b.association_id.in_(ids), ~finished)
        .group_by(b.association_id)
        .subquery("banking")
    )

    i = Invoice
    invoices = (
        select(
            i.association_id,
            _count(i.status == InvoiceStatus.AWAITING_MANAGER).label("manager"),
            _count(i.status == InvoiceStatus.AWAITING_BOARD).label("board"),
            func.sum(i.total).label("amount"),
        )
        .where(where["invoice"], i.status.in_(AWAITING), i.association_id.in_(ids))
        .group_by(i.association_id)
        .subquery("invoices")
    )

    def zero(column: Any) -> Any:
        return func.coalesce(column, 0)

    joined = paged
    for part in (managers, delinquency, work, arc, hearings, compliance, banking, invoices):
        joined = joined.outerjoin(part, part.c.association_id == paged.c.id)  # type: ignore[assignment]
    return (
        select(
            paged.c.id,
            paged.c.code,
            paged.c.legal_name,
            func.coalesce(managers.c.user_ids, cast(literal([]), ARRAY(Uuid))).label("portfolio_manager_ids"),
            zero(delinquency.c.units_60).label("units_over_60_days"),
            zero(delinquency.c.amount_60).label("amount_over_60_days"),
            zero(delinquency.c.units_90).label("units_over_90_days"),
            zero(delinquency.c.amount_90).label("amount_over_90_days"),
            zero(work.c.open).label("work_orders_open"),
            zero(work.c.on_track).label("work_orders_on_track"),
            zero(work.c.past).label("work_orders_past_deadline"),
            zero(work.c.escalated).label("work_orders_escalated"),
            zero(arc.c.nearing).label("arc_nearing_deemed_approval"),
            zero(arc.c.past).label("arc_past_decision_deadline"),
            zero(hearings.c.hearings).label("violations_awaiting_hearing"),
            zero(compliance.c.due).label("compliance_due"),
            zero(compliance.c.overdue).label("compliance_overdue"),
            zero(banking.c.months).label("unreconciled_bank_months"),
            zero(invoices.c.manager).label("invoices_awaiting_manager"),
            zero(invoices.c.board).label("invoices_awaiting_board"),
            zero(invoices.c.amount).label("invoices_awaiting_amount"),
        )
        .select_from(joined)
        .order_by(paged.c.code, paged.c.id)
    )


async def rows(
    session: AsyncSession,
    where: dict[str, ColumnElement[bool]],
    page: Page,
    as_of: date,
    now: datetime,
    manager_id: UUID | None,
    arc_days: int,
    compliance_days: int,
) -> Sequence[Row[Any]]:
    """Up to `page.first + 1` associations, by code, each with its figures."""
    built = statement(where, page, as_of, now, manager_id, arc_days, compliance_days)
    return (await session.execute(built)).all()

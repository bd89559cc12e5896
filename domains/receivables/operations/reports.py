"""arAging/v1/get, delinquencyList/v1/get, ownerStatement/v1/get."""

from __future__ import annotations

from decimal import Decimal

from domains.associations.models import Unit
from domains.receivables.schemas import (
    AgingAmounts,
    ArAging,
    ArAgingInput,
    ArAgingRow,
    DelinquencyList,
    DelinquencyListInput,
    DelinquentUnit,
    OwnerStatement,
    OwnerStatementInput,
    StatementLine,
)
from domains.receivables.service import reports
from graph.handlers import OperationContext
from graph.operations import operation


@operation(
    "arAging/v1/get",
    input=ArAgingInput,
    output=ArAging,
    kind="owner_ledger_entry",
    action="report",
    mutates=False,
    summary="Accounts receivable aging",
)
async def ar_aging(ctx: OperationContext, data: ArAgingInput) -> ArAging:
    """Each unit's open charges as of a date in buckets by days past due
    (current, 1–30, 31–60, 61–90, over 90), its unapplied credit and its
    balance, with the association's totals — one SQL statement."""
    rows, totals = await reports.aging(ctx.session, data.association_id, data.as_of)
    return ArAging(
        association_id=data.association_id,
        as_of=data.as_of,
        rows=[ArAgingRow.model_validate(r) for r in rows],
        totals=AgingAmounts.model_validate(totals),
    )


@operation(
    "delinquencyList/v1/get",
    input=DelinquencyListInput,
    output=DelinquencyList,
    kind="owner_ledger_entry",
    action="report",
    mutates=False,
    summary="Delinquent units",
)
async def delinquency_list(ctx: OperationContext, data: DelinquencyListInput) -> DelinquencyList:
    """Units owing at least `minAmount` on charges more than `minDaysPastDue`
    days past due on a date, with their owners' names, most overdue first."""
    rows = await reports.delinquencies(ctx.session, data.association_id, data.as_of, data.min_days_past_due, data.min_amount)
    return DelinquencyList(
        association_id=data.association_id,
        as_of=data.as_of,
        min_days_past_due=data.min_days_past_due,
        rows=[DelinquentUnit.model_validate(r) for r in rows],
        total_past_due=sum((r["past_due"] for r in rows), Decimal(0)),
    )


@operation(
    "ownerStatement/v1/get",
    input=OwnerStatementInput,
    output=OwnerStatement,
    kind="owner_ledger_entry",
    action="read",
    target=Unit,
    mutates=False,
    summary="A unit's owner statement",
)
async def owner_statement(ctx: OperationContext, data: OwnerStatementInput) -> OwnerStatement:
    """A unit's statement for a date range: the balance before it, every charge,
    payment and credit in it with the running balance, and the closing balance.
    Owners get their own units' statements; NOT_FOUND for any other unit."""
    unit = ctx.target
    names, opening, lines = await reports.statement(ctx.session, unit.association_id, unit.id, data.from_date, data.to_date)
    amounts = [line["amount"] for line in lines]
    return OwnerStatement(
        unit_id=unit.id,
        association_id=unit.association_id,
        unit_number=unit.unit_number,
        owner_names=names,
        from_date=data.from_date,
        to_date=data.to_date,
        opening_balance=opening,
        charges=sum((a for a in amounts if a > 0), Decimal(0)),
        credits=sum((a for a in amounts if a < 0), Decimal(0)),
        closing_balance=opening + sum(amounts, Decimal(0)),
        lines=[StatementLine.model_validate(line) for line in lines],
    )

"""Budgets: per association, fiscal year, income or expense account and fund,
one amount for each of the twelve months (budget_amounts.period 1–12)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, delete, func, insert, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import InvalidBudget
from domains.accounting.models import AccountType, BudgetAmount, Fund, GlAccount
from domains.accounting.service import chart, fiscal
from domains.associations.models import Association
from graph.db import new_id
from graph.handlers import require

INCOME_STATEMENT = (AccountType.INCOME, AccountType.EXPENSE)


async def _check_lines(session: AsyncSession, association_id: UUID, lines: Sequence[Any]) -> None:
    seen: set[tuple[UUID, UUID]] = set()
    for i, (line, account) in enumerate(zip(lines, await chart.coded_accounts(session, association_id, lines), strict=True)):
        if account.type not in INCOME_STATEMENT:
            raise InvalidBudget(
                f"Account {account.number} is a {account.type.value} account; budgets are for income and expense accounts.",
                field=["lines", str(i), "accountId"],
            )
        if (line.account_id, line.fund_id) in seen:
            raise InvalidBudget(
                f"Account {account.number} appears twice for the same fund; give one line per account and fund.",
                field=["lines", str(i)],
            )
        seen.add((line.account_id, line.fund_id))


async def set_budget(session: AsyncSession, organization_id: UUID, data: Any) -> tuple[Association, dict[str, Any]]:
    """Replace the association's budget for `data.fiscal_year` with `data.lines`;
    returns the association and what the audit trail records."""
    # Locked so that two budgets set at once for one association can't interleave.
    association = await require(session, Association, data.association_id, "associationId", lock=True)
    if data.lines:
        await _check_lines(session, data.association_id, data.lines)
    # A DELETE answers a CursorResult (with its rowcount); execute() is typed for any statement.
    replaced = cast(
        CursorResult[Any],
        await session.execute(
            delete(BudgetAmount).where(
                BudgetAmount.association_id == data.association_id, BudgetAmount.fiscal_year == data.fiscal_year
            )
        ),
    )
    rows = [
        {
            "id": new_id(),
            "organization_id": organization_id,
            "association_id": data.association_id,
            "fiscal_year": data.fiscal_year,
            "period": period,
            "account_id": line.account_id,
            "fund_id": line.fund_id,
            "amount": amount,
        }
        for line in data.lines
        for period, amount in enumerate(line.months if line.months is not None else fiscal.spread(line.annual), start=1)
    ]
    if rows:
        await session.execute(insert(BudgetAmount), rows)
    return association, {
        "fiscalYear": data.fiscal_year,
        "lines": len(data.lines),
        "total": str(sum((r["amount"] for r in rows), Decimal("0.00"))),
        "replacedAmounts": replaced.rowcount,
    }


async def read_budget(session: AsyncSession, association: Association, fiscal_year: int) -> dict[str, Any]:
    """The budget as the API answers it, in one statement."""
    rows = (
        await session.execute(
            select(
                BudgetAmount.account_id,
                GlAccount.number,
                GlAccount.name,
                GlAccount.type,
                BudgetAmount.fund_id,
                Fund.code,
                func.array_agg(aggregate_order_by(BudgetAmount.amount, BudgetAmount.period)),
            )
            .join(
                GlAccount, (GlAccount.organization_id == BudgetAmount.organization_id) & (GlAccount.id == BudgetAmount.account_id)
            )
            .join(Fund, (Fund.organization_id == BudgetAmount.organization_id) & (Fund.id == BudgetAmount.fund_id))
            .where(BudgetAmount.association_id == association.id, BudgetAmount.fiscal_year == fiscal_year)
            .group_by(BudgetAmount.account_id, GlAccount.number, GlAccount.name, GlAccount.type, BudgetAmount.fund_id, Fund.code)
            .order_by(GlAccount.number, Fund.code)
        )
    ).all()
    lines: list[dict[str, Any]] = [
        {
            "account_id": account_id,
            "account_number": number,
            "account_name": name,
            "account_type": type_,
            "fund_id": fund_id,
            "fund_code": code,
            "months": months,
            "annual": sum(months, Decimal("0.00")),
        }
        for account_id, number, name, type_, fund_id, code, months in rows
    ]

    def total(type_: AccountType) -> Decimal:
        return sum((line["annual"] for line in lines if line["account_type"] is type_), Decimal("0.00"))

    return {
        "association_id": association.id,
        "fiscal_year": fiscal_year,
        "starts_on": fiscal.year_start(fiscal_year, association.fiscal_year_start_month),
        "lines": lines,
        "total_income": total(AccountType.INCOME),
        "total_expense": total(AccountType.EXPENSE),
    }

"""financialReport/v1/{trialBalance,balanceSheet,incomeStatement}: the board's
reports, each one SQL statement after the association is read (reports.py)."""

from __future__ import annotations

from typing import Any

from domains.accounting.schemas import (
    AsOfReportInput,
    BalanceSheet,
    IncomeStatement,
    IncomeStatementInput,
    TrialBalance,
)
from domains.accounting.service import reports
from graph.handlers import OperationContext, org
from graph.operations import operation


async def _scope(ctx: OperationContext, data: Any) -> reports.ReportScope:
    return await reports.ReportScope.read(ctx.session, org(ctx), data.association_id, data.basis)


@operation(
    "financialReport/v1/trialBalance",
    input=AsOfReportInput,
    output=TrialBalance,
    kind="financial_report",
    action="read",
    mutates=False,
    graphql_name="trialBalance",
    summary="Trial balance",
)
async def trial_balance(ctx: OperationContext, data: AsOfReportInput) -> TrialBalance:
    """Every account × fund with its debit or credit balance as of a day, in the
    association's basis unless `basis` says otherwise; debits equal credits.
    Income and expense accounts show the fiscal year to date; earlier years'
    net income sits in each fund's fund balance. Staff, the board, auditors and
    integrations."""
    return TrialBalance.model_validate(await reports.trial_balance(ctx.session, await _scope(ctx, data), data.as_of))


@operation(
    "financialReport/v1/balanceSheet",
    input=AsOfReportInput,
    output=BalanceSheet,
    kind="financial_report",
    action="read",
    mutates=False,
    graphql_name="balanceSheet",
    summary="Balance sheet by fund",
)
async def balance_sheet(ctx: OperationContext, data: AsOfReportInput) -> BalanceSheet:
    """Assets, liabilities and equity of each fund as of a day, with the current
    fiscal year's net income rolled into the fund's equity so that each fund
    balances; in the association's basis unless `basis` says otherwise. Staff,
    the board, auditors and integrations."""
    return BalanceSheet.model_validate(await reports.balance_sheet(ctx.session, await _scope(ctx, data), data.as_of))


@operation(
    "financialReport/v1/incomeStatement",
    input=IncomeStatementInput,
    output=IncomeStatement,
    kind="financial_report",
    action="read",
    mutates=False,
    graphql_name="incomeStatement",
    summary="Income statement with budget versus actual",
)
async def income_statement(ctx: OperationContext, data: IncomeStatementInput) -> IncomeStatement:
    """Income and expenses per account and fund over a range of days, each
    beside its budget for the months the range touches and for the fiscal year
    to date, with the variance (favourable when positive) and totals per fund
    and overall; in the association's basis unless `basis` says otherwise.
    Staff, the board, auditors and integrations."""
    scope = await _scope(ctx, data)
    return IncomeStatement.model_validate(await reports.income_statement(ctx.session, scope, data.from_date, data.to_date))

"""fund/v1/{create,list}, glAccount/v1/{create,update,list}, chartOfAccounts/v1/install."""

from __future__ import annotations

from domains.accounting.models import Fund, GlAccount
from domains.accounting.schemas import (
    ChartInstallInput,
    ChartInstallResult,
    FundConnection,
    FundCreateInput,
    FundListInput,
    FundRead,
    GlAccountConnection,
    GlAccountCreateInput,
    GlAccountListInput,
    GlAccountRead,
    GlAccountUpdateInput,
)
from domains.accounting.service import chart
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation("fund/v1/create", input=FundCreateInput, output=FundRead, kind="fund", action="create", summary="Create a fund")
async def create_fund(ctx: OperationContext, data: FundCreateInput) -> FundRead:
    """Add a fund to an association — e.g. one per special assessment, so its
    money and spending are reported apart."""
    return FundRead.model_validate(await chart.create_fund(ctx.session, org(ctx), data.model_dump()))


@operation(
    "fund/v1/list",
    input=FundListInput,
    output=FundConnection,
    kind="fund",
    action="list",
    mutates=False,
    graphql_name="funds",
    summary="List funds",
)
async def list_funds(ctx: OperationContext, data: FundListInput) -> FundConnection:
    """An association's funds, by code."""
    rows, page = await chart.fund_page(ctx.session, data, await ctx.visible("fund", "read", Fund))
    return as_connection(FundConnection, rows, page)


@operation(
    "glAccount/v1/create",
    input=GlAccountCreateInput,
    output=GlAccountRead,
    kind="gl_account",
    action="create",
    summary="Create an account",
)
async def create_account(ctx: OperationContext, data: GlAccountCreateInput) -> GlAccountRead:
    """Add an account to an association's chart. Numbers follow the type (1xxx
    assets, 2xxx liabilities, 3xxx equity, 4xxx income, 5xxx–9xxx expenses);
    balance-sheet accounts belong to a fund, income and expense accounts don't."""
    return GlAccountRead.model_validate(await chart.create_account(ctx.session, org(ctx), data.model_dump()))


@operation(
    "glAccount/v1/update",
    input=GlAccountUpdateInput,
    output=GlAccountRead,
    kind="gl_account",
    action="update",
    target=GlAccount,
    summary="Change an account",
)
async def update_account(ctx: OperationContext, data: GlAccountUpdateInput) -> GlAccountRead:
    """Rename or (de)activate an account. Its number, type and fund are fixed,
    since posted history refers to them."""
    account = ctx.target
    ctx.audit_summary = {"changed": await chart.update_account(ctx.session, account, data)}
    return GlAccountRead.model_validate(account)


@operation(
    "glAccount/v1/list",
    input=GlAccountListInput,
    output=GlAccountConnection,
    kind="gl_account",
    action="list",
    mutates=False,
    graphql_name="glAccounts",
    summary="List the chart of accounts",
)
async def list_accounts(ctx: OperationContext, data: GlAccountListInput) -> GlAccountConnection:
    """An association's chart of accounts, by number."""
    rows, page = await chart.account_page(ctx.session, data, await ctx.visible("gl_account", "read", GlAccount))
    return as_connection(GlAccountConnection, rows, page)


@operation(
    "chartOfAccounts/v1/install",
    input=ChartInstallInput,
    output=ChartInstallResult,
    kind="gl_account",
    action="create",
    result_field="result",
    summary="Install the standard chart of accounts",
)
async def install_chart(ctx: OperationContext, data: ChartInstallInput) -> ChartInstallResult:
    """Give a new association operating and reserve funds and a standard chart
    of accounts (cash, receivables, prepaid assessments, payables, fund
    balances, assessment and fee income, common expenses), with the control
    roles the receivables and payables subledgers post through."""
    funds, accounts = await chart.install(ctx.session, org(ctx), data.association_id)
    ctx.audit_summary = {"funds": len(funds), "accounts": len(accounts)}
    return ChartInstallResult(
        funds=[FundRead.model_validate(f) for f in funds],
        accounts=[GlAccountRead.model_validate(a) for a in sorted(accounts, key=lambda a: a.number)],
    )

"""portfolioDashboard/v1/list: the manager's morning, one row per association."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.portfolio.schemas import PortfolioDashboardConnection, PortfolioDashboardInput
from domains.portfolio.service import dashboard
from graph.clock import today
from graph.handlers import OperationContext, as_connection
from graph.operations import operation
from graph.pages import Page


@operation(
    "portfolioDashboard/v1/list",
    input=PortfolioDashboardInput,
    output=PortfolioDashboardConnection,
    kind="portfolio_dashboard",
    action="read",
    mutates=False,
    graphql_name="portfolioDashboard",
    summary="Every association's morning: what is late, due or waiting",
)
async def list_dashboard(ctx: OperationContext, data: PortfolioDashboardInput) -> PortfolioDashboardConnection:
    """Every association of the organization (or those a portfolio manager runs
    now), by code: units and amounts more than 60 and 90 days past due, open
    work orders on track / past a deadline / escalated, undecided ARC requests
    nearing deemed approval or past their deadline, violations awaiting a
    hearing, compliance tasks due soon or overdue, bank months not reconciled,
    invoices waiting for the manager or the board. Each figure counts the rows
    of its domain the caller may read, as that domain's list counts them. One
    statement for the page, however many associations."""
    page = Page(data.first, data.after, "code")
    rows = await dashboard.rows(
        ctx.session,
        await dashboard.clauses(ctx.visible),
        page,
        data.as_of or today(),
        datetime.now(UTC),
        data.portfolio_manager_id,
        data.arc_within_days,
        data.compliance_within_days,
    )
    return as_connection(PortfolioDashboardConnection, rows, page)

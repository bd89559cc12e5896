"""portfolioAssignment/v1/{create,end,list}: who runs which association."""

from __future__ import annotations

from domains.portfolio.models import PortfolioAssignment
from domains.portfolio.schemas import (
    PortfolioAssignmentConnection,
    PortfolioAssignmentCreateInput,
    PortfolioAssignmentEndInput,
    PortfolioAssignmentListInput,
    PortfolioAssignmentRead,
)
from domains.portfolio.service import assignments
from graph.clock import today
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "portfolioAssignment/v1/create",
    input=PortfolioAssignmentCreateInput,
    output=PortfolioAssignmentRead,
    kind="portfolio_assignment",
    action="assign",
    summary="Assign a portfolio manager to an association",
)
async def create_assignment(ctx: OperationContext, data: PortfolioAssignmentCreateInput) -> PortfolioAssignmentRead:
    """A member of the organization runs the association from a day on (default
    today); the dashboard's `portfolioManagerId` filter follows current
    assignments. Refused: a user who is not a member (PORTFOLIO_MANAGER_NOT_MEMBER);
    one already assigned to it (PORTFOLIO_ALREADY_ASSIGNED)."""
    row = await assignments.assign(
        ctx.session, org(ctx), data.association_id, data.user_id, data.starts_on or today(), actor(ctx)
    )
    ctx.audit_summary = {"associationId": str(row.association_id), "userId": str(row.user_id)}
    return PortfolioAssignmentRead.model_validate(row)


@operation(
    "portfolioAssignment/v1/end",
    input=PortfolioAssignmentEndInput,
    output=PortfolioAssignmentRead,
    kind="portfolio_assignment",
    action="end",
    target=PortfolioAssignment,
    summary="End a portfolio manager's assignment",
)
async def end_assignment(ctx: OperationContext, data: PortfolioAssignmentEndInput) -> PortfolioAssignmentRead:
    """The user no longer runs the association from the day given (default
    today); the row is kept. Refused: an assignment already ended, or a day
    before it started (PORTFOLIO_ASSIGNMENT_ENDED)."""
    row = await assignments.end(ctx.session, ctx.target, data.ends_on or today(), actor(ctx))
    return PortfolioAssignmentRead.model_validate(row)


@operation(
    "portfolioAssignment/v1/list",
    input=PortfolioAssignmentListInput,
    output=PortfolioAssignmentConnection,
    kind="portfolio_assignment",
    action="list",
    mutates=False,
    graphql_name="portfolioAssignments",
    summary="List portfolio managers' assignments",
)
async def list_assignments(ctx: OperationContext, data: PortfolioAssignmentListInput) -> PortfolioAssignmentConnection:
    """Current assignments (and ended ones on request), newest first; filter by association or user."""
    rows, page = await assignments.page(ctx.session, data, await ctx.visible("portfolio_assignment", "read", PortfolioAssignment))
    return as_connection(PortfolioAssignmentConnection, rows, page)

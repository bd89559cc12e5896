"""fiscalPeriod/v1/{close,list}."""

from __future__ import annotations

from domains.accounting.errors import PeriodAlreadyClosed
from domains.accounting.models import FiscalPeriodClose
from domains.accounting.schemas import (
    FiscalPeriodCloseConnection,
    FiscalPeriodCloseInput,
    FiscalPeriodCloseRead,
    FiscalPeriodListInput,
)
from domains.associations.models import Association
from graph.db import add_or_raise
from graph.handlers import OperationContext, as_connection, org, require
from graph.operations import operation
from graph.pages import Page, page_statement


@operation(
    "fiscalPeriod/v1/close", input=FiscalPeriodCloseInput, output=FiscalPeriodCloseRead, kind="fiscal_period",
    action="close", summary="Close a month",
)  # fmt: skip
async def close_period(ctx: OperationContext, data: FiscalPeriodCloseInput) -> FiscalPeriodCloseRead:  # type: ignore[valid-type]
    """Close a month of an association's books once it is reconciled and
    reported: from then on nothing posts into it (PERIOD_CLOSED), so the board's
    reports for it never change. Closing is final."""
    await require(ctx.session, Association, data.association_id, "associationId")
    assert ctx.principal is not None
    row = FiscalPeriodClose(
        organization_id=org(ctx), association_id=data.association_id, month=data.month.replace(day=1), closed_by=ctx.principal.id
    )
    await add_or_raise(ctx.session, row, PeriodAlreadyClosed(f"{data.month:%B %Y} is already closed.", field=["month"]))
    await ctx.session.refresh(row)
    return FiscalPeriodCloseRead.model_validate(row)


@operation(
    "fiscalPeriod/v1/list", input=FiscalPeriodListInput, output=FiscalPeriodCloseConnection, kind="fiscal_period",
    action="list", mutates=False, graphql_name="closedPeriods", summary="List closed months",
)  # fmt: skip
async def list_periods(ctx: OperationContext, data: FiscalPeriodListInput) -> FiscalPeriodCloseConnection:  # type: ignore[valid-type]
    """An association's closed months, latest first."""
    page = Page(data.first, data.after, "month", descending=True)
    where = [await ctx.visible("fiscal_period", "read", FiscalPeriodClose), FiscalPeriodClose.association_id == data.association_id]
    rows = (await ctx.session.scalars(page_statement(FiscalPeriodClose, page, where))).all()
    return as_connection(FiscalPeriodCloseConnection, rows, page)

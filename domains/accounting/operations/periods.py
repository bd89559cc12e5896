"""fiscalPeriod/v1/{close,list}."""

from __future__ import annotations

from domains.accounting.models import FiscalPeriodClose
from domains.accounting.schemas import (
    FiscalPeriodCloseConnection,
    FiscalPeriodCloseInput,
    FiscalPeriodCloseRead,
    FiscalPeriodListInput,
)
from domains.accounting.service import fiscal
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "fiscalPeriod/v1/close",
    input=FiscalPeriodCloseInput,
    output=FiscalPeriodCloseRead,
    kind="fiscal_period",
    action="close",
    summary="Close a month",
)
async def close_period(ctx: OperationContext, data: FiscalPeriodCloseInput) -> FiscalPeriodCloseRead:
    """Close a month of an association's books once it is reconciled and
    reported: from then on nothing posts into it (PERIOD_CLOSED), so the board's
    reports for it never change. Closing is final. Every bank account of the
    association open in the month must have a finished reconciliation for it
    (CASH_NOT_RECONCILED, listing the accounts)."""
    assert ctx.principal is not None
    row = await fiscal.close(ctx.session, org(ctx), data.association_id, data.month, ctx.principal.id)
    return FiscalPeriodCloseRead.model_validate(row)


@operation(
    "fiscalPeriod/v1/list",
    input=FiscalPeriodListInput,
    output=FiscalPeriodCloseConnection,
    kind="fiscal_period",
    action="list",
    mutates=False,
    graphql_name="closedPeriods",
    summary="List closed months",
)
async def list_periods(ctx: OperationContext, data: FiscalPeriodListInput) -> FiscalPeriodCloseConnection:
    """An association's closed months, latest first."""
    rows, page = await fiscal.closed_page(ctx.session, data, await ctx.visible("fiscal_period", "read", FiscalPeriodClose))
    return as_connection(FiscalPeriodCloseConnection, rows, page)

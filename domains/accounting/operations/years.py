"""fiscalYear/v1/{close,reopen,list}."""

from __future__ import annotations

from domains.accounting.models import FiscalYearClose
from domains.accounting.schemas import (
    FiscalYearCloseConnection,
    FiscalYearCloseInput,
    FiscalYearCloseRead,
    FiscalYearListInput,
    FiscalYearReopenInput,
)
from domains.accounting.service import closing
from graph.clock import database_today
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "fiscalYear/v1/close",
    input=FiscalYearCloseInput,
    output=FiscalYearCloseRead,
    kind="fiscal_year",
    action="close",
    summary="Close a fiscal year",
)
async def close_year(ctx: OperationContext, data: FiscalYearCloseInput) -> FiscalYearCloseRead:
    """Post the fiscal year's closing entry (source `year_end_close`, dated its
    last day): every income and expense account of every fund brought to zero
    in both views of the books, the difference into the fund's fund-balance
    account, so each fund balances on its own. The year must have ended
    (FISCAL_YEAR_NOT_ENDED) and its months be closed (FISCAL_MONTHS_OPEN, listing
    them) — or, with `closeOpenMonths`, they are closed first under
    fiscalPeriodClose's rules (CASH_NOT_RECONCILED). A fund with income or
    expenses needs a fund-balance account (CONTROL_ACCOUNT_MISSING). Closing a
    closed year returns its close and posts nothing. The balance sheet, trial
    balance and income statement read the same before and after. Undo it with
    fiscalYearReopen."""
    assert ctx.principal is not None
    row, made = await closing.close_year(
        ctx.session,
        org(ctx),
        data.association_id,
        data.fiscal_year,
        close_open_months=data.close_open_months,
        today=await database_today(ctx.session),
        by=ctx.principal.id,
    )
    ctx.audit_summary = {"fiscalYear": data.fiscal_year, "posted": made}
    return FiscalYearCloseRead.model_validate(row)


@operation(
    "fiscalYear/v1/reopen",
    input=FiscalYearReopenInput,
    output=FiscalYearCloseRead,
    kind="fiscal_year",
    action="reopen",
    target=FiscalYearClose,
    summary="Undo a year-end close",
)
async def reopen_year(ctx: OperationContext, data: FiscalYearReopenInput) -> FiscalYearCloseRead:
    """Undo a year-end close by posting the reversal of its closing entry on the
    same day; the close stays listed, marked reversed with the reason, and the
    year may be closed again. The year's months stay closed. Refused twice
    (YEAR_CLOSE_ALREADY_REVERSED)."""
    row = await closing.reverse_close(ctx.session, ctx.target, reason=data.reason, by=ctx.principal.id if ctx.principal else None)
    ctx.audit_summary = {"fiscalYear": row.fiscal_year, "reason": data.reason}
    return FiscalYearCloseRead.model_validate(row)


@operation(
    "fiscalYear/v1/list",
    input=FiscalYearListInput,
    output=FiscalYearCloseConnection,
    kind="fiscal_year",
    action="list",
    mutates=False,
    graphql_name="fiscalYearCloses",
    summary="List year-end closes",
)
async def list_closes(ctx: OperationContext, data: FiscalYearListInput) -> FiscalYearCloseConnection:
    """An association's year-end closes, undone ones included, latest first."""
    rows, page = await closing.close_page(ctx.session, data, await ctx.visible("fiscal_year", "read", FiscalYearClose))
    return as_connection(FiscalYearCloseConnection, rows, page)

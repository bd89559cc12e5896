"""An association's fiscal year: it starts on the first day of
`associations.fiscal_year_start_month` and is named by the calendar year it
starts in (a year starting July 2026 is fiscal year 2026; its period 1 is July
2026, period 12 June 2027)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import PeriodAlreadyClosed
from domains.accounting.models import FiscalPeriodClose
from graph.db import add_or_raise
from graph.pages import Page, page_statement

CENT = Decimal("0.01")

# What else must hold before a month closes, added by the domains that know
# (banking: every bank account reconciled for the month). Each raises its own
# error; registered when its module is imported.
CloseCheck = Callable[[AsyncSession, UUID, date], Awaitable[None]]
CLOSE_CHECKS: list[CloseCheck] = []


def close_check(check: CloseCheck) -> CloseCheck:
    CLOSE_CHECKS.append(check)
    return check


# What follows a close in its own transaction, added by the domains that act on
# it (board packages: the month's package, where the association asks for it).
# Each must stay cheap — a row and an after-commit start, not the work itself —
# since the close waits for it. Called with (organization, association, month, by).
AfterClose = Callable[[AsyncSession, UUID, UUID, date, UUID], Awaitable[None]]
AFTER_CLOSE: list[AfterClose] = []


def after_close(follower: AfterClose) -> AfterClose:
    AFTER_CLOSE.append(follower)
    return follower


def year_of(day: date, start_month: int) -> int:
    """The fiscal year `day` falls in."""
    return day.year if day.month >= start_month else day.year - 1


def year_start(fiscal_year: int, start_month: int) -> date:
    return date(fiscal_year, start_month, 1)


def months_after(month: date, count: int) -> date:
    """The first day of the month `count` months after `month`'s (negative: before)."""
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def year_end(fiscal_year: int, start_month: int) -> date:
    """The fiscal year's last day."""
    return months_after(year_start(fiscal_year, start_month), 12) - timedelta(days=1)


def spread(annual: Decimal) -> list[Decimal]:
    """Twelve monthly amounts adding up to `annual` exactly: periods 1–11 get
    annual / 12 cut down to the cent, period 12 gets the rest (1000.00 → eleven
    months of 83.33 and 83.37)."""
    month = (annual / 12).quantize(CENT, rounding=ROUND_DOWN)
    return [month] * 11 + [annual - month * 11]


async def closed_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[FiscalPeriodClose], Page]:
    """An association's closed months, latest first:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "month", descending=True)
    where = [visible, FiscalPeriodClose.association_id == data.association_id]
    return (await session.scalars(page_statement(FiscalPeriodClose, page, where))).all(), page


async def close(session: AsyncSession, organization_id: UUID, association_id: UUID, month: date, by: UUID) -> FiscalPeriodClose:
    """Close `month` of the association's books (PERIOD_ALREADY_CLOSED if it is),
    once every check the domains registered passes."""
    for check in CLOSE_CHECKS:
        await check(session, association_id, month.replace(day=1))
    row = FiscalPeriodClose(
        organization_id=organization_id, association_id=association_id, month=month.replace(day=1), closed_by=by
    )
    await add_or_raise(session, row, PeriodAlreadyClosed(f"{month:%B %Y} is already closed.", field=["month"]))
    await session.refresh(row)
    for follower in AFTER_CLOSE:
        await follower(session, organization_id, association_id, row.month, by)
    return row

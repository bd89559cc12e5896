"""An association's fiscal year: it starts on the first day of
`associations.fiscal_year_start_month` and is named by the calendar year it
starts in (a year starting July 2026 is fiscal year 2026; its period 1 is July
2026, period 12 June 2027)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")


def year_of(day: date, start_month: int) -> int:
    """The fiscal year `day` falls in."""
    return day.year if day.month >= start_month else day.year - 1


def year_start(fiscal_year: int, start_month: int) -> date:
    return date(fiscal_year, start_month, 1)


def spread(annual: Decimal) -> list[Decimal]:
    """Twelve monthly amounts adding up to `annual` exactly: periods 1–11 get
    annual / 12 cut down to the cent, period 12 gets the rest (1000.00 → eleven
    months of 83.33 and 83.37)."""
    month = (annual / 12).quantize(CENT, rounding=ROUND_DOWN)
    return [month] * 11 + [annual - month * 11]

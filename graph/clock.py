"""Today's date, defined once for every domain."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession


def today() -> date:
    """Today in UTC: the same on every server, whatever its zone."""
    return datetime.now(UTC).date()


async def database_today(session: AsyncSession) -> date:
    """The database's today (`current_date` of the transaction): the day SQL that
    compares with `current_date` (the roles statement, for one) is current by."""
    day: date | None = await session.scalar(select(func.current_date()))
    assert day is not None
    return day

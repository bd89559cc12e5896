"""Terms and office holdings are history, kept by the database: the
application role can't delete them, can change nothing of them but their end,
can only move that end earlier, and can't touch one that has ended."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from graph.db import scoped_transaction
from tests.tenancy.conftest import CHECK_VIOLATION, INSUFFICIENT_PRIVILEGE, Tenant, insert, new_org, sqlstate


@pytest.fixture(scope="module")
async def tenant(app_sessions) -> Tenant:
    return await new_org(app_sessions)


async def _run(app_sessions, tenant: Tenant, sql: str, params: dict[str, Any]) -> str | None:
    try:
        async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
            await s.execute(text(sql), params)
    except DBAPIError as exc:
        return sqlstate(exc)
    return None


@pytest.mark.parametrize("table", ["seats", "offices"])
async def test_only_the_end_moves_and_only_earlier(app_sessions, tenant, table) -> None:
    row = await insert(app_sessions, tenant, table)
    later, earlier = date(2099, 6, 1), date(2098, 1, 1)
    assert await _run(app_sessions, tenant, f"DELETE FROM {table} WHERE id = :id", {"id": row["id"]}) == INSUFFICIENT_PRIVILEGE
    assert await _run(
        app_sessions, tenant, f"UPDATE {table} SET starts_on = :d WHERE id = :id", {"id": row["id"], "d": earlier}
    ) == (INSUFFICIENT_PRIVILEGE)
    assert await _run(app_sessions, tenant, f"UPDATE {table} SET ends_on = :d WHERE id = :id", {"id": row["id"], "d": later}) == (
        CHECK_VIOLATION
    )
    early = {"id": row["id"], "d": earlier}
    if table == "seats":
        # An early end carries its reason (the row's own check).
        sql = "UPDATE seats SET ends_on = :d WHERE id = :id"
        assert await _run(app_sessions, tenant, sql, early) == CHECK_VIOLATION
        sql = "UPDATE seats SET ends_on = :d, ended_early = 'resigned' WHERE id = :id"
    else:
        sql = "UPDATE offices SET ends_on = :d WHERE id = :id"
    assert await _run(app_sessions, tenant, sql, early) is None
    # Ended (in the past): frozen.
    past = {"id": row["id"], "d": date.today() - timedelta(days=1)}
    assert await _run(app_sessions, tenant, sql, past) is None
    assert await _run(app_sessions, tenant, sql, past | {"d": date(2026, 1, 2)}) == CHECK_VIOLATION

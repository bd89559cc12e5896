"""History is kept by the database, not by the service's good manners: the
application role cannot delete associations, units, parties, ownerships or
residencies, and an update of an ownership or residency may do nothing but set
its open end date, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

import pytest
from sqlalchemy import CursorResult, text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from graph.db import scoped_transaction
from tests.tenancy.conftest import (
    CHECK_VIOLATION,
    INSUFFICIENT_PRIVILEGE,
    REVOKED,
    Tenant,
    insert,
    new_org,
    sqlstate,
)

HISTORY = ("associations", "units", "parties", "ownerships", "residents")


@pytest.fixture(scope="module")
async def tenant(app_sessions) -> Tenant:
    return await new_org(app_sessions)


async def _count(app_sessions, tenant: Tenant, table: str, row_id: Any) -> int:
    async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
        return (await s.execute(text(f"SELECT count(*) FROM {table} WHERE id = :id"), {"id": row_id})).scalar_one()


@pytest.mark.parametrize("table", HISTORY)
async def test_app_role_cannot_delete_history(app_sessions, tenant, table) -> None:
    assert "DELETE" in REVOKED[table]
    row = await insert(app_sessions, tenant, table)
    for statement in (f"DELETE FROM {table} WHERE id = :id", f"DELETE FROM {table}"):
        # In its own organization, on its own row: refused for want of the privilege.
        with pytest.raises(ProgrammingError) as info:
            async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
                await s.execute(text(statement), {"id": row["id"]})
        assert sqlstate(info.value) == INSUFFICIENT_PRIVILEGE, statement
    assert await _count(app_sessions, tenant, table, row["id"]) == 1


async def _refused(app_sessions, tenant: Tenant, table: str, row_id: Any, assignments: str, params: dict[str, Any]) -> None:
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
            await s.execute(text(f"UPDATE {table} SET {assignments} WHERE id = :id"), {"id": row_id, **params})
    assert sqlstate(info.value) == CHECK_VIOLATION, assignments
    # The trigger's refusal, not some other check (the date-range CHECK shares the SQLSTATE).
    assert "keep their history" in str(info.value), assignments


async def _updated(app_sessions, tenant: Tenant, table: str, row_id: Any, assignments: str, params: dict[str, Any]) -> None:
    async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
        result = cast(
            CursorResult[Any], await s.execute(text(f"UPDATE {table} SET {assignments} WHERE id = :id"), {"id": row_id, **params})
        )
        assert result.rowcount == 1, assignments


# table -> (end-date column, {fixed column: a different, otherwise valid value})
CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "ownerships": ("ends_on", {"interest": Decimal("0.25"), "starts_on": date(2019, 1, 1)}),
    "residents": ("moved_out_on", {"kind": "tenant", "moved_in_on": date(2019, 1, 1)}),
}


@pytest.mark.parametrize("table", sorted(CASES))
async def test_only_an_open_end_date_may_be_set_once(app_sessions, tenant, table) -> None:
    end, changes = CASES[table]
    shared: dict[str, Any] = {}
    row = await insert(app_sessions, tenant, table, shared)
    # Another unit and party of the same organization: valid keys, so only the trigger can refuse.
    other_unit = (await insert(app_sessions, tenant, "units"))["id"]
    other_party = (await insert(app_sessions, tenant, "parties"))["id"]
    casts = {"kind": "CAST(:v AS resident_kind)"}

    for column, value in {**changes, "unit_id": other_unit, "party_id": other_party}.items():
        await _refused(app_sessions, tenant, table, row["id"], f"{column} = {casts.get(column, ':v')}", {"v": value})
    await _refused(app_sessions, tenant, table, row["id"], "created_at = created_at - interval '1 day'", {})
    # An end date can't carry another change in with it.
    await _refused(
        app_sessions, tenant, table, row["id"], f"{end} = :e, party_id = :v", {"e": date(2024, 6, 1), "v": other_party}
    )

    # Ending the open row is the one change allowed ...
    await _updated(app_sessions, tenant, table, row["id"], f"{end} = :e", {"e": date(2024, 6, 1)})
    # ... once: no new end date, no reopening.
    await _refused(app_sessions, tenant, table, row["id"], f"{end} = :e", {"e": date(2024, 7, 1)})
    await _refused(app_sessions, tenant, table, row["id"], f"{end} = NULL", {})
    if table == "ownerships":  # an ended ownership can't become primary either
        await _refused(app_sessions, tenant, table, row["id"], "is_primary = NOT is_primary", {})

    fixed = [*changes, "unit_id", "party_id", end]
    async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
        stored = (await s.execute(text(f"SELECT {', '.join(fixed)} FROM {table} WHERE id = :id"), {"id": row["id"]})).one()
    assert dict(zip(fixed, stored, strict=True)) == {
        **{c: row[c] for c in fixed if c != end},
        end: date(2024, 6, 1),
    }

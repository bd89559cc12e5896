"""The owner ledger, written as the application role: it can't name a unit of
another organization or another association, nor apply one unit's credit to
another's charge; it can't be edited or deleted; and the database refuses,
at commit, a receivable posting without its owner-ledger row, or a row booked
by an entry of another transaction."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError

from graph.db import scoped_transaction
from tests.tenancy.conftest import (
    COMPANIONS,
    FACTORIES,
    FOREIGN_KEY_VIOLATION,
    INSUFFICIENT_PRIVILEGE,
    Tenant,
    complete,
    insert,
    insert_sql,
    new_org,
    sqlstate,
)

OWNER_LEDGER_DISAGREES = "HA003"


@pytest.fixture(scope="module")
async def tenants(app_sessions) -> tuple[Tenant, Tenant]:
    return await new_org(app_sessions), await new_org(app_sessions)


async def _write(app_sessions, tenant: Tenant, table: str, row: dict[str, Any], *, companions: bool = True) -> None:
    async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
        await s.execute(insert_sql(table, row), row)
        if companions:
            await complete(s, row)


async def _refused(app_sessions, tenant: Tenant, table: str, row: dict[str, Any], state: str, **kw: Any) -> None:
    with pytest.raises(DBAPIError) as info:
        await _write(app_sessions, tenant, table, row, **kw)
    assert sqlstate(info.value) == state, info.value


async def test_rows_cannot_name_a_unit_outside_their_association(app_sessions, tenants) -> None:
    a, b = tenants
    other_org_unit = (await insert(app_sessions, b, "units"))["id"]
    other_association_unit = (await insert(app_sessions, a, "units"))["id"]  # same organization, another association
    for unit in (other_org_unit, other_association_unit):
        shared: dict[str, Any] = {}
        row = await FACTORIES["owner_ledger_entries"](app_sessions, a, shared)
        await _refused(app_sessions, a, "owner_ledger_entries", row | {"unit_id": unit}, FOREIGN_KEY_VIOLATION)


async def test_a_credit_applies_only_to_its_own_units_charges(app_sessions, tenants) -> None:
    a, _ = tenants
    shared: dict[str, Any] = {}
    row = await FACTORIES["owner_ledger_allocations"](app_sessions, a, shared)
    # Another unit of the same association, its own charge.
    neighbour = {k: v for k, v in shared.items() if k in ("associations", "funds", "gl_accounts") or k.startswith("control:")}
    their_charge = (await insert(app_sessions, a, "owner_ledger_entries", neighbour))["id"]
    await _refused(app_sessions, a, "owner_ledger_allocations", row | {"charge_entry_id": their_charge}, FOREIGN_KEY_VIOLATION)
    await _write(app_sessions, a, "owner_ledger_allocations", row)  # as made: fine


async def test_owner_ledger_is_append_only(app_sessions, tenants) -> None:
    a, _ = tenants
    for table in ("owner_ledger_entries", "owner_ledger_allocations", "levies"):
        row = await insert(app_sessions, a, table)
        for statement in (
            f"UPDATE {table} SET amount = amount WHERE id = :id"
            if table != "levies"
            else f"UPDATE {table} SET total = total WHERE id = :id",
            f"DELETE FROM {table} WHERE id = :id",
        ):
            with pytest.raises(ProgrammingError) as info:
                async with scoped_transaction(app_sessions, a.org, a.user) as s:
                    await s.execute(text(statement), {"id": row["id"]})
            assert sqlstate(info.value) == INSUFFICIENT_PRIVILEGE, statement


async def test_receivable_postings_need_their_owner_ledger_rows(app_sessions, tenants) -> None:
    a, _ = tenants
    row = await FACTORIES["owner_ledger_entries"](app_sessions, a, {})
    # The journal entry alone (its receivable line with no owner-ledger row): refused at commit.
    [(_, entry), *lines] = COMPANIONS.pop(row["id"])
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(app_sessions, a.org, a.user) as s:
            await s.execute(insert_sql("journal_entries", entry), entry)
            for _, line in lines:
                await s.execute(insert_sql("journal_lines", line), line)
    assert sqlstate(info.value) == OWNER_LEDGER_DISAGREES
    # The row disagreeing with its entry (2.00 in the ledger, 1.00 in the GL): refused.
    row = await FACTORIES["owner_ledger_entries"](app_sessions, a, {})
    await _refused(app_sessions, a, "owner_ledger_entries", row | {"amount": 2}, OWNER_LEDGER_DISAGREES)
    # A row pointing at an entry posted in an earlier transaction: refused.
    shared: dict[str, Any] = {}
    booked = await insert(app_sessions, a, "owner_ledger_entries", shared)
    late = await FACTORIES["owner_ledger_entries"](app_sessions, a, shared)
    await _refused(
        app_sessions,
        a,
        "owner_ledger_entries",
        late | {"journal_entry_id": booked["journal_entry_id"]},
        OWNER_LEDGER_DISAGREES,
        companions=False,
    )

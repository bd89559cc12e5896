"""`owner_association_ids` rides in the statement that reads a user's roles on
every request (`hooks.principal_roles`). An earlier version, a union through
subqueries, made that statement run for minutes on a 2,000-unit association;
this one is a plain join driven by the user's party. Here: the whole roles
statement, EXPLAIN ANALYZEd as the application role for the owner of 500 of
2,000 units (every other unit owned by someone else), under a statement
timeout so a runaway fails instead of hanging the suite."""

from __future__ import annotations

import json
import uuid

import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from graph import hooks
from graph.db import libpq_url, scoped_transaction
from graph.ids import decode
from tests.associations import community
from tests.violations.enforcement import member

UNITS = 2000
OWNED = 500
BUDGET_MS = 500


def raw(public_id: str) -> uuid.UUID:
    return decode(public_id)[1]


async def test_the_roles_statement_stays_fast_for_an_owner_of_many_units(api, settings, platform) -> None:
    admin, org = await api.admin_of_new_org()
    association = (await api.call("association/v1/create", community.ASSOCIATION | {"code": "BIG"}, admin))["id"]
    rows = [community.unit_fields(str(i + 1), "0.0005") for i in range(UNITS)]
    units = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
    user = await member(api, admin, org, ["member"])
    theirs, others = uuid.uuid4(), [uuid.uuid4() for _ in range(UNITS - OWNED)]
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        async with owner.transaction():
            await owner.execute("SELECT set_config('app.org_id', $1, true)", str(raw(org)))
            await owner.executemany(
                "INSERT INTO parties (id, organization_id, kind, name, delivery_preference, user_id) "
                "VALUES ($1, $2, 'person', $3, 'postal', $4)",
                [(theirs, raw(org), "Many Units LLC", raw(user.user_id))] + [(p, raw(org), "Owner", None) for p in others],
            )
            await owner.executemany(
                "INSERT INTO ownerships (id, organization_id, unit_id, party_id, interest, starts_on, is_primary) "
                "VALUES ($1, $2, $3, $4, 1, '2020-01-01', true)",
                [(uuid.uuid4(), raw(org), raw(u), theirs if i < OWNED else others[i - OWNED]) for i, u in enumerate(units)],
            )
            await owner.execute("ANALYZE parties; ANALYZE ownerships; ANALYZE units; ANALYZE associations")
    finally:
        await owner.close()

    statement = hooks.principal_roles.call(raw(user.user_id), raw(org))
    sql = str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    async with scoped_transaction(platform.sessions, raw(org), raw(user.user_id)) as s:
        await s.execute(text("SET LOCAL statement_timeout = '20s'"))
        plan = (await s.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"))).scalar_one()
        row = (await s.execute(statement)).one()
    milliseconds = (plan if isinstance(plan, list) else json.loads(plan))[0]["Execution Time"]
    assert milliseconds < BUDGET_MS, f"the roles statement took {milliseconds:.0f} ms"
    assert row.owner_association_ids == [raw(association)]
    assert len(row.owner_of) == OWNED
    # The owner's requests go through: their association's owners' documents are theirs.
    document = await api.call(
        "document/v1/create",
        {"associationId": association, "category": "minutes", "title": "Minutes", "visibility": "owners"},
        admin,
    )
    listed = await api.call("document/v1/list", {"associationId": association}, user)
    assert [n["id"] for n in listed["nodes"]] == [document["id"]]

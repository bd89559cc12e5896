"""`hestami seed`: a consistent portfolio (shares summing to exactly 1, every
active unit owned, owners reachable), idempotent, and demo logins that find
their units through the API."""

from __future__ import annotations

import asyncpg

from devtools.database_setup import _plain
from devtools.seed import MANAGER, OWNER_LOGIN, PASSWORD, TENANT_LOGIN, seed


async def test_seed_builds_a_consistent_portfolio_once(settings, database, api, capsys) -> None:  # type: ignore[no-untyped-def]
    first = await seed(settings, associations=2, units=15)
    assert first is not None and first.created == 2
    again = await seed(settings, associations=2, units=15)
    assert again is not None and again.created == 0 and again.skipped == 2
    capsys.readouterr()

    conn = await asyncpg.connect(_plain(settings.admin_database_url.get_secret_value()).rsplit("/", 1)[0] + f"/{database}")
    try:
        # Other tests share this database: look at the demo company's associations only.
        org = await conn.fetchval("SELECT id FROM organizations WHERE name = $1", MANAGER)
        shares = await conn.fetch(
            "SELECT association_id, sum(assessment_share) AS a, sum(voting_weight) AS v, count(*) AS n "
            "FROM units WHERE status = 'active' AND organization_id = $1 GROUP BY association_id",
            org,
        )
        assert len(shares) >= 2 and all(r["a"] == 1 and r["v"] == 1 for r in shares), shares
        unowned = await conn.fetchval(
            """SELECT count(*) FROM units u WHERE u.status = 'active' AND u.organization_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM ownerships o WHERE o.organization_id = u.organization_id AND o.unit_id = u.id
                   AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on > current_date))""",
            org,
        )
        assert unowned == 0
        assert await conn.fetchval("SELECT count(*) FROM contact_points WHERE organization_id = $1", org) > 0
        assert await conn.fetchval("SELECT count(*) FROM residents WHERE kind = 'tenant' AND organization_id = $1", org) > 0
    finally:
        await conn.close()

    for login in (OWNER_LOGIN, TENANT_LOGIN):
        token = (await api.rpc("auth/v1/login", {"email": login, "password": PASSWORD})).json()["accessToken"]
        memberships = (await api.rpc("organization/v1/list", {}, token=token)).json()["items"]
        for m in memberships:
            await api.rpc("organization/v1/select", {"organizationId": m["organizationId"]}, token=token, key=m["id"])
            body = await api.gql("{ viewer { myUnits { unitNumber association { code } } } }", token=token)
            if body["data"]["viewer"]["myUnits"]:
                break
        else:
            raise AssertionError(f"{login} finds no unit of theirs in any organization")

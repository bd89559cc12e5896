"""Nested reads cost a fixed number of statements, whatever the number of rows: one
in all on the compiled read path, one per relation level on the resolvers."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert

from domains.associations.models import ContactPoint, Ownership, Party, Resident
from graph.db import scoped_transaction
from graph.ids import decode
from tests.associations.community import ASSOCIATION, unit_fields

TREE = """query($id: ID!, $first: Int!) { association(id: $id) { code units(first: $first) { edges { node {
  unitNumber
  currentOwners { party { name contactPoints { kind value } } }
  residents { kind party { name } } } } } } }"""

# Setup: set_config and, in the same statement, the roles with the caller's unit
# relations (graph/db.apply_scope_reading). Then the
# compiled statement, or one per relation resolved: the association, its units,
# their owners and residents (siblings at one level), the parties of both, the
# parties' contact points.
SETUP = 1
LEVELS = {"compiled": 1, "resolvers": 6}


async def _association(api, platform, admin, org: str, units: int) -> str:
    """An association of `units` units, each with an owner who lives there and has
    two contact points; rows beyond the units go in through the app role (RLS on)."""
    association = (await api.call("association/v1/create", ASSOCIATION | {"code": f"N{units}"}, admin))["id"]
    rows = [unit_fields(str(n), "0.001") for n in range(1, units + 1)]
    ids = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
    org_id = decode(org)[1]
    parties: list[dict[str, Any]] = []
    owned: list[dict[str, Any]] = []
    lived: list[dict[str, Any]] = []
    points: list[dict[str, Any]] = []
    for n, unit in enumerate(ids):
        party = uuid.uuid4()
        base = {"organization_id": org_id, "unit_id": decode(unit)[1], "party_id": party}
        parties.append(
            {"id": party, "organization_id": org_id, "kind": "person", "name": f"Owner {n}", "delivery_preference": "postal"}
        )
        owned.append(base | {"id": uuid.uuid4(), "interest": 1, "starts_on": "2020-01-01", "is_primary": True})
        lived.append(base | {"id": uuid.uuid4(), "kind": "owner", "moved_in_on": "2020-01-01"})
        for kind, value in (("email", f"o{n}@example.org"), ("phone", "+14155550100")):
            points.append(
                {
                    "id": uuid.uuid4(),
                    "organization_id": org_id,
                    "party_id": party,
                    "kind": kind,
                    "value": value,
                    "is_primary": True,
                }
            )
    async with scoped_transaction(platform.sessions, org_id, None) as session:
        for model, values in ((Party, parties), (Ownership, owned), (Resident, lived), (ContactPoint, points)):
            await session.execute(insert(model), [_dates(v) for v in values])
    return association


def _dates(row: dict[str, Any]) -> dict[str, Any]:
    from datetime import date

    return {k: date.fromisoformat(v) if k in ("starts_on", "moved_in_on") else v for k, v in row.items()}


async def _count(statements: list[str], api, token: str, association: str, first: int):
    statements.clear()
    body = await api.gql(TREE, {"id": association, "first": first}, token=token)
    assert "errors" not in body, body
    return len(statements), body


async def test_three_levels_cost_the_same_for_10_and_100_units(api, platform, statements, read_path) -> None:
    admin, org = await api.admin_of_new_org()
    small = await _association(api, platform, admin, org, 10)
    large = await _association(api, platform, admin, org, 100)
    n10, body10 = await _count(statements, api, admin.token, small, 100)
    n100, body100 = await _count(statements, api, admin.token, large, 100)
    edges = body100["data"]["association"]["units"]["edges"]
    assert len(body10["data"]["association"]["units"]["edges"]) == 10 and len(edges) == 100
    assert all(len(e["node"]["currentOwners"][0]["party"]["contactPoints"]) == 2 for e in edges)
    assert all(e["node"]["residents"][0]["party"]["name"].startswith("Owner") for e in edges)
    assert n10 == n100 == SETUP + LEVELS[read_path], statements


async def test_a_list_of_associations_pages_their_units_in_one_statement(api, platform, statements, read_path) -> None:
    admin, org = await api.admin_of_new_org("management_company")
    for units in (3, 4, 5):
        await _association(api, platform, admin, org, units)
    query = "{ associations(first: 10) { nodes { code units(first: 2) { nodes { unitNumber } pageInfo { hasNextPage } } } } }"
    statements.clear()
    body = await api.gql(query, token=admin.token)
    assert [
        (a["code"], [u["unitNumber"] for u in a["units"]["nodes"]], a["units"]["pageInfo"]["hasNextPage"])
        for a in body["data"]["associations"]["nodes"]
    ] == [("N3", ["1", "2"], True), ("N4", ["1", "2"], True), ("N5", ["1", "2"], True)]
    # set_config with roles, then the compiled list; or associations, then every
    # association's first page of units.
    assert len(statements) == {"compiled": 2, "resolvers": 3}[read_path], statements

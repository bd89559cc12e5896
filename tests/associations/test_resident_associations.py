"""Which associations an owner or tenant sees (issue 18): the one they own or live
in and its master association — not the rest of a management company's client
list — and never a tax id; staff and the board see every association with its tax
id. The same answer through RPC lists and gets, GraphQL lists, `node`/`nodes` and
nested fields."""

from __future__ import annotations

from typing import Any

import pytest

from tests.associations.community import ASSOCIATION, Community, add_people, build

LIST = "{ associations(first: 100) { nodes { code taxId } } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Association { code taxId } } }"
MINE = """{ viewer { myUnits { unitNumber association { code taxId
  masterAssociation { code taxId masterAssociation { code } } } } } }"""
UNITS = "{ units(first: 100) { nodes { unitNumber association { code taxId } } } }"


@pytest.fixture
async def portfolio(api):  # type: ignore[no-untyped-def]
    """A management company's three associations: MGV (three units) under master
    MSTR, itself under TOP, and OTH (one unit). The owner owns MGV unit 1, the
    tenant rents MGV unit 2; `nobody` is a member with no unit."""
    c = await build(api, 3)
    top = await api.call("association/v1/create", ASSOCIATION | {"code": "TOP", "kind": "master", "taxId": "11-1111111"}, c.admin)
    master = await api.call(
        "association/v1/create",
        ASSOCIATION | {"code": "MSTR", "kind": "master", "taxId": "98-7654321", "masterAssociationId": top["id"]},
        c.admin,
    )
    await api.call("association/v1/update", {"id": c.association, "masterAssociationId": master["id"]}, c.admin)
    other = await build(api, 1, code="OTH", admin=c.admin, org=c.org)
    c.top, c.master, c.other = top["id"], master["id"], other.association
    c.board, _ = await api.add_member(c.admin, ["board_member"])
    await api.select(c.board, c.org)
    return await add_people(api, c)


def _codes(nodes: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(n["code"], n["taxId"]) for n in nodes]


async def test_staff_and_the_board_see_every_association_and_its_tax_id(api, portfolio) -> None:  # type: ignore[no-untyped-def]
    c: Community = portfolio
    every = [("MGV", "12-3456789"), ("MSTR", "98-7654321"), ("OTH", "12-3456789"), ("TOP", "11-1111111")]
    for caller in (c.admin, c.board):
        assert _codes((await api.call("association/v1/list", {}, caller))["nodes"]) == every
        assert _codes((await api.gql(LIST, token=caller.token))["data"]["associations"]["nodes"]) == every
        assert (await api.call("association/v1/get", {"id": c.other}, caller))["taxId"] == "12-3456789"
        body = await api.gql(NODES, {"ids": [c.association, c.other]}, token=caller.token)
        assert _codes(body["data"]["nodes"]) == [("MGV", "12-3456789"), ("OTH", "12-3456789")]


@pytest.mark.parametrize("who", ["owner", "tenant"])
async def test_owner_and_tenant_see_their_association_and_its_master_without_tax_ids(api, portfolio, who) -> None:  # type: ignore[no-untyped-def]
    c: Community = portfolio
    caller = getattr(c, who)
    theirs = [("MGV", None), ("MSTR", None)]
    # Lists: filtered by the query plan, so pages and cursors count only these.
    assert _codes((await api.call("association/v1/list", {}, caller))["nodes"]) == theirs
    assert _codes((await api.gql(LIST, token=caller.token))["data"]["associations"]["nodes"]) == theirs
    assert _codes((await api.call("association/v1/list", {"masterAssociationId": c.master}, caller))["nodes"]) == [("MGV", None)]
    # Gets: theirs without the tax id; any other is NOT_FOUND, as if it didn't exist.
    for aid, code in ((c.association, "MGV"), (c.master, "MSTR")):
        got = await api.call("association/v1/get", {"id": aid}, caller)
        assert (got["code"], got["taxId"], got["legalName"]) == (code, None, ASSOCIATION["legalName"])
    for hidden in (c.other, c.top):
        r = await api.rpc("association/v1/get", {"id": hidden}, token=caller.token)
        assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND", r.text
    # node / nodes: the same rows, the same masking.
    body = await api.gql(NODES, {"ids": [c.association, c.other, c.master, c.top]}, token=caller.token)
    assert body["data"]["nodes"] == [{"code": "MGV", "taxId": None}, None, {"code": "MSTR", "taxId": None}, None]
    # Nested: their unit's association and its master; the master's own master is not theirs.
    mine = (await api.gql(MINE, token=caller.token))["data"]["viewer"]["myUnits"]
    assert [u["association"] for u in mine] == [
        {"code": "MGV", "taxId": None, "masterAssociation": {"code": "MSTR", "taxId": None, "masterAssociation": None}}
    ]
    units = (await api.gql(UNITS, token=caller.token))["data"]["units"]["nodes"]
    assert [u["association"] for u in units] == [{"code": "MGV", "taxId": None}]


async def test_member_without_a_unit_sees_no_association(api, portfolio) -> None:  # type: ignore[no-untyped-def]
    c: Community = portfolio
    assert (await api.call("association/v1/list", {}, c.nobody))["nodes"] == []
    assert (await api.gql(LIST, token=c.nobody.token))["data"]["associations"]["nodes"] == []
    r = await api.rpc("association/v1/get", {"id": c.association}, token=c.nobody.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    body = await api.gql(NODES, {"ids": [c.association, c.master]}, token=c.nobody.token)
    assert body["data"]["nodes"] == [None, None]


async def test_a_tenant_who_moved_out_no_longer_sees_the_association(api, portfolio) -> None:  # type: ignore[no-untyped-def]
    c: Community = portfolio
    resident = (await api.call("resident/v1/list", {"unitId": c.units[1]}, c.admin))["nodes"]
    tess = next(r["id"] for r in resident if r["kind"] == "tenant")
    await api.call("resident/v1/update", {"id": tess, "movedOutOn": "2025-06-30"}, c.admin)
    # Relations are read with the roles on every request: the next one already knows.
    assert (await api.call("association/v1/list", {}, c.tenant))["nodes"] == []
    r = await api.rpc("association/v1/get", {"id": c.association}, token=c.tenant.token)
    assert r.status_code == 404

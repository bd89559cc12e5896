"""What an owner, a tenant and a member with no unit see: staff see every unit;
an owner their units, ownerships and household; a tenant their unit only. Each
test runs on both read paths (compiled SQL and the resolvers)."""

from __future__ import annotations

import uuid

import pytest

from tests.associations.community import add_people, build

pytestmark = pytest.mark.usefixtures("read_path")

NESTED = """query($id: ID!) { association(id: $id) { code units(first: 100) { nodes {
  unitNumber currentOwners { party { name } } residents { kind party { name } } } } } }"""
MINE = "{ viewer { myUnits { unitNumber currentOwners { party { name } } } } }"


@pytest.fixture
async def people(api):
    return await add_people(api, await build(api, 3))


async def test_staff_see_everything(api, people) -> None:
    body = await api.gql(NESTED, {"id": people.association}, token=people.admin.token)
    assert [u["unitNumber"] for u in body["data"]["association"]["units"]["nodes"]] == ["1", "2", "3"]


async def test_owner_sees_own_unit_owners_and_household(api, people) -> None:
    c = people
    body = await api.gql(NESTED, {"id": c.association}, token=c.owner.token)
    assert body["data"]["association"]["units"]["nodes"] == [
        {
            "unitNumber": "1",
            "currentOwners": [{"party": {"name": "Owner MGV 1"}}],
            "residents": [{"kind": "OWNER", "party": {"name": "Owner MGV 1"}}],
        }
    ]
    assert (await api.gql(MINE, token=c.owner.token))["data"]["viewer"]["myUnits"] == [
        {"unitNumber": "1", "currentOwners": [{"party": {"name": "Owner MGV 1"}}]}
    ]
    assert (await api.rpc("unit/v1/get", {"id": c.units[0]}, token=c.owner.token)).status_code == 200
    r = await api.rpc("unit/v1/get", {"id": c.units[2]}, token=c.owner.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    assert [n["unitNumber"] for n in (await api.call("unit/v1/list", {}, c.owner))["nodes"]] == ["1"]
    assert len((await api.call("ownership/v1/list", {}, c.owner))["nodes"]) == 1
    assert [n["id"] for n in (await api.call("party/v1/list", {}, c.owner))["nodes"]] == [c.parties[0]]
    # Their association's facts, but not its tax id (tests/associations/test_resident_associations.py).
    mine = await api.call("association/v1/get", {"id": c.association}, c.owner)
    assert (mine["code"], mine["taxId"]) == ("MGV", None)
    # Their own phone number, yes; linking accounts or writing units, no.
    await api.call(
        "party/v1/update",
        {"id": c.parties[0], "contactPoints": [{"kind": "phone", "value": "+19165550199", "isPrimary": True}]},
        c.owner,
    )
    r = await api.rpc(
        "party/v1/update", {"id": c.parties[0], "userId": c.nobody.user_id}, token=c.owner.token, key=uuid.uuid4().hex
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    r = await api.rpc("unit/v1/update", {"id": c.units[0], "building": "mine"}, token=c.owner.token, key=uuid.uuid4().hex)
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    r = await api.rpc("party/v1/update", {"id": c.parties[1], "name": "x"}, token=c.owner.token, key=uuid.uuid4().hex)
    assert r.status_code == 404


async def test_tenant_sees_their_unit_only(api, people) -> None:
    c = people
    body = await api.gql(NESTED, {"id": c.association}, token=c.tenant.token)
    assert body["data"]["association"]["units"]["nodes"] == [
        {"unitNumber": "2", "currentOwners": [], "residents": [{"kind": "TENANT", "party": {"name": "Tess Tenant"}}]}
    ]
    assert [u["unitNumber"] for u in (await api.gql(MINE, token=c.tenant.token))["data"]["viewer"]["myUnits"]] == ["2"]
    assert (await api.call("ownership/v1/list", {"unitId": c.units[1]}, c.tenant))["nodes"] == []
    r = await api.rpc("party/v1/get", {"id": c.parties[1]}, token=c.tenant.token)
    assert r.status_code == 404


async def test_member_without_a_unit_sees_no_units(api, people) -> None:
    c = people
    # Nor the association itself: it is none of theirs.
    body = await api.gql(NESTED, {"id": c.association}, token=c.nobody.token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
    assert (await api.call("unit/v1/list", {}, c.nobody))["nodes"] == []
    assert (await api.gql(MINE, token=c.nobody.token))["data"]["viewer"]["myUnits"] == []
    ids = [c.units[0], c.parties[0]]
    body = await api.gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=c.nobody.token)
    assert body["data"]["nodes"] == [None, None]
    body = await api.gql("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids}, token=c.owner.token)
    assert [n["id"] for n in body["data"]["nodes"]] == ids


async def test_access_follows_a_transfer_on_the_next_request(api, people) -> None:
    c = people
    buyer = await api.call("party/v1/create", {"kind": "person", "name": "New Owner", "deliveryPreference": "postal"}, c.admin)
    await api.call(
        "ownership/v1/transfer",
        {"unitId": c.units[0], "transferOn": "2025-06-01", "buyers": [{"partyId": buyer["id"], "interest": "1"}]},
        c.admin,
    )
    # Still living there as the old owner-occupant, no longer an owner: the unit
    # stays visible (resident), its ownerships don't.
    assert (await api.call("ownership/v1/list", {"unitId": c.units[0]}, c.owner))["nodes"] == []
    mine = (await api.gql(MINE, token=c.owner.token))["data"]["viewer"]["myUnits"]
    assert mine == [{"unitNumber": "1", "currentOwners": []}]

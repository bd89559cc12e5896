"""The owner's home: one read of everything about the caller's units — and
nothing of anyone else's (two owners of one association, two associations of
one management company, a tenant, two organizations) — whose statement count
does not grow with the number of units; and the resident directory, hidden
until a resident opts in, showing only what they chose."""

from __future__ import annotations

import json
from typing import Any

from tests.portal.home import buys, company, home_of, person, world
from tests.violations.enforcement import code, day, open_enforcement


async def test_two_owners_of_one_association_each_see_only_their_own(api) -> None:
    e, made = await world(api, units=4)
    alice = await person(api, e, [0, 1])
    bob = await person(api, e, [2])
    mine, theirs = await home_of(api, alice), await home_of(api, bob)

    assert [u["id"] for u in mine["units"]] == [e.units[0], e.units[1]]
    assert all(u["owned"] for u in mine["units"])
    assert [u["balance"] for u in mine["units"]] == ["100.00", "101.00"]
    assert mine["totalBalance"] == "201.00"
    assert {c["id"] for u in mine["units"] for c in u["nextCharges"]} == {made[0]["charge"]["id"], made[1]["charge"]["id"]}
    assert {v["id"] for v in mine["violations"]} == {made[0]["violation"]["id"], made[1]["violation"]["id"]}
    assert all(v["respondWith"] == "violation/v1/respond" for v in mine["violations"])
    assert {w["id"] for w in mine["workOrders"]} == {made[0]["workOrder"]["id"], made[1]["workOrder"]["id"]}
    assert mine["violationCount"] == mine["workOrderCount"] == 2

    assert [u["id"] for u in theirs["units"]] == [e.units[2]]
    assert theirs["totalBalance"] == "102.00"
    assert [v["id"] for v in theirs["violations"]] == [made[2]["violation"]["id"]]
    assert [w["id"] for w in theirs["workOrders"]] == [made[2]["workOrder"]["id"]]
    # Nothing of unit 3 (nobody's here) nor of each other's anywhere in the payload.
    for home in (mine, theirs):
        text = json.dumps(home)
        foreign = [e.units[3], made[3]["charge"]["id"], made[3]["violation"]["id"], made[3]["workOrder"]["id"]]
        assert not any(i in text for i in foreign), text
    assert e.units[2] not in json.dumps(mine) and e.units[0] not in json.dumps(theirs)

    # The RPC read answers the same home.
    r = await api.rpc("ownerHome/v1/get", {}, token=alice.token)
    assert r.status_code == 200, r.text
    assert [u["id"] for u in r.json()["units"]] == [e.units[0], e.units[1]]


async def test_a_tenant_sees_their_home_but_not_the_landlords_money(api) -> None:
    e, made = await world(api, units=2)
    tenant, _ = await api.add_member(e.admin, ["member"])
    party = (await api.call("party/v1/create", {"kind": "person", "name": "Terry", "deliveryPreference": "postal"}, e.admin))[
        "id"
    ]
    await api.call(
        "resident/v1/create", {"unitId": e.units[1], "partyId": party, "kind": "tenant", "movedInOn": day(-30)}, e.admin
    )
    await api.call("party/v1/update", {"id": party, "userId": tenant.user_id}, e.admin)
    await api.select(tenant, e.org)
    home = await home_of(api, tenant)
    assert [(u["id"], u["owned"], u["livesIn"]) for u in home["units"]] == [(e.units[1], False, True)]
    unit = home["units"][0]
    assert (unit["balance"], unit["pastDue"], unit["nextCharges"], unit["lastStatement"]) == (None, None, [], None)
    assert home["totalBalance"] == "0.00"
    # The tenant's unit's work order, as its own list shows them; no violation response for a tenant.
    assert [w["id"] for w in home["workOrders"]] == [made[1]["workOrder"]["id"]]
    assert all(v["respondWith"] is None for v in home["violations"])
    assert made[0]["workOrder"]["id"] not in json.dumps(home)


async def test_two_associations_of_one_company_and_another_organization(api) -> None:
    first, made = await world(api, units=2)
    second, other = await world(api, units=2)
    # One person owns unit 0 of the first association (organization 1) and both
    # units of the second (organization 2).
    who = await person(api, first, [0])
    party = second.parties[0]
    await api.call("membership/v1/add", {"email": who.email, "roles": ["member"]}, second.admin)
    await api.call("party/v1/update", {"id": party, "userId": who.user_id}, second.admin)
    await buys(api, second.admin, second.units[1], party)
    await api.select(who, first.org)
    home = await home_of(api, who)
    assert [u["id"] for u in home["units"]] == [first.units[0]]
    # The other organization: counts only, never its rows.
    assert home["otherOrganizations"] == [
        {"id": second.org, "name": home["otherOrganizations"][0]["name"], "ownedUnits": 2, "livedInUnits": 1}
    ]
    text = json.dumps(home)
    assert not any(i in text for i in [*second.units, other[0]["violation"]["id"], other[0]["workOrder"]["id"]])
    # Switching organization switches the home.
    await api.select(who, second.org)
    there = await home_of(api, who)
    assert [u["id"] for u in there["units"]] == second.units
    assert [o["id"] for o in there["otherOrganizations"]] == [first.org]
    assert made[0]["violation"]["id"] not in json.dumps(there)


async def test_the_home_costs_the_same_for_2_and_20_units(api, statements) -> None:
    async def count(units: int) -> tuple[int, dict[str, Any]]:
        e, _ = await world(api, units=units)
        owner = await person(api, e, list(range(units)))
        await home_of(api, owner)  # the roles read once, as for any first request
        statements.clear()
        home = await home_of(api, owner)
        return len(statements), home

    (n2, two), (n20, twenty) = await count(2), await count(20)
    assert (len(two["units"]), len(twenty["units"])) == (2, 20)
    assert twenty["violationCount"] == twenty["workOrderCount"] == 20
    assert n2 == n20, statements


async def test_the_directory_is_hidden_until_a_resident_opts_in(api) -> None:
    e = await open_enforcement(api, "CA", units=3)
    alice = await person(api, e, [0])
    bob = await person(api, e, [1])
    listed = await api.call("residentDirectory/v1/list", {"associationId": e.association}, bob)
    assert listed["nodes"] == []
    assert (await home_of(api, alice))["directory"] == {
        "showName": False,
        "showUnit": False,
        "showPhone": False,
        "showEmail": False,
    }

    chosen = await api.call("directorySetting/v1/set", {"showName": True, "showEmail": True}, alice)
    assert (chosen["showName"], chosen["showUnit"], chosen["showEmail"]) == (True, False, True)
    listed = await api.call("residentDirectory/v1/list", {"associationId": e.association}, bob)
    assert listed["nodes"] == [
        {"id": e.parties[0], "name": "Owner 1", "unitNumbers": None, "phone": None, "email": "owner1@example.org"}
    ]
    # A later change keeps what it does not name; hiding again empties the listing.
    await api.call("directorySetting/v1/set", {"showUnit": True}, alice)
    listed = await api.call("residentDirectory/v1/list", {"associationId": e.association}, bob)
    assert listed["nodes"][0]["unitNumbers"] == ["1"] and listed["nodes"][0]["name"] == "Owner 1"
    await api.call("directorySetting/v1/set", {"showName": False, "showUnit": False, "showEmail": False}, alice)
    assert (await api.call("residentDirectory/v1/list", {"associationId": e.association}, bob))["nodes"] == []
    # Bob's settings are Bob's: Alice's calls never touched them.
    assert (await home_of(api, bob))["directory"]["showName"] is False


async def test_the_directory_is_for_the_associations_residents(api) -> None:
    e = await open_enforcement(api, "CA", units=1)
    other = await open_enforcement(api, "CA", units=1)
    alice = await person(api, e, [0])
    await api.call("directorySetting/v1/set", {"showName": True}, alice)
    # A member of the organization with no unit there is refused the directory.
    stranger, _ = await api.add_member(e.admin, ["member"])
    await api.select(stranger, e.org)
    r = await api.rpc("residentDirectory/v1/list", {"associationId": e.association}, token=stranger.token)
    assert code(r) == (403, "FORBIDDEN")
    r = await api.rpc("directorySetting/v1/set", {"showName": True}, token=stranger.token, key="none")
    assert code(r) == (422, "NO_PARTY")
    # Another organization's association is no reference at all.
    r = await api.rpc("residentDirectory/v1/list", {"associationId": other.association}, token=alice.token)
    assert code(r) == (422, "INVALID_REFERENCE")
    # Staff read it too.
    assert [
        n["name"] for n in (await api.call("residentDirectory/v1/list", {"associationId": e.association}, e.manager))["nodes"]
    ] == ["Owner 1"]


async def test_two_associations_of_one_company_each_owner_sees_only_their_own_association(api) -> None:
    a, b = await company(api)
    for mine, theirs in ((a, b), (b, a)):
        home = await home_of(api, mine.owner)
        assert [u["id"] for u in home["units"]] == [mine.e.units[0]]
        assert mine.made["charge"] in {c["id"] for c in home["units"][0]["nextCharges"]}
        # What the association shares with all its owners, and only with them.
        assert [m["id"] for m in home["meetings"]] == [mine.made["meeting"]]
        assert {d["id"] for d in home["documents"]} == {mine.made["document"], mine.made["public_document"]}
        assert [x["id"] for x in home["bookings"]] == [mine.made["booking"]]
        assert home["otherOrganizations"] == []
        text = json.dumps(home)
        assert not any(i in text for i in [theirs.e.association, *theirs.e.units, *theirs.made.values()]), text
        listed = await api.call("residentDirectory/v1/list", {"associationId": mine.e.association}, mine.owner)
        assert [n["id"] for n in listed["nodes"]] == [mine.made["party"]]
        r = await api.rpc("residentDirectory/v1/list", {"associationId": theirs.e.association}, token=mine.owner.token)
        assert code(r) == (403, "FORBIDDEN")
        amenities = await api.call("amenity/v1/list", {"associationId": theirs.e.association}, mine.owner)
        assert amenities["nodes"] == []

"""Parties, contact points, ownership history and transfers, residents."""

from __future__ import annotations

import uuid

from tests.associations.community import build

HISTORY = """query($id: ID!) { unit(id: $id) {
  currentOwners { interest isPrimary party { name } }
  ownershipHistory { startsOn endsOn party { name } } } }"""


async def test_party_contact_points_and_delivery_consent(api) -> None:
    admin, _ = await api.admin_of_new_org()
    party = {"kind": "company", "name": "Doe Family Trust", "deliveryPreference": "electronic"}
    r = await api.rpc("party/v1/create", party, token=admin.token, key="no-consent")
    assert r.status_code == 422 and r.json()["error"]["code"] == "ELECTRONIC_CONSENT_REQUIRED", r.text
    created = await api.call(
        "party/v1/create",
        party
        | {
            "electronicConsentAt": "2026-01-15T17:00:00Z",
            "contactPoints": [{"kind": "email", "value": "trust@example.org", "isPrimary": True}],
        },
        admin,
    )
    query = "query($id: ID!) { party(id: $id) { name contactPoints { kind value isPrimary } } }"
    body = await api.gql(query, {"id": created["id"]}, token=admin.token)
    assert body["data"]["party"]["contactPoints"] == [{"kind": "EMAIL", "value": "trust@example.org", "isPrimary": True}]
    await api.call("party/v1/update", {"id": created["id"], "contactPoints": []}, admin)
    body = await api.gql(query, {"id": created["id"]}, token=admin.token)
    assert body["data"]["party"]["contactPoints"] == []
    r = await api.rpc("party/v1/update", {"id": created["id"], "electronicConsentAt": None}, token=admin.token, key="drop")
    assert r.status_code == 422 and r.json()["error"]["code"] == "ELECTRONIC_CONSENT_REQUIRED"
    page = await api.call("party/v1/list", {"search": "doe"}, admin)
    assert [n["name"] for n in page["nodes"]] == ["Doe Family Trust"]


async def test_linking_a_user_needs_a_member_once(api) -> None:
    admin, _ = await api.admin_of_new_org()
    outsider = await api.register()
    base = {"kind": "person", "name": "Jo", "deliveryPreference": "postal"}
    r = await api.rpc("party/v1/create", base | {"userId": outsider.user_id}, token=admin.token, key="outsider")
    assert r.status_code == 422 and r.json()["error"]["code"] == "USER_NOT_A_MEMBER", r.text
    member, _ = await api.add_member(admin, ["member"])
    await api.call("party/v1/create", base | {"userId": member.user_id}, admin)
    r = await api.rpc("party/v1/create", base | {"userId": member.user_id}, token=admin.token, key="twice")
    assert r.status_code == 409 and r.json()["error"]["code"] == "PARTY_USER_TAKEN"


async def test_transfer_keeps_history(api) -> None:
    c = await build(api, 1)
    unit = c.units[0]
    buyers = [
        (await api.call("party/v1/create", {"kind": "person", "name": name, "deliveryPreference": "postal"}, c.admin))["id"]
        for name in ("Buyer One", "Buyer Two")
    ]
    bad = [
        {"transferOn": "2019-06-01", "buyers": [{"partyId": buyers[0], "interest": "1"}]},  # before the seller's start
        {"transferOn": "2026-06-01", "buyers": [{"partyId": buyers[0], "interest": "0.5"}]},  # doesn't sum to 1
        {"transferOn": "2026-06-01", "buyers": [{"partyId": buyers[0], "interest": "0.5"}] * 2},  # twice
        {"transferOn": "2026-06-01", "buyers": [{"partyId": "pty_" + "a" * 26, "interest": "1"}]},  # unknown party
    ]
    for body in bad:
        r = await api.rpc("ownership/v1/transfer", {"unitId": unit, **body}, token=c.admin.token, key=uuid.uuid4().hex)
        assert r.status_code == 422 and r.json()["error"]["code"] in ("INVALID_TRANSFER", "INVALID_REFERENCE"), (body, r.text)
    result = await api.call(
        "ownership/v1/transfer",
        {
            "unitId": unit,
            "transferOn": "2026-06-01",
            "buyers": [{"partyId": buyers[0], "interest": "0.5"}, {"partyId": buyers[1], "interest": "0.5", "isPrimary": True}],
        },
        c.admin,
    )
    assert [o["endsOn"] for o in result["ended"]] == ["2026-06-01"]
    assert [(o["interest"], o["isPrimary"]) for o in result["started"]] == [("0.5000", False), ("0.5000", True)]
    body = await api.gql(HISTORY, {"id": unit}, token=c.admin.token)
    unit_view = body["data"]["unit"]
    assert unit_view["currentOwners"] == [
        {"interest": "0.5000", "isPrimary": True, "party": {"name": "Buyer Two"}},
        {"interest": "0.5000", "isPrimary": False, "party": {"name": "Buyer One"}},
    ]
    assert [(h["party"]["name"], h["startsOn"], h["endsOn"]) for h in unit_view["ownershipHistory"]][-1] == (
        "Owner MGV 1",
        "2020-01-01",
        "2026-06-01",
    )
    ended = result["ended"][0]["id"]
    r = await api.rpc("ownership/v1/update", {"id": ended, "isPrimary": True}, token=c.admin.token, key="old")
    assert r.status_code == 422 and r.json()["error"]["code"] == "HISTORY_IMMUTABLE"
    history = await api.call("ownership/v1/list", {"unitId": unit}, c.admin)
    assert len(history["nodes"]) == 3
    current = await api.call("ownership/v1/list", {"unitId": unit, "currentOnly": True}, c.admin)
    assert {n["partyId"] for n in current["nodes"]} == set(buyers)


async def test_co_owner_interests_and_primary(api) -> None:
    c = await build(api, 1)
    extra = (await api.call("party/v1/create", {"kind": "person", "name": "Co Owner", "deliveryPreference": "postal"}, c.admin))[
        "id"
    ]
    r = await api.rpc(
        "ownership/v1/create",
        {"unitId": c.units[0], "partyId": extra, "interest": "0.1", "startsOn": "2024-01-01", "isPrimary": False},
        token=c.admin.token,
        key="over",
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "OWNERSHIP_INTEREST_EXCEEDED"
    current = (await api.call("ownership/v1/list", {"unitId": c.units[0]}, c.admin))["nodes"][0]
    r = await api.rpc("ownership/v1/update", {"id": current["id"], "endsOn": "2019-01-01"}, token=c.admin.token, key="early")
    assert r.status_code == 422 and r.json()["error"]["code"] == "HISTORY_IMMUTABLE"
    await api.call("ownership/v1/update", {"id": current["id"], "endsOn": "2024-01-01"}, c.admin)
    await api.call(
        "ownership/v1/create",
        {"unitId": c.units[0], "partyId": extra, "interest": "1", "startsOn": "2024-01-01", "isPrimary": True},
        c.admin,
    )
    body = await api.gql(HISTORY, {"id": c.units[0]}, token=c.admin.token)
    assert body["data"]["unit"]["currentOwners"] == [{"interest": "1.0000", "isPrimary": True, "party": {"name": "Co Owner"}}]


async def test_residents_move_in_and_out(api) -> None:
    c = await build(api, 1)
    tenant = (await api.call("party/v1/create", {"kind": "person", "name": "Tenant", "deliveryPreference": "postal"}, c.admin))[
        "id"
    ]
    stay = await api.call(
        "resident/v1/create", {"unitId": c.units[0], "partyId": tenant, "kind": "tenant", "movedInOn": "2025-02-01"}, c.admin
    )
    query = "query($id: ID!) { unit(id: $id) { residents { kind party { name } } } }"
    body = await api.gql(query, {"id": c.units[0]}, token=c.admin.token)
    assert [r["kind"] for r in body["data"]["unit"]["residents"]] == ["OWNER", "TENANT"]
    r = await api.rpc("resident/v1/update", {"id": stay["id"], "movedOutOn": "2025-01-01"}, token=c.admin.token, key="before")
    assert r.status_code == 422 and r.json()["error"]["code"] == "HISTORY_IMMUTABLE"
    await api.call("resident/v1/update", {"id": stay["id"], "movedOutOn": "2026-01-01"}, c.admin)
    body = await api.gql(query, {"id": c.units[0]}, token=c.admin.token)
    assert [r["kind"] for r in body["data"]["unit"]["residents"]] == ["OWNER"]
    r = await api.rpc("resident/v1/update", {"id": stay["id"], "movedOutOn": "2026-02-01"}, token=c.admin.token, key="again")
    assert r.status_code == 422 and r.json()["error"]["code"] == "HISTORY_IMMUTABLE"
    everyone = await api.call("resident/v1/list", {"unitId": c.units[0], "currentOnly": False}, c.admin)
    assert len(everyone["nodes"]) == 2


async def test_references_into_another_tenant_are_refused(api) -> None:
    ours = await build(api, 1)
    theirs = await build(api, 1)
    for name, body in (
        (
            "ownership/v1/create",
            {
                "unitId": theirs.units[0],
                "partyId": ours.parties[0],
                "interest": "0.1",
                "startsOn": "2024-01-01",
                "isPrimary": False,
            },
        ),
        (
            "ownership/v1/create",
            {
                "unitId": ours.units[0],
                "partyId": theirs.parties[0],
                "interest": "0.1",
                "startsOn": "2024-01-01",
                "isPrimary": False,
            },
        ),
        (
            "resident/v1/create",
            {"unitId": theirs.units[0], "partyId": ours.parties[0], "kind": "tenant", "movedInOn": "2024-01-01"},
        ),
        (
            "unit/v1/create",
            {
                "associationId": theirs.association,
                "unitNumber": "X",
                "unitType": "condo",
                "status": "active",
                "street": "x",
                "city": "x",
                "region": "CA",
                "postalCode": "1",
                "country": "US",
                "votingWeight": "0",
                "assessmentShare": "0",
            },
        ),
    ):
        r = await api.rpc(name, body, token=ours.admin.token, key=uuid.uuid4().hex)
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE", (name, r.text)

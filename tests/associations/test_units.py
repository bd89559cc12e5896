"""unit/v1/*: unit numbers, share totals, emergency contacts, filters, sorting,
pagination, and the all-or-nothing bulk import."""

from __future__ import annotations

import uuid

from tests.associations.community import ASSOCIATION, build, unit_fields


async def _association(api):
    admin, _ = await api.admin_of_new_org()
    return admin, (await api.call("association/v1/create", ASSOCIATION, admin))["id"]


async def test_create_update_and_emergency_contacts(api) -> None:
    admin, association = await _association(api)
    contacts = [
        {"name": "Ann Neighbor", "relationship": "neighbor", "phone": "+1 916 555 0101"},
        {"name": "Sis", "phone": "9165550102"},
    ]
    unit = await api.call(
        "unit/v1/create", {"associationId": association, **unit_fields("12B"), "emergencyContacts": contacts}, admin
    )
    assert unit["unitNumber"] == "12B" and unit["assessmentShare"] == "0.01000000"
    query = "query($id: ID!) { unit(id: $id) { building emergencyContacts { name phone priority } association { code } } }"
    body = await api.gql(query, {"id": unit["id"]}, token=admin.token)
    assert body["data"]["unit"]["emergencyContacts"] == [
        {"name": "Ann Neighbor", "phone": "+1 916 555 0101", "priority": 1},
        {"name": "Sis", "phone": "9165550102", "priority": 2},
    ]
    assert body["data"]["unit"]["association"] == {"code": "MGV"}
    await api.call("unit/v1/update", {"id": unit["id"], "building": "B", "emergencyContacts": contacts[1:]}, admin)
    body = await api.gql(query, {"id": unit["id"]}, token=admin.token)
    assert body["data"]["unit"]["building"] == "B"
    assert [c["name"] for c in body["data"]["unit"]["emergencyContacts"]] == ["Sis"]
    r = await api.rpc("unit/v1/create", {"associationId": association, **unit_fields("12B")}, token=admin.token, key="dup")
    assert r.status_code == 409 and r.json()["error"]["code"] == "UNIT_NUMBER_TAKEN"


async def test_shares_may_not_exceed_one_and_inactive_units_free_theirs(api) -> None:
    admin, association = await _association(api)
    first = await api.call("unit/v1/create", {"associationId": association, **unit_fields("1", "0.6")}, admin)
    r = await api.rpc("unit/v1/create", {"associationId": association, **unit_fields("2", "0.5")}, token=admin.token, key="over")
    assert r.status_code == 422 and r.json()["error"]["code"] == "SHARES_EXCEED_TOTAL", r.text
    assert r.json()["error"]["details"]["currentTotal"] == "0.60000000"
    r = await api.rpc("unit/v1/update", {"id": first["id"], "votingWeight": "1.00000001"}, token=admin.token, key="big")
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED"
    await api.call("unit/v1/update", {"id": first["id"], "status": "inactive"}, admin)
    await api.call("unit/v1/create", {"associationId": association, **unit_fields("2", "0.5")}, admin)
    r = await api.rpc("unit/v1/update", {"id": first["id"], "status": "active"}, token=admin.token, key="back")
    assert r.status_code == 422 and r.json()["error"]["code"] == "SHARES_EXCEED_TOTAL"
    body = await api.gql(
        "query($id: ID!) { association(id: $id) { shareTotals { unitCount votingWeight assessmentShare } } }",
        {"id": association},
        token=admin.token,
    )
    assert body["data"]["association"]["shareTotals"] == {
        "unitCount": 1,
        "votingWeight": "0.50000000",
        "assessmentShare": "0.50000000",
    }


async def test_bad_unit_input(api) -> None:
    admin, association = await _association(api)
    for bad in (
        {"assessmentShare": "0.123456789"},  # more than 8 decimals
        {"assessmentShare": "-0.1"},
        {"unitType": "castle"},
        {"squareFeet": 0},
        {"unitNumber": ""},
        {"country": "us"},
    ):
        r = await api.rpc(
            "unit/v1/create", {"associationId": association, **unit_fields("9"), **bad}, token=admin.token, key=uuid.uuid4().hex
        )
        assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", (bad, r.text)
    r = await api.rpc("unit/v1/create", {"associationId": "asn_" + "a" * 26, **unit_fields("9")}, token=admin.token, key="nope")
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE"
    assert (await api.call("unit/v1/list", {}, admin))["nodes"] == []


async def test_filters_search_sorting_and_pages(api) -> None:
    c = await build(api, 5)
    await api.call("unit/v1/update", {"id": c.units[3], "unitType": "parking", "status": "inactive"}, c.admin)
    listing = await api.call("unit/v1/list", {"associationId": c.association, "unitType": "parking"}, c.admin)
    assert [n["unitNumber"] for n in listing["nodes"]] == ["4"]
    listing = await api.call("unit/v1/list", {"status": "active", "descending": True}, c.admin)
    assert [n["unitNumber"] for n in listing["nodes"]] == ["5", "3", "2", "1"]
    # Text search matches the unit number or a current owner's name.
    by_owner = await api.call("unit/v1/list", {"search": "owner mgv 2"}, c.admin)
    assert [n["unitNumber"] for n in by_owner["nodes"]] == ["2"]
    assert [n["unitNumber"] for n in (await api.call("unit/v1/list", {"search": "5"}, c.admin))["nodes"]] == ["5"]
    assert (await api.call("unit/v1/list", {"search": "%"}, c.admin))["nodes"] == []
    seen, after = [], None
    while True:
        page = await api.call("unit/v1/list", {"first": 2, "after": after, "orderBy": "created_at"}, c.admin)
        seen += [e["node"]["unitNumber"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sorted(seen) == ["1", "2", "3", "4", "5"] and len(seen) == 5
    for first in (0, 101):
        r = await api.rpc("unit/v1/list", {"first": first}, token=c.admin.token)
        assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED"
    # GraphQL refuses it before execution, in the page-size guard.
    body = await api.gql("{ units(first: 101) { nodes { id } } }", token=c.admin.token)
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    r = await api.rpc("unit/v1/list", {"after": "garbage"}, token=c.admin.token)
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED"


async def test_bulk_import_json_and_csv(api) -> None:
    admin, association = await _association(api)
    rows = [unit_fields(str(n), "0.1") for n in range(1, 4)]
    result = await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin)
    assert result["created"] == 3 and all(i.startswith("unt_") for i in result["unitIds"])
    header = "unitNumber,unitType,status,street,city,region,postalCode,country,squareFeet,votingWeight,assessmentShare"
    csv = f"{header}\n10,townhome,active,10 Elm St,Davis,CA,95616,US,,0.2,0.2\n11,storage,active,Lot 11,Davis,CA,95616,US,80,0,0"
    result = await api.call("unit/v1/bulkImport", {"associationId": association, "csv": csv}, admin)
    assert result["created"] == 2
    units = await api.call("unit/v1/list", {"associationId": association, "unitType": "storage"}, admin)
    assert units["nodes"][0]["squareFeet"] == 80


async def test_bulk_import_is_all_or_nothing_with_a_report_per_row(api) -> None:
    admin, association = await _association(api)
    await api.call("unit/v1/create", {"associationId": association, **unit_fields("1")}, admin)
    rows = [
        unit_fields("2"),
        unit_fields("1"),  # taken
        unit_fields("3") | {"unitType": "castle"},
        unit_fields("4") | {"assessmentShare": "0.123456789"},
        unit_fields("2"),  # twice in the file
        {"unitNumber": "5"},
    ]
    r = await api.rpc("unit/v1/bulkImport", {"associationId": association, "rows": rows}, token=admin.token, key="bad")
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "IMPORT_REJECTED"
    problems = {(p["row"], p["field"]) for p in error["details"]["rows"]}
    assert {(2, "unitNumber"), (3, "unitType"), (4, "assessmentShare"), (5, "unitNumber"), (6, "street")} <= problems
    assert {p["row"] for p in error["details"]["rows"]} == {2, 3, 4, 5, 6}
    assert [n["unitNumber"] for n in (await api.call("unit/v1/list", {}, admin))["nodes"]] == ["1"]
    too_much = [unit_fields(str(n), "0.3") for n in range(10, 14)]
    r = await api.rpc("unit/v1/bulkImport", {"associationId": association, "rows": too_much}, token=admin.token, key="much")
    assert r.status_code == 422 and "sum" in r.json()["error"]["details"]["rows"][0]["message"]
    r = await api.rpc("unit/v1/bulkImport", {"associationId": association}, token=admin.token, key="none")
    assert r.status_code == 422 and r.json()["error"]["code"] == "IMPORT_REJECTED"
    assert len((await api.call("unit/v1/list", {}, admin))["nodes"]) == 1


async def test_unit_numbers_sort_the_way_people_count(api) -> None:
    admin, association = await _association(api)
    numbers = ["10", "2", "12B", "1", "12A", "B-3", "100"]
    rows = [unit_fields(n, "0.001") for n in numbers]
    await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin)
    seen, after = [], None
    while True:
        page = await api.call("unit/v1/list", {"associationId": association, "first": 3, "after": after}, admin)
        seen += [n["unitNumber"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["1", "2", "10", "12A", "12B", "100", "B-3"]

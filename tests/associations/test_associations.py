"""association/v1/*: create, change, read, list; links to a master association
and a management company; refused input leaves nothing behind."""

from __future__ import annotations

import uuid

from tests.associations.community import ASSOCIATION


async def test_create_read_update_and_audit(api) -> None:
    admin, org = await api.admin_of_new_org()
    created = await api.call("association/v1/create", ASSOCIATION, admin)
    assert created["id"].startswith("asn_") and created["organizationId"] == org
    assert {k: created[k] for k in ASSOCIATION} == ASSOCIATION
    got = await api.call("association/v1/get", {"id": created["id"]}, admin)
    assert got == created
    changed = await api.call("association/v1/update", {"id": created["id"], "fiscalYearStartMonth": 7, "taxId": None}, admin)
    assert changed["fiscalYearStartMonth"] == 7 and changed["taxId"] is None and changed["legalName"] == ASSOCIATION["legalName"]
    audit = await api.gql(
        '{ auditEvents(first: 1, operation: "association/v1/update") { nodes { summary targetIds } } }', token=admin.token
    )
    event = audit["data"]["auditEvents"]["nodes"][0]
    assert event["summary"]["changed"] == {
        "fiscal_year_start_month": {"from": "1", "to": "7"},
        "tax_id": {"from": "12-3456789", "to": None},
    }
    assert created["id"] in event["targetIds"]
    body = await api.gql(
        "{ associations(first: 5) { nodes { code kind accountingBasis } pageInfo { hasNextPage } } }", token=admin.token
    )
    assert body["data"]["associations"] == {
        "nodes": [{"code": "MGV", "kind": "HOA", "accountingBasis": "ACCRUAL"}],
        "pageInfo": {"hasNextPage": False},
    }


async def test_a_management_company_runs_many_and_pages_through_them(api) -> None:
    admin, _ = await api.admin_of_new_org("management_company")
    codes = [f"A{i:02d}" for i in range(7)]
    for code in reversed(codes):
        await api.call("association/v1/create", ASSOCIATION | {"code": code}, admin)
    seen, after = [], None
    while True:
        page = await api.call("association/v1/list", {"first": 3, "after": after}, admin)
        seen += [n["code"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == codes


async def test_master_links_and_cycles(api) -> None:
    admin, _ = await api.admin_of_new_org("management_company")
    master = await api.call("association/v1/create", ASSOCIATION | {"code": "M", "kind": "master"}, admin)
    sub = await api.call("association/v1/create", ASSOCIATION | {"code": "S", "masterAssociationId": master["id"]}, admin)
    body = await api.gql(
        "query($id: ID!) { association(id: $id) { masterAssociation { code } } }", {"id": sub["id"]}, token=admin.token
    )
    assert body["data"]["association"]["masterAssociation"] == {"code": "M"}
    subs = await api.call("association/v1/list", {"masterAssociationId": master["id"]}, admin)
    assert [n["code"] for n in subs["nodes"]] == ["S"]
    r = await api.rpc(
        "association/v1/update", {"id": master["id"], "masterAssociationId": sub["id"]}, token=admin.token, key="cycle"
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE", r.text


async def test_managing_organization_must_be_a_management_company(api) -> None:
    admin, _ = await api.admin_of_new_org()
    company = await api.register()
    company_org = await api.create_org(company, "management_company")
    await api.rpc("organization/v1/select", {"organizationId": company_org}, token=company.token, key=uuid.uuid4().hex)
    provider_org = await api.create_org(admin, "service_provider")
    # The admin can see its own service provider, but it is no management company.
    r = await api.rpc(
        "association/v1/create", ASSOCIATION | {"managingOrganizationId": provider_org}, token=admin.token, key="sp"
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE", r.text
    # A company the association has no link to is invisible (RLS), hence the same answer.
    r = await api.rpc("association/v1/create", ASSOCIATION | {"managingOrganizationId": company_org}, token=admin.token, key="co")
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE", r.text
    link = await api.rpc("managementLink/v1/create", {"managerOrganizationId": company_org}, token=admin.token, key="link")
    assert link.status_code == 200, link.text
    ok = await api.call("association/v1/create", ASSOCIATION | {"managingOrganizationId": company_org}, admin)
    assert ok["managingOrganizationId"] == company_org


async def test_only_associations_and_management_companies_hold_associations(api) -> None:
    admin, _ = await api.admin_of_new_org("service_provider")
    r = await api.rpc("association/v1/create", ASSOCIATION, token=admin.token, key="x")
    assert r.status_code == 422 and r.json()["error"]["code"] == "ASSOCIATIONS_NOT_ALLOWED"


async def test_bad_input_is_refused_and_nothing_is_written(api) -> None:
    admin, _ = await api.admin_of_new_org()
    bad_inputs = [
        ASSOCIATION | {"fiscalYearStartMonth": 13},
        ASSOCIATION | {"taxId": "123"},
        ASSOCIATION | {"region": "ca"},
        ASSOCIATION | {"country": "USA"},
        ASSOCIATION | {"code": "has space"},
        ASSOCIATION | {"kind": "castle"},
        ASSOCIATION | {"legalName": ""},
        ASSOCIATION | {"extra": 1},
    ]
    for bad in bad_inputs:
        r = await api.rpc("association/v1/create", bad, token=admin.token, key=uuid.uuid4().hex)
        assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", (bad, r.text)
    await api.call("association/v1/create", ASSOCIATION, admin)
    r = await api.rpc("association/v1/create", ASSOCIATION, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ASSOCIATION_CODE_TAKEN"
    assert len((await api.call("association/v1/list", {}, admin))["nodes"]) == 1


async def test_unknown_and_foreign_ids_are_not_found(api) -> None:
    admin, _ = await api.admin_of_new_org()
    other, _ = await api.admin_of_new_org()
    theirs = await api.call("association/v1/create", ASSOCIATION, other)
    for token in (admin.token,):
        r = await api.rpc("association/v1/get", {"id": theirs["id"]}, token=token)
        assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
        r = await api.rpc("association/v1/update", {"id": theirs["id"], "legalName": "Mine now"}, token=token, key="steal")
        assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    assert (await api.call("association/v1/get", {"id": theirs["id"]}, other))["legalName"] == ASSOCIATION["legalName"]

"""`organization/v1/list` names each organization, so an RPC client can show a
person which to select without another call per membership."""

from __future__ import annotations

import uuid

from tests.helpers import Api


async def test_organization_list_names_each_organization_in_constant_statements(api: Api, statements: list[str]) -> None:
    one = await api.register()
    await api.create_org(one, "association", f"Maple {uuid.uuid4().hex[:6]}")
    many = await api.register()
    made = {}
    for type_ in ("association", "management_company", "service_provider"):
        name = f"{type_} {uuid.uuid4().hex[:6]}"
        made[await api.create_org(many, type_, name)] = (name, type_)

    statements.clear()
    r1 = await api.rpc("organization/v1/list", {}, token=one.token)
    n1 = len(statements)
    statements.clear()
    r3 = await api.rpc("organization/v1/list", {}, token=many.token)
    n3 = len(statements)
    assert r1.status_code == r3.status_code == 200, (r1.text, r3.text)
    items = r3.json()["items"]
    assert {m["organizationId"]: (m["organization"]["name"], m["organization"]["type"]) for m in items} == made
    assert all(m["organization"]["id"] == m["organizationId"] and m["roles"] == ["admin"] for m in items), items
    assert n1 == n3, (n1, n3, statements)

    # Every operation answering with a membership carries its organization the same way.
    org = next(iter(made))
    selected = (await api.select(many, org)).json()
    assert selected["organization"] == next(m["organization"] for m in items if m["organizationId"] == org)
    _, membership = await api.add_member(many, ["manager"])
    updated = await api.call("membership/v1/update", {"id": membership, "roles": ["auditor"]}, many)
    assert updated["organization"]["name"] == made[org][0], updated

    # GraphQL answers the same question through the same field.
    body = await api.gql("{ myMemberships { items { organizationId organization { name type } } } }", token=many.token)
    assert {
        m["organizationId"]: (m["organization"]["name"], m["organization"]["type"].lower())
        for m in body["data"]["myMemberships"]["items"]
    } == made

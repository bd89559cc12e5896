"""A management company linked to an association gains nothing there by the link
alone: its staff act in the association only through a membership of their own."""

from __future__ import annotations

import uuid


async def test_link_grants_no_access_without_membership(api) -> None:
    board, association = await api.admin_of_new_org("association")
    manager, company = await api.admin_of_new_org("management_company")
    r = await api.rpc("managementLink/v1/create", {"managerOrganizationId": company}, token=board.token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    assert r.json()["managerOrganizationId"] == company

    # The company's admin can't see into the association or switch to it ...
    body = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": association}, token=manager.token)
    assert body["data"]["node"] is None
    r = await api.rpc("organization/v1/select", {"organizationId": association}, token=manager.token, key=uuid.uuid4().hex)
    assert r.status_code == 404 and r.json()["error"]["code"] == "ORGANIZATION_NOT_FOUND"

    # ... until the association gives them a membership.
    await api.add_member(board, ["manager"], manager)
    await api.select(manager, association)
    body = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": association}, token=manager.token)
    assert body["data"]["node"] == {"id": association}


async def test_only_an_association_links_only_a_management_company(api) -> None:
    board, _ = await api.admin_of_new_org("association")
    other, not_a_company = await api.admin_of_new_org("service_provider")
    r = await api.rpc(
        "managementLink/v1/create", {"managerOrganizationId": not_a_company}, token=board.token, key=uuid.uuid4().hex
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_MANAGEMENT_LINK"
    unknown = "org_" + "b" * 26
    r = await api.rpc("managementLink/v1/create", {"managerOrganizationId": unknown}, token=board.token, key=uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_MANAGEMENT_LINK"
    _, company = await api.admin_of_new_org("management_company")
    r = await api.rpc("managementLink/v1/create", {"managerOrganizationId": company}, token=other.token, key=uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_MANAGEMENT_LINK"

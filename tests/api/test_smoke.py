"""End to end through both transports: register, create, select, viewer."""

from __future__ import annotations

VIEWER = """{ viewer { principalKind user { id email } memberships { id roles organization { id name type } }
  activeOrganization { id name } } }"""


async def test_register_create_select_viewer(api) -> None:  # type: ignore[no-untyped-def]
    caller = await api.register()
    org = await api.create_org(caller, "association", "Maple Grove HOA")
    assert org.startswith("org_")
    body = await api.gql(VIEWER, token=caller.token)
    assert "errors" not in body, body
    viewer = body["data"]["viewer"]
    assert viewer["activeOrganization"] is None
    assert viewer["memberships"][0]["organization"] == {"id": org, "name": "Maple Grove HOA", "type": "ASSOCIATION"}
    await api.select(caller, org)
    body = await api.gql(VIEWER, token=caller.token)
    assert body["data"]["viewer"]["activeOrganization"]["id"] == org

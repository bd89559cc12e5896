"""End to end through both transports: register, create, select, viewer."""

from __future__ import annotations

VIEWER = """{ viewer { principalKind user { id email } memberships { id roles organization { id name type } }
  activeOrganization { id name } } }"""


async def test_register_create_select_viewer(api) -> None:
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


async def test_credential_mutations_refuse_aliases_and_batching(api) -> None:
    login = 'authLogin(input: {email: "a@example.org", password: "x"}) { userErrors { code } }'
    for document in (f"mutation {{ a: {login} }}", f"mutation {{ {login} again: {login} }}"):
        body = await api.gql(document)
        assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX", body
    body = await api.gql(f"mutation {{ {login} }}")
    assert body["data"]["authLogin"]["userErrors"][0]["code"] == "INVALID_CREDENTIALS"


async def test_parse_and_validation_errors_carry_codes(api) -> None:
    caller, _ = await api.admin_of_new_org()
    body = await api.gql("{ viewer { ", token=caller.token)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    body = await api.gql("{ viewer { noSuchField } }", token=caller.token)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    body = await api.gql("{ auditEvents { nodes { id } } }", token=caller.token)  # `first` is required
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

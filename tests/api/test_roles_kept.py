"""Membership roles are kept between requests (graph/roles.py) and stop being used
the moment the organization commits a change: a member's next request after a
role change or a removal sees it, on both transports, without waiting."""

from __future__ import annotations

import uuid
from typing import Any

from tests.helpers import Api

AUDIT_Q = "{ auditEvents(first: 5) { nodes { id } } }"


def _roles_read(statements: list[str]) -> bool:
    """Whether the request read the roles (the scope statement's LATERAL part)."""
    return any("scoped.roles" in s for s in statements)


async def _auditor(api: Api) -> tuple[Any, Any, str]:
    admin, org = await api.admin_of_new_org()
    member = await api.register()
    r = await api.rpc("membership/v1/add", {"email": member.email, "roles": ["auditor"]}, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    await api.select(member, org)
    return admin, member, r.json()["id"]


async def test_roles_are_read_once_then_kept(api: Api, statements: list[str]) -> None:
    _, member, _ = await _auditor(api)
    statements.clear()
    assert "errors" not in await api.gql(AUDIT_Q, token=member.token)
    assert _roles_read(statements), statements
    for _ in range(3):
        statements.clear()
        assert "errors" not in await api.gql(AUDIT_Q, token=member.token)
        assert not _roles_read(statements), statements


async def test_a_role_change_is_seen_by_the_next_request(api: Api, statements: list[str]) -> None:
    admin, member, membership = await _auditor(api)
    assert (await api.gql(AUDIT_Q, token=member.token))["data"]["auditEvents"]["nodes"]
    assert (await api.gql(AUDIT_Q, token=member.token))["data"]["auditEvents"]["nodes"]  # now kept
    assert (await api.rpc("auditEvent/v1/verify", {}, token=member.token)).status_code == 200
    r = await api.rpc("membership/v1/update", {"id": membership, "roles": ["member"]}, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    statements.clear()
    # A plain member's list of audit events is empty; the auditor's was not.
    assert (await api.gql(AUDIT_Q, token=member.token))["data"]["auditEvents"]["nodes"] == []
    assert _roles_read(statements), statements
    r = await api.rpc("auditEvent/v1/verify", {}, token=member.token)
    assert r.status_code == 403, r.text

    # And back: the new roles are kept in their turn.
    r = await api.rpc("membership/v1/update", {"id": membership, "roles": ["auditor"]}, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    assert (await api.gql(AUDIT_Q, token=member.token))["data"]["auditEvents"]["nodes"]
    statements.clear()
    assert (await api.gql(AUDIT_Q, token=member.token))["data"]["auditEvents"]["nodes"]
    assert not _roles_read(statements), statements


async def test_any_change_in_the_organization_ends_what_is_kept(api: Api, statements: list[str]) -> None:
    """Relations follow ownerships, residents and seats in several domains, so every
    committed mutation of the organization counts as a change."""
    admin, member, _ = await _auditor(api)
    await api.gql(AUDIT_Q, token=member.token)
    r = await api.rpc("serviceAccount/v1/create", {"name": "Sync"}, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    statements.clear()
    await api.gql(AUDIT_Q, token=member.token)
    assert _roles_read(statements), statements


async def test_a_refused_mutation_or_another_organization_changes_nothing(api: Api, statements: list[str]) -> None:
    _, member, _ = await _auditor(api)
    other_admin, _ = await api.admin_of_new_org()
    await api.gql(AUDIT_Q, token=member.token)
    r = await api.rpc("serviceAccount/v1/create", {"name": "Elsewhere"}, token=other_admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    r = await api.rpc("serviceAccount/v1/create", {"name": "Sneaky"}, token=member.token, key=uuid.uuid4().hex)
    assert r.status_code == 403, r.text
    statements.clear()
    await api.gql(AUDIT_Q, token=member.token)
    assert not _roles_read(statements), statements

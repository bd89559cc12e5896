"""Idempotency keys, through both transports (IETF Idempotency-Key draft, Stripe semantics).

What each test proves:
- test_missing_or_malformed_key_is_400_and_changes_nothing: a mutating RPC without
  `Idempotency-Key` is 400 IDEMPOTENCY_KEY_REQUIRED; a 256-character key, a key with
  a space and an empty key are 400 IDEMPOTENCY_KEY_INVALID; the GraphQL argument is
  checked the same way (errors[0].extensions.code); none of them created anything.
- test_replay_returns_the_stored_response_once: same key + same body replays the first
  status and body with `Idempotent-Replayed: true` (RPC) / `extensions.idempotentReplayed`
  (GraphQL); one organization and one audit row per key.
- test_same_key_different_body_is_422: the key is bound to the request fingerprint; a
  different body is 422 IDEMPOTENCY_KEY_REUSED with no new effect.
- test_keys_are_scoped_by_principal_and_organization: the same key from another user,
  or from the same admin in another organization, is an independent request.
- test_business_error_is_stored_and_replayed: a 404 USER_NOT_FOUND is the key's stored
  response; the retry replays the same body; no membership and no audit row were written.
- test_unexpected_failure_is_not_the_keys_outcome: a handler that fails unexpectedly
  (not a refusal) answers 500 and stores nothing; the same key sent again runs the
  operation — once — instead of replaying the failure, and is replayed from then on.
  (Transient database failures are retried inside the step: test_database_restart.py.)
- test_fifty_concurrent_requests_one_effect: 50 simultaneous identical requests with one
  key against the real server process give one service account and one audit row; every
  answer is the same 200 body or a 409 IDEMPOTENCY_KEY_IN_FLIGHT.
- test_retention_prunes_only_keys_older_than_24h: `prune_idempotency_keys` (run as the
  application role) removes a 25-hour-old key, keeps a 1-hour-old one, and never prunes
  under 24 hours even when asked for a shorter retention.
- test_graphql_and_rpc_parity: organization/v1/create and membership/v1/add (unknown
  email) give the same data and the same error code, field and message over both
  transports, and the two transports share one key space.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import text

from graph.db import scoped_transaction
from graph.ids import decode
from tests.helpers import Api, Caller

ORG_CREATE = "organization/v1/create"
SA_CREATE = "serviceAccount/v1/create"

GQL_ORG_CREATE = """mutation($input: OrganizationCreateInput!, $key: String!) {
  organizationCreate(input: $input, idempotencyKey: $key) {
    organization { id type name createdAt }
    userErrors { code field message }
  }
}"""

GQL_MEMBERSHIP_ADD = """mutation($input: MembershipAddInput!, $key: String!) {
  membershipAdd(input: $input, idempotencyKey: $key) {
    membership { id }
    userErrors { code field message }
  }
}"""

AUDIT = """query($op: String) { auditEvents(first: 100, operation: $op) {
  nodes { operation idempotencyKey targetIds } } }"""


def _key() -> str:
    return f"test-{uuid.uuid4().hex}"


def _uuid(public_id: str) -> uuid.UUID:
    return decode(public_id)[1]


async def _org_count(api: Api, caller: Caller) -> int:
    r = await api.rpc("organization/v1/list", {}, token=caller.token)
    assert r.status_code == 200, r.text
    return len(r.json()["items"])


async def _audit_for_key(api: Api, caller: Caller, op: str, key: str) -> list[dict[str, Any]]:
    body = await api.gql(AUDIT, {"op": op}, token=caller.token)
    assert "errors" not in body, body
    return [n for n in body["data"]["auditEvents"]["nodes"] if n["idempotencyKey"] == key]


@pytest.fixture(scope="module")
async def owner(settings) -> Any:
    """The owner role (BYPASSRLS) on the test database: counts across tenants, moves the clock."""
    from graph.db import libpq_url

    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    yield conn
    await conn.close()


# --- keys required and validated ---------------------------------------------


async def test_missing_or_malformed_key_is_400_and_changes_nothing(api) -> None:
    caller = await api.register()
    body = {"type": "association", "name": "Keyless HOA"}

    r = await api.rpc(ORG_CREATE, body, token=caller.token)
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "IDEMPOTENCY_KEY_REQUIRED"

    for bad in ("k" * 256, "has space", ""):
        r = await api.rpc(ORG_CREATE, body, token=caller.token, key=bad)
        assert r.status_code == 400, (bad, r.text)
        assert r.json()["error"]["code"] == "IDEMPOTENCY_KEY_INVALID", (bad, r.text)
        assert "Idempotent-Replayed" not in r.headers

    # 255 printable characters is the documented maximum and is accepted.
    assert (await api.rpc(ORG_CREATE, body | {"name": "Max Key HOA"}, token=caller.token, key="k" * 255)).status_code == 200
    assert await _org_count(api, caller) == 1

    for bad in ("k" * 256, "has space", ""):
        gql = await api.gql(GQL_ORG_CREATE, {"input": {"type": "ASSOCIATION", "name": "Keyless"}, "key": bad}, token=caller.token)
        assert gql["errors"][0]["extensions"]["code"] == "IDEMPOTENCY_KEY_INVALID", (bad, gql)
        assert (gql.get("data") or {}).get("organizationCreate") is None

    assert await _org_count(api, caller) == 1  # only the valid-key request created anything


# --- replay ------------------------------------------------------------------------


async def test_replay_returns_the_stored_response_once(api, owner) -> None:
    caller = await api.register()
    key = _key()
    body = {"type": "association", "name": "Replay HOA"}

    first = await api.rpc(ORG_CREATE, body, token=caller.token, key=key)
    assert first.status_code == 200, first.text
    assert "Idempotent-Replayed" not in first.headers
    again = await api.rpc(ORG_CREATE, body, token=caller.token, key=key)
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content

    assert await _org_count(api, caller) == 1
    audit = await owner.fetchval(
        "SELECT count(*) FROM audit_events WHERE operation = $1 AND idempotency_key = $2", ORG_CREATE, key
    )
    assert audit == 1

    # GraphQL: same promise, flagged in extensions.
    gkey = _key()
    variables = {"input": {"type": "MANAGEMENT_COMPANY", "name": "Replay Mgmt"}, "key": gkey}
    g1 = await api.gql(GQL_ORG_CREATE, variables, token=caller.token)
    assert "errors" not in g1, g1
    assert not (g1.get("extensions") or {}).get("idempotentReplayed")
    g2 = await api.gql(GQL_ORG_CREATE, variables, token=caller.token)
    assert g2["extensions"]["idempotentReplayed"] is True
    assert g2["data"] == g1["data"]
    assert await _org_count(api, caller) == 2
    assert await owner.fetchval("SELECT count(*) FROM audit_events WHERE idempotency_key = $1", gkey) == 1


async def test_same_key_different_body_is_422(api, owner) -> None:
    caller, org = await api.admin_of_new_org()
    key = _key()
    first = await api.rpc(SA_CREATE, {"name": "Sync", "roles": ["integration"]}, token=caller.token, key=key)
    assert first.status_code == 200, first.text

    other = await api.rpc(SA_CREATE, {"name": "Something else", "roles": ["integration"]}, token=caller.token, key=key)
    assert other.status_code == 422, other.text
    assert other.json()["error"]["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert "Idempotent-Replayed" not in other.headers

    gql = await api.gql(GQL_ORG_CREATE, {"input": {"type": "ASSOCIATION", "name": "Other"}, "key": key}, token=caller.token)
    # A different operation is a different key space: not a reuse.
    assert "errors" not in gql, gql

    assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org)) == 1
    assert len(await _audit_for_key(api, caller, SA_CREATE, key)) == 1


async def test_keys_are_scoped_by_principal_and_organization(api, owner) -> None:
    key = _key()
    body = {"type": "association", "name": "Same Key HOA"}
    alice, bob = await api.register(), await api.register()
    a = await api.rpc(ORG_CREATE, body, token=alice.token, key=key)
    b = await api.rpc(ORG_CREATE, body, token=bob.token, key=key)
    assert a.status_code == b.status_code == 200, (a.text, b.text)
    assert "Idempotent-Replayed" not in b.headers
    assert a.json()["id"] != b.json()["id"]
    assert await _org_count(api, alice) == 1 and await _org_count(api, bob) == 1

    # One admin, one key, two organizations: two service accounts.
    admin, org_a = await api.admin_of_new_org()
    org_b = await api.create_org(admin)
    sa_body = {"name": "Bridge", "roles": ["integration"]}
    in_a = await api.rpc(SA_CREATE, sa_body, token=admin.token, key=key)
    await api.select(admin, org_b)
    in_b = await api.rpc(SA_CREATE, sa_body, token=admin.token, key=key)
    assert in_a.status_code == in_b.status_code == 200, (in_a.text, in_b.text)
    assert "Idempotent-Replayed" not in in_b.headers
    sa_a, sa_b = in_a.json()["serviceAccount"], in_b.json()["serviceAccount"]
    assert sa_a["id"] != sa_b["id"]
    assert (sa_a["organizationId"], sa_b["organizationId"]) == (org_a, org_b)
    for org in (org_a, org_b):
        assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org)) == 1


async def test_business_error_is_stored_and_replayed(api, owner) -> None:
    caller, org = await api.admin_of_new_org()
    key = _key()
    body = {"email": f"nobody-{uuid.uuid4().hex[:8]}@example.org", "roles": ["member"]}
    first = await api.rpc("membership/v1/add", body, token=caller.token, key=key)
    assert first.status_code == 404, first.text
    assert first.json()["error"]["code"] == "USER_NOT_FOUND"

    again = await api.rpc("membership/v1/add", body, token=caller.token, key=key)
    assert again.status_code == 404
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.content == first.content  # same trace id too: it is the stored body

    stored = await owner.fetchrow(
        "SELECT response_status, completed_at FROM idempotency_keys WHERE key = $1 AND operation = 'membership/v1/add'", key
    )
    assert stored["response_status"] == 404 and stored["completed_at"] is not None
    assert await owner.fetchval("SELECT count(*) FROM memberships WHERE organization_id = $1", _uuid(org)) == 1
    assert await owner.fetchval("SELECT count(*) FROM audit_events WHERE idempotency_key = $1", key) == 0


async def test_unexpected_failure_is_not_the_keys_outcome(api, owner, monkeypatch) -> None:
    from dataclasses import replace

    from dbos import DBOS

    from graph.operations import REGISTRY

    caller, org = await api.admin_of_new_org()
    original = REGISTRY[SA_CREATE]
    calls = 0

    async def fails_once(ctx, data):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the disk is on fire")
        return await original.handler(ctx, data)

    monkeypatch.setitem(REGISTRY, SA_CREATE, replace(original, handler=fails_once))
    key, body = _key(), {"name": "Lockbox feed", "roles": ["integration"]}

    first = await api.rpc(SA_CREATE, body, token=caller.token, key=key)
    assert first.status_code == 500, first.text
    assert first.json()["error"]["code"] == "INTERNAL_ERROR"
    failed = await owner.fetchrow("SELECT workflow_id, response_status FROM idempotency_keys WHERE key = $1", key)
    assert failed["response_status"] is None
    status = await DBOS.get_workflow_status_async(failed["workflow_id"])
    assert status is not None and status.status == "ERROR"

    second = await api.rpc(SA_CREATE, body, token=caller.token, key=key)
    assert second.status_code == 200, second.text
    assert second.headers.get("Idempotent-Replayed", "false") == "false"
    third = await api.rpc(SA_CREATE, body, token=caller.token, key=key)
    assert third.status_code == 200 and third.headers["Idempotent-Replayed"] == "true"
    assert third.json() == second.json()

    assert calls == 2
    assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org)) == 1
    assert await owner.fetchval("SELECT count(*) FROM audit_events WHERE idempotency_key = $1", key) == 1


# --- concurrency, against the real server ---------------------------------------------


async def test_fifty_concurrent_requests_one_effect(live_server: str, owner) -> None:
    async with httpx.AsyncClient(base_url=live_server, timeout=60) as client:
        api = Api(client)
        caller, org = await api.admin_of_new_org()
        key = _key()
        body = {"name": "Concurrent", "roles": ["integration"]}
        headers = {"Authorization": f"Bearer {caller.token}", "Idempotency-Key": key}
        responses = await asyncio.gather(
            *(client.post(f"/api/v1/rpc/{SA_CREATE}", json=body, headers=headers) for _ in range(50))
        )
        ok = [r for r in responses if r.status_code == 200]
        in_flight = [r for r in responses if r.status_code == 409]
        assert len(ok) + len(in_flight) == 50, sorted({(r.status_code, r.text[:200]) for r in responses})
        assert ok, "at least the first request succeeds"
        assert all(r.json()["error"]["code"] == "IDEMPOTENCY_KEY_IN_FLIGHT" for r in in_flight)
        assert all(r.headers.get("Retry-After") for r in in_flight)
        assert len({r.content for r in ok}) == 1, "every success carries the one stored body, byte for byte"
        assert sum("Idempotent-Replayed" not in r.headers for r in ok) <= 1

        # A retry after the dust settles replays, too.
        late = await client.post(f"/api/v1/rpc/{SA_CREATE}", json=body, headers=headers)
        assert late.status_code == 200 and late.headers["Idempotent-Replayed"] == "true"
        assert late.content == ok[0].content

        assert await owner.fetchval("SELECT count(*) FROM service_accounts WHERE organization_id = $1", _uuid(org)) == 1
        assert len(await _audit_for_key(api, caller, SA_CREATE, key)) == 1


# --- retention ------------------------------------------------------------------------


async def test_retention_prunes_only_keys_older_than_24h(api, owner, platform) -> None:
    caller = await api.register()
    old, recent, fresh = _key(), _key(), _key()
    for k in (old, recent, fresh):
        r = await api.rpc(ORG_CREATE, {"type": "individual", "name": f"Retention {k[-6:]}"}, token=caller.token, key=k)
        assert r.status_code == 200, r.text
    await owner.execute("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = $1", old)
    await owner.execute("UPDATE idempotency_keys SET created_at = now() - interval '1 hour' WHERE key = $1", recent)

    async def prune(retention: timedelta) -> int:
        async with scoped_transaction(platform.sessions, None, None) as session:
            return int(await session.scalar(text("SELECT prune_idempotency_keys(:r)"), {"r": retention}))

    async def present() -> set[str]:
        rows = await owner.fetch("SELECT key FROM idempotency_keys WHERE key = ANY($1::text[])", [old, recent, fresh])
        return {row["key"] for row in rows}

    assert await prune(timedelta(minutes=1)) >= 1  # the floor is 24 h: only the 25-hour-old key goes
    assert await present() == {recent, fresh}
    assert await prune(timedelta(hours=24)) == 0
    assert await present() == {recent, fresh}

    # The pruned key is free again: the same key and body is a new request (a new effect).
    r = await api.rpc(ORG_CREATE, {"type": "individual", "name": f"Retention {old[-6:]}"}, token=caller.token, key=old)
    assert r.status_code == 200 and "Idempotent-Replayed" not in r.headers
    # The kept one still replays.
    r = await api.rpc(ORG_CREATE, {"type": "individual", "name": f"Retention {recent[-6:]}"}, token=caller.token, key=recent)
    assert r.headers.get("Idempotent-Replayed") == "true"
    assert await _org_count(api, caller) == 4


# --- GraphQL / RPC parity ----------------------------------------------------------------


async def test_graphql_and_rpc_parity(api) -> None:
    caller, _ = await api.admin_of_new_org()

    rpc = await api.rpc(ORG_CREATE, {"type": "service_provider", "name": "Parity Co"}, token=caller.token, key=_key())
    assert rpc.status_code == 200, rpc.text
    gql = await api.gql(
        GQL_ORG_CREATE, {"input": {"type": "SERVICE_PROVIDER", "name": "Parity Co"}, "key": _key()}, token=caller.token
    )
    assert "errors" not in gql, gql
    via_rpc, via_gql = rpc.json(), gql["data"]["organizationCreate"]["organization"]
    assert gql["data"]["organizationCreate"]["userErrors"] == []
    assert set(via_rpc) == set(via_gql)
    assert via_rpc["name"] == via_gql["name"] == "Parity Co"
    assert via_rpc["type"] == "service_provider" and via_gql["type"] == "SERVICE_PROVIDER"
    assert via_rpc["id"].startswith("org_") and via_gql["id"].startswith("org_")
    listed = {m["organizationId"] for m in (await api.rpc("organization/v1/list", {}, token=caller.token)).json()["items"]}
    assert {via_rpc["id"], via_gql["id"]} <= listed

    email = f"ghost-{uuid.uuid4().hex[:8]}@example.org"
    rpc = await api.rpc("membership/v1/add", {"email": email, "roles": ["member"]}, token=caller.token, key=_key())
    gql = await api.gql(GQL_MEMBERSHIP_ADD, {"input": {"email": email, "roles": ["MEMBER"]}, "key": _key()}, token=caller.token)
    assert rpc.status_code == 404
    err = rpc.json()["error"]
    [user_error] = gql["data"]["membershipAdd"]["userErrors"]
    assert gql["data"]["membershipAdd"]["membership"] is None
    assert user_error["code"] == err["code"] == "USER_NOT_FOUND"
    assert user_error["message"] == err["message"]
    assert user_error["field"] == err["details"]["field"]

    # One key space for both transports: an RPC key replays through GraphQL.
    key = _key()
    rpc = await api.rpc(ORG_CREATE, {"type": "association", "name": "Shared Key"}, token=caller.token, key=key)
    gql = await api.gql(GQL_ORG_CREATE, {"input": {"type": "ASSOCIATION", "name": "Shared Key"}, "key": key}, token=caller.token)
    assert gql["extensions"]["idempotentReplayed"] is True
    assert gql["data"]["organizationCreate"]["organization"]["id"] == rpc.json()["id"]

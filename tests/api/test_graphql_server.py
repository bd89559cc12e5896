"""The GraphQL server and the RPC mirror through the real HTTP app: guards, rate
limits, error masking, transport rules, health, Relay, statement counts and schema
composition."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import strawberry
import uvloop

from graph.ids import decode, encode
from graph.operations import REGISTRY
from graph.ratelimit import RateLimiter
from graph.settings import Settings
from tests.associations.community import ASSOCIATION
from tests.helpers import Api, Caller

TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
INTERNAL_MESSAGE = re.compile(r"^Internal server error\. Quote trace id ([0-9a-f]{32}) when reporting it\.$")
SECRET_MARKERS = (
    "secret",
    "SELECT",
    "password_hash",
    "Traceback",
    "RuntimeError",
    'File "',
)


def _codes(body: dict[str, Any]) -> list[str | None]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


def _key() -> str:
    return uuid.uuid4().hex


async def _membership_count(api: Api, caller: Caller) -> int:
    body = await api.gql("{ viewer { memberships { id } } }", token=caller.token)
    assert "errors" not in body, body
    return len(body["data"]["viewer"]["memberships"])


# ---------------------------------------------------------------------------
# A second app over the same services, with its own settings and rate buckets
# ---------------------------------------------------------------------------


@pytest.fixture
async def app_with(platform) -> AsyncIterator[Callable[..., Any]]:
    """`async with app_with(**settings) as client`: the real app built from
    tighter settings. It gets its own Platform object (sharing the engine, Redis,
    Cerbos and DBOS of the session one) so `platform.settings` - which the rate
    limiter and body limit read - is the tight one, and a rate-limit prefix of its
    own so draining its buckets never throttles the rest of the suite."""
    from app.server import create_app

    prefixes: list[str] = []

    @asynccontextmanager
    async def build(**overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
        settings = Settings(**overrides)
        prefix = f"{platform.settings.redis_prefix}-tight-{uuid.uuid4().hex[:8]}"
        prefixes.append(prefix)
        tight = dataclasses.replace(
            platform,
            settings=settings,
            rate_limiter=RateLimiter(platform.redis, prefix),
        )
        app = create_app(settings, platform=tight)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client

    yield build
    for prefix in prefixes:
        keys = [k async for k in platform.redis.scan_iter(match=f"{prefix}:*")]
        if keys:
            await platform.redis.delete(*keys)


async def _post_gql(client: httpx.AsyncClient, query: str, token: str | None = None, **variables: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


# ---------------------------------------------------------------------------
# 1. Guards at the app level
# ---------------------------------------------------------------------------

DEPTH_3 = "{ viewer { memberships { id } } }"
DEPTH_4_NAMED = """
query Deep { viewer { ...V } }
fragment V on Viewer { memberships { ...M } }
fragment M on Membership { organization { ...O } }
fragment O on Organization { name }
"""
DEPTH_4_INLINE = """
{ viewer { memberships { ... on Membership { organization { ... on Organization { ... on Node { id } } } } } } }
"""
DEPTH_4_MUTATION = """
mutation ($org: ID!, $key: String!) { organizationSelect(input: {organizationId: $org}, idempotencyKey: $key) {
  ... on OrganizationSelectPayload { membership { ... on Node { ... on Membership { organization { ...O } } } } } } }
fragment O on Organization { name }
"""


async def test_depth_attack_through_fragments_refused(api: Api, app_with) -> None:
    """The app installs the depth rule from its settings, and fragments (named or
    inline) add no escape: depth 3 passes, the same shape one level deeper through
    fragments is QUERY_TOO_COMPLEX before any resolver runs."""
    caller = await api.register()
    org = await api.create_org(caller)
    async with app_with(max_query_depth=3) as client:
        ok = (await _post_gql(client, DEPTH_3, caller.token)).json()
        assert "errors" not in ok, ok
        assert len(ok["data"]["viewer"]["memberships"]) == 1
        for query, variables in (
            (DEPTH_4_NAMED, {}),
            (DEPTH_4_INLINE, {}),
            (DEPTH_4_MUTATION, {"org": org, "key": _key()}),
        ):
            r = await _post_gql(client, query, caller.token, **variables)
            body = r.json()
            assert _codes(body) == ["QUERY_TOO_COMPLEX"], body
            assert body["errors"][0]["extensions"]["maximumDepth"] == 3
            assert body.get("data") is None
        # The refused mutation never ran: no organization became active.
        viewer = (await _post_gql(client, "{ viewer { activeOrganization { id } } }", caller.token)).json()
        assert viewer["data"]["viewer"]["activeOrganization"] is None, viewer


async def test_depth_attack_through_fragments_refused_at_default_limit(
    api: Api,
) -> None:
    """The session app's own limit (12): a 13-level document built from nested
    fragments is refused with QUERY_TOO_COMPLEX (the schema has no cycles, so the
    document is necessarily also invalid; the depth rule still reports it)."""
    caller = await api.register()
    fragments = "\n".join(f"fragment F{i} on Viewer {{ memberships {{ ...F{i + 1} }} }}" for i in range(12))
    query = "{ viewer { ...F0 } }\n" + fragments + "\nfragment F12 on Viewer { principalKind }"
    body = await api.gql(query, token=caller.token)
    assert "QUERY_TOO_COMPLEX" in _codes(body), body
    assert body.get("data") is None


ALIASES_10 = "fragment A on Viewer { " + " ".join(f"a{i}: principalKind" for i in range(10)) + " }"


async def test_alias_bomb_via_repeated_fragment_spread_refused(api: Api) -> None:
    caller = await api.register()
    once = await api.gql("{ viewer { ...A } }\n" + ALIASES_10, token=caller.token)
    assert "errors" not in once, once
    assert once["data"]["viewer"]["a9"] == "user"
    # Ten aliases, spread four times: 40 > 30, though the document has only ten.
    bomb = await api.gql("{ viewer { ...A ...A ...A ...A } }\n" + ALIASES_10, token=caller.token)
    assert _codes(bomb) == ["QUERY_TOO_COMPLEX"], bomb
    assert bomb["errors"][0]["extensions"]["maximumAliases"] == 30
    assert bomb.get("data") is None


AUDIT_PAGE = """query ($first: Int!, $after: String) {
  auditEvents(first: $first, after: $after) { edges { cursor node { id operation } } pageInfo { hasNextPage endCursor } }
}"""


async def test_connection_page_size_required_and_bounded(api: Api) -> None:
    caller, _ = await api.admin_of_new_org()
    missing = await api.gql("{ auditEvents { edges { node { id } } } }", token=caller.token)
    assert missing.get("data") is None and missing["errors"], missing
    assert "first" in missing["errors"][0]["message"]
    for first in (1000, 101, 0, -1):
        body = await api.gql(AUDIT_PAGE, {"first": first}, token=caller.token)
        assert _codes(body) == ["BAD_REQUEST"], (first, body)
        assert body["errors"][0]["extensions"]["field"] == "auditEvents"
        assert body.get("data") is None
    ok = await api.gql(AUDIT_PAGE, {"first": 100}, token=caller.token)
    assert "errors" not in ok, ok


async def test_normal_query_reports_cost(api: Api, settings: Settings) -> None:
    caller, _ = await api.admin_of_new_org()
    body = await api.gql("{ viewer { principalKind } }", token=caller.token)
    assert "errors" not in body, body
    # viewer: 1 + 1 * principalKind(1)
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": 2,
        "maximumAvailable": settings.max_query_cost,
    }
    body = await api.gql("{ auditEvents(first: 5) { edges { node { id } } } }", token=caller.token)
    assert "errors" not in body, body
    # auditEvents: 1 + 5 * edges(1 + node(1 + id(1)))
    assert body["extensions"]["cost"]["requestedQueryCost"] == 16


async def test_over_cost_refused_before_execution(api: Api, app_with) -> None:
    caller, _ = await api.admin_of_new_org()
    async with app_with(max_query_cost=50) as client:
        body = (await _post_gql(client, AUDIT_PAGE, caller.token, first=20)).json()
        assert _codes(body) == ["QUERY_TOO_COMPLEX"], body
        ext = body["errors"][0]["extensions"]
        assert ext["maximumAvailable"] == 50 and ext["requestedQueryCost"] > 50
        assert body.get("data") is None
        small = (await _post_gql(client, AUDIT_PAGE, caller.token, first=2)).json()
        assert "errors" not in small, small


# ---------------------------------------------------------------------------
# 2. Rate limiting per principal (and per organization)
# ---------------------------------------------------------------------------

VIEWER_KIND = "{ viewer { principalKind } }"


async def test_rate_limit_per_principal(api: Api, app_with) -> None:
    alice, bob = await api.register(), await api.register()
    async with app_with(
        rate_limit_capacity=3,
        rate_limit_refill_per_second=0.5,
        org_rate_limit_capacity=1000,
    ) as client:
        for _ in range(3):
            r = await _post_gql(client, VIEWER_KIND, alice.token)
            assert r.status_code == 200, r.text
        refused = await _post_gql(client, VIEWER_KIND, alice.token)
        assert refused.status_code == 429, refused.text
        assert _codes(refused.json()) == ["RATE_LIMITED"]
        assert TRACE_ID.match(refused.json()["errors"][0]["extensions"]["traceId"])
        retry_after = int(refused.headers["Retry-After"])
        assert 1 <= retry_after <= 2  # one token at 0.5/s
        # The same bucket covers the RPC mirror.
        rpc = await client.post("/api/v1/rpc/organization/v1/list", json={}, headers=alice.headers)
        assert rpc.status_code == 429
        assert rpc.json()["error"]["code"] == "RATE_LIMITED"
        assert rpc.json()["error"]["details"]["scope"] == "principal"
        assert "Retry-After" in rpc.headers
        # Another principal has a bucket of its own.
        other = await _post_gql(client, VIEWER_KIND, bob.token)
        assert other.status_code == 200 and other.json()["data"]["viewer"]["principalKind"] == "user"
        # Refills: after Retry-After, one more request goes through.
        await asyncio.sleep(retry_after + 0.1)
        again = await _post_gql(client, VIEWER_KIND, alice.token)
        assert again.status_code == 200, again.text


SMALL = "query Small($id: ID!) { association(id: $id) { id code } }"


async def test_rate_limit_applies_to_queries_answered_before_strawberry(api: Api, app_with, fast_answers) -> None:
    """graph/fastpath.py answers after the same admission: the fourth request of a
    bucket of three is refused, as on the normal path."""
    admin, _ = await api.admin_of_new_org()
    association = await api.call("association/v1/create", {**ASSOCIATION, "code": "RLQ"}, admin)
    async with app_with(rate_limit_capacity=3, rate_limit_refill_per_second=0.01, org_rate_limit_capacity=1000) as client:
        answers = [await _post_gql(client, SMALL, admin.token, id=association["id"]) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429], [r.text for r in answers]
    assert _codes(answers[3].json()) == ["RATE_LIMITED"]
    # The first validated the document in Strawberry; the next two were answered before it.
    assert fast_answers == [False, True, True], fast_answers


async def test_rate_limit_per_organization(api: Api, app_with) -> None:
    admin, org = await api.admin_of_new_org()
    member, _ = await api.add_member(admin, ["member"])
    await api.select(member, org)
    outsider, _ = await api.admin_of_new_org()
    async with app_with(
        rate_limit_capacity=100,
        rate_limit_refill_per_second=0.01,
        org_rate_limit_capacity=4,
        org_rate_limit_refill_per_second=0.01,
    ) as client:
        for caller in (admin, admin, member, member):
            assert (await _post_gql(client, VIEWER_KIND, caller.token)).status_code == 200
        refused = await _post_gql(client, VIEWER_KIND, admin.token)
        assert refused.status_code == 429
        rpc = await client.post("/api/v1/rpc/organization/v1/list", json={}, headers=member.headers)
        assert rpc.status_code == 429 and rpc.json()["error"]["details"]["scope"] == "org"
        assert (await _post_gql(client, VIEWER_KIND, outsider.token)).status_code == 200


# ---------------------------------------------------------------------------
# 3. Error masking
# ---------------------------------------------------------------------------


def _assert_masked_text(text: str) -> None:
    for marker in SECRET_MARKERS:
        assert marker not in text, f"{marker!r} leaked: {text}"


async def test_unexpected_resolver_error_is_masked(api: Api, monkeypatch, span_exporter, caplog) -> None:
    from domains.organizations.models import Organization
    from graph.loaders import Loaders

    caller = await api.register()
    await api.create_org(caller)
    original = Loaders.by_id

    def by_id(self, model):
        if model is not Organization:
            return original(self, model)

        async def load(keys):
            raise RuntimeError("secret SQL: SELECT password_hash FROM users WHERE id = ANY($1)")

        return self.keyed(("boom", model), load)

    monkeypatch.setattr(Loaders, "by_id", by_id)
    span_exporter.clear()
    r = await api.client.post(
        "/graphql",
        json={"query": "{ viewer { principalKind memberships { roles organization { name } } } }"},
        headers=caller.headers,
    )
    assert r.status_code == 200
    _assert_masked_text(r.text)
    body = r.json()
    # Only the failing field is nulled; the rest of the answer stands.
    assert body["data"] == {
        "viewer": {
            "principalKind": "user",
            "memberships": [{"roles": ["admin"], "organization": None}],
        }
    }
    [error] = body["errors"]
    match = INTERNAL_MESSAGE.match(error["message"])
    assert match, error
    assert error["extensions"] == {"code": "INTERNAL_ERROR", "traceId": match.group(1)}
    assert error["path"] == ["viewer", "memberships", 0, "organization"]
    # The trace id is the request's: an operator can find its spans and the log line.
    trace_ids = {format(s.context.trace_id, "032x") for s in span_exporter.get_finished_spans() if s.name == "graphql.operation"}
    assert trace_ids == {match.group(1)}
    assert any("secret SQL" in (rec.exc_text or repr(rec.exc_info)) for rec in caplog.records)


async def test_unexpected_rpc_error_is_masked(api: Api, monkeypatch) -> None:
    caller = await api.register()

    async def boom(ctx, data):
        raise RuntimeError("secret SQL: SELECT password_hash FROM users")

    op = REGISTRY["organization/v1/list"]
    monkeypatch.setitem(REGISTRY, op.name, dataclasses.replace(op, handler=boom))
    r = await api.rpc(op.name, {}, token=caller.token)
    assert r.status_code == 500
    _assert_masked_text(r.text)
    error = r.json()["error"]
    assert error["code"] == "INTERNAL_ERROR"
    assert TRACE_ID.match(error["traceId"])
    assert INTERNAL_MESSAGE.match(error["message"]).group(1) == error["traceId"]  # type: ignore[union-attr]


async def test_unexpected_error_in_durable_mutation_is_masked(api: Api, monkeypatch) -> None:
    """A mutation's handler runs inside a DBOS workflow step; its failure still
    reaches the client masked, on both transports, and changes nothing."""
    caller, _ = await api.admin_of_new_org()

    async def boom(ctx, data):
        raise RuntimeError("secret SQL: DELETE FROM memberships")

    op = REGISTRY["serviceAccount/v1/create"]
    monkeypatch.setitem(REGISTRY, op.name, dataclasses.replace(op, handler=boom))
    r = await api.rpc(op.name, {"name": "Sync"}, token=caller.token, key=_key())
    assert r.status_code == 500, r.text
    _assert_masked_text(r.text)
    assert r.json()["error"]["code"] == "INTERNAL_ERROR"
    body = await api.gql(
        'mutation ($k: String!) { serviceAccountCreate(input: {name: "Sync"}, idempotencyKey: $k) { userErrors { code } } }',
        {"k": _key()},
        token=caller.token,
    )
    _assert_masked_text(json.dumps(body))
    assert _codes(body) == ["INTERNAL_ERROR"], body
    assert body["data"] is None


# ---------------------------------------------------------------------------
# 4. Transport rules
# ---------------------------------------------------------------------------

CREATE_MUTATION = (
    'mutation { organizationCreate(input: {type: ASSOCIATION, name: "CSRF"}, idempotencyKey: "%s") { organization { id } } }'
)


async def test_mutation_over_get_refused_and_not_executed(api: Api) -> None:
    caller = await api.register()
    r = await api.client.get("/graphql", params={"query": CREATE_MUTATION % _key()}, headers=caller.headers)
    assert r.status_code == 405 and r.headers["allow"] == "POST", r.text
    assert r.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert await _membership_count(api, caller) == 0
    # Queries over GET still work.
    ok = await api.client.get("/graphql", params={"query": VIEWER_KIND}, headers=caller.headers)
    assert ok.status_code == 200 and ok.json()["data"]["viewer"]["principalKind"] == "user"


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "text/plain;charset=UTF-8",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencoded",
    ],
)
async def test_non_json_post_refused_on_graphql(api: Api, content_type: str) -> None:
    caller = await api.register()
    payload = json.dumps({"query": CREATE_MUTATION % _key()})
    if content_type.startswith("multipart"):
        payload = '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n' + payload + "\r\n--x--\r\n"
    r = await api.client.post(
        "/graphql",
        content=payload,
        headers={"Content-Type": content_type, **caller.headers},
    )
    assert r.status_code == 415, r.text
    assert _codes(r.json()) == ["UNSUPPORTED_MEDIA_TYPE"]
    assert await _membership_count(api, caller) == 0


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x"])
async def test_non_json_post_refused_on_rpc(api: Api, content_type: str) -> None:
    caller = await api.register()
    body = json.dumps({"type": "association", "name": "CSRF"}).encode()

    async def chunked():
        yield body

    for content in (body, chunked()):  # with Content-Length, and chunked without
        r = await api.client.post(
            "/api/v1/rpc/organization/v1/create",
            content=content,
            headers={
                "Content-Type": content_type,
                "Idempotency-Key": _key(),
                **caller.headers,
            },
        )
        assert r.status_code == 415, r.text
        assert r.json()["error"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert await _membership_count(api, caller) == 0


async def test_body_over_limit_refused(api: Api, settings: Settings) -> None:
    caller = await api.register()
    big = json.dumps({"query": VIEWER_KIND, "variables": {"pad": "x" * settings.max_body_bytes}}).encode()
    assert len(big) > settings.max_body_bytes

    async def chunked():
        for i in range(0, len(big), 65536):
            yield big[i : i + 65536]

    headers = {"Content-Type": "application/json", **caller.headers}
    for path in ("/graphql", "/api/v1/rpc/organization/v1/list"):
        for content in (big, chunked()):  # declared length, then a stream without one
            r = await api.client.post(path, content=content, headers=headers)
            assert r.status_code == 413, (path, r.text[:200])
            body = r.json()
            code = _codes(body)[0] if path == "/graphql" else body["error"]["code"]
            assert code == "PAYLOAD_TOO_LARGE"


async def test_rpc_malformed_json(api: Api) -> None:
    caller = await api.register()
    r = await api.client.post(
        "/api/v1/rpc/organization/v1/create",
        content=b'{"type": "association", "name": ',
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": _key(),
            **caller.headers,
        },
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "BAD_REQUEST"
    assert TRACE_ID.match(r.json()["error"]["traceId"])


async def test_rpc_wrong_types_validation_failed_and_nothing_created(api: Api) -> None:
    caller = await api.register()
    key = _key()
    r = await api.rpc("organization/v1/create", {"type": 5, "name": []}, token=caller.token, key=key)
    assert r.status_code == 400, r.text
    error = r.json()["error"]
    assert error["code"] == "VALIDATION_FAILED"
    fields = sorted(p["field"] for p in error["details"]["problems"])
    assert fields == [["name"], ["type"]]
    assert await _membership_count(api, caller) == 0
    # A refused input stored nothing under the key: the corrected retry runs.
    ok = await api.rpc(
        "organization/v1/create",
        {"type": "association", "name": "Fixed"},
        token=caller.token,
        key=key,
    )
    assert ok.status_code == 200, ok.text
    assert await _membership_count(api, caller) == 1


async def test_rpc_unknown_operation_and_wrong_method(api: Api) -> None:
    r = await api.rpc("organization/v9/explode", {})
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    r = await api.client.get("/api/v1/rpc/organization/v1/list")
    assert r.status_code == 405 and r.json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    r = await api.client.delete("/api/v1/rpc/organization/v1/create")
    assert r.status_code == 405


async def test_graphiql_served_for_browsers(api: Api) -> None:
    r = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "graphiql" in r.text.lower()


# ---------------------------------------------------------------------------
# 5. Health
# ---------------------------------------------------------------------------


async def test_health_and_readiness(api: Api) -> None:
    r = await api.client.get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    r = await api.client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json() == {
        "status": "ready",
        "checks": {"postgres": True, "redis": True, "cerbos": True, "dbos": True},
    }


# ---------------------------------------------------------------------------
# 6. Relay and pagination, federation
# ---------------------------------------------------------------------------

NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on Organization { name } } }"
NODES = "query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


async def test_node_answers_null_alike_for_foreign_malformed_and_missing(
    api: Api,
) -> None:
    admin, org = await api.admin_of_new_org()
    _, foreign_org = await api.admin_of_new_org()
    own = await api.gql(NODE, {"id": org}, token=admin.token)
    assert "errors" not in own, own
    assert own["data"]["node"]["id"] == org and own["data"]["node"]["__typename"] == "Organization"

    missing = encode("org", uuid.uuid4())
    answers = []
    for candidate in (
        foreign_org,
        "org_not-an-id",
        "garbage",
        encode("zzz", uuid.uuid4()),
        missing,
    ):
        body = await api.gql(NODE, {"id": candidate}, token=admin.token)
        body.pop("_status")
        answers.append(body)
    assert answers[0]["data"] == {"node": None} and "errors" not in answers[0], answers[0]
    assert all(a == answers[0] for a in answers), answers


async def test_nodes_keeps_order_and_caps_count(api: Api) -> None:
    admin, org = await api.admin_of_new_org()
    _, foreign_org = await api.admin_of_new_org()
    memberships = (await api.rpc("organization/v1/list", {}, token=admin.token)).json()["items"]
    membership = memberships[0]["id"]
    ids = [org, foreign_org, "bogus", membership, encode("org", uuid.uuid4()), org]
    body = await api.gql(NODES, {"ids": ids}, token=admin.token)
    assert "errors" not in body, body
    got = [n["id"] if n else None for n in body["data"]["nodes"]]
    assert got == [org, None, None, membership, None, org]

    too_many = await api.gql(NODES, {"ids": [org] * 101}, token=admin.token)
    assert too_many.get("data") is None, too_many
    assert _codes(too_many) == ["BAD_REQUEST"], too_many
    assert "100" in too_many["errors"][0]["message"]


async def test_audit_events_pagination_walks_everything_once(api: Api) -> None:
    admin, _ = await api.admin_of_new_org()
    for _ in range(2):
        await api.add_member(admin, ["member"])
    for i in range(3):
        r = await api.rpc(
            "serviceAccount/v1/create",
            {"name": f"Agent {i}"},
            token=admin.token,
            key=_key(),
        )
        assert r.status_code == 200, r.text

    everything = await api.gql(AUDIT_PAGE, {"first": 100}, token=admin.token)
    assert "errors" not in everything, everything
    expected = [e["node"]["id"] for e in everything["data"]["auditEvents"]["edges"]]
    operations = [e["node"]["operation"] for e in everything["data"]["auditEvents"]["edges"]]
    assert len(expected) == 7  # create, select, 2 adds, 3 service accounts
    assert operations[-1] == "organization/v1/create" and operations.count("serviceAccount/v1/create") == 3

    walked: list[str] = []
    after = None
    pages = 0
    while True:
        body = await api.gql(AUDIT_PAGE, {"first": 2, "after": after}, token=admin.token)
        assert "errors" not in body, body
        conn = body["data"]["auditEvents"]
        assert len(conn["edges"]) <= 2
        walked += [e["node"]["id"] for e in conn["edges"]]
        pages += 1
        if not conn["pageInfo"]["hasNextPage"]:
            break
        assert conn["pageInfo"]["endCursor"] == conn["edges"][-1]["cursor"]
        after = conn["pageInfo"]["endCursor"]
        assert pages < 10
    assert pages == 4
    assert walked == expected
    assert len(set(walked)) == len(walked)

    bad = await api.gql(AUDIT_PAGE, {"first": 2, "after": "not-a-cursor"}, token=admin.token)
    assert _codes(bad) == ["VALIDATION_FAILED"], bad


async def test_audit_events_need_an_active_organization(api: Api) -> None:
    caller = await api.register()
    body = await api.gql(AUDIT_PAGE, {"first": 2}, token=caller.token)
    assert _codes(body) == ["ORGANIZATION_NOT_SELECTED"], body


async def test_federation_service_sdl(api: Api) -> None:
    body = await api.gql("{ _service { sdl } }")
    assert "errors" not in body, body
    sdl = body["data"]["_service"]["sdl"]
    assert "@key" in sdl and 'type Organization implements Node @key(fields: "id")' in sdl


# ---------------------------------------------------------------------------
# 7. Statement counts (no N+1)
# ---------------------------------------------------------------------------


async def _count(statements: list[str], call: Any) -> tuple[int, Any]:
    statements.clear()
    result = await call
    return len(statements), result


VIEWER_TREE = "{ viewer { memberships { id organization { name } user { email } } } }"


async def test_viewer_memberships_cost_constant_statements(api: Api, statements: list[str]) -> None:
    one = await api.register()
    await api.create_org(one)
    eight = await api.register()
    for _ in range(8):
        await api.create_org(eight)

    n1, body1 = await _count(statements, api.gql(VIEWER_TREE, token=one.token))
    n8, body8 = await _count(statements, api.gql(VIEWER_TREE, token=eight.token))
    assert "errors" not in body1 and "errors" not in body8, (body1, body8)
    assert len(body1["data"]["viewer"]["memberships"]) == 1
    assert len(body8["data"]["viewer"]["memberships"]) == 8
    assert all(m["organization"]["name"] and m["user"]["email"] == eight.email for m in body8["data"]["viewer"]["memberships"])
    assert n1 == n8, (n1, n8, statements)
    # set_config, user, memberships, organizations.
    assert n8 <= 4, statements


NODES_TREE = """query ($ids: [ID!]!) { nodes(ids: $ids) {
  ... on Membership { id organization { name } user { email } } } }"""


async def test_nodes_cost_constant_statements(api: Api, statements: list[str]) -> None:
    admin, _ = await api.admin_of_new_org()
    for _ in range(9):
        await api.add_member(admin, ["member"])
    listing = await api.gql(
        "{ auditEvents(first: 100) { nodes { operation targetIds } } }",
        token=admin.token,
    )
    ids = [e["targetIds"][0] for e in listing["data"]["auditEvents"]["nodes"] if e["operation"] == "membership/v1/add"]
    assert len(ids) == 9 and all(i.startswith("mem_") for i in ids)
    own = (await api.rpc("organization/v1/list", {}, token=admin.token)).json()["items"][0]["id"]
    ids = [own, *ids]

    n2, small = await _count(statements, api.gql(NODES_TREE, {"ids": ids[:2]}, token=admin.token))
    n10, large = await _count(statements, api.gql(NODES_TREE, {"ids": ids}, token=admin.token))
    assert "errors" not in small and "errors" not in large, (small, large)
    assert [n["id"] for n in large["data"]["nodes"]] == ids
    assert all(n["organization"]["name"] for n in large["data"]["nodes"])
    assert all(n["user"]["email"] for n in large["data"]["nodes"])
    # set_config, memberships, the caller's roles, organizations, users.
    assert n2 == n10, (n2, n10, statements)
    assert n10 <= 5, statements


# ---------------------------------------------------------------------------
# 8. Schema composition
# ---------------------------------------------------------------------------


def test_duplicate_root_fields_are_refused() -> None:
    from graph.schema import DuplicateFieldError, _check_unique

    @strawberry.type
    class BillingQuery:
        @strawberry.field
        def invoices(self) -> int:
            return 1

    @strawberry.type
    class LedgerQuery:
        @strawberry.field(name="invoices")
        def ledger_invoices(self) -> int:
            return 2

    @strawberry.type
    class OtherQuery:
        @strawberry.field
        def payments(self) -> int:
            return 3

    _check_unique([BillingQuery, OtherQuery], "Query")
    with pytest.raises(DuplicateFieldError, match=r"Query\.invoices.*BillingQuery.*LedgerQuery"):
        _check_unique([BillingQuery, OtherQuery, LedgerQuery], "Query")


def test_ids_round_trip() -> None:
    value = uuid.uuid4()
    assert decode(encode("org", value)) == ("org", value)


async def test_the_suite_runs_on_the_event_loop_the_server_runs_on() -> None:
    # devtools/cli.py serves with uvicorn's loop="uvloop"; the live-server tests run that command.
    assert isinstance(asyncio.get_running_loop(), uvloop.Loop)

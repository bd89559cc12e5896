"""Authentication and session security, end to end through the real HTTP app.

Every check goes through `POST /graphql` and/or `POST /api/v1/rpc/...` (httpx
over ASGI), against real Postgres, Redis, Cerbos and DBOS. Forged JWTs are built
by hand (tests/auth/forge.py) so that no JWT library decides what "valid" means
on the attacking side. Each forged token carries the sub/sid of a live session,
and a control test shows that the same forging code, used correctly with the
server's key, is accepted: so every rejection below is caused by the one defect
the case introduces, not by an unrelated lookup failing.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from redis.asyncio import Redis

from graph.auth.sessions import SessionStore
from graph.auth.tokens import KeySet, TokenService, generate_jwks
from graph.ids import encode
from graph.ratelimit import RateLimiter
from tests.auth.forge import _b64, _unb64, ed25519_signer, forge, hmac_signer
from tests.helpers import PASSWORD, Api, Caller

VIEWER_Q = "{ viewer { user { id } } }"
RPC_ACCOUNT_OP = "organization/v1/list"
LOGOUT_M = "mutation { authLogout { result { revoked } userErrors { code message } } }"
AUDIT_Q = "{ auditEvents(first: 5) { nodes { id operation } } }"
NODE_Q = "query($id: ID!) { node(id: $id) { id } }"
SA_VIEWER_Q = "{ viewer { principalKind user { id } memberships { id } activeOrganization { id } } }"


# --------------------------------------------------------------------------- helpers


def _no_internals(text: str) -> None:
    """Error bodies never carry a traceback, a source path, or connection internals."""
    assert "Traceback" not in text, text
    assert 'File "' not in text, text
    assert ".py" not in text, text
    assert "redis://" not in text and "127.0.0.1" not in text, text
    assert "sqlalchemy" not in text.lower() and "asyncpg" not in text.lower(), text


def _claims_of(token: str) -> dict[str, Any]:
    return json.loads(_unb64(token.split(".")[1]))


def _header_of(token: str) -> dict[str, Any]:
    return json.loads(_unb64(token.split(".")[0]))


def _error(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]


def _gql_code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None


def _key() -> str:
    return uuid.uuid4().hex


async def _gql_raw(api: Api, query: str, headers: dict[str, str], variables: dict[str, Any] | None = None) -> httpx.Response:
    return await api.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)


async def _assert_rejected_both(api: Api, headers: dict[str, str], code: str, status: int = 401) -> None:
    """The credential in `headers` is refused with `status`/`code` on both transports."""
    g = await _gql_raw(api, VIEWER_Q, headers)
    assert g.status_code == status, (g.status_code, g.text)
    body = g.json()
    assert body.get("data") is None, body
    assert _gql_code(body) == code, body
    _no_internals(g.text)

    r = await api.client.post(f"/api/v1/rpc/{RPC_ACCOUNT_OP}", json={}, headers=headers)
    assert r.status_code == status, (r.status_code, r.text)
    assert _error(r)["code"] == code, r.text
    _no_internals(r.text)


async def _assert_accepted_both(api: Api, headers: dict[str, str], user_id: str) -> None:
    g = await _gql_raw(api, VIEWER_Q, headers)
    assert g.status_code == 200, g.text
    assert "errors" not in g.json(), g.text
    assert g.json()["data"]["viewer"]["user"]["id"] == user_id
    r = await api.client.post(f"/api/v1/rpc/{RPC_ACCOUNT_OP}", json={}, headers=headers)
    assert r.status_code == 200, r.text


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _refresh(api: Api, refresh_token: str) -> httpx.Response:
    return await api.rpc("auth/v1/refresh", {"refreshToken": refresh_token})


async def _login(api: Api, email: str, password: str = PASSWORD) -> Caller:
    r = await api.rpc("auth/v1/login", {"email": email, "password": password})
    assert r.status_code == 200, r.text
    data = r.json()
    return Caller(data["accessToken"], data["refreshToken"], data["user"]["id"], email)


# --------------------------------------------------------------------------- 1. JWT attacks


@pytest.fixture
def private_jwks(settings) -> dict[str, Any]:
    """The server's own private JWKS (from the test settings): used only to forge
    tokens that are *correctly* signed but wrong in one other respect."""
    assert settings.jwt_keys is not None
    return json.loads(settings.jwt_keys.get_secret_value())


@pytest.fixture
def server_jwk(platform, private_jwks) -> dict[str, Any]:
    active = platform.tokens._keyset.active_kid
    return next(k for k in private_jwks["keys"] if k["kid"] == active)


@pytest.fixture
def public_jwk(platform, server_jwk) -> dict[str, Any]:
    published = platform.tokens._keyset.public_jwks()["keys"]
    jwk = next(k for k in published if k["kid"] == server_jwk["kid"])
    assert "d" not in jwk
    return jwk


def _good_header(kid: str) -> dict[str, Any]:
    return {"alg": "EdDSA", "kid": kid, "typ": "at+jwt"}


def _good_claims(settings, sub: str, sid: str, now: int | None = None) -> dict[str, Any]:
    now = int(time.time()) if now is None else now
    return {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": sub,
        "sid": sid,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "pk": "user",
    }


@pytest.fixture
async def victim(api: Api) -> Caller:
    return await api.register()


async def test_forged_control_token_is_accepted(api: Api, victim: Caller, settings, server_jwk) -> None:
    """The harness itself: a token forged with the server's key and correct claims
    works, so each attack below fails because of its one defect."""
    sub, sid = _claims_of(victim.token)["sub"], _claims_of(victim.token)["sid"]
    token = forge(_good_header(server_jwk["kid"]), _good_claims(settings, sub, sid), ed25519_signer(server_jwk))
    await _assert_accepted_both(api, _bearer(token), victim.user_id)


ATTACKS = [
    "alg_none",
    "alg_none_capitalised",
    "alg_none_no_kid",
    "hs256_public_key_raw_bytes",
    "hs256_public_jwk_json",
    "hs256_public_key_pem",
    "unknown_kid",
    "attacker_key_with_server_kid",
    "jku_header",
    "x5u_header",
    "embedded_jwk_header",
    "wrong_typ",
    "missing_typ",
    "expired_beyond_leeway",
    "nbf_in_future",
    "missing_exp",
    "wrong_aud",
    "wrong_iss",
    "sid_not_a_string",
    "tampered_payload",
    "refresh_token_as_access",
    "revoked_session",
    "session_of_another_user",
    "garbage",
    "garbage_three_segments",
    "empty_bearer",
    "basic_scheme",
]


@pytest.mark.parametrize("attack", ATTACKS)
async def test_jwt_attack_rejected_401_on_both_transports(
    api: Api, victim: Caller, settings, server_jwk, public_jwk, attack: str
) -> None:
    sub = _claims_of(victim.token)["sub"]  # the raw user UUID, as the server issues it
    sid = _claims_of(victim.token)["sid"]
    kid = server_jwk["kid"]
    sign = ed25519_signer(server_jwk)
    now = int(time.time())
    leeway = settings.jwt_leeway_seconds
    claims = _good_claims(settings, sub, sid, now)
    header = _good_header(kid)
    attacker = Ed25519PrivateKey.generate()
    expected = "TOKEN_INVALID"
    headers: dict[str, str] | None = None

    def unsigned(h: dict[str, Any], c: dict[str, Any]) -> str:
        return forge(h, c, lambda _m: b"")

    match attack:
        case "alg_none":
            token = unsigned({"alg": "none", "kid": kid, "typ": "at+jwt"}, claims)
        case "alg_none_capitalised":
            token = unsigned({"alg": "None", "kid": kid, "typ": "at+jwt"}, claims)
        case "alg_none_no_kid":
            token = unsigned({"alg": "none", "typ": "at+jwt"}, claims)
        case "hs256_public_key_raw_bytes":
            token = forge({"alg": "HS256", "kid": kid, "typ": "at+jwt"}, claims, hmac_signer(_unb64(public_jwk["x"])))
        case "hs256_public_jwk_json":
            secret = json.dumps(public_jwk, separators=(",", ":")).encode()
            token = forge({"alg": "HS256", "kid": kid, "typ": "at+jwt"}, claims, hmac_signer(secret))
        case "hs256_public_key_pem":
            pub = Ed25519PrivateKey.from_private_bytes(_unb64(server_jwk["d"])).public_key()
            pem = pub.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
            token = forge({"alg": "HS256", "kid": kid, "typ": "at+jwt"}, claims, hmac_signer(pem))
        case "unknown_kid":
            token = forge(_good_header("not-a-known-kid"), claims, sign)
        case "attacker_key_with_server_kid":
            token = forge(header, claims, attacker.sign)
        case "jku_header":
            token = forge(header | {"jku": "https://attacker.example/jwks.json"}, claims, sign)
        case "x5u_header":
            token = forge(header | {"x5u": "https://attacker.example/cert.pem"}, claims, sign)
        case "embedded_jwk_header":
            raw = attacker.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
            jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}
            token = forge(header | {"jwk": jwk}, claims, attacker.sign)
        case "wrong_typ":
            token = forge(header | {"typ": "JWT"}, claims, sign)
        case "missing_typ":
            token = forge({"alg": "EdDSA", "kid": kid}, claims, sign)
        case "expired_beyond_leeway":
            past = now - 3600
            token = forge(header, claims | {"iat": past, "nbf": past, "exp": now - leeway - 60}, sign)
        case "nbf_in_future":
            token = forge(header, claims | {"nbf": now + leeway + 600, "exp": now + leeway + 1200}, sign)
        case "missing_exp":
            token = forge(header, {k: v for k, v in claims.items() if k != "exp"}, sign)
        case "wrong_aud":
            token = forge(header, claims | {"aud": "some-other-api"}, sign)
        case "wrong_iss":
            token = forge(header, claims | {"iss": "https://attacker.example"}, sign)
        case "sid_not_a_string":
            token = forge(header, claims | {"sid": 12345}, sign)
        case "tampered_payload":
            # A genuine token whose payload is swapped after signing.
            h, _, s = victim.token.split(".")
            payload = _b64(json.dumps(_claims_of(victim.token) | {"sub": str(uuid.uuid4())}).encode())
            token = f"{h}.{payload}.{s}"
        case "refresh_token_as_access":
            token = victim.refresh
        case "revoked_session":
            # A second session of the same user, logged out: its token is correctly
            # signed and unexpired, but the session is gone.
            other = await _login(api, victim.email)
            r = await api.rpc("auth/v1/logout", {}, token=other.token)
            assert r.status_code == 200, r.text
            token = other.token
            expected = "SESSION_REVOKED"
        case "session_of_another_user":
            # Defence in depth: even with the server key, a sid must belong to sub.
            stranger = await api.register()
            token = forge(header, claims | {"sid": _claims_of(stranger.token)["sid"]}, sign)
            expected = "SESSION_REVOKED"
        case "garbage":
            token = "definitely-not-a-token"
        case "garbage_three_segments":
            token = "a.b.c"
        case "empty_bearer":
            headers = {"Authorization": "Bearer"}
        case "basic_scheme":
            headers = {"Authorization": "Basic " + base64.b64encode(f"{victim.email}:{PASSWORD}".encode()).decode()}
        case _:
            raise AssertionError(attack)
    if headers is None:
        headers = _bearer(token)
    await _assert_rejected_both(api, headers, expected)
    # The victim's own session is untouched by the attempt (except for the cases
    # that revoke a different session on purpose).
    await _assert_accepted_both(api, _bearer(victim.token), victim.user_id)


async def test_no_authorization_header_is_anonymous_not_an_error(api: Api) -> None:
    """For contrast with the 401s: no header at all is simply anonymous."""
    body = await api.gql(VIEWER_Q)
    assert body["_status"] == 200 and body["data"] == {"viewer": None}, body
    r = await api.rpc(RPC_ACCOUNT_OP, {})
    assert r.status_code == 401 and _error(r)["code"] == "UNAUTHENTICATED", r.text


# --------------------------------------------------------------------------- 2. logout


@pytest.mark.parametrize("transport", ["graphql", "rpc"])
async def test_logout_revokes_access_and_refresh_tokens(api: Api, transport: str) -> None:
    caller = await api.register()
    other_session = await _login(api, caller.email)
    await _assert_accepted_both(api, caller.headers, caller.user_id)

    if transport == "graphql":
        body = await api.gql(LOGOUT_M, token=caller.token)
        assert "errors" not in body, body
        assert body["data"]["authLogout"] == {"result": {"revoked": True}, "userErrors": []}
    else:
        r = await api.rpc("auth/v1/logout", {}, token=caller.token)
        assert r.status_code == 200, r.text
        assert r.json() == {"revoked": True}

    await _assert_rejected_both(api, caller.headers, "SESSION_REVOKED")
    r = await _refresh(api, caller.refresh)
    assert r.status_code == 401, r.text
    assert _error(r)["code"] == "SESSION_REVOKED", r.text
    _no_internals(r.text)
    # Logging out again with the dead token is a 401 too, not a silent success.
    r = await api.rpc("auth/v1/logout", {}, token=caller.token)
    assert r.status_code == 401 and _error(r)["code"] == "SESSION_REVOKED", r.text
    # Only that session ended: the user's other session still works.
    await _assert_accepted_both(api, other_session.headers, caller.user_id)


# --------------------------------------------------------------------------- 3. refresh rotation


async def test_refresh_rotates_and_reuse_kills_the_session(api: Api) -> None:
    caller = await api.register()
    r = await _refresh(api, caller.refresh)
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["refreshToken"] != caller.refresh
    assert first["accessToken"] != caller.token
    assert first["user"]["id"] == caller.user_id
    assert _claims_of(first["accessToken"])["sid"] == _claims_of(caller.token)["sid"]
    await _assert_accepted_both(api, _bearer(first["accessToken"]), caller.user_id)

    # The rotated refresh token works once more (chain continues) ...
    r = await _refresh(api, first["refreshToken"])
    assert r.status_code == 200, r.text
    second = r.json()
    await _assert_accepted_both(api, _bearer(second["accessToken"]), caller.user_id)

    # ... but presenting an already-used one is theft: the whole session dies.
    r = await _refresh(api, caller.refresh)
    assert r.status_code == 401, r.text
    assert _error(r)["code"] == "REFRESH_TOKEN_REUSED", r.text
    _no_internals(r.text)

    for token in (second["accessToken"], first["accessToken"], caller.token):
        await _assert_rejected_both(api, _bearer(token), "SESSION_REVOKED")
    for refresh in (second["refreshToken"], first["refreshToken"], caller.refresh):
        r = await _refresh(api, refresh)
        assert r.status_code == 401, r.text
        assert _error(r)["code"] == "SESSION_REVOKED", r.text


async def test_refresh_through_graphql_rotates(api: Api) -> None:
    caller = await api.register()
    mutation = """mutation($t: String!) { authRefresh(input: {refreshToken: $t}) {
      session { accessToken refreshToken user { id } } userErrors { code message } } }"""
    body = await api.gql(mutation, {"t": caller.refresh})
    assert "errors" not in body, body
    session = body["data"]["authRefresh"]["session"]
    assert session["user"]["id"] == caller.user_id
    await _assert_accepted_both(api, _bearer(session["accessToken"]), caller.user_id)
    body = await api.gql(mutation, {"t": caller.refresh})
    assert body["data"]["authRefresh"]["session"] is None, body
    assert body["data"]["authRefresh"]["userErrors"][0]["code"] == "REFRESH_TOKEN_REUSED", body
    await _assert_rejected_both(api, _bearer(session["accessToken"]), "SESSION_REVOKED")


@pytest.mark.parametrize("parallel", [2, 5])
async def test_parallel_refreshes_of_one_token(api: Api, parallel: int) -> None:
    caller = await api.register()
    responses = await asyncio.gather(*(_refresh(api, caller.refresh) for _ in range(parallel)))
    ok = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code != 200]
    assert len(ok) <= 1, [r.text for r in responses]
    for r in refused:
        assert r.status_code == 401, r.text
        assert _error(r)["code"] in {"REFRESH_TOKEN_REUSED", "SESSION_REVOKED"}, r.text
        _no_internals(r.text)
    # Somebody replayed a refresh token, so the session is over for everyone.
    await _assert_rejected_both(api, caller.headers, "SESSION_REVOKED")
    for r in ok:
        await _assert_rejected_both(api, _bearer(r.json()["accessToken"]), "SESSION_REVOKED")
        again = await _refresh(api, r.json()["refreshToken"])
        assert again.status_code == 401, again.text


# --------------------------------------------------------------------------- 4. key rotation


@pytest.fixture
def install_tokens(platform) -> Iterator[Callable[[TokenService], None]]:
    original = platform.tokens

    def install(service: TokenService) -> None:
        platform.tokens = service

    yield install
    platform.tokens = original


def _token_service(settings, keys: list[dict[str, Any]], active: str) -> TokenService:
    return TokenService(
        KeySet({"keys": keys}, active),
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.access_token_ttl_seconds,
        leeway_seconds=settings.jwt_leeway_seconds,
    )


async def test_key_rotation_without_downtime(api: Api, settings, private_jwks, server_jwk, install_tokens) -> None:
    old_kid = server_jwk["kid"]
    before = await api.register()
    assert _header_of(before.token)["kid"] == old_kid
    new_key = generate_jwks([f"{old_kid}-next"])["keys"][0]

    # Phase 1: the new key is introduced and becomes active; the old one still verifies.
    install_tokens(_token_service(settings, [server_jwk, new_key], active=new_key["kid"]))
    await _assert_accepted_both(api, before.headers, before.user_id)
    after = await _login(api, before.email)
    assert _header_of(after.token)["kid"] == new_key["kid"]
    await _assert_accepted_both(api, after.headers, before.user_id)
    # Refresh keeps working across the switch and issues under the new key.
    r = await _refresh(api, before.refresh)
    assert r.status_code == 200, r.text
    assert _header_of(r.json()["accessToken"])["kid"] == new_key["kid"]
    await _assert_accepted_both(api, _bearer(r.json()["accessToken"]), before.user_id)

    # Phase 2: once the old key's tokens have expired it is removed; a token that
    # still names it is now refused, while tokens of the new key keep working.
    install_tokens(_token_service(settings, [new_key], active=new_key["kid"]))
    await _assert_rejected_both(api, before.headers, "TOKEN_INVALID")
    await _assert_accepted_both(api, after.headers, before.user_id)


async def test_server_without_the_new_key_refuses_its_tokens(api: Api, settings, server_jwk, install_tokens) -> None:
    """The other direction: a token under a key the server doesn't hold is refused,
    so the rotation test above really exercised two different keys."""
    new_key = generate_jwks(["rotation-only"])["keys"][0]
    install_tokens(_token_service(settings, [server_jwk, new_key], active=new_key["kid"]))
    caller = await api.register()
    install_tokens(_token_service(settings, [server_jwk], active=server_jwk["kid"]))
    await _assert_rejected_both(api, caller.headers, "TOKEN_INVALID")


# --------------------------------------------------------------------------- 5. membership removal


@pytest.mark.parametrize("first_transport", ["graphql", "rpc"])
async def test_removed_member_is_denied_on_next_request(api: Api, first_transport: str) -> None:
    admin, org = await api.admin_of_new_org()
    member = await api.register()
    r = await api.rpc("membership/v1/add", {"email": member.email, "roles": ["auditor"]}, token=admin.token, key=_key())
    assert r.status_code == 200, r.text
    membership_id = r.json()["id"]
    await api.select(member, org)

    body = await api.gql(AUDIT_Q, token=member.token)
    assert "errors" not in body, body
    assert body["data"]["auditEvents"]["nodes"], body  # the org's creation at least
    body = await api.gql(NODE_Q, {"id": org}, token=member.token)
    assert body["data"]["node"] == {"id": org}, body

    r = await api.rpc("membership/v1/remove", {"id": membership_id}, token=admin.token, key=_key())
    assert r.status_code == 200, r.text

    async def graphql_denied() -> None:
        body = await api.gql(AUDIT_Q, token=member.token)
        assert body["data"] is None, body
        assert _gql_code(body) == "FORBIDDEN", body
        _no_internals(json.dumps(body))
        body = await api.gql(NODE_Q, {"id": org}, token=member.token)
        assert body["data"] == {"node": None}, body
        assert _gql_code(body) == "FORBIDDEN", body

    async def rpc_denied() -> None:
        r = await api.rpc("serviceAccount/v1/create", {"name": "sneaky"}, token=member.token, key=_key())
        assert r.status_code == 403, r.text
        assert _error(r)["code"] == "FORBIDDEN", r.text
        r = await api.rpc("membership/v1/add", {"email": member.email, "roles": ["admin"]}, token=member.token, key=_key())
        assert r.status_code == 403 and _error(r)["code"] == "FORBIDDEN", r.text

    checks = [graphql_denied, rpc_denied] if first_transport == "graphql" else [rpc_denied, graphql_denied]
    for check in checks:
        await check()

    # The user is still logged in (account level), just no longer in that org.
    r = await api.rpc("organization/v1/list", {}, token=member.token)
    assert r.status_code == 200, r.text
    assert all(m["organizationId"] != org for m in r.json()["items"]), r.text
    # The admin's view: nothing was created by the removed member's attempts.
    body = await api.gql('{ auditEvents(first: 20, operation: "serviceAccount/v1/create") { nodes { id } } }', token=admin.token)
    assert body["data"]["auditEvents"]["nodes"] == [], body


# --------------------------------------------------------------------------- 6. organization not selected


async def test_org_scoped_ops_need_an_active_organization(api: Api) -> None:
    caller = await api.register()

    r = await api.rpc("serviceAccount/v1/create", {"name": "x"}, token=caller.token, key=_key())
    assert r.status_code == 403, r.text
    assert _error(r)["code"] == "ORGANIZATION_NOT_SELECTED", r.text
    r = await api.rpc("membership/v1/add", {"email": caller.email, "roles": ["member"]}, token=caller.token, key=_key())
    assert r.status_code == 403 and _error(r)["code"] == "ORGANIZATION_NOT_SELECTED", r.text

    body = await api.gql(
        'mutation { serviceAccountCreate(input: {name: "x"}, idempotencyKey: "k-1") { serviceAccountCreated { apiKey } } }',
        token=caller.token,
    )
    assert _gql_code(body) == "ORGANIZATION_NOT_SELECTED", body
    body = await api.gql(AUDIT_Q, token=caller.token)
    assert _gql_code(body) == "ORGANIZATION_NOT_SELECTED", body

    # Account-level operations need none.
    body = await api.gql(
        "{ viewer { user { id } activeOrganization { id } } myMemberships { items { id } } }", token=caller.token
    )
    assert "errors" not in body, body
    assert body["data"]["viewer"] == {"user": {"id": caller.user_id}, "activeOrganization": None}
    r = await api.rpc("organization/v1/list", {}, token=caller.token)
    assert r.status_code == 200 and r.json() == {"items": []}, r.text
    org = await api.create_org(caller)
    # Creating doesn't select ...
    r = await api.rpc("serviceAccount/v1/create", {"name": "x"}, token=caller.token, key=_key())
    assert r.status_code == 403 and _error(r)["code"] == "ORGANIZATION_NOT_SELECTED", r.text
    # ... selecting does.
    await api.select(caller, org)
    r = await api.rpc("serviceAccount/v1/create", {"name": "x"}, token=caller.token, key=_key())
    assert r.status_code == 200, r.text


async def _active_org(api: Api, caller: Caller) -> str | None:
    body = await api.gql("{ viewer { activeOrganization { id } } }", token=caller.token)
    assert "errors" not in body, body
    active = body["data"]["viewer"]["activeOrganization"]
    return active["id"] if active else None


async def test_selecting_a_foreign_or_unknown_org_is_indistinguishable(api: Api) -> None:
    caller, own = await api.admin_of_new_org()
    _stranger, foreign = await api.admin_of_new_org()
    unknown = encode("org", uuid.uuid4())

    def comparable(r: httpx.Response) -> tuple[int, dict[str, Any]]:
        err = dict(_error(r))
        err.pop("traceId", None)
        return r.status_code, err

    r_foreign = await api.rpc("organization/v1/select", {"organizationId": foreign}, token=caller.token, key=_key())
    r_unknown = await api.rpc("organization/v1/select", {"organizationId": unknown}, token=caller.token, key=_key())
    assert comparable(r_foreign) == comparable(r_unknown), (r_foreign.text, r_unknown.text)
    assert r_foreign.status_code == 404, r_foreign.text
    assert _error(r_foreign)["code"] == "ORGANIZATION_NOT_FOUND", r_foreign.text
    assert foreign not in r_foreign.text
    assert await _active_org(api, caller) == own

    mutation = """mutation($id: ID!, $k: String!) { organizationSelect(input: {organizationId: $id}, idempotencyKey: $k) {
      membership { id } userErrors { code field message } } }"""
    g_foreign = await api.gql(mutation, {"id": foreign, "k": _key()}, token=caller.token)
    g_unknown = await api.gql(mutation, {"id": unknown, "k": _key()}, token=caller.token)
    assert g_foreign["data"] == g_unknown["data"], (g_foreign, g_unknown)
    assert g_foreign["data"]["organizationSelect"]["membership"] is None
    assert g_foreign["data"]["organizationSelect"]["userErrors"][0]["code"] == "ORGANIZATION_NOT_FOUND"
    assert await _active_org(api, caller) == own

    # Malformed ids can't name anything: a validation error (no oracle either),
    # never a 500, and still no change.
    for bad in ["org_short", "not-an-id", encode("usr", uuid.uuid4()), "org_" + "1" * 26, 42, None]:
        r = await api.rpc("organization/v1/select", {"organizationId": bad}, token=caller.token, key=_key())
        assert r.status_code == 400, (bad, r.text)
        assert _error(r)["code"] == "VALIDATION_FAILED", (bad, r.text)
        _no_internals(r.text)
    assert await _active_org(api, caller) == own

    # Without an active org, a failed select leaves it unselected.
    fresh = await api.register()
    r = await api.rpc("organization/v1/select", {"organizationId": foreign}, token=fresh.token, key=_key())
    assert comparable(r) == comparable(r_unknown), r.text
    assert await _active_org(api, fresh) is None


# --------------------------------------------------------------------------- 7. login


async def test_login_failures_are_uniform_and_never_echo_the_password(api: Api) -> None:
    caller = await api.register()
    wrong_password = "Wr0ng-but-plausible-Pa55phrase"

    wrong = await api.rpc("auth/v1/login", {"email": caller.email, "password": wrong_password})
    unknown = await api.rpc("auth/v1/login", {"email": f"nobody-{_key()}@example.org", "password": wrong_password})
    for r in (wrong, unknown):
        assert r.status_code == 401, r.text
        assert _error(r)["code"] == "INVALID_CREDENTIALS", r.text
        assert wrong_password not in r.text
        assert PASSWORD not in r.text
        _no_internals(r.text)
    assert _error(wrong)["message"] == _error(unknown)["message"]
    assert _error(wrong)["details"] == _error(unknown)["details"]

    mutation = """mutation($e: String!, $p: String!) { authLogin(input: {email: $e, password: $p}) {
      session { accessToken } userErrors { code field message } } }"""
    g_wrong = await api.gql(mutation, {"e": caller.email, "p": wrong_password})
    g_unknown = await api.gql(mutation, {"e": f"nobody-{_key()}@example.org", "p": wrong_password})
    assert g_wrong["data"] == g_unknown["data"], (g_wrong, g_unknown)
    errors = g_wrong["data"]["authLogin"]["userErrors"]
    assert errors[0]["code"] == "INVALID_CREDENTIALS"
    assert errors[0]["message"] == _error(wrong)["message"]
    assert wrong_password not in json.dumps(g_wrong)

    # Validation failures don't echo the password either.
    long_password = "x" * 300 + "SECRET-MARKER"
    r = await api.rpc("auth/v1/login", {"email": caller.email, "password": long_password})
    assert r.status_code == 400, r.text
    assert "SECRET-MARKER" not in r.text
    r = await api.rpc("auth/v1/register", {"email": f"n-{_key()}@example.org", "displayName": "N", "password": "SHORT-MRK"})
    assert r.status_code in (400, 422), r.text
    assert "SHORT-MRK" not in r.text
    g = await api.gql(mutation, {"e": caller.email, "p": long_password})
    assert "SECRET-MARKER" not in json.dumps(g), g

    # Control: the right password works, and the tokens don't contain it.
    ok = await api.rpc("auth/v1/login", {"email": caller.email.upper(), "password": PASSWORD})
    assert ok.status_code == 200, ok.text
    assert PASSWORD not in ok.text


# --------------------------------------------------------------------------- 8. Redis down


@asynccontextmanager
async def _redis_outage(platform, settings) -> AsyncIterator[None]:
    """Point every Redis user of the platform at a port where nothing listens."""
    saved = (platform.redis, platform.session_store, platform.rate_limiter)
    dead = Redis.from_url("redis://127.0.0.1:1/0", socket_timeout=0.5, socket_connect_timeout=0.5)
    platform.redis = dead
    platform.session_store = SessionStore(dead, settings.redis_prefix, settings.refresh_token_ttl_seconds)
    platform.rate_limiter = RateLimiter(dead, settings.redis_prefix)
    try:
        yield
    finally:
        platform.redis, platform.session_store, platform.rate_limiter = saved
        await dead.aclose()


async def _create_service_account(api: Api, admin: Caller, roles: list[str] | None = None, name: str = "Sync") -> dict[str, Any]:
    body: dict[str, Any] = {"name": name}
    if roles is not None:
        body["roles"] = roles
    r = await api.rpc("serviceAccount/v1/create", body, token=admin.token, key=_key())
    assert r.status_code == 200, r.text
    return r.json()


@pytest.fixture
async def live_credentials(api: Api) -> tuple[Caller, str, str]:
    """A user with an active org, and a service-account key, made while Redis is up."""
    admin, org = await api.admin_of_new_org()
    created = await _create_service_account(api, admin)
    return admin, org, created["apiKey"]


def _assert_503(response: httpx.Response, graphql: bool) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    body = response.json()
    if graphql:
        assert body.get("data") is None, body
        assert _gql_code(body) == "SERVICE_UNAVAILABLE", body
    else:
        assert _error(response)["code"] == "SERVICE_UNAVAILABLE", response.text
    _no_internals(response.text)


async def test_redis_down_fails_closed_with_503_then_recovers(api: Api, live_credentials, platform, settings) -> None:
    admin, org, api_key = live_credentials
    async with _redis_outage(platform, settings):
        for headers in (admin.headers, _bearer(api_key)):
            _assert_503(await _gql_raw(api, "{ viewer { principalKind activeOrganization { id } } }", headers), graphql=True)
            _assert_503(await _gql_raw(api, AUDIT_Q, headers), graphql=True)
            _assert_503(await api.client.post("/api/v1/rpc/organization/v1/list", json={}, headers=headers), graphql=False)
            _assert_503(
                await api.client.post(
                    "/api/v1/rpc/serviceAccount/v1/create",
                    json={"name": "during-outage"},
                    headers=headers | {"Idempotency-Key": _key()},
                ),
                graphql=False,
            )
        # Session-store operations and anonymous calls fail closed too.
        _assert_503(await _refresh(api, admin.refresh), graphql=False)
        _assert_503(await api.rpc("auth/v1/login", {"email": admin.email, "password": PASSWORD}), graphql=False)
        _assert_503(await api.rpc("auth/v1/logout", {}, token=admin.token), graphql=False)
        _assert_503(await _gql_raw(api, VIEWER_Q, {}), graphql=True)

    # Redis back: the same credentials work again; nothing was revoked or created.
    await _assert_accepted_both(api, admin.headers, admin.user_id)
    body = await api.gql("{ viewer { principalKind activeOrganization { id } } }", token=api_key)
    assert body["data"]["viewer"] == {"principalKind": "service_account", "activeOrganization": {"id": org}}, body
    r = await _refresh(api, admin.refresh)
    assert r.status_code == 200, r.text
    body = await api.gql('{ auditEvents(first: 20, operation: "serviceAccount/v1/create") { nodes { id } } }', token=admin.token)
    assert len(body["data"]["auditEvents"]["nodes"]) == 1, body  # only the fixture's


# --------------------------------------------------------------------------- 9. service accounts


async def test_service_account_key_lifecycle(api: Api) -> None:
    admin, org = await api.admin_of_new_org()
    _other_admin, other_org = await api.admin_of_new_org()

    key = _key()
    r = await api.rpc("serviceAccount/v1/create", {"name": "Accounting sync"}, token=admin.token, key=key)
    assert r.status_code == 200, r.text
    created = r.json()
    api_key = created["apiKey"]
    account = created["serviceAccount"]
    assert api_key.startswith("hsk_")
    assert account["organizationId"] == org and account["roles"] == ["integration"]
    assert account["keyHint"] == api_key[-4:]
    replay = await api.rpc("serviceAccount/v1/create", {"name": "Accounting sync"}, token=admin.token, key=key)
    assert replay.status_code == 200 and replay.json() == created
    assert replay.headers.get("Idempotent-Replayed") == "true"

    # Authenticates GraphQL, bound to its organization only.
    body = await api.gql(SA_VIEWER_Q, token=api_key)
    assert "errors" not in body, body
    assert body["data"]["viewer"] == {
        "principalKind": "service_account",
        "user": None,
        "memberships": [],
        "activeOrganization": {"id": org},
    }
    body = await api.gql(NODE_Q, {"id": org}, token=api_key)
    assert body["data"]["node"] == {"id": org}, body
    body = await api.gql(NODE_Q, {"id": other_org}, token=api_key)
    assert body["data"]["node"] is None, body

    # Authenticates RPC (403, not 401) but may not act as a person.
    for name, payload in [
        ("organization/v1/select", {"organizationId": other_org}),
        ("organization/v1/select", {"organizationId": org}),
        ("organization/v1/create", {"type": "association", "name": "Rogue HOA"}),
        ("organization/v1/list", {}),
        ("auth/v1/logout", {}),
    ]:
        r = await api.rpc(name, payload, token=api_key, key=_key())
        assert r.status_code == 403, (name, r.text)
        assert _error(r)["code"] == "FORBIDDEN", (name, r.text)
    body = await api.gql(
        """mutation($id: ID!) { organizationSelect(input: {organizationId: $id}, idempotencyKey: "sa-sel") {
        membership { id } } }""",
        {"id": other_org},
        token=api_key,
    )
    assert _gql_code(body) == "FORBIDDEN", body
    body = await api.gql(
        'mutation { organizationCreate(input: {type: ASSOCIATION, name: "Rogue"}, idempotencyKey: "sa-new") '
        "{ organization { id } } }",
        token=api_key,
    )
    assert _gql_code(body) == "FORBIDDEN", body
    body = await api.gql(SA_VIEWER_Q, token=api_key)
    assert body["data"]["viewer"]["activeOrganization"] == {"id": org}, body

    # An admin-role key can do org work over RPC, in its own org.
    admin_sa = await _create_service_account(api, admin, roles=["admin"], name="Provisioner")
    r = await api.rpc("serviceAccount/v1/create", {"name": "child"}, token=admin_sa["apiKey"], key=_key())
    assert r.status_code == 200, r.text
    assert r.json()["serviceAccount"]["organizationId"] == org

    # Tampered keys are refused with 401 on both transports.
    prefix, rest = api_key[:4], api_key[4:]
    body, secret = rest.split("_", 1)
    other_org_b32 = _b32_of(other_org)
    tampered = [
        api_key[:-1] + ("A" if api_key[-1] != "A" else "B"),
        f"{prefix}{body}_{secret[::-1]}",
        f"{prefix}{other_org_b32}{body[26:]}_{secret}",
        f"{prefix}{body[:26]}{_b32_of(encode('sa', uuid.uuid4()))}_{secret}",
        f"{prefix}{'1' * 52}_{secret}",
        f"{prefix}{body}",
        f"{prefix}{body}_",
        "hsk_",
        api_key + "x",
    ]
    for bad in tampered:
        await _assert_rejected_both(api, _bearer(bad), "TOKEN_INVALID")

    # Revoked: the key stops working at once, on both transports.
    r = await api.rpc("serviceAccount/v1/revoke", {"id": account["id"]}, token=admin.token, key=_key())
    assert r.status_code == 200, r.text
    assert r.json()["revokedAt"] is not None
    await _assert_rejected_both(api, _bearer(api_key), "TOKEN_INVALID")
    r = await api.rpc("serviceAccount/v1/create", {"name": "after-revoke"}, token=api_key, key=_key())
    assert r.status_code == 401, r.text
    # The other key of the org is unaffected.
    r = await api.rpc("serviceAccount/v1/create", {"name": "child-2"}, token=admin_sa["apiKey"], key=_key())
    assert r.status_code == 200, r.text


def _b32_of(public_id: str) -> str:
    """The 26-char base32 part of a public id, as used inside an API key."""
    return public_id.split("_", 1)[1]

"""Redis sessions and refresh-token rotation, against a real Redis."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from graph.auth.principal import PrincipalKind
from graph.auth.sessions import SessionStore
from graph.errors import ErrorCode, ServiceUnavailable, Unauthenticated

TTL = 3600


@pytest.fixture
def store(redis_client: Redis, redis_prefix: str) -> SessionStore:
    return SessionStore(redis_client, redis_prefix, refresh_ttl_seconds=TTL)


async def expect_auth_error(code: ErrorCode, call: Awaitable[object]) -> None:
    with pytest.raises(Unauthenticated) as caught:
        await call
    assert caught.value.code == code
    assert caught.value.status == 401


async def test_create_then_get(store: SessionStore, redis_client: Redis, redis_prefix: str) -> None:
    user_id = uuid4()
    before = datetime.now(UTC)

    session, refresh_token = await store.create(user_id, "user")

    assert await store.get(session.id) == session
    assert session.user_id == user_id
    assert session.principal_kind is PrincipalKind.USER
    assert session.active_organization_id is None
    assert before - timedelta(seconds=1) <= session.created_at <= datetime.now(UTC)
    assert len(session.id) == 24
    assert refresh_token.startswith(f"rt_{session.id}.")

    key = f"{redis_prefix}:sess:{session.id}"
    secret = refresh_token.split(".", 1)[1]
    stored = await redis_client.hgetall(key)
    assert all(secret not in str(value) for value in stored.values())
    assert stored["rt"] == hashlib.sha256(secret.encode()).hexdigest()
    assert TTL - 5 <= await redis_client.ttl(key) <= TTL
    user_key = f"{redis_prefix}:user-sessions:{user_id}"
    assert await redis_client.smembers(user_key) == {session.id}
    assert TTL - 5 <= await redis_client.ttl(user_key) <= TTL


@pytest.mark.parametrize("session_id", ["x" * 24, "nope", "a:b", ""])
async def test_get_unknown_or_malformed_is_none(store: SessionStore, session_id: str) -> None:
    assert await store.get(session_id) is None


async def test_rotate_issues_a_new_token_for_the_same_session(
    store: SessionStore,
) -> None:
    session, first = await store.create(uuid4(), "service_account")
    org = uuid4()
    await store.set_active_organization(session.id, org)

    rotated, second = await store.rotate(first)
    again, third = await store.rotate(second)

    assert rotated.id == again.id == session.id
    assert again.active_organization_id == org
    assert again.principal_kind is PrincipalKind.SERVICE_ACCOUNT
    assert len({first, second, third}) == 3
    assert third.startswith(f"rt_{session.id}.")


async def test_rotate_slides_the_expiry(store: SessionStore, redis_client: Redis, redis_prefix: str) -> None:
    user_id = uuid4()
    session, token = await store.create(user_id, "user")
    session_key = f"{redis_prefix}:sess:{session.id}"
    user_key = f"{redis_prefix}:user-sessions:{user_id}"
    for key in (session_key, user_key):
        await redis_client.expire(key, 60)

    await store.rotate(token)

    for key in (session_key, f"{session_key}:used", user_key):
        assert TTL - 5 <= await redis_client.ttl(key) <= TTL


async def test_reusing_a_rotated_token_kills_the_session(store: SessionStore, redis_client: Redis, redis_prefix: str) -> None:
    user_id = uuid4()
    session, first = await store.create(user_id, "user")
    _, second = await store.rotate(first)

    await expect_auth_error(ErrorCode.REFRESH_TOKEN_REUSED, store.rotate(first))

    assert await store.get(session.id) is None
    # The legitimate holder is logged out too: the token leaked, so both sides lose it.
    await expect_auth_error(ErrorCode.SESSION_REVOKED, store.rotate(second))
    assert await redis_client.exists(f"{redis_prefix}:sess:{session.id}:used") == 0
    assert await redis_client.smembers(f"{redis_prefix}:user-sessions:{user_id}") == set()


async def test_never_issued_secret_is_invalid_and_leaves_the_session(
    store: SessionStore,
) -> None:
    session, token = await store.create(uuid4(), "user")

    await expect_auth_error(ErrorCode.TOKEN_INVALID, store.rotate(f"rt_{session.id}.made-up-secret"))

    assert await store.get(session.id) == session
    assert await store.rotate(token)


@pytest.mark.parametrize(
    "token",
    [
        "",
        "rt_",
        "rt_.secret",
        "rt_short.secret",
        f"rt_{'a' * 24}",
        f"rt_{'a' * 24}.",
        f"xx_{'a' * 24}.secret",
        f"rt_{'a' * 19}:used.secret",
        "not a token at all",
    ],
)
async def test_malformed_refresh_token_is_invalid(store: SessionStore, token: str) -> None:
    await expect_auth_error(ErrorCode.TOKEN_INVALID, store.rotate(token))


async def test_unknown_session_is_revoked(store: SessionStore) -> None:
    await expect_auth_error(ErrorCode.SESSION_REVOKED, store.rotate(f"rt_{'a' * 24}.secret"))


@pytest.mark.parametrize("racers", [2, 10])
async def test_parallel_rotation_lets_one_win_and_kills_the_session(store: SessionStore, racers: int) -> None:
    session, token = await store.create(uuid4(), "user")

    results = await asyncio.gather(*(store.rotate(token) for _ in range(racers)), return_exceptions=True)

    winners = [r for r in results if isinstance(r, tuple)]
    errors = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    # The first loser replays a used token and deletes the session; later ones find it gone.
    codes = [e.code for e in errors if isinstance(e, Unauthenticated)]
    assert len(codes) == racers - 1
    assert codes.count(ErrorCode.REFRESH_TOKEN_REUSED) == 1
    assert set(codes) <= {ErrorCode.REFRESH_TOKEN_REUSED, ErrorCode.SESSION_REVOKED}
    assert await store.get(session.id) is None
    await expect_auth_error(ErrorCode.SESSION_REVOKED, store.rotate(winners[0][1]))


async def test_revoke(store: SessionStore, redis_client: Redis, redis_prefix: str) -> None:
    user_id = uuid4()
    session, token = await store.create(user_id, "user")
    other, _ = await store.create(user_id, "user")

    await store.revoke(session.id)

    assert await store.get(session.id) is None
    await expect_auth_error(ErrorCode.SESSION_REVOKED, store.rotate(token))
    assert await redis_client.smembers(f"{redis_prefix}:user-sessions:{user_id}") == {other.id}
    assert await store.get(other.id) == other


async def test_revoke_unknown_session_is_a_no_op(store: SessionStore) -> None:
    await store.revoke("x" * 24)


async def test_revoke_all_for_user(store: SessionStore, redis_client: Redis, redis_prefix: str) -> None:
    user_id = uuid4()
    mine = [await store.create(user_id, "user") for _ in range(3)]
    _, first_token = mine[0]
    await store.rotate(first_token)  # so a used-hash set exists too
    someone_else, _ = await store.create(uuid4(), "user")

    assert await store.revoke_all_for_user(user_id) == 3

    for session, token in mine:
        assert await store.get(session.id) is None
        await expect_auth_error(ErrorCode.SESSION_REVOKED, store.rotate(token))
    assert await store.get(someone_else.id) == someone_else
    assert await redis_client.keys(f"{redis_prefix}:sess:{mine[0][0].id}*") == []
    assert await redis_client.exists(f"{redis_prefix}:user-sessions:{user_id}") == 0
    assert await store.revoke_all_for_user(user_id) == 0


async def test_set_active_organization(store: SessionStore) -> None:
    session, _ = await store.create(uuid4(), "user")
    org = uuid4()

    await store.set_active_organization(session.id, org)
    selected = await store.get(session.id)
    await store.set_active_organization(session.id, None)
    cleared = await store.get(session.id)

    assert selected is not None and selected.active_organization_id == org
    assert cleared is not None and cleared.active_organization_id is None


async def test_set_active_organization_does_not_resurrect_a_revoked_session(
    store: SessionStore, redis_client: Redis, redis_prefix: str
) -> None:
    session, _ = await store.create(uuid4(), "user")
    await store.revoke(session.id)

    await expect_auth_error(ErrorCode.SESSION_REVOKED, store.set_active_organization(session.id, uuid4()))

    assert await redis_client.exists(f"{redis_prefix}:sess:{session.id}") == 0
    assert await store.get(session.id) is None


async def test_works_with_a_client_that_returns_bytes(redis_url: str, redis_prefix: str) -> None:
    async with Redis.from_url(redis_url, decode_responses=False) as raw_client:
        store = SessionStore(raw_client, redis_prefix, refresh_ttl_seconds=TTL)
        user_id = uuid4()
        session, token = await store.create(user_id, "user")
        await store.set_active_organization(session.id, uuid4())

        assert (await store.rotate(token))[0] == await store.get(session.id)
        await expect_auth_error(ErrorCode.REFRESH_TOKEN_REUSED, store.rotate(token))
        assert await store.revoke_all_for_user(user_id) == 0


@pytest.fixture
async def unreachable_store() -> AsyncIterator[SessionStore]:
    # Port 1 refuses connections; no retries so the test measures our handling.
    client = Redis.from_url(
        "redis://127.0.0.1:1/0",
        socket_connect_timeout=0.2,
        socket_timeout=0.2,
        retry=Retry(NoBackoff(), 0),
    )
    yield SessionStore(client, f"test-auth:{uuid4().hex}", refresh_ttl_seconds=TTL)
    await client.aclose()


@pytest.mark.parametrize(
    "operation",
    [
        "create",
        "get",
        "rotate",
        "revoke",
        "revoke_all_for_user",
        "set_active_organization",
    ],
)
async def test_redis_down_fails_closed_with_503(unreachable_store: SessionStore, operation: str) -> None:
    session_id = "a" * 24
    calls = {
        "create": lambda: unreachable_store.create(uuid4(), "user"),
        "get": lambda: unreachable_store.get(session_id),
        "rotate": lambda: unreachable_store.rotate(f"rt_{session_id}.secret"),
        "revoke": lambda: unreachable_store.revoke(session_id),
        "revoke_all_for_user": lambda: unreachable_store.revoke_all_for_user(uuid4()),
        "set_active_organization": lambda: unreachable_store.set_active_organization(session_id, uuid4()),
    }
    started = time.monotonic()

    with pytest.raises(ServiceUnavailable) as caught:
        await calls[operation]()

    assert caught.value.code == ErrorCode.SERVICE_UNAVAILABLE
    assert caught.value.status == 503
    assert "try again" in caught.value.message
    assert time.monotonic() - started < 2

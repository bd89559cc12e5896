"""Token-bucket rate limiting against a real Redis."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from graph.auth.sessions import SessionStore
from graph.errors import RateLimited, ServiceUnavailable
from graph.ratelimit import RateLimiter
from graph.settings import Settings

REDIS_URL = os.environ.get("HESTAMI_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
async def limiter(redis: Redis) -> AsyncIterator[RateLimiter]:
    # A unique prefix keeps parallel runs and other suites apart.
    prefix = f"test-rl-{uuid.uuid4().hex}"
    yield RateLimiter(redis, prefix)
    keys = [k async for k in redis.scan_iter(f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)


async def test_burst_is_throttled_then_refills(limiter: RateLimiter) -> None:
    # 5 tokens a second: a loaded machine pausing 20 ms between takes (it did, at
    # 50 a second) must not refill a whole token and shift the counts.
    for expected_remaining in (2, 1, 0):
        decision = await limiter.take("principal", "p1", capacity=3, refill_per_second=5)
        assert decision.allowed
        assert decision.remaining == expected_remaining
    denied = await limiter.take("principal", "p1", capacity=3, refill_per_second=5)
    assert not denied.allowed
    assert 0 < denied.retry_after_seconds <= 1 / 5
    await asyncio.sleep(denied.retry_after_seconds + 0.02)
    again = await limiter.take("principal", "p1", capacity=3, refill_per_second=5)
    assert again.allowed


async def test_key_layout_and_expiry(limiter: RateLimiter, redis: Redis) -> None:
    await limiter.take("principal", "p1", capacity=10, refill_per_second=5)
    key = limiter.key("principal", "p1")
    assert key.endswith(":rl:principal:p1")
    # One token short of full at 5/s: gone after ~200 ms, when it would be full.
    ttl = await redis.pttl(key)
    assert 0 < ttl <= 200


async def test_concurrent_takes_never_exceed_capacity(limiter: RateLimiter) -> None:
    decisions = await asyncio.gather(
        *(limiter.take("principal", "burst", capacity=10, refill_per_second=0.001) for _ in range(50))
    )
    assert sum(d.allowed for d in decisions) == 10


async def test_script_reloaded_after_noscript(limiter: RateLimiter) -> None:
    # Simulates a Redis restart losing the script cache, without flushing the
    # shared server's scripts.
    limiter._script.sha = "0" * 40
    decision = await limiter.take("principal", "reload", capacity=2, refill_per_second=1)
    assert decision.allowed
    limiter._session_script.sha = "0" * 40
    gone = limiter.key("sess", "none")
    assert await limiter.enforce_for_session(gone, str(uuid.uuid4()), _settings(), limiter.key("v", "")) == ([], None)
    assert limiter._session_script.sha != "0" * 40


def _settings() -> Settings:
    return Settings(
        rate_limit_capacity=2,
        rate_limit_refill_per_second=0.01,
        org_rate_limit_capacity=3,
        org_rate_limit_refill_per_second=0.01,
    )


async def test_enforce_per_principal_and_per_organization(limiter: RateLimiter, redis: Redis) -> None:
    settings = _settings()
    await limiter.enforce("alice", "org1", settings)
    await limiter.enforce("alice", "org1", settings)
    with pytest.raises(RateLimited) as principal_limited:
        await limiter.enforce("alice", "org1", settings)
    error = principal_limited.value
    assert error.status == 429 and error.code == "RATE_LIMITED"
    assert error.details["scope"] == "principal"
    assert error.details["retryAfterSeconds"] > 0
    assert int(error.headers["Retry-After"]) >= 1

    # The organization has one token left (alice's refused call cost nothing).
    await limiter.enforce("bob", "org1", settings)
    with pytest.raises(RateLimited) as org_limited:
        await limiter.enforce("bob", "org1", settings)
    assert org_limited.value.details["scope"] == "org"
    # All-or-nothing: bob's refused call did not spend his own token.
    bob = await redis.hget(limiter.key("principal", "bob"), "tokens")
    assert bob is not None
    assert float(bob) == pytest.approx(1, abs=0.01)

    # Another organization and a principal without one are unaffected.
    await limiter.enforce("bob", "org2", settings)
    await limiter.enforce("carol", None, settings)


async def test_session_read_and_charge_in_one_round_trip(
    limiter: RateLimiter, redis: Redis, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _settings()
    prefix = limiter.key("", "").removesuffix(":rl::")
    store = SessionStore(redis, prefix, 600)
    user, stranger = uuid.uuid4(), uuid.uuid4()
    session, _ = await store.create(user, "user")
    await store.set_active_organization(session.id, uuid.UUID(int=7))
    key = store.key(session.id)
    assert key is not None
    # The first call also loads the script into Redis (SCRIPT LOAD); a missing session costs nothing.
    also = f"{prefix}:roles-version:"
    await redis.set(f"{also}{uuid.UUID(int=7)}", "41")
    assert await limiter.enforce_for_session(f"{prefix}:sess:none", str(user), settings, also) == ([], None)
    commands: list[str] = []
    real = redis.execute_command

    async def counting(*args: object, **kwargs: object) -> object:
        commands.append(str(args[0]))
        return await real(*args, **kwargs)

    monkeypatch.setattr(redis, "execute_command", counting)

    fields, version = await limiter.enforce_for_session(key, str(user), settings, also)
    read = store.parse(session.id, fields)
    assert read is not None and read.user_id == user and read.active_organization_id == uuid.UUID(int=7)
    # The value under `also` for the session's organization comes back in the same call.
    assert version == "41"
    assert commands == ["EVALSHA"]
    # Charged as `enforce` charges: the user (capacity 2) and the session's organization (3).
    assert float(await redis.hget(limiter.key("principal", f"user:{user}"), "tokens") or "nan") == pytest.approx(1, abs=0.01)
    assert float(await redis.hget(limiter.key("org", str(uuid.UUID(int=7))), "tokens") or "nan") == pytest.approx(2, abs=0.01)
    await limiter.enforce_for_session(key, str(user), settings, also)
    with pytest.raises(RateLimited) as limited:
        await limiter.enforce_for_session(key, str(user), settings, also)
    assert limited.value.details["scope"] == "principal"

    # Someone else's token naming this session, and a session that is gone, are charged nothing.
    assert store.parse(session.id, (await limiter.enforce_for_session(key, str(stranger), settings, also))[0]) is not None
    assert await redis.exists(limiter.key("principal", f"user:{stranger}")) == 0
    await store.revoke(session.id)
    assert await limiter.enforce_for_session(key, str(user), settings, also) == ([], None)
    assert store.parse(session.id, []) is None


async def test_redis_unreachable_fails_closed() -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2)
    limiter = RateLimiter(client, "test-rl-down")
    started = time.monotonic()
    with pytest.raises(ServiceUnavailable) as error:
        await limiter.take("principal", "p", capacity=5, refill_per_second=1)
    assert error.value.status == 503
    with pytest.raises(ServiceUnavailable):
        await limiter.enforce("p", "o", _settings())
    assert time.monotonic() - started < 5
    await client.aclose()

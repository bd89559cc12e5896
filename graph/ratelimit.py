"""Token-bucket rate limits in Redis.

One Lua script takes from one or more buckets atomically: either every bucket
has the tokens and all are charged, or none is charged. That way a request
refused by its organization's bucket does not also spend the principal's
tokens, and both checks cost one round trip.

The script reads Redis's own clock (``TIME``), so clock skew between app
processes cannot mint tokens. Redis >= 5 replicates script effects, which is
what makes ``TIME`` inside a writing script allowed.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from redis.exceptions import NoScriptError, RedisError

from graph.auth.principal import PrincipalKind
from graph.errors import RateLimited, ServiceUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis
    from redis.commands.core import AsyncScript

    from graph.settings import Settings

# take(keys, cost, params): one bucket per key, params = capacity, refill/s per key.
# Returns {allowed, retry_after, denied_index, remaining_1, ..., remaining_n};
# floats go back as strings because Redis truncates Lua numbers to integers.
_TAKE = """
local function take(keys, cost, params)
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local n = #keys
-- %.17g round-trips doubles; Lua's tostring (%.14g) would drop microseconds.
local function num(x) return string.format('%.17g', x) end
local tokens = {}
local allowed = 1
local retry = 0
local denied = 0
for i = 1, n do
  local capacity = tonumber(params[2 * i - 1])
  local rate = tonumber(params[2 * i])
  local state = redis.call('HMGET', keys[i], 'tokens', 'ts')
  local level = tonumber(state[1])
  local ts = tonumber(state[2])
  if level == nil or ts == nil then
    level = capacity
  elseif now > ts then
    level = math.min(capacity, level + (now - ts) * rate)
  end
  tokens[i] = level
  if level < cost then
    allowed = 0
    local wait = (cost - level) / rate
    if wait > retry then
      retry = wait
      denied = i
    end
  end
end
local result = {allowed, num(retry), denied}
for i = 1, n do
  local capacity = tonumber(params[2 * i - 1])
  local rate = tonumber(params[2 * i])
  if allowed == 1 then
    tokens[i] = tokens[i] - cost
  end
  redis.call('HSET', keys[i], 'tokens', num(tokens[i]), 'ts', num(now))
  -- Once the bucket would be full again its state equals "no key": let it go.
  local ms = math.ceil((capacity - tokens[i]) / rate * 1000)
  redis.call('PEXPIRE', keys[i], math.max(ms, 1))
  result[#result + 1] = num(tokens[i])
end
return result
end
"""

# KEYS: one bucket per key. ARGV[1] = cost, then capacity, refill/s per key.
_TAKE_SCRIPT = _TAKE + "return take(KEYS, tonumber(ARGV[1]), {unpack(ARGV, 2)})"

# The session read and the charge in one round trip. KEYS[1] is a session hash as
# graph/auth/sessions.py writes it (user_id, org), KEYS[2] the user's bucket.
# ARGV: the access token's subject, cost, the user's bucket (capacity, refill/s),
# the organization buckets' key prefix and theirs, and a key prefix whose value for
# the session's organization comes back too (its roles version, graph/roles.py;
# '0' when unset, '' without an organization). The organization's bucket is
# named from the session, so its key cannot be passed in KEYS: fine on one Redis,
# not on a Redis Cluster. A missing session, or one of another user, is charged
# nothing. Returns {session fields (flat, empty if missing)[, take's result, that value]}.
_SESSION_TAKE_SCRIPT = (
    _TAKE
    + """
local fields = redis.call('HGETALL', KEYS[1])
local user, org = nil, ''
for i = 1, #fields, 2 do
  if fields[i] == 'user_id' then user = fields[i + 1] elseif fields[i] == 'org' then org = fields[i + 1] end
end
if user == nil or user ~= ARGV[1] then
  return {fields}
end
local keys = {KEYS[2]}
local params = {ARGV[3], ARGV[4]}
local also = ''
if org ~= '' then
  keys[2] = ARGV[5] .. org
  params[3] = ARGV[6]
  params[4] = ARGV[7]
  also = redis.call('GET', ARGV[8] .. org) or '0'
end
return {fields, take(keys, tonumber(ARGV[2]), params), also}
"""
)


@dataclass(frozen=True, slots=True)
class RateDecision:
    allowed: bool
    remaining: int
    retry_after_seconds: float
    # Which scope refused (None when allowed); lets callers say why.
    denied_scope: str | None = None


@dataclass(frozen=True, slots=True)
class Bucket:
    scope: str
    ident: str
    capacity: int
    refill_per_second: float


class RateLimiter:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        # Run by `_run`: EVALSHA, falling back to the script's SCRIPT LOAD on
        # NOSCRIPT (e.g. after a Redis restart or failover).
        self._script = redis.register_script(_TAKE_SCRIPT)
        self._session_script = redis.register_script(_SESSION_TAKE_SCRIPT)

    def key(self, scope: str, ident: str) -> str:
        return f"{self._prefix}:rl:{scope}:{ident}"

    async def take(
        self,
        scope: str,
        ident: str,
        capacity: int,
        refill_per_second: float,
        cost: int = 1,
    ) -> RateDecision:
        return await self.take_all([Bucket(scope, ident, capacity, refill_per_second)], cost)

    async def take_all(self, buckets: list[Bucket], cost: int = 1) -> RateDecision:
        """Charge ``cost`` to every bucket, or to none if any lacks the tokens."""
        if not buckets:
            raise ValueError("at least one bucket is required")
        _check(buckets, cost)
        args: list[int | float] = [cost]
        for b in buckets:
            args += [b.capacity, b.refill_per_second]
        async with _unavailable():
            raw = await _run(self._script, [self.key(b.scope, b.ident) for b in buckets], args)
        return _decision(raw, buckets)

    async def enforce(self, principal_id: str, org_id: str | None, settings: Settings) -> RateDecision:
        """Charge one request to the principal and, if any, the organization.

        Raises ``RateLimited`` (429, Retry-After) or ``ServiceUnavailable``.
        """
        buckets = [_principal_bucket(principal_id, settings)]
        if org_id is not None:
            buckets.append(_org_bucket(org_id, settings))
        return _enforced(await self.take_all(buckets))

    async def enforce_for_session(
        self, session_key: str, user_id: str, settings: Settings, also: str
    ) -> tuple[list[bytes | str], bytes | str | None]:
        """Read a user's session hash and charge the request as `enforce` would,
        to the user and the session's organization, in one round trip. Returns the
        session's fields (flat, as HGETALL in Lua), and the value under `also` + the
        session's organization (None without one); a missing session, or one that is
        not `user_id`'s, comes back empty or foreign and is charged nothing."""
        user = _principal_bucket(f"{PrincipalKind.USER.value}:{user_id}", settings)
        org = _org_bucket("", settings)
        _check([user, org], 1)
        async with _unavailable():
            fields, *taken = await _run(
                self._session_script,
                [session_key, self.key(user.scope, user.ident)],
                [
                    user_id,
                    1,
                    user.capacity,
                    user.refill_per_second,
                    self.key(org.scope, ""),
                    org.capacity,
                    org.refill_per_second,
                    also,
                ],
            )
        if not taken:
            return list(fields), None
        _enforced(_decision(taken[0], [user, org]))
        return list(fields), taken[1] or None


async def _run(script: AsyncScript, keys: list[str], args: list[Any]) -> Any:
    """`script(keys=keys, args=args)` without redis-py's wrapping, a fifth of the
    call's CPU on every request: EVALSHA, and on NOSCRIPT (a restarted or failed-over
    Redis) the script's own load and run."""
    try:
        return await script.registered_client.execute_command("EVALSHA", script.sha, len(keys), *keys, *args)
    except NoScriptError:
        return await script(keys=keys, args=args)


def _principal_bucket(ident: str, settings: Settings) -> Bucket:
    return Bucket("principal", ident, settings.rate_limit_capacity, settings.rate_limit_refill_per_second)


def _org_bucket(ident: str, settings: Settings) -> Bucket:
    return Bucket("org", ident, settings.org_rate_limit_capacity, settings.org_rate_limit_refill_per_second)


def _check(buckets: list[Bucket], cost: int) -> None:
    for b in buckets:
        if b.capacity < 1 or b.refill_per_second <= 0:
            raise ValueError(f"invalid bucket {b.scope}: {b}")
        if cost > b.capacity:
            # Could never succeed; refuse loudly rather than throttle forever.
            raise ValueError(f"cost {cost} exceeds capacity of {b.scope}")
    if cost < 1:
        raise ValueError("cost must be at least 1")


@asynccontextmanager
async def _unavailable() -> AsyncIterator[None]:
    try:
        yield
    except (TimeoutError, RedisError, OSError) as error:
        # Fail closed: without the limiter we cannot tell abuse apart.
        raise ServiceUnavailable("Rate limiting is unavailable.") from error


def _decision(raw: list[Any], buckets: list[Bucket]) -> RateDecision:
    allowed, retry, denied, *levels = raw
    return RateDecision(
        allowed=bool(int(allowed)),
        remaining=max(0, min(math.floor(float(x)) for x in levels)),
        retry_after_seconds=float(retry),
        denied_scope=buckets[int(denied) - 1].scope if int(denied) else None,
    )


def _enforced(decision: RateDecision) -> RateDecision:
    if not decision.allowed:
        seconds = decision.retry_after_seconds
        raise RateLimited(
            "Too many requests; retry later.",
            details={
                "retryAfterSeconds": round(seconds, 3),
                "scope": decision.denied_scope,
            },
            # Retry-After takes whole seconds; rounding down would invite
            # a retry that is refused again.
            headers={"Retry-After": str(max(1, math.ceil(seconds)))},
        )
    return decision


__all__ = ["Bucket", "RateDecision", "RateLimiter"]

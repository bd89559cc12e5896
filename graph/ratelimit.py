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
from dataclasses import dataclass
from typing import TYPE_CHECKING

from redis.exceptions import RedisError

from graph.errors import RateLimited, ServiceUnavailable

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from graph.settings import Settings

# KEYS: one bucket per key. ARGV[1] = cost, then capacity, refill/s per key.
# Returns {allowed, retry_after, denied_index, remaining_1, ..., remaining_n};
# floats go back as strings because Redis truncates Lua numbers to integers.
_TAKE_SCRIPT = """
local cost = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local n = #KEYS
-- %.17g round-trips doubles; Lua's tostring (%.14g) would drop microseconds.
local function num(x) return string.format('%.17g', x) end
local tokens = {}
local allowed = 1
local retry = 0
local denied = 0
for i = 1, n do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
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
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  if allowed == 1 then
    tokens[i] = tokens[i] - cost
  end
  redis.call('HSET', KEYS[i], 'tokens', num(tokens[i]), 'ts', num(now))
  -- Once the bucket would be full again its state equals "no key": let it go.
  local ms = math.ceil((capacity - tokens[i]) / rate * 1000)
  redis.call('PEXPIRE', KEYS[i], math.max(ms, 1))
  result[#result + 1] = num(tokens[i])
end
return result
"""


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
        # register_script runs EVALSHA and falls back to SCRIPT LOAD on
        # NOSCRIPT (e.g. after a Redis restart or failover).
        self._script = redis.register_script(_TAKE_SCRIPT)

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
        for b in buckets:
            if b.capacity < 1 or b.refill_per_second <= 0:
                raise ValueError(f"invalid bucket {b.scope}: {b}")
            if cost > b.capacity:
                # Could never succeed; refuse loudly rather than throttle forever.
                raise ValueError(f"cost {cost} exceeds capacity of {b.scope}")
        if cost < 1:
            raise ValueError("cost must be at least 1")
        args: list[int | float] = [cost]
        for b in buckets:
            args += [b.capacity, b.refill_per_second]
        try:
            raw = await self._script(keys=[self.key(b.scope, b.ident) for b in buckets], args=args)
        except (TimeoutError, RedisError, OSError) as error:
            # Fail closed: without the limiter we cannot tell abuse apart.
            raise ServiceUnavailable("Rate limiting is unavailable.") from error
        allowed, retry, denied, *levels = raw
        return RateDecision(
            allowed=bool(int(allowed)),
            remaining=max(0, min(math.floor(float(x)) for x in levels)),
            retry_after_seconds=float(retry),
            denied_scope=buckets[int(denied) - 1].scope if int(denied) else None,
        )

    async def enforce(self, principal_id: str, org_id: str | None, settings: Settings) -> RateDecision:
        """Charge one request to the principal and, if any, the organization.

        Raises ``RateLimited`` (429, Retry-After) or ``ServiceUnavailable``.
        """
        buckets = [
            Bucket(
                "principal",
                principal_id,
                settings.rate_limit_capacity,
                settings.rate_limit_refill_per_second,
            )
        ]
        if org_id is not None:
            buckets.append(
                Bucket(
                    "org",
                    org_id,
                    settings.org_rate_limit_capacity,
                    settings.org_rate_limit_refill_per_second,
                )
            )
        decision = await self.take_all(buckets)
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

"""What the benchmarks share: timing phases, percentiles, cleaning up the run's Redis keys."""

from __future__ import annotations

import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

Op = Callable[[int], Awaitable[Any]]


@dataclass
class Phase:
    n: int
    wall_s: float
    p50_ms: float
    p95_ms: float
    mean_ms: float
    rps: float


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summarize(lat: list[float], wall: float) -> Phase:
    return Phase(
        n=len(lat),
        wall_s=wall,
        p50_ms=_pct(lat, 0.50) * 1000,
        p95_ms=_pct(lat, 0.95) * 1000,
        mean_ms=statistics.fmean(lat) * 1000,
        rps=len(lat) / wall,
    )


async def run_sequential(op: Op, n: int, start: int) -> tuple[Phase, float]:
    lat = []
    t0 = time.perf_counter()
    for i in range(start, start + n):
        t = time.perf_counter()
        await op(i)
        lat.append(time.perf_counter() - t)
    wall = time.perf_counter() - t0
    return summarize(lat, wall), wall


async def drop_redis_prefix(settings: Any) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url.get_secret_value())
    try:
        keys = [
            k
            async for k in redis.scan_iter(
                match=f"{settings.redis_prefix}*", count=1000
            )
        ]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()

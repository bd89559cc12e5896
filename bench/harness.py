"""Shared pieces of the benchmarks: SQL statement counting, latency phases
(sequential and at a fixed concurrency), an in-process uvicorn server, cleanup.

Timings are never asserted: the machine is shared and noisy. Every figure that
matters is a ratio against a baseline measured in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import uvloop
from sqlalchemy import event

from graph.db import DRIVER_SCOPE_SQL, driver_statement_listeners

ROOT = Path(__file__).resolve().parent.parent


def run_main(main: Coroutine[Any, Any, Any]) -> Any:
    """Run a bench on the event loop `hestami serve` runs on (uvloop), so what it
    measures of the app is the deployed app's."""
    return uvloop.run(main)


class SqlCounter:
    """Counts cursor executions, transactions and pool checkouts per engine.

    Listeners can fire on DBOS's executor threads, hence the lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.timing = False  # when on, also record (label, statement, seconds)
        self.timed: list[tuple[str, str, float]] = []

    def _bump(self, key: str) -> None:
        with self._lock:
            self.counts[key] += 1

    def attach(self, engine: Any, label: str) -> None:
        """Count `engine`'s statements under `label`, those graph.db.driver_read
        sends past SQLAlchemy on its connections too."""

        def before(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            self._bump(f"{label}.stmt")
            if self.timing:
                conn.info.setdefault("bench_t0", []).append(time.perf_counter())

        def after(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
            starts = conn.info.get("bench_t0")
            if self.timing and starts:
                elapsed = time.perf_counter() - starts.pop()
                with self._lock:
                    self.timed.append((label, " ".join(statement.split())[:70], elapsed))

        def driver(sent_by: Any, statement: str, seconds: float) -> None:
            if sent_by.sync_engine is not engine:
                return
            # graph.db.driver_read: each of its transactions opens with the scope.
            if statement == DRIVER_SCOPE_SQL:
                self._bump(f"{label}.begin")
            self._bump(f"{label}.stmt")
            if self.timing:
                with self._lock:
                    self.timed.append((label, " ".join(statement.split())[:70], seconds))

        driver_statement_listeners.append(driver)
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        event.listen(engine, "begin", lambda conn: self._bump(f"{label}.begin"))
        event.listen(engine, "commit", lambda conn: self._bump(f"{label}.commit"))
        event.listen(engine, "rollback", lambda conn: self._bump(f"{label}.rollback"))
        event.listen(engine.pool, "checkout", lambda *a: self._bump(f"{label}.checkout"))

    def snapshot(self) -> Counter[str]:
        with self._lock:
            return Counter(self.counts)


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


Op = Callable[[int], Awaitable[object]]


async def run_sequential(op: Op, n: int, start: int) -> tuple[Phase, float]:
    lat = []
    t0 = time.perf_counter()
    for i in range(start, start + n):
        t = time.perf_counter()
        await op(i)
        lat.append(time.perf_counter() - t)
    wall = time.perf_counter() - t0
    return summarize(lat, wall), wall


async def run_concurrent(op: Op, n: int, start: int, concurrency: int) -> Phase:
    lat: list[float] = []
    todo = iter(range(start, start + n))

    async def worker() -> None:
        for i in todo:  # one shared iterator: exactly n operations in all
            t = time.perf_counter()
            await op(i)
            lat.append(time.perf_counter() - t)

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return summarize(lat, time.perf_counter() - t0)


async def start_uvicorn(app: Any) -> tuple[Any, asyncio.Task[None], str]:
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag, no event to await
        await asyncio.sleep(0.02)
    return server, task, f"http://127.0.0.1:{port}"


def _is_uuid(value: str) -> bool:
    try:
        UUID(value)
        return True
    except ValueError:
        return False


async def drop_redis_prefix(settings: Any) -> None:
    from redis.asyncio import Redis

    redis = Redis.from_url(settings.redis_url.get_secret_value())
    try:
        keys = [k async for k in redis.scan_iter(match=f"{settings.redis_prefix}*", count=1000)]
        if keys:
            await redis.delete(*keys)
    finally:
        await redis.aclose()


async def run_sandboxed(run: Callable[[Any], Awaitable[str]], args: Any, run_id: str, database: str) -> int:
    """Print what `run(args)` reports, against the bench's own database and Redis
    prefix (configured before the platform reads its settings), dropped afterwards
    unless `args.keep_db`."""
    from devtools import sandbox

    sandbox.configure("bench", run_id, database, rate_limit_capacity=10_000_000)
    from devtools.database_setup import drop_databases
    from graph.settings import Settings

    try:
        print(await run(args), flush=True)
    finally:
        if not args.keep_db:
            await drop_databases(Settings(), database)
            await drop_redis_prefix(Settings())
    return 0


def _package(filename: str) -> str:
    if filename.startswith(("~", "<")):
        return "builtins/C"
    path = Path(filename)
    parts = path.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].split(".")[0].removesuffix(".py")
    try:
        rel = path.resolve().relative_to(ROOT)
        return f"hestami:{rel.parts[0]}"
    except ValueError:
        return "stdlib:" + (path.parent.name if path.parent.name != "python3.11" else path.stem)


async def cpu_profile(op: Op, what: str, k: int, start: int, cumulative: int = 0) -> str:
    """CPU (not wall) self time of the event-loop thread, per package, via cProfile
    with a thread-CPU clock: where the Python work goes, waits excluded."""
    import cProfile
    import pstats

    prof = cProfile.Profile(timer=time.thread_time)
    cpu0 = time.process_time()
    thread0 = time.thread_time()
    prof.enable()
    for i in range(start, start + k):
        await op(i)
    prof.disable()
    thread_total = time.thread_time() - thread0
    process_total = time.process_time() - cpu0
    stats = pstats.Stats(prof)
    by_pkg: Counter[str] = Counter()
    by_fn: list[tuple[float, str]] = []
    for (filename, line, fn), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_pkg[_package(filename)] += tottime
        by_fn.append((tottime, f"{_package(filename)} {Path(filename).name}:{line} {fn}"))
    total = sum(by_pkg.values()) or 1.0
    out = [
        (
            f"CPU profile over {k} sequential {what}: event-loop thread {thread_total / k * 1000:.1f} ms/req "
            f"(profiled, cProfile inflates it), whole process {process_total / k * 1000:.1f} ms/req"
        )
    ]
    out.append(f"{'package':30} {'ms/req':>7} {'share':>6}")
    for pkg, spent in by_pkg.most_common(20):
        out.append(f"{pkg:30} {spent / k * 1000:7.2f} {spent / total:6.1%}")
    out.append("top functions by self CPU:")
    for t, name in sorted(by_fn, reverse=True)[:20]:
        out.append(f"  {t / k * 1000:6.2f} ms/req  {name[:100]}")
    if cumulative:
        out.append("top functions by cumulative CPU (including callees):")
        entries = stats.stats.items()  # type: ignore[attr-defined]
        rows = sorted(
            ((ct, f"{_package(f)} {Path(f).name}:{line} {fn}") for (f, line, fn), (_cc, _nc, _tt, ct, _c) in entries),
            reverse=True,
        )
        for t, name in rows[:cumulative]:
            out.append(f"  {t / k * 1000:7.2f} ms/req  {name[:100]}")
    return "\n".join(out)

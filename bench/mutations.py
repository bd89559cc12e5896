"""Mutation latency/throughput: GraphQL and RPC vs a bare DBOS workflow doing the same insert.

    .venv/bin/python -m bench.mutations [--n 200] [--warmup 20] [--concurrency 8]
                                        [--uvicorn] [--profile 50] [--breakdown 50]

Sets up like tests/conftest.py: a fresh database `hestami_bench_<id>` (+ its DBOS
system database), bootstrap + migrate as the owner, the app connecting as the
RLS-bound role, `Platform.start`, `create_app(settings, platform=platform)` and an
in-process `httpx.ASGITransport` client (or a real uvicorn server with --uvicorn).
The database is dropped at the end. See bench/README.md for how to read the output.

Timings are never asserted: the machine is shared and noisy. Every figure that
matters is a ratio against the baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from dbos import DBOS, SetWorkflowID

from bench.harness import (
    Op,
    Phase,
    SqlCounter,
    _is_uuid,
    cpu_profile,
    drop_redis_prefix,
    run_concurrent,
    run_main,
    run_sequential,
    start_uvicorn,
)
from devtools import sandbox

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"

# --------------------------------------------------------------------------------------
# Baseline workflows. Registered at import time, i.e. before Platform.start launches DBOS.
# --------------------------------------------------------------------------------------


async def _insert_service_account(session: Any, org: UUID, user: UUID, name: str) -> UUID:
    from domains.organizations import service
    from domains.organizations.models import OrganizationRole

    account, _key = await service.create_service_account(session, org, name, [OrganizationRole.INTEGRATION.value], user)
    return account.id


def _audit_row(org: UUID, user: UUID, key: str, target: UUID) -> Any:
    from domains.audit.models import AuditEvent

    return AuditEvent(
        organization_id=org,
        actor_kind="user",
        actor_id=user,
        operation="serviceAccount/v1/create",
        target_ids=[f"sa:{target}"],
        idempotency_key=key,
        trace_id=None,
        summary={"name": "x", "roles": ["integration"]},
    )


@DBOS.step(name="bench_insert_service_account_step")
async def bench_insert_service_account_step(org: str, user: str, name: str) -> str:
    """Step 1: one RLS-scoped transaction inserting one service_accounts row."""
    from graph.db import scoped_transaction
    from graph.platform import current_platform

    async with scoped_transaction(current_platform().sessions, UUID(org), UUID(user)) as session:
        account_id = await _insert_service_account(session, UUID(org), UUID(user), name)
    return str(account_id)


@DBOS.step(name="bench_insert_audit_step")
async def bench_insert_audit_step(org: str, user: str, key: str, target: str) -> None:
    """Step 2: one RLS-scoped transaction inserting one audit_events row."""
    from graph.db import scoped_transaction
    from graph.platform import current_platform

    async with scoped_transaction(current_platform().sessions, UUID(org), UUID(user)) as session:
        session.add(_audit_row(UUID(org), UUID(user), key, UUID(target)))


@DBOS.workflow(name="bench_baseline_workflow")
async def bench_baseline_workflow(org: str, user: str, name: str, key: str) -> dict[str, Any]:
    account_id = await bench_insert_service_account_step(org, user, name)
    await bench_insert_audit_step(org, user, key, account_id)
    return {"id": account_id}


@DBOS.step(name="bench_one_txn_step")
async def bench_one_txn_step(org: str, user: str, name: str, key: str) -> str:
    """Both inserts in one RLS-scoped transaction (the app's shape, minus idempotency)."""
    from graph.db import scoped_transaction
    from graph.platform import current_platform

    async with scoped_transaction(current_platform().sessions, UUID(org), UUID(user)) as session:
        account_id = await _insert_service_account(session, UUID(org), UUID(user), name)
        session.add(_audit_row(UUID(org), UUID(user), key, account_id))
    return str(account_id)


@DBOS.workflow(name="bench_one_step_workflow")
async def bench_one_step_workflow(org: str, user: str, name: str, key: str) -> dict[str, Any]:
    return {"id": await bench_one_txn_step(org, user, name, key)}


# --------------------------------------------------------------------------------------
# SQL statement counting.
# --------------------------------------------------------------------------------------


def dbos_system_engine() -> Any | None:
    """DBOS's own SQLAlchemy engine for its system database (private API, DBOS 3.4)."""
    try:
        from dbos._dbos import _get_dbos_instance

        engine = _get_dbos_instance()._sys_db.engine
    except Exception:  # noqa: BLE001 - internals moved: report that we can't count
        return None
    # `engine` is an OptionEngine (schema_translate_map); listen on the engine it wraps
    # so that statements through either are seen.
    return getattr(engine, "_proxied", engine)


# --------------------------------------------------------------------------------------
# Measurement.
# --------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    label: str
    seq: Phase | None = None
    conc: Phase | None = None
    sql: dict[str, float] = field(default_factory=dict)
    cpu_ms_per_req: float = 0.0  # this process (app + client + DBOS threads), sequential phase


# --------------------------------------------------------------------------------------
# The scenarios.
# --------------------------------------------------------------------------------------

GQL_CREATE = """
mutation Bench($key: String!, $name: String!) {
  serviceAccountCreate(input: {name: $name}, idempotencyKey: $key) {
    serviceAccountCreated { serviceAccount { id } }
    userErrors { code message }
  }
}
"""


class Scenarios:
    def __init__(self, client: Any, token: str, org: UUID, user: UUID) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.org, self.user = org, user
        self.replay_key = f"bench-replay-{RUN_ID}"

    async def graphql(self, i: int) -> None:
        r = await self.client.post(
            "/graphql",
            json={
                "query": GQL_CREATE,
                "variables": {"key": f"g-{RUN_ID}-{i}", "name": f"gql {i}"},
            },
            headers=self.headers,
        )
        body = r.json()
        payload = (body.get("data") or {}).get("serviceAccountCreate") or {}
        if r.status_code != 200 or body.get("errors") or payload.get("userErrors") or not payload.get("serviceAccountCreated"):
            raise RuntimeError(f"GraphQL mutation failed: {r.status_code} {body}")

    async def rpc(self, i: int) -> None:
        r = await self.client.post(
            "/api/v1/rpc/serviceAccount/v1/create",
            json={"name": f"rpc {i}"},
            headers=self.headers | {"Idempotency-Key": f"r-{RUN_ID}-{i}"},
        )
        if r.status_code != 200 or "serviceAccount" not in r.json():
            raise RuntimeError(f"RPC mutation failed: {r.status_code} {r.text}")

    async def rpc_replay(self, i: int) -> None:
        r = await self.client.post(
            "/api/v1/rpc/serviceAccount/v1/create",
            json={"name": "replayed"},
            headers=self.headers | {"Idempotency-Key": self.replay_key},
        )
        if r.status_code != 200 or r.headers.get("idempotent-replayed") != "true":
            raise RuntimeError(f"RPC replay not replayed: {r.status_code} {dict(r.headers)} {r.text}")

    async def baseline(self, i: int) -> None:
        with SetWorkflowID(str(uuid.uuid4())):
            handle = await DBOS.start_workflow_async(
                bench_baseline_workflow,
                str(self.org),
                str(self.user),
                f"base {i}",
                f"b-{RUN_ID}-{i}",
            )
        result = await handle.get_result()
        assert result["id"]

    async def one_step(self, i: int) -> None:
        with SetWorkflowID(str(uuid.uuid4())):
            handle = await DBOS.start_workflow_async(
                bench_one_step_workflow,
                str(self.org),
                str(self.user),
                f"one {i}",
                f"o-{RUN_ID}-{i}",
            )
        result = await handle.get_result()
        assert result["id"]

    async def txn_only(self, i: int) -> None:
        from graph.db import scoped_transaction
        from graph.platform import current_platform

        async with scoped_transaction(current_platform().sessions, self.org, self.user) as session:
            account_id = await _insert_service_account(session, self.org, self.user, f"txn {i}")
            session.add(_audit_row(self.org, self.user, f"t-{RUN_ID}-{i}", account_id))


# name, label, is_baseline
TABLE = [
    ("graphql", "(a) GraphQL serviceAccountCreate"),
    ("rpc", "(b) RPC serviceAccount/v1/create"),
    ("baseline", "(c) bare DBOS wf, 2 steps [BASELINE]"),
    ("rpc_replay", "(d) RPC replay (existing key)"),
    ("one_step", "(e) bare DBOS wf, 1 step/1 txn"),
    ("txn_only", "(f) one RLS txn, no DBOS/HTTP"),
]


async def measure(
    name: str,
    label: str,
    op: Op,
    args: argparse.Namespace,
    counter: SqlCounter,
    idle_rate: dict[str, float],
) -> Result:
    res = Result(name=name, label=label)
    base = 0
    for i in range(args.warmup):
        await op(base + i)
    base += args.warmup
    before = counter.snapshot()
    cpu0 = time.process_time()
    res.seq, wall = await run_sequential(op, args.n, base)
    res.cpu_ms_per_req = (time.process_time() - cpu0) * 1000 / args.n
    after = counter.snapshot()
    base += args.n
    for key in sorted(set(after) | set(before)):
        delta = after[key] - before[key] - idle_rate.get(key, 0.0) * wall
        res.sql[key] = round(max(delta, 0.0) / args.n, 2)
    res.conc = await run_concurrent(op, args.n, base, args.concurrency)
    return res


async def idle_background(counter: SqlCounter, seconds: float) -> dict[str, float]:
    """Statements per second nobody asked for (DBOS's queue/scheduler threads)."""
    before = counter.snapshot()
    await asyncio.sleep(seconds)
    after = counter.snapshot()
    return {k: (after[k] - before[k]) / seconds for k in after}


# --------------------------------------------------------------------------------------
# Reporting.
# --------------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> str:
    return f"{a / b:5.2f}x" if b else "   n/a"


def sql_cell(sql: dict[str, float], label: str) -> str:
    if not sql or (f"{label}.stmt" not in sql and f"{label}.begin" not in sql):
        return "-"
    return f"{sql.get(f'{label}.stmt', 0):g}/{sql.get(f'{label}.begin', 0):g}/{sql.get(f'{label}.checkout', 0):g}"


def render(
    results: list[Result],
    args: argparse.Namespace,
    sys_counted: bool,
    idle: dict[str, float],
) -> str:
    base = next(r for r in results if r.name == "baseline")
    assert base.seq and base.conc
    c = args.concurrency
    lines = []
    head = (
        f"{'scenario':38} | {'seq p50':>7} {'p95':>7} {'req/s':>6} | "
        f"{'c' + str(c) + ' p50':>7} {'p95':>7} {'req/s':>6} | "
        f"{'app SQL':>9} {'DBOS SQL':>9} {'CPU ms':>6} | "
        f"{'p50/base':>8} {'rps/base':>8} {'c' + str(c) + ' p50/b':>8} {'rps/b':>6}"
    )
    lines.append(head)
    lines.append("-" * len(head))
    for r in results:
        assert r.seq and r.conc
        lines.append(
            f"{r.label:38} | {r.seq.p50_ms:7.2f} {r.seq.p95_ms:7.2f} {r.seq.rps:6.1f} | "
            f"{r.conc.p50_ms:7.2f} {r.conc.p95_ms:7.2f} {r.conc.rps:6.1f} | "
            f"{sql_cell(r.sql, 'app'):>9} {sql_cell(r.sql, 'dbos') if sys_counted else 'n/a':>9} "
            f"{r.cpu_ms_per_req:6.1f} | "
            f"{_ratio(r.seq.p50_ms, base.seq.p50_ms):>8} {_ratio(r.seq.rps, base.seq.rps):>8} "
            f"{_ratio(r.conc.p50_ms, base.conc.p50_ms):>8} {_ratio(r.conc.rps, base.conc.rps):>6}"
        )
    lines.append("")
    lines.append(
        f"n={args.n} per phase after {args.warmup} warm-up; concurrency {c}; times in ms; "
        f"transport: {'uvicorn (HTTP/1.1 over loopback, same process)' if args.uvicorn else 'httpx.ASGITransport (in-process)'}."
    )
    lines.append(
        "SQL columns = statements/transactions/pool checkouts per request (sequential phase), "
        "cursor executions only (asyncpg BEGIN/COMMIT and pre-ping are extra round trips not in 'statements'), "
        "idle background subtracted: " + ", ".join(f"{k}={v:.1f}/s" for k, v in sorted(idle.items()) if v) + "."
    )
    if not sys_counted:
        lines.append("DBOS system-database statements could not be counted (DBOS internals not found).")
    lines.append(
        "CPU ms = this process's CPU time per request in the sequential phase (server + client + DBOS threads; "
        "Postgres, Redis and Cerbos not included)."
    )
    if args.preload_audit:
        lines.append(f"audit_events preloaded with {args.preload_audit} filler rows (organization NULL) before measuring.")
    lines.append("Ratios: >1.00x in p50 columns = slower than baseline; <1.00x in rps columns = less throughput.")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Optional: where does the time go?
# --------------------------------------------------------------------------------------


_COLLECTOR: Any = None


def _span_collector() -> Any:
    """A span processor added once to the app's tracer provider, recording only while enabled."""
    global _COLLECTOR
    if _COLLECTOR is not None:
        return _COLLECTOR
    from opentelemetry import trace
    from opentelemetry.sdk.trace import SpanProcessor

    provider = trace.get_tracer_provider()
    if not hasattr(provider, "add_span_processor"):
        return None

    class Collector(SpanProcessor):
        def __init__(self) -> None:
            self.enabled = False
            self.spans: list[Any] = []

        def on_end(self, span: Any) -> None:
            if self.enabled:
                self.spans.append(span)

    _COLLECTOR = Collector()
    provider.add_span_processor(_COLLECTOR)
    return _COLLECTOR


async def span_breakdown(op: Op, what: str, k: int, start: int, counter: SqlCounter) -> str:
    """Mean/median duration and count of each span name per operation (the OpenTelemetry
    spans the app already emits: HTTP, SQL, Cerbos, DBOS workflow/step)."""
    collector = _span_collector()
    if collector is None:
        return "(no SDK tracer provider: no span breakdown)"
    collector.spans.clear()
    collector.enabled = True
    counter.timed.clear()
    counter.timing = True
    try:
        t0 = time.perf_counter()
        for i in range(start, start + k):
            await op(i)
        wall = time.perf_counter() - t0
    finally:
        collector.enabled = False
        counter.timing = False
    spans = list(collector.spans)
    agg: dict[str, list[float]] = {}
    for s in spans:
        name = s.name
        if name.startswith("sql "):
            stmt = (s.attributes or {}).get("db.statement", "")
            name = "sql " + " ".join(str(stmt).split())[:70]
        agg.setdefault(name, []).append((s.end_time - s.start_time) / 1e6)
    # DBOS's system-database statements have no spans: timed by our cursor listeners
    # (on DBOS's executor threads, so this includes no event-loop wait).
    for label, stmt, secs in counter.timed:
        if label == "dbos":
            agg.setdefault(f"dbos-sysdb {stmt}", []).append(secs * 1000)
    rows = sorted(agg.items(), key=lambda kv: -sum(kv[1]))
    out = [f"span breakdown over {k} sequential {what} ({wall / k * 1000:.2f} ms each incl. span export):"]
    out.append(
        f"{'span (dbos-sysdb = DBOS statement, no span; idle pollers included)':82} "
        f"{'per req':>7} {'p50 ms':>7} {'mean ms':>8} {'ms/req':>7}"
    )
    for name, durs in rows[:40]:
        out.append(
            f"{name[:82]:82} {len(durs) / k:7.2f} {statistics.median(durs):7.3f} "
            f"{statistics.fmean(durs):8.3f} {sum(durs) / k:7.3f}"
        )
    return "\n".join(out)


async def profile(sc: Scenarios, k: int, start: int, stamp: str) -> str:
    try:
        from pyinstrument import Profiler
    except ImportError:
        return "(pyinstrument not installed: `.venv/bin/pip install pyinstrument` for --profile)"
    profiler = Profiler(interval=0.0005, async_mode="enabled")
    profiler.start()
    for i in range(start, start + k):
        await sc.rpc(i)
    profiler.stop()
    RESULTS.mkdir(parents=True, exist_ok=True)
    html = RESULTS / f"profile-rpc-{stamp}.html"
    html.write_text(profiler.output_html())
    from pyinstrument.renderers import ConsoleRenderer

    text = profiler.output_text(unicode=False, color=False, show_all=False)
    flat = profiler.output(ConsoleRenderer(flat=True, flat_time="self", show_all=True))
    flat_top = "\n".join(flat.splitlines()[:45])
    (RESULTS / f"profile-rpc-{stamp}.txt").write_text(text + "\n\n" + flat)
    return (
        f"pyinstrument profile of {k} RPC mutations, event-loop thread only "
        f"(also {html.relative_to(ROOT)}):\n{text}\n"
        f"flat, self time (top):\n{flat_top}"
    )


# --------------------------------------------------------------------------------------
# Main.
# --------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> int:
    # The benchmark must never meet the rate limiter.
    sandbox.configure("bench", RUN_ID, BENCH_DB, rate_limit_capacity=10_000_000)
    import httpx

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, drop_databases, migrate
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.helpers import Api

    settings = Settings()
    print(f"database {BENCH_DB}: bootstrap + migrate ...", flush=True)
    await bootstrap(settings)
    platform = None
    server = server_task = None
    try:
        await asyncio.to_thread(migrate, settings)
        if args.preload_audit:
            print(f"preloading {args.preload_audit} audit rows ...", flush=True)
            await preload_audit(settings, args.preload_audit)
        load_domains()  # before the platform starts: hooks and workflows register on import
        platform = await Platform.start(settings)
        app = create_app(settings, platform=platform)

        counter = SqlCounter()
        counter.attach(platform.engine.sync_engine, "app")
        sys_engine = dbos_system_engine()
        sys_counted = sys_engine is not None
        if sys_engine is not None:
            counter.attach(sys_engine, "dbos")

        if args.uvicorn:
            server, server_task, base_url = await start_uvicorn(app)
            client = httpx.AsyncClient(base_url=base_url, timeout=60)
        else:
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://testserver",
                timeout=60,
            )

        async with client:
            api = Api(client)
            caller = await api.register()
            org_id = await api.create_org(caller, "association")
            await api.select(caller, org_id)
            from graph.ids import decode

            org = UUID(org_id) if _is_uuid(org_id) else decode(org_id)[1]
            user = UUID(caller.user_id) if _is_uuid(caller.user_id) else decode(caller.user_id)[1]
            sc = Scenarios(client, caller.token, org, user)
            await sc.rpc(-1)  # first call also checks the wiring
            r = await client.post(
                "/api/v1/rpc/serviceAccount/v1/create",
                json={"name": "replayed"},
                headers=sc.headers | {"Idempotency-Key": sc.replay_key},
            )
            assert r.status_code == 200, r.text

            idle = await idle_background(counter, args.idle_seconds)
            ops: dict[str, Op] = {
                "graphql": sc.graphql,
                "rpc": sc.rpc,
                "baseline": sc.baseline,
                "rpc_replay": sc.rpc_replay,
                "one_step": sc.one_step,
                "txn_only": sc.txn_only,
            }
            results = []
            for name, label in TABLE:
                if args.only and name not in args.only and name != "baseline":
                    continue
                print(f"  {label} ...", flush=True)
                results.append(await measure(name, label, ops[name], args, counter, idle))

            table = render(results, args, sys_counted, idle)
            print()
            print(table)

            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            extra = []
            offset = 10_000_000
            if args.breakdown:
                for what, op in (
                    ("RPC mutations", sc.rpc),
                    ("baseline workflows", sc.baseline),
                ):
                    extra.append(await span_breakdown(op, what, args.breakdown, offset, counter))
                    offset += args.breakdown
            if args.cpu_profile:
                for what, op in (
                    ("RPC mutations", sc.rpc),
                    ("baseline workflows", sc.baseline),
                ):
                    extra.append(await cpu_profile(op, what, args.cpu_profile, offset))
                    offset += args.cpu_profile
            if args.profile:
                extra.append(await profile(sc, args.profile, offset, stamp))
            for block in extra:
                print()
                print(block)

            RESULTS.mkdir(parents=True, exist_ok=True)
            out = RESULTS / f"mutations-{stamp}.json"
            base = next(r for r in results if r.name == "baseline")
            out.write_text(
                json.dumps(
                    {
                        "run_id": RUN_ID,
                        "when": stamp,
                        "n": args.n,
                        "warmup": args.warmup,
                        "concurrency": args.concurrency,
                        "transport": "uvicorn" if args.uvicorn else "asgi",
                        "cpus": os.cpu_count(),
                        "dbos_sql_counted": sys_counted,
                        "idle_sql_per_second": idle,
                        "preload_audit_rows": args.preload_audit,
                        "results": [
                            asdict(r)
                            | {
                                "ratio_vs_baseline": {
                                    "seq_p50": r.seq.p50_ms / base.seq.p50_ms,  # type: ignore[union-attr]
                                    "seq_rps": r.seq.rps / base.seq.rps,  # type: ignore[union-attr]
                                    "conc_p50": r.conc.p50_ms / base.conc.p50_ms,  # type: ignore[union-attr]
                                    "conc_rps": r.conc.rps / base.conc.rps,  # type: ignore[union-attr]
                                }
                            }
                            for r in results
                        ],
                        "table": table,
                        "extra": extra,
                    },
                    indent=2,
                )
            )
            print(f"\nwrote {out.relative_to(ROOT)}")
    finally:
        if server is not None:
            server.should_exit = True
            await server_task  # type: ignore[misc]
        if platform is not None:
            await platform.close()
            DBOS.destroy(destroy_registry=False)
        if not args.keep_db:
            await drop_databases(settings, BENCH_DB)
            await drop_redis_prefix(settings)
    return 0


async def preload_audit(settings: Any, rows: int) -> None:
    """Filler audit rows (no organization), loaded as the owner with the chain trigger
    off: shows how the audit-chain trigger's lookup scales with the table."""
    import asyncpg

    from graph.db import libpq_url

    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        async with conn.transaction():
            await conn.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_chain_link")
            await conn.execute(
                """INSERT INTO audit_events (id, organization_id, actor_kind, actor_id, operation, target_ids,
                                             summary, chain_seq, prev_hash, hash)
                   SELECT gen_random_uuid(), NULL, 'user', gen_random_uuid(), 'bench/filler', '{}', '{}',
                          1000000000 + g, '', md5(g::text)
                     FROM generate_series(1, $1::int) g""",
                rows,
            )
            await conn.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_chain_link")
        await conn.execute("ANALYZE audit_events")
    finally:
        await conn.close()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=200, help="measured operations per phase (default 200)")
    p.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="unmeasured operations first (default 20)",
    )
    p.add_argument(
        "--concurrency",
        type=int,
        default=8,
        help="in flight in the concurrent phase (default 8)",
    )
    p.add_argument(
        "--uvicorn",
        action="store_true",
        help="serve through uvicorn on loopback instead of ASGITransport",
    )
    p.add_argument(
        "--only",
        nargs="*",
        choices=[n for n, _ in TABLE],
        help="scenarios to run (baseline always runs)",
    )
    p.add_argument(
        "--breakdown",
        type=int,
        default=0,
        metavar="K",
        help="span breakdown over K RPC mutations",
    )
    p.add_argument(
        "--cpu-profile",
        type=int,
        default=0,
        metavar="K",
        help="cProfile CPU by package over K RPC mutations",
    )
    p.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="K",
        help="pyinstrument over K RPC mutations",
    )
    p.add_argument(
        "--idle-seconds",
        type=float,
        default=3.0,
        help="window to measure background SQL (default 3)",
    )
    p.add_argument(
        "--preload-audit",
        type=int,
        default=0,
        metavar="ROWS",
        help="filler audit_events rows loaded before measuring",
    )
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

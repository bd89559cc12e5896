"""The owner's home at 2 and 20 units, beside the list reads a client would make without it.

    .venv/bin/python -m bench.owner_home [--n 50] [--keep-db]

Two owners in one California association (tests/portal/home.py: every unit charged,
observed for a violation and asked for a repair), one with 2 units and one with 20. For
each, `--n` homes one after another:

- API (GraphQL): the `ownerHome` query every section of it selected (tests/portal/home.py's
  HOME), p50/p95, SQL statements per request and the response's size in bytes;
- API (RPC): `ownerHome/v1/get`, the same, and its payload size;
- baseline: the ten list reads a client would otherwise make for the same screen, one
  after another, over RPC (`ownerLedgerEntry`, `achAuthorization`, `workOrder`,
  `arcRequest`, `violation`, `document`, `meeting`, `election`, `amenityBooking` lists of
  the association and the inbox), with their statements summed;
- floor: the home's own section statements, replayed by hand in one RLS-scoped asyncpg
  transaction (set_config + each SELECT with the parameters the service sent, Cerbos
  filters already folded to the unit ids they became): no HTTP, GraphQL, Cerbos, ORM
  or pydantic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from typing import Any

from bench.harness import run_main, run_sandboxed

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"
LISTS = (
    "ownerLedgerEntry/v1/list",
    "achAuthorization/v1/list",
    "workOrder/v1/list",
    "arcRequest/v1/list",
    "violation/v1/list",
    "document/v1/list",
    "meeting/v1/list",
    "election/v1/list",
    "amenityBooking/v1/list",
)


def _ms(values: list[float], q: float | None = None) -> float:
    if q is None:
        return statistics.median(values) * 1000
    return statistics.quantiles(values, n=20)[-1] * 1000


async def run(args: argparse.Namespace) -> str:
    import asyncpg
    import httpx
    from sqlalchemy import event

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, migrate
    from graph.db import libpq_url
    from graph.ids import decode
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.helpers import Api
    from tests.portal.home import HOME, person, world

    settings = Settings()
    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    load_domains()
    platform = await Platform.start(settings)
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    lines: list[str] = []
    try:
        seen: list[str] = []
        sent: list[tuple[str, Any]] = []

        def record(*event_args: Any) -> None:
            seen.append(event_args[2])
            sent.append((event_args[2], event_args[3]))

        event.listen(platform.engine.sync_engine, "before_cursor_execute", record)
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)

            async def timed(call: Any) -> tuple[list[float], list[int], int]:
                for _ in range(3):
                    await call()
                times, counts, size = [], [], 0
                for _ in range(args.n):
                    seen.clear()
                    t0 = time.perf_counter()
                    size = await call()
                    times.append(time.perf_counter() - t0)
                    counts.append(len(seen))
                return times, counts, size

            async def measure(units: int) -> list[str]:
                e, _ = await world(api, units=units)
                owner = await person(api, e, list(range(units)))

                async def graphql() -> int:
                    r = await client.post("/graphql", json={"query": HOME}, headers=owner.headers)
                    assert r.status_code == 200 and "errors" not in r.json(), r.text[:300]
                    return len(r.content)

                async def rpc() -> int:
                    r = await api.rpc("ownerHome/v1/get", {}, token=owner.token)
                    assert r.status_code == 200, r.text[:300]
                    return len(r.content)

                async def lists() -> int:
                    size = 0
                    for name in LISTS:
                        r = await api.rpc(name, {"associationId": e.association}, token=owner.token)
                        assert r.status_code == 200, (name, r.text[:300])
                        size += len(r.content)
                    r = await api.rpc("message/v1/inbox", {}, token=owner.token)
                    assert r.status_code == 200, r.text[:300]
                    return size + len(r.content)

                # The floor: the statements one home sent (its sections'), replayed by hand.
                await rpc()
                sent.clear()
                await rpc()
                sections = [
                    (q, p) for q, p in sent if q.lstrip().upper().startswith(("SELECT", "WITH")) and "set_config" not in q
                ]
                org_id, user_id = decode(e.org)[1], decode(owner.user_id)[1]

                async def floor() -> int:
                    async with conn.transaction():
                        await conn.execute(
                            "SELECT set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
                            str(org_id),
                            str(user_id),
                        )
                        for q, p in sections:
                            await conn.fetch(q, *(p or ()))
                    return 0

                f_t, _, _ = await timed(floor)
                g_t, g_c, g_size = await timed(graphql)
                r_t, r_c, r_size = await timed(rpc)
                l_t, l_c, l_size = await timed(lists)
                home = json.loads((await api.rpc("ownerHome/v1/get", {}, token=owner.token)).content)
                assert len(home["units"]) == units
                return [
                    f"owner home, {units} units ({args.n} reads each, one after another):",
                    f"  GraphQL ownerHome       p50 {_ms(g_t):7.2f} ms  p95 {_ms(g_t, 0.95):7.2f} ms  "
                    f"{statistics.median(g_c):.0f} statements  {g_size} bytes",
                    f"  RPC ownerHome/v1/get    p50 {_ms(r_t):7.2f} ms  p95 {_ms(r_t, 0.95):7.2f} ms  "
                    f"{statistics.median(r_c):.0f} statements  {r_size} bytes",
                    f"  baseline: 10 list reads p50 {_ms(l_t):7.2f} ms  p95 {_ms(l_t, 0.95):7.2f} ms  "
                    f"{statistics.median(l_c):.0f} statements  {l_size} bytes",
                    f"  floor: its {len(sections)} section statements by hand (asyncpg)  p50 {_ms(f_t):7.2f} ms",
                    f"  home (GraphQL) / 10 list reads: {_ms(g_t) / _ms(l_t):.2f}×; (RPC): {_ms(r_t) / _ms(l_t):.2f}×; "
                    f"RPC / floor: {_ms(r_t) / _ms(f_t):.1f}×",
                ]

            for units in (2, 20):
                lines += await measure(units)
    finally:
        await conn.close()
        await platform.close()
        from dbos import DBOS

        DBOS.destroy(destroy_registry=False)
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    return await run_sandboxed(run, args, RUN_ID, BENCH_DB)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=50, help="reads timed per figure (default 50)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

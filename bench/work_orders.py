"""A manager's morning list: open work orders across a portfolio, against hand-written SQL.

    .venv/bin/python -m bench.work_orders [--associations 40] [--units 25] [--work-orders 10000] [--first 50] [--n 30] [--keep-db]

A management company with `--associations` associations of `--units` units each (owners
and residents from the seed) holds `--work-orders` work orders spread evenly over them, at
every state of the lifecycle, most with a requester party, some assigned to one of five
vendors, each with one to three transitions. They are written through the models as the
application role, not through the API, which would take minutes for nothing measured.

Measured at two sizes (a tenth of the work orders, then all of them), `--n` times each:
- the API: GraphQL `workOrders(open: true, first: --first)` with each work order's unit,
  requester party, vendor and last transition, as a dashboard asks it — p50, and the SQL
  statements per request (flat: the page, then one per relation, whatever the size);
- the floor: the same page as one hand-written SQL statement (joins and a lateral for
  the last transition) in an RLS-scoped transaction over asyncpg, its rows turned into
  the same JSON — p50.
The API's answer is checked against the floor's (same work orders in the same order,
same unit, party, vendor and last state) before anything is timed. Printed: p50s, the
ratio API / floor, statements per request.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from bench.harness import run_main, run_sandboxed

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"

QUERY = """
query Morning($first: Int!) {
  workOrders(open: true, first: $first) {
    nodes {
      id title status priority escalated respondBy
      unit { id unitNumber }
      requesterParty { id name }
      vendor { id name }
      lastTransition { toStatus createdAt }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

FLOOR = """
SELECT w.id, w.title, w.status::text AS status, w.priority::text AS priority, w.escalated, w.respond_by,
       u.id AS unit_id, u.unit_number, p.id AS party_id, p.name AS party_name, v.id AS vendor_id, v.name AS vendor_name,
       t.to_status::text AS last_status, t.created_at AS last_at
FROM work_orders w
LEFT JOIN units u ON u.organization_id = w.organization_id AND u.id = w.unit_id
LEFT JOIN parties p ON p.organization_id = w.organization_id AND p.id = w.requester_party_id
LEFT JOIN vendors v ON v.organization_id = w.organization_id AND v.id = w.vendor_id
LEFT JOIN LATERAL (
    SELECT x.to_status, x.created_at FROM work_order_transitions x
    WHERE x.organization_id = w.organization_id AND x.work_order_id = w.id
    ORDER BY x.created_at DESC, x.id DESC LIMIT 1
) t ON true
WHERE w.status = ANY($1::work_order_status[])
ORDER BY w.created_at DESC, w.id DESC
LIMIT $2
"""


def _iso(value: datetime) -> str:
    return value.isoformat()


class Floor:
    """The morning list as one statement in an RLS-scoped transaction, as JSON."""

    def __init__(self, pool: Any, org: UUID, user: UUID, open_states: list[str]) -> None:
        self.pool, self.org, self.user, self.open_states = pool, org, user, open_states

    async def read(self, first: int) -> str:
        from graph.ids import encode

        async with self.pool.acquire() as conn, conn.transaction():
            await conn.execute(
                "SELECT set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)", str(self.org), str(self.user)
            )
            rows = await conn.fetch(FLOOR, self.open_states, first + 1)
        nodes = [
            {
                "id": encode("wo", r["id"]),
                "title": r["title"],
                "status": r["status"].upper(),  # GraphQL's enum values are the names
                "priority": r["priority"].upper(),
                "escalated": r["escalated"],
                "respondBy": _iso(r["respond_by"]),
                "unit": None if r["unit_id"] is None else {"id": encode("unt", r["unit_id"]), "unitNumber": r["unit_number"]},
                "requesterParty": None
                if r["party_id"] is None
                else {"id": encode("pty", r["party_id"]), "name": r["party_name"]},
                "vendor": None if r["vendor_id"] is None else {"id": encode("vnd", r["vendor_id"]), "name": r["vendor_name"]},
                "lastTransition": None
                if r["last_status"] is None
                else {"toStatus": r["last_status"].upper(), "createdAt": _iso(r["last_at"])},
            }
            for r in rows[:first]
        ]
        return json.dumps({"workOrders": {"nodes": nodes, "hasNextPage": len(rows) > first}})


async def load_work_orders(platform: Any, org: UUID, user: UUID, vendors: list[UUID], count: int, seed: int) -> None:
    """`count` work orders spread over the organization's associations, with transitions."""
    from sqlalchemy import insert, select

    from domains.associations.models import Ownership, Unit
    from domains.work_orders.models import (
        ActorKind,
        RequesterKind,
        WorkOrder,
        WorkOrderPriority,
        WorkOrderStatus,
        WorkOrderTransition,
    )
    from graph.db import new_id, scoped_transaction

    rng = random.Random(seed)
    states = list(WorkOrderStatus)
    with_vendor = {
        WorkOrderStatus.VENDOR_CHOSEN,
        WorkOrderStatus.ASSIGNED,
        WorkOrderStatus.SCHEDULED,
        WorkOrderStatus.IN_PROGRESS,
        WorkOrderStatus.WORK_DONE,
        WorkOrderStatus.COMPLETED,
    }
    async with scoped_transaction(platform.sessions, org, user) as session:
        units = (await session.execute(select(Unit.id, Unit.association_id).order_by(Unit.association_id, Unit.id))).all()
        owners = dict((await session.execute(select(Ownership.unit_id, Ownership.party_id))).all())
    associations = sorted({a for _, a in units})
    units_of = {a: [u for u, au in units if au == a] for a in associations}
    now = datetime.now(UTC)
    for first in range(0, count, 1000):
        orders, transitions = [], []
        for i in range(first, min(first + 1000, count)):
            association = associations[i % len(associations)]
            unit = rng.choice(units_of[association]) if rng.random() < 0.8 else None
            status = rng.choice(states)
            opened = now - timedelta(days=rng.uniform(0, 120), seconds=i)
            wo = new_id()
            orders.append(
                {
                    "id": wo,
                    "organization_id": org,
                    "association_id": association,
                    "unit_id": unit,
                    "location": None if unit else "Clubhouse",
                    "title": f"Work order {i}",
                    "priority": rng.choice(list(WorkOrderPriority)),
                    "status": status,
                    "requester_kind": RequesterKind.OWNER if unit else RequesterKind.STAFF,
                    "requester_user_id": user,
                    "requester_party_id": owners.get(unit) if unit else None,
                    "vendor_id": rng.choice(vendors) if status in with_vendor else None,
                    "respond_by": opened + timedelta(days=2),
                    "complete_by": opened + timedelta(days=14),
                    "workflow_id": f"bench-{wo}",
                    "created_by": user,
                    "created_at": opened,
                }
            )
            steps = [*[None, WorkOrderStatus.RECEIVED, WorkOrderStatus.REVIEW][: rng.randint(1, 3)], status]
            for k, (before, after) in enumerate(itertools.pairwise(steps)):
                transitions.append(
                    {
                        "organization_id": org,
                        "association_id": association,
                        "work_order_id": wo,
                        "from_status": before,
                        "to_status": after,
                        "actor_kind": ActorKind.USER,
                        "actor_id": user,
                        "created_at": opened + timedelta(hours=k),
                    }
                )
        async with scoped_transaction(platform.sessions, org, user) as session:
            await session.execute(insert(WorkOrder), orders)
            await session.execute(insert(WorkOrderTransition), transitions)


def _same(api: dict[str, Any], floor: dict[str, Any]) -> str | None:
    """The first difference between the API's page and the floor's, or None."""
    a, f = api["workOrders"]["nodes"], floor["workOrders"]["nodes"]
    if [n["id"] for n in a] != [n["id"] for n in f]:
        return "different work orders or order"
    for x, y in zip(a, f, strict=True):
        for key in ("title", "status", "priority", "escalated", "unit", "requesterParty", "vendor"):
            if x[key] != y[key]:
                return f"{x['id']}.{key}: {x[key]!r} != {y[key]!r}"
        if (x["lastTransition"] or {}).get("toStatus") != (y["lastTransition"] or {}).get("toStatus"):
            return f"{x['id']}.lastTransition"
        if datetime.fromisoformat(x["respondBy"]) != datetime.fromisoformat(y["respondBy"]):
            return f"{x['id']}.respondBy"
    if api["workOrders"]["pageInfo"]["hasNextPage"] != floor["workOrders"]["hasNextPage"]:
        return "hasNextPage"
    return None


async def run(args: argparse.Namespace) -> str:
    import asyncpg
    import httpx
    from sqlalchemy import event

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, migrate
    from devtools.seed import seed_associations
    from domains.work_orders.models import OPEN
    from graph.db import libpq_url
    from graph.ids import decode
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.helpers import Api

    # Under load one request can wait a second for the loop; that is latency, not a PDP outage.
    settings = Settings(cerbos_timeout_seconds=30)
    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    load_domains()
    platform = await Platform.start(settings)
    pool = None
    lines = []
    try:
        seen: list[str] = []
        event.listen(platform.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)
            caller = await api.register()
            org_public = await api.create_org(caller, "management_company", "Bench Property Management")
            await api.select(caller, org_public)
            org, user = decode(org_public)[1], decode(caller.user_id)[1]
            report = await seed_associations(settings, org, args.associations, args.units)
            print(f"  seeded {args.associations} associations x {args.units} units ({report.seconds:.1f} s)", flush=True)
            vendors = []
            for k in range(5):
                body = {"name": f"Bench Vendor {k}", "taxId": "12-3456789", "is1099": True}
                vendors.append(decode((await api.call("vendor/v1/create", body, caller))["id"])[1])
            pool = await asyncpg.create_pool(libpq_url(settings.app_url()), min_size=1, max_size=2)
            floor = Floor(pool, org, user, sorted(s.value for s in OPEN))
            loaded = 0
            for size in (args.work_orders // 10, args.work_orders):
                t0 = time.perf_counter()
                await load_work_orders(platform, org, user, vendors, size - loaded, seed=loaded)
                owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
                try:  # fresh statistics, as autovacuum would give a table that grew over months
                    await owner.execute("ANALYZE")
                finally:
                    await owner.close()
                print(f"  loaded {size:,} work orders ({time.perf_counter() - t0:.1f} s)", flush=True)
                loaded = size

                async def api_read() -> dict[str, Any]:
                    answer: dict[str, Any] = (await api.gql(QUERY, {"first": args.first}, token=caller.token))["data"]
                    return answer

                diff = _same(await api_read(), json.loads(await floor.read(args.first)))
                if diff:
                    raise SystemExit(f"the API and the floor differ at {size} work orders: {diff}")
                api_times, floor_times, counts = [], [], []
                for _ in range(args.n + 2):  # A-B pairs; the first two pairs warm up
                    seen.clear()
                    t0 = time.perf_counter()
                    await api_read()
                    api_times.append(time.perf_counter() - t0)
                    counts.append(len(seen))
                    t0 = time.perf_counter()
                    await floor.read(args.first)
                    floor_times.append(time.perf_counter() - t0)
                a, f = statistics.median(api_times[2:]), statistics.median(floor_times[2:])
                if args.show_sql:
                    print(seen[-1])
                lines.append(
                    f"  {size:6,} work orders: API p50 {a * 1000:7.1f} ms, {statistics.median(counts[2:]):.0f} statements;"
                    f" floor p50 {f * 1000:6.1f} ms, 1 statement; API / floor {a / f:5.2f}x"
                )
    finally:
        if pool is not None:
            await pool.close()
        await platform.close()
        from dbos import DBOS

        DBOS.destroy(destroy_registry=False)
    return (
        f"open work orders across {args.associations} associations, first {args.first} with unit, requester, vendor and "
        f"last transition (n={args.n}):\n" + "\n".join(lines)
    )


async def main(args: argparse.Namespace) -> int:
    return await run_sandboxed(run, args, RUN_ID, BENCH_DB)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--associations", type=int, default=40, help="associations of the management company (default 40)")
    p.add_argument("--units", type=int, default=25, help="units per association (default 25)")
    p.add_argument("--work-orders", type=int, default=10_000, help="work orders in all (default 10,000)")
    p.add_argument("--first", type=int, default=50, help="page size (default 50)")
    p.add_argument("--n", type=int, default=30, help="measured requests of each kind per size (default 30)")
    p.add_argument("--show-sql", action="store_true", help="print the API's last statement at each size")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

"""Live quorum at a 2,000-unit annual meeting: what one check-in costs as the room fills.

    .venv/bin/python -m bench.quorum [--units 2000] [--keep-db]

Every unit's owner checks in through the API (meeting/v1/checkIn), one after another. For the
first, middle and last hundred arrivals: p50 time per check-in and the SQL statements each
sends — flat, because the quorum is a running tally on the meeting (a unit's weight joins once,
when the first of its people arrives). Beside it, in the same run and at the same fill levels,
the baseline a tally replaces: recounting the quorum from the attendance (the distinct units
present and their weights), one statement whose cost grows with the room.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.harness import run_main, run_sandboxed

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"
RECOUNT = """SELECT coalesce(sum(u.voting_weight), 0) FROM units u
              WHERE u.id IN (SELECT a.unit_id FROM meeting_attendance a WHERE a.meeting_id = $1 AND a.left_at IS NULL)"""


async def _owners(conn: Any, org: uuid.UUID, units: list[uuid.UUID]) -> list[uuid.UUID]:
    """Each unit's owner, written as the owner role (the API would take minutes for nothing measured)."""
    parties = [uuid.uuid4() for _ in units]
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.org_id', $1, true)", str(org))
        await conn.executemany(
            "INSERT INTO parties (id, organization_id, kind, name, delivery_preference) VALUES ($1, $2, 'person', $3, 'postal')",
            [(p, org, f"Owner {i + 1}") for i, p in enumerate(parties)],
        )
        await conn.executemany(
            "INSERT INTO ownerships (id, organization_id, unit_id, party_id, interest, starts_on, is_primary) "
            "VALUES ($1, $2, $3, $4, 1, '2020-01-01', true)",
            [(uuid.uuid4(), org, u, p) for u, p in zip(units, parties, strict=True)],
        )
    return parties


async def run(args: argparse.Namespace) -> str:
    import asyncpg
    import httpx
    from dbos import DBOS
    from sqlalchemy import event

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, migrate
    from graph.db import libpq_url
    from graph.ids import decode, encode
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.associations import community
    from tests.helpers import Api

    settings = Settings()
    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    load_domains()
    platform = await Platform.start(settings)
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        seen: list[str] = []
        event.listen(platform.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)
            admin, org = await api.admin_of_new_org()
            association = (await api.call("association/v1/create", community.ASSOCIATION | {"code": "BIG"}, admin))["id"]
            weight = f"{1 / args.units:.8f}"
            rows = [community.unit_fields(str(i + 1), weight) for i in range(args.units)]
            units = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
            parties = await _owners(conn, decode(org)[1], [decode(u)[1] for u in units])
            starts = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0).isoformat()
            meeting = await api.call(
                "meeting/v1/schedule",
                {
                    "associationId": association,
                    "kind": "annual_membership",
                    "title": "Annual meeting",
                    "startsAt": starts,
                    "place": "Hall",
                    "agenda": [{"title": "Budget", "requiresVote": True}],
                },
                admin,
            )
            await api.call("meeting/v1/sendNotice", {"id": meeting["id"]}, admin)
            await api.call("meeting/v1/open", {"id": meeting["id"]}, admin)
            # Once open, the meeting's workflow reads it one last time and ends: not part of a check-in.
            await (await DBOS.retrieve_workflow_async(meeting["workflowId"])).get_result()
            times, counts, recounts = [], [], {}
            mid = decode(meeting["id"])[1]
            for i, (unit, party) in enumerate(zip(units, parties, strict=True)):
                seen.clear()
                t0 = time.perf_counter()
                body = {"id": meeting["id"], "unitId": unit, "partyId": encode("pty", party)}
                r = await api.rpc("meeting/v1/checkIn", body, token=admin.token, key=uuid.uuid4().hex)
                times.append(time.perf_counter() - t0)
                counts.append(len(seen))
                assert r.status_code == 200, r.text[:300]
                if i + 1 in (100, args.units // 2, args.units):
                    async with conn.transaction():
                        await conn.execute("SELECT set_config('app.org_id', $1, true)", str(decode(org)[1]))
                        laps = []
                        for _ in range(21):
                            t0 = time.perf_counter()
                            await conn.fetchval(RECOUNT, mid)
                            laps.append(time.perf_counter() - t0)
                    recounts[i + 1] = statistics.median(laps[1:])
            quorum = r.json()["quorum"]
            assert quorum["presentVoters"] == args.units and quorum["present"], quorum
    finally:
        await conn.close()
        await platform.close()
        from dbos import DBOS

        DBOS.destroy(destroy_registry=False)

    def window(lo: int, hi: int) -> tuple[float, float]:
        return statistics.median(times[lo:hi]) * 1000, statistics.median(counts[lo:hi])

    n = args.units
    first, middle, last = window(0, 100), window(n // 2 - 100, n // 2), window(n - 100, n)
    lines = [
        f"meeting/v1/checkIn through the API, {n} units arriving one by one:",
        f"  arrivals 1–100:{'':>10} p50 {first[0]:7.1f} ms, {first[1]:.0f} statements",
        f"  arrivals {n // 2 - 99}–{n // 2}:{'':>5} p50 {middle[0]:7.1f} ms, {middle[1]:.0f} statements",
        f"  arrivals {n - 99}–{n}:{'':>4} p50 {last[0]:7.1f} ms, {last[1]:.0f} statements",
        f"  last hundred / first hundred: {last[0] / first[0]:.2f}× time, {last[1] / first[1]:.2f}× statements",
        "baseline: recounting the quorum from the attendance (one statement, p50 of 20):",
        *(f"  {k:5d} present: {v * 1000:7.3f} ms" for k, v in sorted(recounts.items())),
        f"  {n} present / 100 present: {recounts[n] / recounts[100]:.2f}×",
    ]
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    return await run_sandboxed(run, args, RUN_ID, BENCH_DB)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=2000, help="units of the association, each arriving once (default 2000)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

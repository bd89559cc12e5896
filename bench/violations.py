"""Violations at scale: an inspector's drive-by, and the list of a 1,000-unit association.

    .venv/bin/python -m bench.violations [--units 1000] [--drive-by 200] [--keep-db]

1. The drive-by: an inspector logs `--drive-by` observations in one association, one after
   another, each through the API (`violation/v1/observe`, RPC with its idempotency key): a new
   violation, its first event, the sighting with its photo (a document filed beforehand, checked
   by reference), the audit row and the start of its lifecycle workflow. p50 per observation
   and the SQL statements each sends, beside the baseline measured in the same run: a bare
   INSERT of the same observation row (asyncpg, one RLS-scoped transaction: set_config +
   INSERT), and, for scale, the three rows a new violation is made of (violation, event,
   sighting) inserted bare in one transaction.
2. The list: once every unit has a violation (the rest logged through the API too, unmeasured),
   the GraphQL `violations` list with each violation's unit, the unit's current owners and the
   current stage, paged through all of them 100 at a time; and at `first` 2, 20 and 100 the
   statements per request — flat — beside the baseline: one hand-written statement returning
   the same rows (violation, unit number, owners' names, status) for a page of 100.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from bench.harness import run_main, run_sandboxed

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"
LIST = """query($id: ID!, $first: Int!, $after: String) {
  violations(associationId: $id, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { id status observedOn cureBy unit { unitNumber currentOwners { party { name } } } rule { code } }
  }
}"""
# The same page by hand: the violations, each unit's number, its current owners' names, the status.
FLOOR = """SELECT v.id, v.status, v.observed_on, v.cure_by, u.unit_number, r.code,
                  (SELECT coalesce(array_agg(p.name ORDER BY o.is_primary DESC, p.name), '{}')
                     FROM ownerships o JOIN parties p ON p.organization_id = o.organization_id AND p.id = o.party_id
                    WHERE o.organization_id = v.organization_id AND o.unit_id = v.unit_id
                      AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on > current_date)) AS owners
             FROM violations v
             JOIN units u ON u.organization_id = v.organization_id AND u.id = v.unit_id
             JOIN violation_rules r ON r.organization_id = v.organization_id AND r.id = v.rule_id
            WHERE v.association_id = $1
            ORDER BY v.observed_on DESC, v.id DESC LIMIT 100"""
OBSERVATION = """INSERT INTO violation_observations
    (id, organization_id, association_id, violation_id, unit_id, observed_on, observed_by, description, location,
     document_ids, is_duplicate)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, false)"""
RULE = {
    "code": "LND-01",
    "title": "Lawn maintenance",
    "documentReference": "CC&Rs §7.3",
    "noticeText": "Your lawn is not maintained as §7.3 of the CC&Rs requires.",
    "actionToResolve": "Mow and edge the lawn and remove weeds.",
    "curable": True,
    "cureDays": 14,
    "fineFirst": "100.00",
}


async def _owners(conn: Any, org: uuid.UUID, units: list[uuid.UUID]) -> None:
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


def _p50(values: list[float]) -> float:
    return statistics.median(values) * 1000


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
    from tests.associations import community
    from tests.helpers import Api
    from tests.violations.enforcement import member

    settings = Settings()
    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    load_domains()
    platform = await Platform.start(settings)
    # The app role: RLS applies to the baseline as to the API.
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    lines: list[str] = []
    try:
        seen: list[str] = []
        event.listen(platform.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)
            admin, org = await api.admin_of_new_org()
            association = (await api.call("association/v1/create", community.ASSOCIATION | {"code": "BIG"}, admin))["id"]
            weight = str((Decimal(1) / args.units).quantize(Decimal("0.00000001"), ROUND_DOWN))
            rows = [community.unit_fields(str(i + 1), weight) for i in range(args.units)]
            units = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
            org_id, association_id = decode(org)[1], decode(association)[1]
            await _owners(conn, org_id, [decode(u)[1] for u in units])
            rule = (await api.call("violationRule/v1/create", {"associationId": association} | RULE, admin))["id"]
            inspector = await member(api, admin, org, ["manager"])
            observed = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
            # The inspector's photos, filed before the drive-by (their upload is the documents bench's).
            photo = {"associationId": association, "category": "photos", "visibility": "board"}
            photos = {
                i: (await api.call("document/v1/create", photo | {"title": f"Unit {i + 1}, front"}, inspector))["id"]
                for i in [*range(args.drive_by), *range(args.units - 10, args.units)]
            }

            async def observe(i: int) -> dict[str, Any]:
                body = {
                    "unitId": units[i],
                    "ruleId": rule,
                    "observedOn": observed,
                    "description": "Grass about 10 inches high, weeds along the walk.",
                    "location": "Front yard",
                    "documentIds": [photos[i]] if i in photos else [],
                }
                r = await api.rpc("violation/v1/observe", body, token=inspector.token, key=uuid.uuid4().hex)
                assert r.status_code == 200, r.text[:300]
                answer: dict[str, Any] = r.json()
                return answer

            # Warm-up on the last units (their violations count in the list below).
            for i in range(args.units - 10, args.units):
                await observe(i)
            times, counts = [], []
            for i in range(args.drive_by):
                seen.clear()
                t0 = time.perf_counter()
                result = await observe(i)
                times.append(time.perf_counter() - t0)
                counts.append(len(seen))
                assert not result["duplicate"]
            violation_id = decode(result["violation"]["id"])[1]
            inspector_id = decode(inspector.user_id)[1]

            async def bare(rows: int) -> float:
                t0 = time.perf_counter()
                async with conn.transaction():
                    await conn.execute("SELECT set_config('app.org_id', $1, true)", str(org_id))
                    vid = violation_id
                    if rows == 3:
                        vid = uuid.uuid4()
                        await conn.execute(
                            """INSERT INTO violations (id, organization_id, association_id, unit_id, rule_id, status, description,
                                 observed_on, is_repeat, jurisdiction, rules_used, workflow_id)
                               SELECT $1, organization_id, association_id, unit_id, rule_id, 'observed', description,
                                 observed_on, false, jurisdiction, rules_used, 'bench-' || gen_random_uuid()::text
                                 FROM violations WHERE id = $2""",
                            vid,
                            violation_id,
                        )
                        await conn.execute(
                            """INSERT INTO violation_events (id, organization_id, association_id, violation_id, unit_id, kind,
                                 to_status, occurred_on, actor_id, note, details)
                               VALUES ($1, $2, $3, $4, $5, 'observed', 'observed', $6, $7, $8, '{}')""",
                            uuid.uuid4(),
                            org_id,
                            association_id,
                            vid,
                            decode(units[args.drive_by - 1])[1],
                            datetime.fromisoformat(observed).date(),
                            inspector_id,
                            "Grass about 10 inches high, weeds along the walk.",
                        )
                    await conn.execute(
                        OBSERVATION,
                        uuid.uuid4(),
                        org_id,
                        association_id,
                        vid,
                        decode(units[args.drive_by - 1])[1],
                        datetime.fromisoformat(observed).date(),
                        inspector_id,
                        "Grass about 10 inches high, weeds along the walk.",
                        "Front yard",
                        [decode(photos[0])[1]],
                    )
                return time.perf_counter() - t0

            for _ in range(10):
                await bare(1)
            bare_one = [await bare(1) for _ in range(args.drive_by)]
            api_p50, one_p50 = _p50(times), _p50(bare_one)
            lines += [
                f"drive-by: {args.drive_by} observations through the API (violation/v1/observe), one after another:",
                f"  API{'':>38} p50 {api_p50:7.2f} ms  p95 {statistics.quantiles(times, n=20)[-1] * 1000:7.2f} ms, "
                f"{statistics.median(counts):.0f} statements",
                f"  baseline: bare INSERT of the observation{'':>1} p50 {one_p50:7.2f} ms  (set_config + INSERT, app role)",
                f"  API / bare insert: {api_p50 / one_p50:.1f}×",
            ]

            # The rest of the association's units, so the list holds one violation per unit.
            for i in range(args.drive_by, args.units - 10):
                await observe(i)

            async def page(first: int, after: str | None = None) -> tuple[float, int, dict[str, Any]]:
                seen.clear()
                t0 = time.perf_counter()
                body = await api.gql(LIST, {"id": association, "first": first, "after": after}, token=inspector.token)
                took = time.perf_counter() - t0
                assert "errors" not in body, body["errors"]
                return took, len(seen), body["data"]["violations"]

            await page(100)
            by_size = {}
            for first in (2, 20, 100):
                runs = [await page(first) for _ in range(11)]
                by_size[first] = (_p50([t for t, _, _ in runs]), statistics.median(n for _, n, _ in runs))
                assert all(len(v["nodes"]) == min(first, args.units) for _, _, v in runs)
            pages, statements, after, total = [], [], None, 0
            while True:
                took, n, connection = await page(100, after)
                pages.append(took)
                statements.append(n)
                total += len(connection["nodes"])
                assert all(v["unit"]["currentOwners"] and v["status"] for v in connection["nodes"])
                if not connection["pageInfo"]["hasNextPage"]:
                    break
                after = connection["pageInfo"]["endCursor"]
            assert total == args.units, total
            async with conn.transaction():
                await conn.execute("SELECT set_config('app.org_id', $1, true)", str(org_id))
                floor = []
                for _ in range(21):
                    t0 = time.perf_counter()
                    got = await conn.fetch(FLOOR, association_id)
                    floor.append(time.perf_counter() - t0)
                assert len(got) == min(100, args.units) and all(r["owners"] for r in got)
            floor_p50 = _p50(floor[1:])
            lines += [
                f"list: violations of a {args.units}-unit association (one each), with unit, current owners, rule and stage:",
                *(f"  first: {first:3d}{'':>25} p50 {ms:7.2f} ms, {n:.0f} statements" for first, (ms, n) in by_size.items()),
                f"  all {total} in pages of 100 ({len(pages)} pages): p50 {_p50(pages):7.2f} ms a page, "
                f"statements per page {min(statements)}–{max(statements)}",
                f"  baseline: one hand-written statement, page of 100: p50 {floor_p50:7.3f} ms",
                f"  API page of 100 / baseline: {by_size[100][0] / floor_p50:.1f}×; statements first 100 / first 2: "
                f"{by_size[100][1] / by_size[2][1]:.2f}×",
            ]
            # Last: these violations would join the list above.
            three_p50 = _p50([await bare(3) for _ in range(args.drive_by)])
            lines += [
                f"extra: bare INSERT of a new violation's three rows (violation, event, sighting): p50 {three_p50:7.3f} ms; "
                f"API observation / that: {api_p50 / three_p50:.1f}×"
            ]
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
    p.add_argument("--units", type=int, default=1000, help="units of the association, one violation each (default 1000)")
    p.add_argument("--drive-by", type=int, default=200, help="observations timed in the drive-by (default 200)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

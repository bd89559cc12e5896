"""Nested read: an association's 100 units with their current owners (party, contact
points) and residents — the API vs a naive resolver set vs hand-written SQL.

    .venv/bin/python -m bench.nested [--associations 20] [--units 100] [--n 100]
                                     [--warmup 10] [--concurrency 8] [--transport uvicorn|asgi]

Sets up like bench/mutations.py: a fresh database `hestami_bench_<id>` (+ its DBOS
system database), bootstrap + migrate as the owner, `Platform.start`, `create_app`.
A registered user creates a management company through the API, and
`devtools.seed.seed_associations` fills it (COPY as the owner role) with
`--associations` × `--units`. The same process then serves, next to the API:

* `/bench/naive` — `bench.naive`: the same field shape, resolvers without dataloaders,
  through the API's own GraphQL endpoint class and request context;
* `/bench/floor` — the same data fetched with hand-written asyncpg queries in one
  RLS-scoped transaction, serialized to the same JSON: no GraphQL, ORM, Cerbos or auth.

Every request reads one association (cycling through all of them). Before measuring,
the JSON of every variant is checked equal to the API's for every association. RLS cost:
the API and the floor again, connected as a superuser (RLS bypassed) to the same
throwaway database. The database is dropped at the end. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID

from app.server import tune_gc
from bench.harness import (
    Phase,
    SqlCounter,
    cpu_profile,
    drop_redis_prefix,
    run_concurrent,
    run_main,
    run_sequential,
    start_uvicorn,
)
from bench.itemize import small_query_cpu
from devtools import sandbox

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"

QUERY = """
query Nested($id: ID!, $first: Int!) {
  association(id: $id) {
    id code legalName
    units(first: $first) {
      pageInfo { hasNextPage endCursor }
      edges {
        node {
          id unitNumber unitType squareFeet assessmentShare
          currentOwners {
            interest isPrimary startsOn
            party { id name contactPoints { kind value label isPrimary } }
          }
          residents { kind movedInOn party { id name } }
        }
      }
    }
  }
}
"""


ROWS = [
    "api",
    "naive",
    "floor",
    "api_su",
    "floor_su",
    "pg",
    "api_resolvers",
    "api_small",
    "api_small_strawberry",
    "pg_small",
    "api_proc",
    "api_small_proc",
    "api_dash",
    "pg_dash",
    "api_dash_resolvers",
]
SMALL = "query Small($id: ID!) { association(id: $id) { id code legalName } }"

# A manager's dashboard: every association of the management company, each with its
# active units (what exists to count per association; delinquency and work-order
# totals are not association fields yet).
DASHBOARD = """
{ associations(first: 40) { nodes {
  id code legalName status
  units(first: 100, status: ACTIVE) { pageInfo { hasNextPage } nodes { id unitNumber } }
} } }
"""

# The same logical queries in PostGraphile's schema (names from the composite foreign
# keys; "current" as the connection-filter plugin expresses it; the same orders).
PG_QUERY = """
query Nested($id: UUID!, $first: Int!, $today: Date!) {
  associationById(id: $id) {
    id code legalName
    unitsByOrganizationIdAndAssociationId(first: $first, orderBy: [UNIT_SORT_ASC, ID_ASC]) {
      pageInfo { hasNextPage endCursor }
      edges { node {
        id unitNumber unitType squareFeet assessmentShare
        currentOwners: ownershipsByOrganizationIdAndUnitId(
          filter: {startsOn: {lessThanOrEqualTo: $today}, or: [{endsOn: {isNull: true}}, {endsOn: {greaterThan: $today}}]}
          orderBy: [IS_PRIMARY_DESC, STARTS_ON_ASC, ID_ASC]
        ) { nodes { interest isPrimary startsOn partyByOrganizationIdAndPartyId { id name
              contactPointsByOrganizationIdAndPartyId(orderBy: [CREATED_AT_ASC, ID_ASC]) {
                nodes { kind value label isPrimary } } } } }
        residents: residentsByOrganizationIdAndUnitId(
          filter: {movedInOn: {lessThanOrEqualTo: $today},
                   or: [{movedOutOn: {isNull: true}}, {movedOutOn: {greaterThan: $today}}]}
          orderBy: [MOVED_IN_ON_ASC, ID_ASC]
        ) { nodes { kind movedInOn partyByOrganizationIdAndPartyId { id name } } }
      } }
    }
  }
}
"""
PG_SMALL = "query Small($id: UUID!) { associationById(id: $id) { id code legalName } }"
PG_DASHBOARD = """
{ allAssociations(first: 40, orderBy: [CODE_ASC, ID_ASC]) { nodes {
  id code legalName status
  unitsByOrganizationIdAndAssociationId(first: 100, orderBy: [UNIT_SORT_ASC, ID_ASC], condition: {status: ACTIVE}) {
    pageInfo { hasNextPage } nodes { id unitNumber } }
} } }
"""


# --------------------------------------------------------------------------------------
# The floor: hand-written asyncpg queries, the same JSON.
# --------------------------------------------------------------------------------------

_CURRENT = "{s} <= current_date AND ({e} IS NULL OR {e} > current_date)"


def _cursor(sort_key: str, unit_id: UUID) -> str:
    """The API's cursor for (units.unit_sort, id): base64url of a JSON list, unpadded."""
    raw = json.dumps([sort_key, str(unit_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b32(prefix: str, value: UUID) -> str:
    return f"{prefix}_{base64.b32encode(value.bytes).decode().rstrip('=').lower()}"


class Floor:
    """Reads the nested association as plain SQL in one transaction: scope, association,
    a page of units, their current owners and residents, the parties, the owners'
    contact points — seven statements, whatever the number of units."""

    def __init__(self, pool: Any, org: UUID, user: UUID) -> None:
        self.pool = pool
        self.org, self.user = org, user
        self.statements = 0
        self.transactions = 0
        self.db_seconds = 0.0

    async def _q(self, conn: Any, method: str, sql: str, *args: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return await getattr(conn, method)(sql, *args)
        finally:
            self.statements += 1
            self.db_seconds += time.perf_counter() - t0

    async def read(self, association_id: UUID, first: int) -> dict[str, Any] | None:
        org, q = self.org, self._q
        async with self.pool.acquire() as conn, conn.transaction():
            self.transactions += 1
            await q(
                conn,
                "execute",
                "SELECT set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
                str(org),
                str(self.user),
            )
            association = await q(
                conn,
                "fetchrow",
                "SELECT id, code, legal_name FROM associations WHERE organization_id = $1 AND id = $2",
                org,
                association_id,
            )
            if association is None:
                return None
            units = await q(
                conn,
                "fetch",
                """SELECT id, unit_number, unit_sort, upper(unit_type::text) AS unit_type, square_feet, assessment_share
                     FROM units WHERE organization_id = $1 AND association_id = $2
                    ORDER BY unit_sort, id LIMIT $3""",
                org,
                association_id,
                first + 1,
            )
            has_next, units = len(units) > first, units[:first]
            unit_ids = [u["id"] for u in units]
            owners = await q(
                conn,
                "fetch",
                f"""SELECT unit_id, party_id, interest, is_primary, starts_on FROM ownerships
                     WHERE organization_id = $1 AND unit_id = ANY($2::uuid[]) AND {_CURRENT.format(s="starts_on", e="ends_on")}
                     ORDER BY is_primary DESC, starts_on, id""",
                org,
                unit_ids,
            )
            residents = await q(
                conn,
                "fetch",
                f"""SELECT unit_id, party_id, upper(kind::text) AS kind, moved_in_on FROM residents
                     WHERE organization_id = $1 AND unit_id = ANY($2::uuid[])
                       AND {_CURRENT.format(s="moved_in_on", e="moved_out_on")}
                     ORDER BY moved_in_on, id""",
                org,
                unit_ids,
            )
            owner_ids = list({o["party_id"] for o in owners})
            parties = await q(
                conn,
                "fetch",
                "SELECT id, name FROM parties WHERE organization_id = $1 AND id = ANY($2::uuid[])",
                org,
                list({*owner_ids, *(r["party_id"] for r in residents)}),
            )
            points = await q(
                conn,
                "fetch",
                """SELECT party_id, upper(kind::text) AS kind, value, label, is_primary FROM contact_points
                    WHERE organization_id = $1 AND party_id = ANY($2::uuid[]) ORDER BY created_at, id""",
                org,
                owner_ids,
            )
        contact: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
        for p in points:
            contact[p["party_id"]].append(
                {"kind": p["kind"], "value": p["value"], "label": p["label"], "isPrimary": p["is_primary"]}
            )
        names = {p["id"]: p["name"] for p in parties}
        owned: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
        for o in owners:
            pid = o["party_id"]
            party = {"id": _b32("pty", pid), "name": names[pid], "contactPoints": contact.get(pid, [])} if pid in names else None
            owned[o["unit_id"]].append(
                {
                    "interest": str(o["interest"]),
                    "isPrimary": o["is_primary"],
                    "startsOn": o["starts_on"].isoformat(),
                    "party": party,
                }
            )
        lived: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
        for r in residents:
            pid = r["party_id"]
            party = {"id": _b32("pty", pid), "name": names[pid]} if pid in names else None
            lived[r["unit_id"]].append({"kind": r["kind"], "movedInOn": r["moved_in_on"].isoformat(), "party": party})
        edges = [
            {
                "node": {
                    "id": _b32("unt", u["id"]),
                    "unitNumber": u["unit_number"],
                    "unitType": u["unit_type"],
                    "squareFeet": u["square_feet"],
                    "assessmentShare": str(u["assessment_share"]),
                    "currentOwners": owned.get(u["id"], []),
                    "residents": lived.get(u["id"], []),
                }
            }
            for u in units
        ]
        end = _cursor(units[-1]["unit_sort"], units[-1]["id"]) if units else None
        return {
            "association": {
                "id": _b32("asn", association["id"]),
                "code": association["code"],
                "legalName": association["legal_name"],
                "units": {"pageInfo": {"hasNextPage": has_next, "endCursor": end}, "edges": edges},
            }
        }

    async def endpoint(self, request: Any) -> Any:
        from starlette.responses import Response

        from graph.ids import decode_as

        body = json.loads(await request.body())
        variables = body.get("variables") or {}
        data = await self.read(decode_as("asn", variables["id"]), int(variables.get("first", 100)))
        return Response(json.dumps({"data": data}, separators=(",", ":")), media_type="application/json")


# --------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    label: str
    seq: Phase | None = None
    conc: Phase | None = None
    statements: float = 0.0
    transactions: float = 0.0
    cerbos: float = 0.0
    cpu_ms: float = 0.0
    db_ms: float = 0.0
    gc_ms: float = 0.0
    bytes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class GcTimer:
    """Time spent in Python's cyclic garbage collector (`gc.callbacks`)."""

    def __init__(self) -> None:
        import gc

        self.seconds = 0.0
        self.collections = 0
        self._t0 = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._t0 = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._t0
            self.collections += 1


class CallCounter:
    """Counts Cerbos RPCs (each `Authorizer._call`: one PlanResources or CheckResources batch)."""

    def __init__(self, authorizer: Any) -> None:
        self.count = 0
        original = authorizer._call

        async def counted(awaitable: Any) -> Any:
            self.count += 1
            return await original(awaitable)

        authorizer._call = counted


class Bench:
    def __init__(self, client: Any, token: str, associations: list[str], first: int) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"}
        self.associations = associations
        self.first = first

    async def fetch(
        self, path: str, association: str, first: int | None = None, query: str = QUERY
    ) -> tuple[dict[str, Any], int]:
        r = await self.client.post(
            path,
            json={"query": query, "variables": {"id": association, "first": first or self.first}},
            headers=self.headers,
        )
        body = r.json()
        if r.status_code != 200 or body.get("errors") or not any((body.get("data") or {}).values()):
            raise RuntimeError(f"{path}: {r.status_code} {str(body)[:600]}")
        return body, len(r.content)

    def op(self, path: str, query: str = QUERY) -> Any:
        async def run(i: int) -> None:
            await self.fetch(path, self.associations[i % len(self.associations)], query=query)

        return run


class PostGraphile:
    """PostGraphile 4 (bench/postgraphile.js, from node_modules) in its own Node
    process on the bench database as the application role; its CPU is read from
    /proc, since it is not this process."""

    def __init__(self, client: Any, url: str, org: UUID, user: UUID, associations: list[str], first: int) -> None:
        self.client, self.url, self.org, self.user = client, url, org, user
        self.associations = [str(_uuid_of(a)) for a in associations]
        self.first = first
        self.process: Any = None
        self.endpoint = ""

    async def start(self) -> None:
        import socket
        import subprocess

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.process = subprocess.Popen(  # noqa: ASYNC220 - once, before measuring
            ["node", str(ROOT / "bench" / "postgraphile.js"), self.url, str(port), str(self.org), str(self.user)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        line = await asyncio.to_thread(self.process.stdout.readline)
        if not line.startswith("listening"):
            raise SystemExit(f"PostGraphile did not start: {line}{self.process.stdout.read()}")
        self.endpoint = f"http://127.0.0.1:{port}/graphql"

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.process.pid)

    async def fetch(self, association: str, query: str = PG_QUERY) -> tuple[dict[str, Any], int]:
        variables = {"id": association, "first": self.first, "today": datetime.now(UTC).date().isoformat()}
        r = await self.client.post(self.endpoint, json={"query": query, "variables": variables})
        body = r.json()
        if r.status_code != 200 or body.get("errors") or not any((body.get("data") or {}).values()):
            raise RuntimeError(f"PostGraphile: {r.status_code} {str(body)[:600]}")
        return body, len(r.content)

    def op(self, query: str = PG_QUERY) -> Any:
        async def run(i: int) -> None:
            await self.fetch(self.associations[i % len(self.associations)], query)

        return run


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU of another process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ApiProcess:
    """The API as deployed, `hestami serve` in a process of its own (tests/live.py), on
    the bench database and session store: compared with PostGraphile's process as
    the issue compared them, with no client sharing its CPU."""

    def __init__(self) -> None:
        self.server: Any = None

    async def start(self) -> str:
        from tests.live import start_server

        self.server = await asyncio.to_thread(start_server)
        return str(self.server.url)

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.server.pid)

    def stop(self) -> None:
        if self.server is not None:
            self.server.cleanup()


def _uuid_of(public_id: str) -> UUID:
    from graph.ids import decode

    return decode(public_id)[1]


def as_api(pg: dict[str, Any]) -> dict[str, Any]:
    """PostGraphile's answer in the API's shape, for the data check: public ids for
    UUIDs, `nodes` lists unwrapped, relation names mapped. Cursors are each
    server's own and are left out of the comparison."""
    from graph.ids import encode
    from graph.schemas import NODES

    prefix = {model.__tablename__: p for p, (model, _) in NODES.items()}

    def shown(row: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {**{k: row[k] for k in keys}, "party": party(row["partyByOrganizationIdAndPartyId"])}

    def party(p: dict[str, Any]) -> dict[str, Any]:
        out = {"id": encode(prefix["parties"], UUID(p["id"])), "name": p["name"]}
        if "contactPointsByOrganizationIdAndPartyId" in p:
            out["contactPoints"] = p["contactPointsByOrganizationIdAndPartyId"]["nodes"]
        return out

    if "allAssociations" in pg:
        return {
            "associations": {
                "nodes": [
                    {
                        **{k: a[k] for k in ("code", "legalName", "status")},
                        "id": encode(prefix["associations"], UUID(a["id"])),
                        "units": {
                            "pageInfo": a["unitsByOrganizationIdAndAssociationId"]["pageInfo"],
                            "nodes": [
                                {"id": encode(prefix["units"], UUID(u["id"])), "unitNumber": u["unitNumber"]}
                                for u in a["unitsByOrganizationIdAndAssociationId"]["nodes"]
                            ],
                        },
                    }
                    for a in pg["allAssociations"]["nodes"]
                ]
            }
        }
    a = pg["associationById"]
    out: dict[str, Any] = {"id": encode(prefix["associations"], UUID(a["id"])), "code": a["code"], "legalName": a["legalName"]}
    if "unitsByOrganizationIdAndAssociationId" in a:
        units = a["unitsByOrganizationIdAndAssociationId"]
        out["units"] = {
            "pageInfo": {"hasNextPage": units["pageInfo"]["hasNextPage"]},
            "edges": [
                {
                    "node": {
                        **{k: v for k, v in e["node"].items() if k not in ("currentOwners", "residents")},
                        "id": encode(prefix["units"], UUID(e["node"]["id"])),
                        "currentOwners": [
                            {
                                **{k: o[k] for k in ("interest", "isPrimary", "startsOn")},
                                "party": party(o["partyByOrganizationIdAndPartyId"]),
                            }
                            for o in e["node"]["currentOwners"]["nodes"]
                        ],
                        "residents": [shown(r, ("kind", "movedInOn")) for r in e["node"]["residents"]["nodes"]],
                    }
                }
                for e in units["edges"]
            ],
        }
    return {"association": out}


def without_cursors(data: dict[str, Any]) -> dict[str, Any]:
    units = data["association"].get("units")
    if units is None:
        return data
    trimmed = {**units, "pageInfo": {"hasNextPage": units["pageInfo"]["hasNextPage"]}}
    return {"association": {**data["association"], "units": trimmed}}


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: present in only one"
            d = _first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            d = _first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


async def measure(
    name: str,
    label: str,
    op: Any,
    args: argparse.Namespace,
    sql: SqlCounter,
    cerbos: CallCounter,
    floors: list[Floor],
    gct: GcTimer,
    peer: PostGraphile | ApiProcess | None = None,
) -> Result:
    res = Result(name=name, label=label)
    # The naive set sends ~650 statements a request: at --n it would be most of a run.
    n = min(args.n, args.naive_n) if name == "naive" else args.n
    warmup = min(args.warmup, n)
    for i in range(warmup):
        await op(i)
    before, c0 = sql.snapshot(), cerbos.count
    f0 = [(f.statements, f.transactions, f.db_seconds) for f in floors]
    sql.timed.clear()
    sql.timing = True
    gc0 = gct.seconds
    cpu0 = time.process_time()
    peer0 = peer.cpu_seconds() if peer else 0.0
    try:
        res.seq, _wall = await run_sequential(op, n, warmup)
    finally:
        sql.timing = False
    res.cpu_ms = (time.process_time() - cpu0) * 1000 / n
    if peer:
        res.extra["peer_cpu_ms"] = (peer.cpu_seconds() - peer0) * 1000 / n
    res.gc_ms = (gct.seconds - gc0) * 1000 / n
    res.db_ms = (
        (sum(t for _, _, t in sql.timed) + sum(f.db_seconds - d for f, (_, _, d) in zip(floors, f0, strict=True))) * 1000 / n
    )
    after = sql.snapshot()
    res.statements = sum(after[k] - before[k] for k in after if k.endswith(".stmt")) / n
    res.transactions = sum(after[k] - before[k] for k in after if k.endswith(".begin")) / n
    res.statements += sum(f.statements - s for f, (s, _, _) in zip(floors, f0, strict=True)) / n
    res.transactions += sum(f.transactions - t for f, (_, t, _) in zip(floors, f0, strict=True)) / n
    res.cerbos = (cerbos.count - c0) / n
    res.conc = await run_concurrent(op, n, warmup + n, args.concurrency)
    return res


def server_process(row: str, pg: PostGraphile, proc: ApiProcess | None) -> Any:
    """The process whose CPU a row reads from /proc: PostGraphile's, or the API's own."""
    if row.endswith("_proc"):
        return proc
    return pg if row.startswith("pg") else None


def _ratio(a: float, b: float) -> str:
    return f"{a / b:6.2f}x" if b else "    n/a"


def render(
    results: dict[str, Result], args: argparse.Namespace, scaling: dict[str, dict[int, float]], rows: dict[str, int]
) -> str:
    c = args.concurrency
    head = (
        f"{'scenario':44} | {'seq p50':>7} {'p95':>7} {'req/s':>6} | {'c' + str(c) + ' p50':>7} {'p95':>7} {'req/s':>6} | "
        f"{'SQL/req':>7} {'txn':>4} {'in SQL':>6} {'cerbos':>6} {'CPU ms':>6} {'GC ms':>6} {'KB':>5}"
    )
    out = [head, "-" * len(head)]
    for r in results.values():
        assert r.seq and r.conc
        out.append(
            f"{r.label:44} | {r.seq.p50_ms:7.2f} {r.seq.p95_ms:7.2f} {r.seq.rps:6.1f} | "
            f"{r.conc.p50_ms:7.2f} {r.conc.p95_ms:7.2f} {r.conc.rps:6.1f} | "
            f"{r.statements:7.1f} {r.transactions:4.1f} {r.db_ms:6.1f} {r.cerbos:6.1f} "
            f"{r.cpu_ms:6.1f} {r.gc_ms:6.1f} {r.bytes / 1024:5.1f}"
        )
    out.append("")

    def pair(title: str, a: str, b: str) -> None:
        if a not in results or b not in results:
            return
        x, y = results[a], results[b]
        assert x.seq and x.conc and y.seq and y.conc
        out.append(
            f"{title:44} | p50 {_ratio(x.seq.p50_ms, y.seq.p50_ms)}  p95 {_ratio(x.seq.p95_ms, y.seq.p95_ms)}  "
            f"req/s {_ratio(x.seq.rps, y.seq.rps)} | c{c}: p50 {_ratio(x.conc.p50_ms, y.conc.p50_ms)}  "
            f"p95 {_ratio(x.conc.p95_ms, y.conc.p95_ms)}  req/s {_ratio(x.conc.rps, y.conc.rps)} | "
            f"SQL {_ratio(x.statements, y.statements)}"
        )

    out.append("ratios (seq | concurrent | statements):")
    pair("API / floor", "api", "floor")
    pair("API / PostGraphile", "api", "pg")
    pair("API / PostGraphile, small query", "api_small", "pg_small")
    pair("API / PostGraphile, each in its own process", "api_proc", "pg")
    pair("the same, small query", "api_small_proc", "pg_small")
    pair("small query, fast path / fast path off", "api_small", "api_small_strawberry")
    pair("API / PostGraphile, dashboard", "api_dash", "pg_dash")
    pair("dashboard, compiled / resolvers", "api_dash", "api_dash_resolvers")
    pair("API compiled / API resolvers", "api", "api_resolvers")
    pair("naive / API", "naive", "api")
    pair("naive / floor", "naive", "floor")
    pair("RLS cost, API: RLS / superuser", "api", "api_su")
    pair("RLS cost, floor: RLS / superuser", "floor", "floor_su")
    out.append("")
    # Server CPU: this process runs the API and the client; with PostGraphile it runs
    # only the client, so the API's server share is its CPU less the client's there.
    for api_row, pg_row, what in (
        ("api", "pg", "nested"),
        ("api_small", "pg_small", "small"),
        ("api_small_strawberry", "pg_small", "small, fast path off"),
        ("api_dash", "pg_dash", "dashboard"),
    ):
        if api_row in results and pg_row in results:
            client = results[pg_row].cpu_ms
            ours = results[api_row].cpu_ms - client
            theirs = results[pg_row].extra["peer_cpu_ms"]
            out.append(
                f"server CPU per {what} request: API {ours:.2f} ms, PostGraphile {theirs:.2f} ms "
                f"(ratio {_ratio(ours, theirs).strip()}); the client's {client:.2f} ms taken out of the API's"
            )
    for api_row, pg_row, what in (("api_proc", "pg", "nested"), ("api_small_proc", "pg_small", "small")):
        if api_row in results and pg_row in results:
            ours, theirs = results[api_row].extra["peer_cpu_ms"], results[pg_row].extra["peer_cpu_ms"]
            out.append(
                f"server CPU per {what} request, each server in its own process (/proc): API {ours:.2f} ms, "
                f"PostGraphile {theirs:.2f} ms (ratio {_ratio(ours, theirs).strip()})"
            )
    out.append("")
    for name, counts in scaling.items():
        out.append(
            f"SQL statements per request by page size, {name}: "
            + ", ".join(f"units(first: {k}) → {v:g}" for k, v in counts.items())
        )
    out.append("")
    out.append(
        f"data: {rows['associations']} associations × {rows['units'] // max(rows['associations'], 1)} units "
        f"({', '.join(f'{v:,} {k}' for k, v in rows.items() if k not in ('associations',))}); "
        f"query: association(id) {{ units(first: {args.first}) {{ … "
        "currentOwners { party { contactPoints } } residents { party } } }, "
        f"cycling through the associations."
    )
    out.append(
        f"n={args.n} per phase after {args.warmup} warm-up (the naive set: at most {args.naive_n}); concurrency {c}; "
        "ms; transport: "
        + (
            "uvicorn (HTTP/1.1 over loopback, same process)"
            if args.transport == "uvicorn"
            else "httpx.ASGITransport (in-process)"
        )
        + f"; {os.cpu_count()} CPUs."
    )
    out.append(
        "SQL/req, txn: statements (cursor executions; BEGIN/COMMIT are extra round trips) and transactions per request, "
        "sequential phase; the floor counts its own queries. in SQL: ms per request between sending a statement and getting "
        "its rows back (sequential); for the API and the naive set this includes time the event loop spent on other "
        "resolvers meanwhile, so it bounds DB time from above. cerbos: Cerbos RPCs per request. CPU ms: this process "
        "(server + client) per request, sequential; Postgres, Redis and Cerbos not included. GC ms: of that, Python's "
        "cyclic garbage collector (gc.callbacks). KB: response body."
    )
    out.append(
        "Ratios: p50/p95 > 1 = slower; req/s < 1 = less throughput. Absolute times on this shared machine move "
        "by 2x between runs: compare ratios within one run."
    )
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


async def main(args: argparse.Namespace) -> int:
    sandbox.configure("bench", RUN_ID, BENCH_DB, rate_limit_capacity=10_000_000)
    import asyncpg
    import httpx
    from dbos import DBOS
    from sqlalchemy.engine import make_url
    from starlette.routing import Route

    from app.discovery import load_domains
    from app.server import GraphQLEndpoint, _GraphQL, create_app
    from bench.naive import build_naive_schema
    from devtools.database_setup import bootstrap, drop_databases, migrate
    from devtools.seed import seed_associations
    from graph.db import create_engine, libpq_url, session_factory
    from graph.ids import decode
    from graph.platform import Platform
    from graph.settings import Settings
    from graph.telemetry import instrument_engine
    from tests.helpers import Api

    # At concurrency 8 one request waits a second or more for the CPU-bound loop;
    # the default 1 s Cerbos deadline would measure that as an outage, not a latency.
    # A run under load outlasts the default 15-minute access token.
    settings = Settings(cerbos_timeout_seconds=30, access_token_ttl_seconds=6 * 3600)
    print(f"database {BENCH_DB}: bootstrap + migrate ...", flush=True)
    await bootstrap(settings)
    platform = server = server_task = None
    pools: list[Any] = []
    clients: list[Any] = []
    peers: list[PostGraphile | ApiProcess] = []
    su_engine = None
    try:
        await asyncio.to_thread(migrate, settings)
        load_domains()  # before the platform starts: hooks and workflows register on import
        platform = await Platform.start(settings)
        app = create_app(settings, platform=platform)
        sql = SqlCounter()
        sql.attach(platform.engine.sync_engine, "app")
        gct = GcTimer()
        cerbos = CallCounter(platform.authorizer)

        # RLS off: the same database as a superuser, for the API (its engine and sessions are
        # swapped while that scenario runs) and for the floor.
        su_url = make_url(settings.admin_database_url.get_secret_value()).set(database=BENCH_DB)  # type: ignore[union-attr]
        su_engine = create_engine(su_url.render_as_string(hide_password=False), settings)
        instrument_engine(su_engine)
        sql.attach(su_engine.sync_engine, "su")
        su_sessions = session_factory(su_engine)

        @contextlib.contextmanager
        def superuser() -> Iterator[None]:
            """The API on the superuser engine: its sessions and its driver reads."""
            saved = platform.engine, platform.sessions
            platform.engine, platform.sessions = su_engine, su_sessions
            try:
                yield
            finally:
                platform.engine, platform.sessions = saved

        if args.transport == "uvicorn":
            server, server_task, base_url = await start_uvicorn(app)
            client = httpx.AsyncClient(base_url=base_url, timeout=120)
        else:
            client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=120)

        async with client:
            api = Api(client)
            caller = await api.register()
            org_public = await api.create_org(caller, "management_company", "Bench Property Management")
            await api.select(caller, org_public)
            org, user = decode(org_public)[1], decode(caller.user_id)[1]
            print(f"seeding {args.associations} associations × {args.units} units ...", flush=True)
            report = await seed_associations(settings, org, args.associations, args.units)
            print(f"  {report.seconds:.1f} s ({report.method}): " + ", ".join(f"{v:,} {k}" for k, v in report.rows.items()))
            listing = await api.gql("{ associations(first: 100) { nodes { id } } }", token=caller.token)
            ids = [n["id"] for n in listing["data"]["associations"]["nodes"]]
            assert len(ids) == min(args.associations, 100), listing

            floor_pool = await asyncpg.create_pool(libpq_url(settings.app_url()), min_size=2, max_size=settings.db_pool_size)
            su_pool = await asyncpg.create_pool(
                libpq_url(su_url.render_as_string(hide_password=False)), min_size=2, max_size=settings.db_pool_size
            )
            pools += [floor_pool, su_pool]
            floor, floor_su = Floor(floor_pool, org, user), Floor(su_pool, org, user)
            naive = GraphQLEndpoint(app, _GraphQL(build_naive_schema(settings)))
            app.router.routes.extend(
                [
                    Route("/bench/naive", naive, methods=["POST"]),
                    Route("/bench/floor", floor.endpoint, methods=["POST"]),
                    Route("/bench/floor-su", floor_su.endpoint, methods=["POST"]),
                ]
            )
            b = Bench(client, caller.token, ids, args.first)
            pg = PostGraphile(client, libpq_url(settings.app_url()), org, user, ids, args.first)
            await pg.start()
            peers.append(pg)
            own: Bench | None = None
            proc: ApiProcess | None = None
            if not args.only or {"api_proc", "api_small_proc"} & set(args.only):
                proc = ApiProcess()
                peers.append(proc)
                clients.append(httpx.AsyncClient(base_url=await proc.start(), timeout=120))
                own = Bench(clients[-1], caller.token, ids, args.first)

            # Same JSON everywhere, for every association.
            print(f"checking that all variants return the API's JSON for {len(ids)} associations ...", flush=True)
            sizes: dict[str, int] = {}
            for aid in ids:
                reference, sizes["api"] = await b.fetch("/graphql", aid)
                variants = {"naive": "/bench/naive", "floor": "/bench/floor", "floor_su": "/bench/floor-su"}
                got = {k: await b.fetch(path, aid) for k, path in variants.items()}
                with superuser():
                    got["api_su"] = await b.fetch("/graphql", aid)
                if own is not None:
                    got["api_proc"] = await own.fetch("/graphql", aid)
                for k, (body, size) in got.items():
                    sizes[k] = size
                    diff = _first_difference(reference["data"], body["data"])
                    if diff:
                        RESULTS.mkdir(parents=True, exist_ok=True)
                        dump = RESULTS / f"nested-mismatch-{RUN_ID}.json"
                        dump.write_text(json.dumps({"api": reference["data"], k: body["data"]}, indent=1))
                        raise SystemExit(f"{k} differs from the API for {aid}: {diff} (both in {dump.relative_to(ROOT)})")
                pg_body, sizes["pg"] = await pg.fetch(str(_uuid_of(aid)))
                diff = _first_difference(without_cursors(reference["data"]), as_api(pg_body["data"]))
                small, sizes["api_small"] = await b.fetch("/graphql", aid, query=SMALL)
                sizes["api_small_strawberry"] = sizes["api_small"]
                pg_small, sizes["pg_small"] = await pg.fetch(str(_uuid_of(aid)), PG_SMALL)
                if own is not None:
                    small_own, sizes["api_small_proc"] = await own.fetch("/graphql", aid, query=SMALL)
                    diff = diff or _first_difference(small["data"], small_own["data"])
                diff = diff or _first_difference(small["data"], as_api(pg_small["data"]))
                dashboard, sizes["api_dash"] = await b.fetch("/graphql", aid, query=DASHBOARD)
                pg_dashboard, sizes["pg_dash"] = await pg.fetch(str(_uuid_of(aid)), PG_DASHBOARD)
                diff = diff or _first_difference(dashboard["data"], as_api(pg_dashboard["data"]))
                platform.settings.compiled_reads = False
                try:
                    resolved, sizes["api_dash_resolvers"] = await b.fetch("/graphql", aid, query=DASHBOARD)
                finally:
                    platform.settings.compiled_reads = True
                diff = diff or _first_difference(dashboard["data"], resolved["data"])
                if diff:
                    raise SystemExit(f"PostGraphile or the resolvers differ from the API for {aid}: {diff}")
            edges = reference["data"]["association"]["units"]["edges"]
            owners = sum(len(e["node"]["currentOwners"]) for e in edges)
            points = sum(len(o["party"]["contactPoints"]) for e in edges for o in e["node"]["currentOwners"])
            residents = sum(len(e["node"]["residents"]) for e in edges)
            print(f"  equal; last one: {len(edges)} units, {owners} owners, {points} contact points, {residents} residents")

            # Statements per request as the page grows (the API should stay flat).
            scaling: dict[str, dict[int, float]] = {}
            for name, path in (("API", "/graphql"), ("naive", "/bench/naive")):
                scaling[name] = {}
                for first in (1, 10, 50, 100):
                    s0 = sql.snapshot()
                    await b.fetch(path, ids[0], first)
                    s1 = sql.snapshot()
                    scaling[name][first] = s1["app.stmt"] - s0["app.stmt"]
            # One API request's statements, for the record.
            sql.timing = True
            sql.timed.clear()
            await b.fetch("/graphql", ids[0])
            sql.timing = False
            statement_list = [s for label, s, _ in sql.timed if label == "app"]

            import gc

            if not args.default_gc:
                tune_gc()  # what the server does after startup
            gc_note = (
                f"Python GC: {len(gc.get_objects()):,} objects tracked when measuring starts"
                + (f" (after gc.freeze(): {gc.get_freeze_count():,} frozen)" if not args.default_gc else "")
                + f"; thresholds {gc.get_threshold()}."
            )
            # Each RLS-off row right after its RLS row; the naive set, which leaves the most
            # garbage behind, last. A full collection before each row starts them alike.
            plan = [
                ("api", "(1) API: GraphQL over HTTP", b.op("/graphql")),
                ("pg", "(6) PostGraphile 4 (Node), same query", pg.op()),
                ("api_small", "(8) API: small query", b.op("/graphql", SMALL)),
                ("api_small_strawberry", "(8b) API: small query, fast path off", b.op("/graphql", SMALL)),
                ("pg_small", "(9) PostGraphile 4: small query", pg.op(PG_SMALL)),
                ("api_proc", "(1p) API in its own process (hestami serve)", own and own.op("/graphql")),
                ("api_small_proc", "(8p) API in its own process: small query", own and own.op("/graphql", SMALL)),
                ("api_dash", "(10) API: dashboard (associations list)", b.op("/graphql", DASHBOARD)),
                ("pg_dash", "(11) PostGraphile 4: dashboard", pg.op(PG_DASHBOARD)),
                ("api_dash_resolvers", "(12) API: dashboard, resolvers", b.op("/graphql", DASHBOARD)),
                ("floor", "(3) floor: asyncpg + json, no GraphQL", b.op("/bench/floor")),
                ("api_su", "(4) API, superuser connection (no RLS)", b.op("/graphql")),
                ("floor_su", "(5) floor, superuser connection (no RLS)", b.op("/bench/floor-su")),
                ("api_resolvers", "(7) API, compiled reads off (resolvers)", b.op("/graphql")),
                ("naive", "(2) naive: same schema, no dataloaders", b.op("/bench/naive")),
            ]
            results: dict[str, Result] = {}
            for name, label, op in plan:
                if (args.only and name not in args.only) or op is None:
                    continue
                print(f"  {label} ...", flush=True)
                gc.collect()
                platform.settings.compiled_reads = not name.endswith("resolvers")
                # Compiled inside Strawberry instead of before it (graph/fastpath.py).
                platform.settings.fast_reads = name != "api_small_strawberry"
                try:
                    with superuser() if name == "api_su" else contextlib.nullcontext():
                        results[name] = await measure(
                            name, label, op, args, sql, cerbos, [floor, floor_su], gct, server_process(name, pg, proc)
                        )
                finally:
                    platform.settings.compiled_reads = platform.settings.fast_reads = True
                results[name].bytes = sizes.get(name, 0)
                results[name].extra["gc_objects_after"] = len(gc.get_objects())
            order = [*ROWS]
            results = {k: results[k] for k in order if k in results}

            table = render(results, args, scaling, report.rows) + "\n" + gc_note
            if "api_small" in results:
                table += "\n\n" + await small_query_cpu(app, caller.token, SMALL, {"id": ids[0]}, args.n)
            print()
            print(table)
            print()
            print(f"statements of one API request ({len(statement_list)}):")
            for s in statement_list:
                print(f"  {s}")

            profiles = []
            if args.cpu_profile:
                for name, op in (
                    ("API requests", b.op("/graphql")),
                    ("API small-query requests", b.op("/graphql", SMALL)),
                    ("floor requests", b.op("/bench/floor")),
                ):
                    profiles.append(await cpu_profile(op, name, args.cpu_profile, 0, cumulative=30))
                    print()
                    print(profiles[-1])

            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            RESULTS.mkdir(parents=True, exist_ok=True)
            out = RESULTS / f"nested-{stamp}.json"
            out.write_text(
                json.dumps(
                    {
                        "run_id": RUN_ID,
                        "when": stamp,
                        "args": vars(args),
                        "cpus": os.cpu_count(),
                        "rows": report.rows,
                        "seed_seconds": report.seconds,
                        "results": [asdict(r) for r in results.values()],
                        "scaling": scaling,
                        "api_statements": statement_list,
                        "table": table,
                        "profiles": profiles,
                    },
                    indent=2,
                    default=str,
                )
            )
            print(f"\nwrote {out.relative_to(ROOT)}")
    finally:
        for peer in peers:
            peer.stop()
        for client in clients:
            await client.aclose()
        for pool in pools:
            await pool.close()
        if server is not None:
            server.should_exit = True
            await server_task  # type: ignore[misc]
        if su_engine is not None:
            await su_engine.dispose()
        if platform is not None:
            await platform.close()
            DBOS.destroy(destroy_registry=False)
        if not args.keep_db:
            await drop_databases(settings, BENCH_DB)
            await drop_redis_prefix(settings)
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--associations", type=int, default=20, help="associations seeded (default 20)")
    p.add_argument("--units", type=int, default=100, help="units per association (default 100)")
    p.add_argument("--first", type=int, default=100, help="units(first:) in the query (default 100, the API's maximum)")
    p.add_argument("--n", type=int, default=100, help="measured requests per phase (default 100)")
    p.add_argument("--warmup", type=int, default=10, help="unmeasured requests first (default 10)")
    p.add_argument("--naive-n", type=int, default=50, help="at most this many requests per phase for the naive set (default 50)")
    p.add_argument("--concurrency", type=int, default=8, help="in flight in the concurrent phase (default 8)")
    p.add_argument(
        "--transport", choices=("uvicorn", "asgi"), default="uvicorn", help="real HTTP on loopback (default) or in-process ASGI"
    )
    p.add_argument(
        "--only",
        nargs="*",
        choices=ROWS,
        help="scenarios to measure",
    )
    p.add_argument(
        "--default-gc", action="store_true", help="keep Python's default GC settings instead of the server's tune_gc()"
    )
    p.add_argument(
        "--cpu-profile",
        type=int,
        default=0,
        metavar="K",
        help="cProfile K API and K floor requests (CPU by package and function)",
    )
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

"""The manager's morning: every association of a management company with its
delinquency, work orders, ARC, violations, compliance, bank and invoice
figures (`portfolioDashboard`), against hand-written SQL.

    .venv/bin/python -m bench.dashboard [--sizes 40,400] [--units 100] [--first 100] [--n 20] [--keep-db]

A management company with the largest of `--sizes` associations of `--units` units each
(owners and residents from the seed). Each association gets, through the models as the
application role (the API would take minutes for nothing measured): the standard chart
of accounts and charges on a tenth of its units through the receivables `Book` (the one
posting path: owner ledger and general ledger together), some 20, 75 and 100 days past
due; ten work orders at every state, some past a deadline, some escalated; three
undecided ARC requests (decision due from 5 days ago to 25 days ahead, some deemed
approved if undecided); a violation rule and three violations, one awaiting its hearing;
five open compliance tasks (due from 30 days ago to 60 ahead); an operating bank account
opened six months ago, none of its months reconciled. Invoices waiting for approval are
left out (entering one posts to the books through payables' workflow): their column
reads zeros, its scan is still part of the statement.

Measured at each size (the first `--sizes` associations are loaded first, then the
rest), `--n` times, A-B pairs:
- the API: GraphQL `portfolioDashboard(first: --first)` paged through to the end, as a
  manager's screen asks it — p50 and SQL statements per page (flat: one statement per
  page, whatever the size);
- the floor: the same figures as one hand-written SQL statement per page (CTEs grouped
  by association) in an RLS-scoped transaction over asyncpg, rows turned into the same
  JSON — p50.
The API's rows are checked against the floor's (every association, every figure) before
anything is timed. Printed: p50s, API / floor, statements per request.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from bench.harness import run_main, run_sandboxed

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"

FIGURES = [
    "unitsOver60Days",
    "amountOver60Days",
    "unitsOver90Days",
    "amountOver90Days",
    "workOrdersOpen",
    "workOrdersOnTrack",
    "workOrdersPastDeadline",
    "workOrdersEscalated",
    "arcNearingDeemedApproval",
    "arcPastDecisionDeadline",
    "violationsAwaitingHearing",
    "complianceDue",
    "complianceOverdue",
    "unreconciledBankMonths",
    "invoicesAwaitingManager",
    "invoicesAwaitingBoard",
    "invoicesAwaitingAmount",
]

QUERY = (
    "query Morning($first: Int!, $after: String) {\n"
    "  portfolioDashboard(first: $first, after: $after) {\n"
    f"    nodes {{ id code legalName {' '.join(FIGURES)} }}\n"
    "    pageInfo { hasNextPage endCursor }\n"
    "  }\n"
    "}"
)

FLOOR = """
WITH paged AS (
  SELECT id, code, legal_name FROM associations
   WHERE ($3::text IS NULL OR (code, id) > ($3::text, $4::uuid))
   ORDER BY code, id LIMIT $1),
paid AS (
  SELECT charge_entry_id, sum(amount) AS amount FROM owner_ledger_allocations
   WHERE association_id IN (SELECT id FROM paged) AND applied_on <= $2 GROUP BY charge_entry_id),
per_unit AS (
  SELECT e.association_id, e.unit_id,
         sum(e.amount - coalesce(p.amount, 0)) FILTER (WHERE $2::date - e.due_date > 60) AS over_60,
         sum(e.amount - coalesce(p.amount, 0)) FILTER (WHERE $2::date - e.due_date > 90) AS over_90
    FROM owner_ledger_entries e LEFT JOIN paid p ON p.charge_entry_id = e.id
   WHERE e.association_id IN (SELECT id FROM paged) AND e.kind IN ('charge', 'late_fee', 'nsf_fee', 'adjustment')
     AND e.entry_date <= $2 AND e.amount - coalesce(p.amount, 0) > 0
   GROUP BY e.association_id, e.unit_id),
delinquency AS (
  SELECT association_id, count(*) FILTER (WHERE over_60 > 0) AS u60, coalesce(sum(over_60), 0) AS a60,
         count(*) FILTER (WHERE over_90 > 0) AS u90, coalesce(sum(over_90), 0) AS a90
    FROM per_unit GROUP BY association_id),
work AS (
  SELECT association_id, count(*) AS open, count(*) FILTER (WHERE escalated) AS escalated,
         count(*) FILTER (WHERE NOT escalated
                            AND ((status IN ('received', 'review') AND respond_by < $5) OR complete_by < $5)) AS past
    FROM work_orders
   WHERE association_id IN (SELECT id FROM paged) AND status = ANY($6::work_order_status[])
   GROUP BY association_id),
arc AS (
  SELECT association_id,
         count(*) FILTER (WHERE deemed_approval AND decision_due_by BETWEEN $2 AND $2::date + 14) AS nearing,
         count(*) FILTER (WHERE decision_due_by < $2) AS past
    FROM arc_requests
   WHERE association_id IN (SELECT id FROM paged) AND status IN ('submitted', 'under_review', 'more_info_requested')
   GROUP BY association_id),
hearings AS (
  SELECT association_id, count(*) AS n FROM violations
   WHERE association_id IN (SELECT id FROM paged) AND status = 'hearing_scheduled' GROUP BY association_id),
compliance AS (
  SELECT association_id, count(*) FILTER (WHERE due_on < $2) AS overdue,
         count(*) FILTER (WHERE due_on BETWEEN $2 AND $2::date + 30) AS due
    FROM compliance_tasks
   WHERE association_id IN (SELECT id FROM paged) AND status = 'open' GROUP BY association_id),
banking AS (
  SELECT b.association_id, count(*) AS months
    FROM bank_accounts b,
         generate_series(date_trunc('month', b.opened_on), date_trunc('month', $2::date) - interval '1 month',
                         interval '1 month') m
   WHERE b.association_id IN (SELECT id FROM paged) AND b.is_active
     AND NOT EXISTS (SELECT 1 FROM bank_reconciliations r WHERE r.organization_id = b.organization_id
                      AND r.bank_account_id = b.id AND r.month = m::date AND r.status = 'finished')
   GROUP BY b.association_id),
invoices AS (
  SELECT association_id, count(*) FILTER (WHERE status = 'awaiting_manager') AS manager,
         count(*) FILTER (WHERE status = 'awaiting_board') AS board, sum(total) AS amount
    FROM invoices
   WHERE association_id IN (SELECT id FROM paged) AND status IN ('awaiting_manager', 'awaiting_board')
   GROUP BY association_id)
SELECT a.id, a.code, a.legal_name,
       coalesce(d.u60, 0) AS u60, coalesce(d.a60, 0) AS a60, coalesce(d.u90, 0) AS u90, coalesce(d.a90, 0) AS a90,
       coalesce(w.open, 0) AS wo_open, coalesce(w.escalated, 0) AS wo_escalated, coalesce(w.past, 0) AS wo_past,
       coalesce(r.nearing, 0) AS arc_nearing, coalesce(r.past, 0) AS arc_past, coalesce(h.n, 0) AS hearings,
       coalesce(c.due, 0) AS c_due, coalesce(c.overdue, 0) AS c_overdue, coalesce(b.months, 0) AS months,
       coalesce(i.manager, 0) AS i_manager, coalesce(i.board, 0) AS i_board, coalesce(i.amount, 0) AS i_amount
  FROM paged a
  LEFT JOIN delinquency d ON d.association_id = a.id LEFT JOIN work w ON w.association_id = a.id
  LEFT JOIN arc r ON r.association_id = a.id LEFT JOIN hearings h ON h.association_id = a.id
  LEFT JOIN compliance c ON c.association_id = a.id LEFT JOIN banking b ON b.association_id = a.id
  LEFT JOIN invoices i ON i.association_id = a.id
 ORDER BY a.code, a.id
"""


def _money(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


class Floor:
    """The dashboard's pages as one statement each in an RLS-scoped transaction, as JSON."""

    def __init__(self, pool: Any, org: UUID, user: UUID, open_states: list[str]) -> None:
        self.pool, self.org, self.user, self.open_states = pool, org, user, open_states

    async def read(self, first: int) -> list[dict[str, Any]]:
        from graph.ids import encode

        today, now, nodes, after = datetime.now(UTC).date(), datetime.now(UTC), [], (None, None)
        async with self.pool.acquire() as conn:
            while True:
                async with conn.transaction():
                    await conn.execute(
                        "SELECT set_config('app.org_id', $1, true), set_config('app.user_id', $2, true)",
                        str(self.org),
                        str(self.user),
                    )
                    rows = await conn.fetch(FLOOR, first + 1, today, *after, now, self.open_states)
                for r in rows[:first]:
                    figures = [
                        r["u60"], _money(r["a60"]), r["u90"], _money(r["a90"]), r["wo_open"],
                        r["wo_open"] - r["wo_escalated"] - r["wo_past"], r["wo_past"], r["wo_escalated"],
                        r["arc_nearing"], r["arc_past"], r["hearings"], r["c_due"], r["c_overdue"], r["months"],
                        r["i_manager"], r["i_board"], _money(r["i_amount"]),
                    ]  # fmt: skip
                    nodes.append({"id": encode("asn", r["id"]), "code": r["code"], "legalName": r["legal_name"]})
                    nodes[-1] |= dict(zip(FIGURES, figures, strict=True))
                if len(rows) <= first:
                    return nodes
                after = (rows[first - 1]["code"], rows[first - 1]["id"])


async def load_portfolio(platform: Any, org: UUID, user: UUID, associations: list[UUID], seed: int) -> None:
    """Each association's books, charges, work orders, ARC requests, violations,
    compliance tasks and bank account (the module docstring)."""
    from sqlalchemy import insert, select

    from domains.accounting.models import ControlRole, EntrySource
    from domains.accounting.service import chart
    from domains.arc_requests.models import ArcRequest
    from domains.associations.models import Unit
    from domains.banking.models import BankAccount
    from domains.compliance.models import ComplianceTask
    from domains.receivables.models import EntryKind
    from domains.receivables.service.book import Book
    from domains.violations.models import Violation, ViolationRule
    from domains.work_orders.models import RequesterKind, WorkOrder, WorkOrderPriority, WorkOrderStatus
    from graph.db import new_id, scoped_transaction

    rng = random.Random(seed)
    today, now = datetime.now(UTC).date(), datetime.now(UTC)
    rules = {"jurisdiction": "US-CA", "asOf": str(today), "rules": {}}
    for association in associations:
        async with scoped_transaction(platform.sessions, org, user) as session:
            units = (await session.scalars(select(Unit.id).where(Unit.association_id == association).order_by(Unit.id))).all()
            await chart.install(session, org, association)
            book = await Book.open(session, org, association, user)
            income = book.account(ControlRole.ASSESSMENT_INCOME)
            for k, unit in enumerate(units[: max(1, len(units) // 10)]):
                for days in (20, 75, 100)[: 1 + k % 3]:
                    due = today - timedelta(days=days)
                    book.debit(unit, EntryKind.CHARGE, Decimal("250.00"), on=due, due=due, fund_id=book.home_fund,
                               account_id=income, memo="Assessment")  # fmt: skip
            await book.post(source=EntrySource.ASSESSMENT, source_id=None, memo="Bench assessments")
            cash = book.account(ControlRole.CASH, book.home_fund)
            fund = book.home_fund
            orders = []
            for i in range(10):
                opened = now - timedelta(days=rng.uniform(0, 30))
                wo = new_id()
                status = rng.choice(list(WorkOrderStatus))
                orders.append(
                    {
                        "id": wo, "organization_id": org, "association_id": association, "unit_id": None,
                        "location": "Clubhouse", "title": f"Work order {i}", "priority": WorkOrderPriority.ROUTINE,
                        "status": status, "requester_kind": RequesterKind.STAFF, "requester_user_id": user,
                        "respond_by": opened + timedelta(days=2), "complete_by": opened + timedelta(days=14),
                        "response_escalated_at": now if i % 4 == 0 else None, "workflow_id": f"bench-{wo}",
                        "created_by": user, "created_at": opened,
                    }
                )  # fmt: skip
            await session.execute(insert(WorkOrder), orders)
            arcs = []
            for i in range(3):
                request = new_id()
                arcs.append(
                    {
                        "id": request, "organization_id": org, "association_id": association, "unit_id": units[i],
                        "submitted_by": user, "project_type": "fence", "description": "Fence", "document_ids": [],
                        "neighbor_acknowledgements": [], "status": "under_review", "jurisdiction": "US-CA",
                        "rules_used": rules, "submitted_on": today - timedelta(days=30),
                        "decision_due_by": today + timedelta(days=rng.randint(-5, 25)), "deemed_approval": i != 1,
                        "review_round": 1, "workflow_id": f"arc-{request}",
                    }
                )  # fmt: skip
            await session.execute(insert(ArcRequest), arcs)
            rule = new_id()
            await session.execute(
                insert(ViolationRule),
                [
                    {
                        "id": rule, "organization_id": org, "association_id": association, "code": "LND-01",
                        "title": "Lawn", "document_reference": "CC&Rs §7.3", "notice_text": "Mow the lawn.",
                        "action_to_resolve": "Mow it.", "curable": True, "cure_days": 14,
                        "fine_first": Decimal("100.00"), "repeat_window_days": 365, "is_active": True,
                    }
                ],
            )  # fmt: skip
            violations = []
            for i, stage in enumerate(("observed", "notice_sent", "hearing_scheduled")):
                violation = new_id()
                violations.append(
                    {
                        "id": violation, "organization_id": org, "association_id": association, "unit_id": units[i],
                        "rule_id": rule, "status": stage, "description": "Tall grass",
                        "observed_on": today - timedelta(days=40), "is_repeat": False, "jurisdiction": "US-CA",
                        "rules_used": rules, "workflow_id": f"violation-{violation}",
                        "cure_by": today + timedelta(days=5) if stage == "notice_sent" else None,
                        "hearing_on": today + timedelta(days=10) if stage == "hearing_scheduled" else None,
                    }
                )  # fmt: skip
            await session.execute(insert(Violation), violations)
            tasks = [
                {
                    "id": new_id(), "organization_id": org, "association_id": association, "requirement": "annual_meeting",
                    "period_start": date(2000 + i, 1, 1), "due_on": today + timedelta(days=rng.randint(-30, 60)),
                    "assigned_role": "board_member", "title": "Hold the annual meeting", "citation": "default",
                }
                for i in range(5)
            ]  # fmt: skip
            await session.execute(insert(ComplianceTask), tasks)
            await session.execute(
                insert(BankAccount),
                [
                    {
                        "id": new_id(), "organization_id": org, "association_id": association, "name": "Operating Checking",
                        "institution": "First Community Bank", "kind": "checking", "account_number_last4": "6789",
                        "gl_account_id": cash, "fund_id": fund, "opened_on": (today - timedelta(days=183)).replace(day=1),
                        "is_active": True,
                    }
                ],
            )  # fmt: skip


def _same(api: list[dict[str, Any]], floor: list[dict[str, Any]]) -> str | None:
    if [n["id"] for n in api] != [n["id"] for n in floor]:
        return "different associations or order"
    for a, f in zip(api, floor, strict=True):
        for key in ("code", "legalName", *FIGURES):
            if a[key] != f[key]:
                return f"{a['code']}.{key}: {a[key]!r} != {f[key]!r}"
    return None


async def run(args: argparse.Namespace) -> str:
    import asyncpg
    import httpx
    from sqlalchemy import event, select

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, migrate
    from devtools.seed import seed_associations
    from domains.associations.models import Association
    from domains.work_orders.models import OPEN
    from graph.db import libpq_url, scoped_transaction
    from graph.ids import decode
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.helpers import Api

    settings = Settings(cerbos_timeout_seconds=30)
    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    load_domains()
    platform = await Platform.start(settings)
    pool = None
    lines = []
    sizes = sorted(int(s) for s in args.sizes.split(","))
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
            pool = await asyncpg.create_pool(libpq_url(settings.app_url()), min_size=1, max_size=2)
            floor = Floor(pool, org, user, sorted(s.value for s in OPEN))
            loaded: set[UUID] = set()
            for size in sizes:
                t0 = time.perf_counter()
                report = await seed_associations(settings, org, size, args.units)
                async with scoped_transaction(platform.sessions, org, user) as session:
                    every = (await session.scalars(select(Association.id).order_by(Association.id))).all()
                todo = [a for a in every if a not in loaded]
                await load_portfolio(platform, org, user, todo, seed=len(loaded))
                loaded |= set(todo)
                owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
                try:  # fresh statistics, as autovacuum would give tables that grew over months
                    await owner.execute("ANALYZE")
                finally:
                    await owner.close()
                print(
                    f"  loaded {size} associations x {args.units} units (seed {report.seconds:.1f} s, "
                    f"in all {time.perf_counter() - t0:.1f} s)",
                    flush=True,
                )

                async def api_read() -> list[dict[str, Any]]:
                    nodes, after = [], None
                    while True:
                        body = await api.gql(QUERY, {"first": args.first, "after": after}, token=caller.token)
                        assert "errors" not in body, body["errors"]
                        page = body["data"]["portfolioDashboard"]
                        nodes += page["nodes"]
                        if not page["pageInfo"]["hasNextPage"]:
                            return nodes
                        after = page["pageInfo"]["endCursor"]

                answer = await api_read()
                diff = _same(answer, await floor.read(args.first))
                if diff:
                    raise SystemExit(f"the API and the floor differ at {size} associations: {diff}")
                pages = -(-size // args.first)
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
                busy = sum(1 for n in answer if any(n[k] not in (0, "0.00") for k in FIGURES))
                lines.append(
                    f"  {size:4} associations ({pages} page{'s' * (pages > 1)} of {args.first}, {busy} with figures): "
                    f"API p50 {a * 1000:7.1f} ms, {statistics.median(counts[2:]):.0f} statements;"
                    f" floor p50 {f * 1000:6.1f} ms, {pages} statement{'s' * (pages > 1)}; API / floor {a / f:5.2f}x"
                )
                print(lines[-1], flush=True)
    finally:
        if pool is not None:
            await pool.close()
        await platform.close()
        from dbos import DBOS

        DBOS.destroy(destroy_registry=False)
    return (
        f"portfolioDashboard over a management company's associations x {args.units} units, paged by {args.first}, "
        f"n={args.n}:\n" + "\n".join(lines)
    )


async def main(args: argparse.Namespace) -> int:
    return await run_sandboxed(run, args, RUN_ID, BENCH_DB)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="40,400", help="associations at each measured size, ascending (default 40,400)")
    p.add_argument("--units", type=int, default=100, help="units per association (default 100)")
    p.add_argument("--first", type=int, default=100, help="page size (default 100, the most a page holds)")
    p.add_argument("--n", type=int, default=20, help="measured requests of each kind per size (default 20)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

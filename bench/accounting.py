"""Financial reports over a big ledger: p50/p95 of the trial balance, balance
sheet and income statement of ONE association among many, beside a baseline
query measured in the same run.

    .venv/bin/python -m bench.accounting [--associations 1000] [--units 100] [--months 24]
                                         [--n 30] [--warmup 3] [--explain] [--keep-db]

Setup as bench/mutations.py: a fresh database `hestami_bench_<id>`, bootstrap +
migrate, `Platform.start`, the app over an in-process ASGI client; one user
and organization made through the API. The books are not posted through the
API (5 million lines would take hours): rows are generated here and COPYed in
by the Postgres superuser of HESTAMI_ADMIN_DATABASE_URL, with
`session_replication_role = replica` so that no trigger fires — not the
deferred balance check of each line, not the foreign-key checks (both are
triggers), not the audit or history triggers — and with journal_lines' keys
and indexes dropped during the load and built afterwards, then VACUUM ANALYZE
(what autovacuum would get to). The generated entries balance per fund
in both views; the run checks that the trial balance and every fund of the
balance sheet balance on the big data too. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from bench.harness import Op, Phase, drop_redis_prefix, summarize
from graph import sandbox

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"
FIRST_MONTH = date(2024, 1, 1)
EXPENSES = ["5000", "5100", "5200", "5300", "5400"]

# --------------------------------------------------------------------------------------
# The generated books.
# --------------------------------------------------------------------------------------


def _ids(n: int) -> Iterator[UUID]:
    """Random (v4-like) ids, 4 096 at a time from one urandom call."""
    while True:
        block = os.urandom(16 * 4096)
        for i in range(0, len(block), 16):
            yield UUID(bytes=block[i : i + 16])
        n -= 4096
        if n <= 0:
            return


NEW_ID = _ids(sys.maxsize)


def new_id() -> UUID:
    return next(NEW_ID)


@dataclass
class Books:
    """One generated association: its ids, chart and units."""

    id: UUID
    index: int
    start_month: int
    basis: str
    funds: dict[str, UUID]
    accounts: dict[str, UUID]
    units: list[UUID]
    dues: list[Decimal]
    entries: int = 0
    lines: int = 0


@dataclass
class World:
    org: UUID
    user: UUID
    books: list[Books] = field(default_factory=list)


def month(i: int) -> date:
    m = FIRST_MONTH.month - 1 + i
    return date(FIRST_MONTH.year + m // 12, m % 12 + 1, 1)


def plan(org: UUID, user: UUID, associations: int, units: int) -> World:
    from domains.accounting.chart import STANDARD_ACCOUNTS, STANDARD_FUNDS

    world = World(org, user)
    for i in range(associations):
        funds = {code: new_id() for code, _, _ in STANDARD_FUNDS}
        world.books.append(
            Books(
                id=new_id(),
                index=i,
                start_month=(1, 4, 7, 10)[i % 4],
                basis=("accrual", "cash")[i % 2],
                funds=funds,
                accounts={number: new_id() for number, *_ in STANDARD_ACCOUNTS},
                units=[new_id() for _ in range(units)],
                dues=[Decimal(250 + 25 * (u % 5)) for u in range(units)],
            )
        )
    return world


def association_rows(world: World) -> Iterator[tuple[Any, ...]]:
    for b in world.books:
        yield (b.id, world.org, f"B{b.index:05d}", f"Bench Association {b.index}", "hoa", "active", "CA", "US",
               b.start_month, b.basis)  # fmt: skip


ASSOCIATION_COLUMNS = ["id", "organization_id", "code", "legal_name", "kind", "status", "region", "country",
                       "fiscal_year_start_month", "accounting_basis"]  # fmt: skip
UNIT_COLUMNS = ["id", "organization_id", "association_id", "unit_number", "unit_type", "status", "street", "city",
                "postal_code", "region", "country", "voting_weight", "assessment_share"]  # fmt: skip


def unit_rows(world: World) -> Iterator[tuple[Any, ...]]:
    for b in world.books:
        share = Decimal(1) / len(b.units)
        for n, unit in enumerate(b.units, start=1):
            yield (unit, world.org, b.id, str(n), "condo", "active", f"{n} Bench St", "Sacramento", "95814", "CA", "US",
                   share.quantize(Decimal("1e-8")), share.quantize(Decimal("1e-8")))  # fmt: skip


def fund_rows(world: World) -> Iterator[tuple[Any, ...]]:
    from domains.accounting.chart import STANDARD_FUNDS

    for b in world.books:
        for code, name, kind in STANDARD_FUNDS:
            yield (b.funds[code], world.org, b.id, code, name, kind.value)


def account_rows(world: World) -> Iterator[tuple[Any, ...]]:
    from domains.accounting.chart import STANDARD_ACCOUNTS

    for b in world.books:
        for number, name, type_, fund, role in STANDARD_ACCOUNTS:
            yield (b.accounts[number], world.org, b.id, number, name, type_.value,
                   b.funds[fund] if fund else None, role.value if role else None, True)  # fmt: skip


def budget_rows(world: World, months: int) -> Iterator[tuple[Any, ...]]:
    """Every fiscal year the data touches: assessments and the five expenses, monthly."""
    for b in world.books:
        first = month(0).year - (1 if month(0).month < b.start_month else 0)
        last = month(months - 1).year
        for year in range(first, last + 1):
            for number, amount in [("4000", sum(b.dues)), *((e, Decimal(400 + 100 * k)) for k, e in enumerate(EXPENSES))]:
                for period in range(1, 13):
                    yield (new_id(), world.org, b.id, year, period, b.accounts[number], b.funds["OPER"], amount)


ENTRY_COLUMNS = ["id", "organization_id", "association_id", "entry_date", "memo", "source", "posted_by"]
LINE_COLUMNS = ["id", "organization_id", "association_id", "entry_id", "line_no", "entry_date", "account_id",
                "fund_id", "debit", "credit", "basis", "unit_id"]  # fmt: skip
ZERO = Decimal("0.00")


class Ledger:
    """Month by month, association by association (so that an association's lines
    spread over the table as they would in production): a levy with one
    receivable line per unit, a deposit of the month's payments (about 1 unit in
    20 skips a month), five vendor invoices and their payments, and a reserve
    contribution. Each entry balances per fund in the accrual and the cash view."""

    def __init__(self, world: World, months: int) -> None:
        self.world, self.months = world, months
        self.entries: list[tuple[Any, ...]] = []

    def _entry(self, b: Books, on: date, memo: str, source: str, lines: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        entry = new_id()
        self.entries.append((entry, self.world.org, b.id, on, memo, source, self.world.user))
        b.entries += 1
        b.lines += len(lines)
        for n, (number, fund, debit, credit, basis, unit) in enumerate(lines, start=1):
            yield (new_id(), self.world.org, b.id, entry, n, on, b.accounts[number], b.funds[fund], debit, credit, basis, unit)

    def lines(self) -> Iterator[tuple[Any, ...]]:
        for m in range(self.months):
            first = month(m)
            for b in self.world.books:
                yield from self._month(b, m, first)

    def _month(self, b: Books, m: int, first: date) -> Iterator[tuple[Any, ...]]:
        levy = [("1200", "OPER", due, ZERO, "accrual", unit) for unit, due in zip(b.units, b.dues, strict=True)]
        levy.append(("4000", "OPER", ZERO, sum(b.dues, ZERO), "accrual", None))
        yield from self._entry(b, first, f"Assessments {first:%B %Y}", "assessment", levy)
        paid = [(unit, due) for u, (unit, due) in enumerate(zip(b.units, b.dues, strict=True)) if (u + m + b.index) % 20]
        total = sum((due for _, due in paid), ZERO)
        deposit = [("1010", "OPER", total, ZERO, "both", None)]
        deposit += [("1200", "OPER", ZERO, due, "accrual", unit) for unit, due in paid]
        deposit.append(("4000", "OPER", ZERO, total, "cash", None))
        yield from self._entry(b, first + timedelta(days=14), "Deposit", "payment", deposit)
        for k, expense in enumerate(EXPENSES):
            amount = Decimal(300 + 100 * k + (m * 7 + b.index) % 50) + Decimal("0.25")
            yield from self._entry(b, first + timedelta(days=9), f"Invoice {expense}", "invoice",
                                   [(expense, "OPER", amount, ZERO, "accrual", None), ("2000", "OPER", ZERO, amount, "accrual", None)])  # fmt: skip
            yield from self._entry(b, first + timedelta(days=24), f"Payment {expense}", "vendor_payment",
                                   [("2000", "OPER", amount, ZERO, "accrual", None), (expense, "OPER", amount, ZERO, "cash", None),
                                    ("1010", "OPER", ZERO, amount, "both", None)])  # fmt: skip
        yield from self._entry(b, first + timedelta(days=27), "Reserve contribution", "manual",
                               [("1020", "RESV", Decimal("1500.00"), ZERO, "both", None), ("4000", "RESV", ZERO, Decimal("1500.00"), "both", None)])  # fmt: skip


async def load(settings: Any, world: World, months: int) -> dict[str, float]:
    """COPY the generated books in as the superuser, triggers off (see the module docstring)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    from graph.database_setup import _plain

    url = make_url(settings.admin_database_url.get_secret_value()).set(database=BENCH_DB)
    conn = await asyncpg.connect(_plain(url.render_as_string(hide_password=False)))
    timings: dict[str, float] = {}
    try:
        # Superuser only: neither the owner role nor the app role can switch triggers off.
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET maintenance_work_mem = '512MB'")
        # journal_lines' indexes (its primary and unique keys too) are built once
        # after the load: maintaining them row by row, in random order, is most of
        # a COPY's time. No foreign key points at journal_lines, so none of its keys
        # is needed while it loads.
        assert not await conn.fetchval("SELECT count(*) FROM pg_constraint WHERE confrelid = 'journal_lines'::regclass")
        keys = await conn.fetch(
            """SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
                WHERE conrelid = 'journal_lines'::regclass AND contype IN ('p', 'u')"""
        )
        secondary = await conn.fetch(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = 'journal_lines'
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"""
        )
        for key in keys:
            await conn.execute(f'ALTER TABLE journal_lines DROP CONSTRAINT "{key["conname"]}"')
        for index in secondary:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        t = time.perf_counter()
        for table, columns, rows in [
            ("associations", ASSOCIATION_COLUMNS, association_rows(world)),
            ("units", UNIT_COLUMNS, unit_rows(world)),
            ("funds", ["id", "organization_id", "association_id", "code", "name", "kind"], fund_rows(world)),
            ("gl_accounts", ["id", "organization_id", "association_id", "number", "name", "type", "fund_id", "control", "is_active"],
             account_rows(world)),
            ("budget_amounts", ["id", "organization_id", "association_id", "fiscal_year", "period", "account_id", "fund_id", "amount"],
             budget_rows(world, months)),
        ]:  # fmt: skip
            await conn.copy_records_to_table(table, records=rows, columns=columns)
        ledger = Ledger(world, months)
        await conn.copy_records_to_table("journal_lines", records=ledger.lines(), columns=LINE_COLUMNS)
        await conn.copy_records_to_table("journal_entries", records=ledger.entries, columns=ENTRY_COLUMNS)
        timings["generate + COPY"] = time.perf_counter() - t
        t = time.perf_counter()
        for key in keys:
            await conn.execute(f'ALTER TABLE journal_lines ADD CONSTRAINT "{key["conname"]}" {key["definition"]}')
        for index in secondary:
            await conn.execute(index["indexdef"])
        timings["build journal_lines indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        for table in ("associations", "units", "funds", "gl_accounts", "budget_amounts", "journal_entries", "journal_lines"):
            await conn.execute(f"VACUUM ANALYZE {table}")
        timings["VACUUM ANALYZE"] = time.perf_counter() - t
    finally:
        await conn.close()
    return timings


# --------------------------------------------------------------------------------------
# Measurement.
# --------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    label: str
    phase: Phase | None = None


class Scenarios:
    def __init__(self, platform: Any, client: Any, token: str, world: World, books: Books, as_of: date) -> None:
        from graph.ids import encode

        self.platform, self.client, self.world, self.books = platform, client, world, books
        self.headers = {"Authorization": f"Bearer {token}"}
        self.association = encode("asn", books.id)
        self.as_of = as_of
        self.month_start = as_of.replace(day=1)

    def scoped(self) -> Any:
        from graph.db import scoped_transaction

        return scoped_transaction(self.platform.sessions, self.world.org, self.world.user)

    async def baseline(self, i: int) -> int:
        """A plain indexed count of the association's lines (index-only scan), RLS-scoped."""
        from sqlalchemy import text

        async with self.scoped() as session:
            return int(
                await session.scalar(
                    text("SELECT count(*) FROM journal_lines WHERE organization_id = :o AND association_id = :a"),
                    {"o": self.world.org, "a": self.books.id},
                )
            )

    async def _sql(self, report: str) -> dict[str, Any]:
        from domains.accounting import reports
        from domains.associations.models import Association
        from domains.associations.service import require

        async with self.scoped() as session:
            association = await require(session, Association, self.books.id, "associationId")
            scope = reports.ReportScope.of(self.world.org, association, None)
            if report == "incomeStatement":
                return await reports.income_statement(session, scope, self.month_start, self.as_of)
            if report == "balanceSheet":
                return await reports.balance_sheet(session, scope, self.as_of)
            return await reports.trial_balance(session, scope, self.as_of)

    async def rpc(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        r = await self.client.post(f"/api/v1/rpc/{name}", json=body, headers=self.headers)
        if r.status_code != 200:
            raise RuntimeError(f"{name}: {r.status_code} {r.text}")
        return r.json()

    def ops(self) -> dict[str, Op]:
        as_of = {"associationId": self.association, "asOf": str(self.as_of)}
        month = {"associationId": self.association, "fromDate": str(self.month_start), "toDate": str(self.as_of)}
        return {
            "baseline": self.baseline,
            "get_rpc": lambda i: self.rpc("association/v1/get", {"id": self.association}),
            "tb_sql": lambda i: self._sql("trialBalance"),
            "bs_sql": lambda i: self._sql("balanceSheet"),
            "is_sql": lambda i: self._sql("incomeStatement"),
            "tb_rpc": lambda i: self.rpc("financialReport/v1/trialBalance", as_of),
            "bs_rpc": lambda i: self.rpc("financialReport/v1/balanceSheet", as_of),
            "is_rpc": lambda i: self.rpc("financialReport/v1/incomeStatement", month),
        }


TABLE = [
    ("baseline", "count(*) of its lines, RLS txn [BASELINE]"),
    ("get_rpc", "RPC association/v1/get (stack floor)"),
    ("tb_sql", "trial balance, SQL in RLS txn"),
    ("bs_sql", "balance sheet, SQL in RLS txn"),
    ("is_sql", "income statement (month+YTD), SQL"),
    ("tb_rpc", "RPC financialReport/v1/trialBalance"),
    ("bs_rpc", "RPC financialReport/v1/balanceSheet"),
    ("is_rpc", "RPC financialReport/v1/incomeStatement"),
]


async def measure(ops: dict[str, Op], args: argparse.Namespace) -> list[Row]:
    """Round by round, one call of each scenario per round, so that the load other
    processes put on a shared machine falls on every row alike."""
    for i in range(args.warmup):
        for name, _ in TABLE:
            await ops[name](i)
    latencies: dict[str, list[float]] = {name: [] for name, _ in TABLE}
    wall = dict.fromkeys(latencies, 0.0)
    for i in range(args.n):
        for name, _ in TABLE:
            t = time.perf_counter()
            await ops[name](i)
            elapsed = time.perf_counter() - t
            latencies[name].append(elapsed)
            wall[name] += elapsed
    return [Row(name, label, summarize(latencies[name], wall[name])) for name, label in TABLE]


async def check(sc: Scenarios) -> str:
    """The big books still balance: trial balance totals, every fund of the balance sheet."""
    body = {"associationId": sc.association, "asOf": str(sc.as_of)}
    tb = await sc.rpc("financialReport/v1/trialBalance", body)
    bs = await sc.rpc("financialReport/v1/balanceSheet", body | {"basis": "cash"})
    assert tb["totalDebit"] == tb["totalCredit"], tb
    for fund in bs["funds"]:
        assert fund["totalAssets"] == fund["totalLiabilitiesAndEquity"], fund
    return (
        f"checks: trial balance {tb['basis']} debits = credits = {tb['totalDebit']} over {len(tb['lines'])} lines; "
        f"cash balance sheet balances in {len(bs['funds'])} funds (assets {bs['totalAssets']})"
    )


async def explain(sc: Scenarios) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of each report's statement, for the chosen association."""
    from sqlalchemy import text

    from domains.accounting import reports
    from domains.associations.models import Association

    out = []
    async with sc.scoped() as session:
        association = await session.get(Association, sc.books.id)
        scope = reports.ReportScope.of(sc.world.org, association, None)
        statements = {
            "balances (trial balance, balance sheet)": reports.balances_query(scope, sc.as_of),
            "income statement": reports.income_query(scope, sc.month_start, sc.as_of),
        }
        for name, (statement, params) in statements.items():
            plan = (await session.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + statement.text), params)).scalars().all()
            out.append(f"--- {name}\n" + "\n".join(plan))
    return "\n".join(out)


def render(rows: list[Row], args: argparse.Namespace) -> str:
    base = next(r for r in rows if r.name == "baseline").phase
    assert base is not None
    head = f"{'scenario':42} | {'p50 ms':>8} {'p95 ms':>8} {'mean':>8} | {'p50/base':>8} {'p95/base':>8}"
    lines = [head, "-" * len(head)]
    for r in rows:
        p = r.phase
        assert p is not None
        lines.append(
            f"{r.label:42} | {p.p50_ms:8.2f} {p.p95_ms:8.2f} {p.mean_ms:8.2f} | "
            f"{p.p50_ms / base.p50_ms:7.2f}x {p.p95_ms / base.p95_ms:7.2f}x"
        )
    lines.append("")
    lines.append(
        f"n={args.n} rounds of one sequential call per row, after {args.warmup} warm-up rounds; one association of {args.associations} "
        f"({args.units} units, {args.months} months); times in ms; ratios against the baseline of this run."
    )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    sandbox.configure("bench", RUN_ID, BENCH_DB, rate_limit_capacity=10_000_000)
    import httpx
    from dbos import DBOS

    from graph.database_setup import bootstrap, drop_databases, migrate
    from graph.ids import decode
    from graph.platform import Platform
    from graph.server import create_app
    from graph.settings import Settings
    from tests.helpers import Api

    settings = Settings()
    print(f"database {BENCH_DB}: bootstrap + migrate ...", flush=True)
    await bootstrap(settings)
    platform = None
    try:
        await asyncio.to_thread(migrate, settings)
        platform = await Platform.start(settings)
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=120) as client:
            api = Api(client)
            caller = await api.register()
            org = await api.create_org(caller, "management_company")
            await api.select(caller, org)
            world = plan(decode(org)[1], decode(caller.user_id)[1], args.associations, args.units)
            print(f"generating and loading {args.associations} associations x {args.units} units x {args.months} months ...", flush=True)
            timings = await load(settings, world, args.months)
            books = world.books[len(world.books) // 2]
            total_lines = sum(b.lines for b in world.books)
            print(
                f"loaded {total_lines:,} journal lines in {sum(b.entries for b in world.books):,} entries "
                + "; ".join(f"{k} {v:.1f} s" for k, v in timings.items()),
                flush=True,
            )
            as_of = month(args.months) - timedelta(days=1)
            sc = Scenarios(platform, client, caller.token, world, books, as_of)
            print(
                f"measuring association #{books.index} ({books.basis} basis, fiscal year from month {books.start_month}, "
                f"{books.lines:,} lines) as of {as_of} ...",
                flush=True,
            )
            print(await check(sc), flush=True)
            rows = await measure(sc.ops(), args)
            print()
            print(render(rows, args))
            if args.explain:
                print()
                print(await explain(sc))
    finally:
        if platform is not None:
            await platform.close()
            DBOS.destroy(destroy_registry=False)
        if not args.keep_db:
            await drop_databases(settings, BENCH_DB)
            await drop_redis_prefix(settings)
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--associations", type=int, default=1000, help="associations (default 1000)")
    p.add_argument("--units", type=int, default=100, help="units per association (default 100)")
    p.add_argument("--months", type=int, default=24, help="months of postings from January 2024 (default 24)")
    p.add_argument("--n", type=int, default=100, help="measured rounds, one call per row each (default 100)")
    p.add_argument("--warmup", type=int, default=5, help="unmeasured rounds first (default 5)")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of the report statements")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse_args())))

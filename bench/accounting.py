"""Financial and receivables reports over a big ledger: p50/p95 of the trial
balance, balance sheet, income statement, AR aging and a 24-month owner
statement of ONE association among many, and the time of its monthly levy,
beside a baseline query measured in the same run.

    .venv/bin/python -m bench.accounting [--associations 1000] [--units 100] [--months 24]
                                         [--n 100] [--warmup 5] [--levies 5] [--explain] [--keep-db]

Setup as bench/mutations.py: a fresh database `hestami_bench_<id>`, bootstrap +
migrate, `Platform.start`, the app over an in-process ASGI client; one user
and organization made through the API. The books are not posted through the
API (millions of lines would take hours): rows are generated here — the
receivables side by `domains.receivables.service.book.Book` itself, so every levy,
charge, payment, allocation and journal line is the one receivables would
write — and COPYed in by the Postgres superuser of HESTAMI_ADMIN_DATABASE_URL,
with `session_replication_role = replica` so that no trigger fires — not the
deferred balance check of each line, not the owner-ledger agreement check, not
the foreign-key checks (all triggers), not the audit or history triggers — and
with journal_lines' keys and the big tables' plain indexes dropped during the
load and built afterwards, then VACUUM ANALYZE (what autovacuum would get to).
The run checks on the big data that the measured association's books hold
together (see `check`); the levies measured afterwards go through the API with
every trigger on. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from bench.harness import Op, Phase, drop_redis_prefix, run_main, summarize
from devtools import sandbox

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"
FIRST_MONTH = date(2024, 1, 1)
DUE_DAY = 15
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
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
    schedule: UUID
    levy_total: Decimal
    remainder_cents: int
    plan_order: list[int]
    controls: dict[Any, Any]
    # Each unit's open charges and unapplied payments (receivables.book Charge, Lot), by unit index.
    open: list[list[Any]]
    lots: list[list[Any]]
    payments: list[int]
    entries: int = 0
    lines: int = 0
    owner_rows: int = 0
    allocations: int = 0


@dataclass
class World:
    org: UUID
    user: UUID
    books: list[Books] = field(default_factory=list)


def month(i: int) -> date:
    m = FIRST_MONTH.month - 1 + i
    return date(FIRST_MONTH.year + m // 12, m % 12 + 1, 1)


def share(units: int) -> Decimal:
    return (Decimal(1) / units).quantize(Decimal("1e-8"))


def plan(org: UUID, user: UUID, associations: int, units: int) -> World:
    """The associations, each with one monthly schedule of 300.00 a unit split by
    assessment share, so each unit's charge is what `levy/v1/preview` computes."""
    from types import SimpleNamespace

    from domains.accounting.service.chart import STANDARD_ACCOUNTS, STANDARD_FUNDS
    from domains.receivables.service.assessments import split_by_share

    world = World(org, user)
    order = sorted(range(units), key=lambda u: str(u + 1))  # the levy's order: by unit number, as text
    total = Decimal(300 * units).quantize(CENT)
    _, amounts, left = split_by_share(total, [share(units)] * units)
    dues = [ZERO] * units
    for u, amount in zip(order, amounts, strict=True):
        dues[u] = amount
    for i in range(associations):
        funds = {code: new_id() for code, _, _ in STANDARD_FUNDS}
        accounts = {number: new_id() for number, *_ in STANDARD_ACCOUNTS}
        controls = {
            (role, funds[fund] if fund else None): SimpleNamespace(id=accounts[number], is_active=True)
            for number, _, _, fund, role in STANDARD_ACCOUNTS
            if role is not None
        }
        world.books.append(
            Books(
                id=new_id(),
                index=i,
                start_month=(1, 4, 7, 10)[i % 4],
                basis=("accrual", "cash")[i % 2],
                funds=funds,
                accounts=accounts,
                units=[new_id() for _ in range(units)],
                dues=dues,
                schedule=new_id(),
                levy_total=total,
                remainder_cents=left,
                plan_order=order,
                controls=controls,
                open=[[] for _ in range(units)],
                lots=[[] for _ in range(units)],
                payments=[0] * units,
            )
        )
    return world


def association_rows(world: World) -> Iterator[tuple[Any, ...]]:
    for b in world.books:
        yield (
            b.id,
            world.org,
            f"B{b.index:05d}",
            f"Bench Association {b.index}",
            "hoa",
            "active",
            "CA",
            "US",
            b.start_month,
            b.basis,
        )


ASSOCIATION_COLUMNS = [
    "id",
    "organization_id",
    "code",
    "legal_name",
    "kind",
    "status",
    "region",
    "country",
    "fiscal_year_start_month",
    "accounting_basis",
]
UNIT_COLUMNS = [
    "id",
    "organization_id",
    "association_id",
    "unit_number",
    "unit_type",
    "status",
    "street",
    "city",
    "postal_code",
    "region",
    "country",
    "voting_weight",
    "assessment_share",
]


def unit_rows(world: World) -> Iterator[tuple[Any, ...]]:
    for b in world.books:
        s = share(len(b.units))
        for n, unit in enumerate(b.units, start=1):
            yield (unit, world.org, b.id, str(n), "condo", "active", f"{n} Bench St", "Sacramento", "95814", "CA", "US", s, s)


def fund_rows(world: World) -> Iterator[tuple[Any, ...]]:
    from domains.accounting.service.chart import STANDARD_FUNDS

    for b in world.books:
        for code, name, kind in STANDARD_FUNDS:
            yield (b.funds[code], world.org, b.id, code, name, kind.value)


def account_rows(world: World) -> Iterator[tuple[Any, ...]]:
    from domains.accounting.service.chart import STANDARD_ACCOUNTS

    for b in world.books:
        for number, name, type_, fund, role in STANDARD_ACCOUNTS:
            yield (
                b.accounts[number],
                world.org,
                b.id,
                number,
                name,
                type_.value,
                b.funds[fund] if fund else None,
                role.value if role else None,
                True,
            )


def budget_rows(world: World, months: int) -> Iterator[tuple[Any, ...]]:
    """Every fiscal year the data touches: assessments and the five expenses, monthly."""
    for b in world.books:
        first = month(0).year - (1 if month(0).month < b.start_month else 0)
        last = month(months - 1).year
        for year in range(first, last + 1):
            for number, amount in [("4000", sum(b.dues)), *((e, Decimal(400 + 100 * k)) for k, e in enumerate(EXPENSES))]:
                for period in range(1, 13):
                    yield (new_id(), world.org, b.id, year, period, b.accounts[number], b.funds["OPER"], amount)


ENTRY_COLUMNS = ["id", "organization_id", "association_id", "entry_date", "memo", "source", "source_id", "posted_by"]
LINE_COLUMNS = [
    "id",
    "organization_id",
    "association_id",
    "entry_id",
    "line_no",
    "entry_date",
    "account_id",
    "fund_id",
    "debit",
    "credit",
    "basis",
    "unit_id",
]
SCHEDULE_COLUMNS = [
    "id",
    "organization_id",
    "association_id",
    "name",
    "kind",
    "frequency",
    "method",
    "amount",
    "income_account_id",
    "fund_id",
    "starts_on",
    "due_day",
    "is_active",
]
LEVY_COLUMNS = [
    "id",
    "organization_id",
    "association_id",
    "schedule_id",
    "period",
    "due_date",
    "total",
    "unit_count",
    "remainder_cents",
    "workflow_id",
    "created_by",
]
OWNER_LEDGER_COLUMNS = [
    "id",
    "organization_id",
    "association_id",
    "unit_id",
    "kind",
    "entry_date",
    "due_date",
    "amount",
    "fund_id",
    "account_id",
    "journal_entry_id",
    "levy_id",
    "related_entry_id",
    "method",
    "reference",
    "memo",
    "posted_by",
]
ALLOCATION_COLUMNS = [
    "id",
    "organization_id",
    "association_id",
    "unit_id",
    "credit_entry_id",
    "charge_entry_id",
    "amount",
    "applied_on",
    "journal_entry_id",
]


def schedule_rows(world: World) -> Iterator[tuple[Any, ...]]:
    for b in world.books:
        yield (
            b.schedule,
            world.org,
            b.id,
            "Regular Assessment",
            "regular",
            "monthly",
            "share",
            b.levy_total,
            b.accounts["4000"],
            b.funds["OPER"],
            month(0),
            DUE_DAY,
            True,
        )


@dataclass
class Month:
    """One month of generated rows, COPYed table by table."""

    entries: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    levies: list[tuple[Any, ...]] = field(default_factory=list)
    owner_ledger: list[tuple[Any, ...]] = field(default_factory=list)
    allocations: list[tuple[Any, ...]] = field(default_factory=list)


class Ledger:
    """Month by month, association by association (so that an association's lines
    spread over the table as they would in production): the levy and every
    unit's payment as receivables books them — through `domains.receivables.service.book.Book`
    itself, so each journal entry, owner-ledger row and allocation is the one the
    levy workflow and `payment/v1/record` would write — then five vendor invoices
    and their payments, and a reserve contribution. Each entry balances per fund
    in the accrual and the cash view."""

    def __init__(self, world: World, months: int) -> None:
        self.world, self.months = world, months

    def months_(self) -> Iterator[Month]:
        for m in range(self.months):
            out = Month()
            for b in self.world.books:
                self._month(out, b, m, month(m))
            yield out

    def _entry(
        self, out: Month, b: Books, on: date, memo: str, source: str, lines: list[tuple[Any, ...]], source_id: UUID | None = None
    ) -> UUID:
        entry = new_id()
        out.entries.append((entry, self.world.org, b.id, on, memo, source, source_id, self.world.user))
        b.entries += 1
        b.lines += len(lines)
        for n, (account, fund, debit, credit, basis, unit) in enumerate(lines, start=1):
            out.lines.append((new_id(), self.world.org, b.id, entry, n, on, account, fund, debit, credit, basis, unit))
        return entry

    def _book(self, b: Books, units: list[int]) -> Any:
        """A receivables Book over these units' open charges and lots (what `load_open` would read)."""
        from domains.receivables.service.book import Book

        book = Book(None, self.world.org, b.id, b.controls, b.funds["OPER"], self.world.user)  # type: ignore[arg-type]
        for u in units:
            book.charges.update((c.id, c) for c in b.open[u])
            book.lots.update((x.id, x) for x in b.lots[u])
        return book

    def _post(self, out: Month, b: Books, book: Any, units: list[int], source: str, source_id: UUID, memo: str) -> None:
        """What `Book.post` writes: one journal entry per date, then the rows and allocations naming it."""
        entries = {}
        for on in sorted(book.amounts):
            lines = [
                (p.account_id, p.fund_id, p.debit, p.credit, p.basis.value, p.unit_id) for p in book._lines(book.amounts[on])
            ]
            entries[on] = self._entry(out, b, on, memo, source, lines, source_id)
        for r in book.rows:
            out.owner_ledger.append(
                tuple(entries[r["entry_date"]] if c == "journal_entry_id" else r[c] for c in OWNER_LEDGER_COLUMNS)
            )
        for a in book.allocations:
            out.allocations.append(
                tuple(entries[a["applied_on"]] if c == "journal_entry_id" else a[c] for c in ALLOCATION_COLUMNS)
            )
        b.owner_rows += len(book.rows)
        b.allocations += len(book.allocations)
        by_unit: dict[UUID, tuple[list[Any], list[Any]]] = {b.units[u]: ([], []) for u in units}
        for c in book.charges.values():
            if c.open > 0:
                by_unit[c.unit_id][0].append(c)
        for x in book.lots.values():
            if x.remaining > 0:
                by_unit[x.unit_id][1].append(x)
        for u in units:
            b.open[u], b.lots[u] = by_unit[b.units[u]]

    def _levy(self, out: Month, b: Books, period: date) -> None:
        """`assessments.post_batch`: every unit's charge, and any credit it holds applied to it."""
        from domains.receivables.models import EntryKind
        from domains.receivables.service.assessments import levy_workflow_id

        levy = new_id()
        due = period.replace(day=DUE_DAY)
        out.levies.append(
            (
                levy,
                self.world.org,
                b.id,
                b.schedule,
                period,
                due,
                b.levy_total,
                len(b.units),
                b.remainder_cents,
                levy_workflow_id(self.world.org, b.schedule, period),
                self.world.user,
            )
        )
        units = list(range(len(b.units)))
        book = self._book(b, units)
        memo = f"Regular Assessment, {period:%B %Y}"
        for u in b.plan_order:
            book.debit(
                b.units[u],
                EntryKind.CHARGE,
                b.dues[u],
                on=period,
                due=due,
                fund_id=b.funds["OPER"],
                account_id=b.accounts["4000"],
                memo=memo,
                levy_id=levy,
            )
            if b.lots[u]:
                book.settle(b.units[u], period)
        self._post(out, b, book, units, "assessment", levy, f"Levy: {memo}")

    def _payment(self, out: Month, b: Books, u: int, amount: Decimal, on: date) -> None:
        """`owner_ledger.record_payment` of a check, applied oldest charge first."""
        from domains.receivables.models import EntryKind, PaymentMethod

        book = self._book(b, [u])
        lot = book.lot(
            b.units[u],
            EntryKind.PAYMENT,
            amount,
            on=on,
            fund_id=b.funds["OPER"],
            memo="Payment received",
            method=PaymentMethod.CHECK,
            reference=f"{1000 + b.payments[u]}",
        )
        b.payments[u] += 1
        book.settle(b.units[u], on)
        self._post(out, b, book, [u], "payment", lot.id, f"Payment, unit {u + 1}")

    def _month(self, out: Month, b: Books, m: int, first: date) -> None:
        self._levy(out, b, first)
        for u, due in enumerate(b.dues):
            kind = (u * 7 + b.index * 13) % 100
            if kind < 4:  # pays 80% of each month: arrears grow into every aging bucket
                self._payment(out, b, u, (due * Decimal("0.8")).quantize(CENT), first + timedelta(days=19))
            elif kind < 10:  # two months behind, always
                if m >= 2:
                    self._payment(out, b, u, due, first + timedelta(days=24))
            elif kind < 13:  # rounds up: a credit builds, which the levies use
                self._payment(out, b, u, due + Decimal("25.00"), first + timedelta(days=9))
            elif (u + m + b.index) % 20:  # on time, but skips about one month in 20 and catches up the next
                catch_up = (u + m - 1 + b.index) % 20 == 0 and m > 0
                self._payment(out, b, u, due * (2 if catch_up else 1), first + timedelta(days=4 + u % 10))
        for k, expense in enumerate(EXPENSES):
            amount = Decimal(300 + 100 * k + (m * 7 + b.index) % 50) + Decimal("0.25")
            e, ap, cash = b.accounts[expense], b.accounts["2000"], b.accounts["1010"]
            oper = b.funds["OPER"]
            self._entry(
                out,
                b,
                first + timedelta(days=9),
                f"Invoice {expense}",
                "invoice",
                [(e, oper, amount, ZERO, "accrual", None), (ap, oper, ZERO, amount, "accrual", None)],
            )
            self._entry(out, b, first + timedelta(days=24), f"Payment {expense}", "vendor_payment",
                        [(ap, oper, amount, ZERO, "accrual", None), (e, oper, amount, ZERO, "cash", None),
                         (cash, oper, ZERO, amount, "both", None)])  # fmt: skip
        resv = b.funds["RESV"]
        self._entry(
            out,
            b,
            first + timedelta(days=27),
            "Reserve contribution",
            "manual",
            [
                (b.accounts["1020"], resv, Decimal("1500.00"), ZERO, "both", None),
                (b.accounts["4000"], resv, ZERO, Decimal("1500.00"), "both", None),
            ],
        )


BIG_TABLES = ("journal_entries", "journal_lines", "levies", "owner_ledger_entries", "owner_ledger_allocations")


async def load(settings: Any, world: World, months: int) -> dict[str, float]:
    """COPY the generated books in as the superuser, triggers off (see the module docstring)."""
    import asyncpg
    from sqlalchemy.engine import make_url

    from graph.db import libpq_url

    url = make_url(settings.admin_database_url.get_secret_value()).set(database=BENCH_DB)
    conn = await asyncpg.connect(libpq_url(url.render_as_string(hide_password=False)))
    timings: dict[str, float] = {}
    try:
        # Superuser only: neither the owner role nor the app role can switch triggers off.
        await conn.execute("SET session_replication_role = replica")
        await conn.execute("SET maintenance_work_mem = '512MB'")
        # journal_lines' indexes (its primary and unique keys too) are built once
        # after the load: maintaining them row by row, in random order, is most of
        # a COPY's time. The foreign keys pointing at it (bank matches, empty here)
        # go with them and come back after. The other big tables keep their keys
        # (foreign keys point at them) and lose only their plain indexes.
        referring = await conn.fetch(
            """SELECT conrelid::regclass::text AS "table", conname, pg_get_constraintdef(oid) AS definition
                 FROM pg_constraint WHERE confrelid = 'journal_lines'::regclass"""
        )
        keys = await conn.fetch(
            """SELECT conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
                WHERE conrelid = 'journal_lines'::regclass AND contype IN ('p', 'u')"""
        )
        secondary = await conn.fetch(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = ANY($1::text[])
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            list(BIG_TABLES),
        )
        for fk in referring:
            await conn.execute(f'ALTER TABLE {fk["table"]} DROP CONSTRAINT "{fk["conname"]}"')
        for key in keys:
            await conn.execute(f'ALTER TABLE journal_lines DROP CONSTRAINT "{key["conname"]}"')
        for index in secondary:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        t = time.perf_counter()
        for table, columns, rows in [
            ("associations", ASSOCIATION_COLUMNS, association_rows(world)),
            ("units", UNIT_COLUMNS, unit_rows(world)),
            ("funds", ["id", "organization_id", "association_id", "code", "name", "kind"], fund_rows(world)),
            (
                "gl_accounts",
                ["id", "organization_id", "association_id", "number", "name", "type", "fund_id", "control", "is_active"],
                account_rows(world),
            ),
            (
                "budget_amounts",
                ["id", "organization_id", "association_id", "fiscal_year", "period", "account_id", "fund_id", "amount"],
                budget_rows(world, months),
            ),
            ("assessment_schedules", SCHEDULE_COLUMNS, schedule_rows(world)),
        ]:
            await conn.copy_records_to_table(table, records=rows, columns=columns)
        generating = copying = 0.0
        g = time.perf_counter()
        for batch in Ledger(world, months).months_():
            c = time.perf_counter()
            generating += c - g
            for table, columns, records in [
                ("journal_entries", ENTRY_COLUMNS, batch.entries),
                ("journal_lines", LINE_COLUMNS, batch.lines),
                ("levies", LEVY_COLUMNS, batch.levies),
                ("owner_ledger_entries", OWNER_LEDGER_COLUMNS, batch.owner_ledger),
                ("owner_ledger_allocations", ALLOCATION_COLUMNS, batch.allocations),
            ]:
                await conn.copy_records_to_table(table, records=records, columns=columns)
            g = time.perf_counter()
            copying += g - c
        timings["generate"] = generating
        timings["COPY"] = copying
        t = time.perf_counter()
        for key in keys:
            await conn.execute(f'ALTER TABLE journal_lines ADD CONSTRAINT "{key["conname"]}" {key["definition"]}')
        for fk in referring:
            await conn.execute(f'ALTER TABLE {fk["table"]} ADD CONSTRAINT "{fk["conname"]}" {fk["definition"]}')
        for index in secondary:
            await conn.execute(index["indexdef"])
        timings["build indexes"] = time.perf_counter() - t
        t = time.perf_counter()
        for table in ("associations", "units", "funds", "gl_accounts", "budget_amounts", "assessment_schedules", *BIG_TABLES):
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
        # The statement's unit: one that pays 80% a month, so its 24 months have
        # charges, payments and allocations, and its arrears reach every aging bucket.
        self.unit_index = next((u for u in range(len(books.units)) if (u * 7 + books.index * 13) % 100 < 4), 0)
        self.unit = encode("unt", books.units[self.unit_index])

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
        from domains.accounting.service import reports
        from domains.associations.models import Association
        from graph.handlers import require

        async with self.scoped() as session:
            association = await require(session, Association, self.books.id, "associationId")
            scope = reports.ReportScope.of(self.world.org, association, None)
            if report == "incomeStatement":
                return await reports.income_statement(session, scope, self.month_start, self.as_of)
            if report == "balanceSheet":
                return await reports.balance_sheet(session, scope, self.as_of)
            return await reports.trial_balance(session, scope, self.as_of)

    async def aging_sql(self) -> Any:
        from domains.receivables.service import reports

        async with self.scoped() as session:
            return await reports.aging(session, self.books.id, self.as_of)

    async def statement_sql(self) -> Any:
        """As ownerStatement/v1/get runs it: the unit, then the statement's two statements."""
        from domains.associations.models import Unit
        from domains.receivables.service import reports

        async with self.scoped() as session:
            unit = await session.get(Unit, self.books.units[self.unit_index])
            assert unit is not None
            return await reports.statement(session, unit.association_id, unit.id, month(0), self.as_of)

    async def rpc(self, name: str, body: dict[str, Any], key: str | None = None) -> dict[str, Any]:
        headers = self.headers | ({"Idempotency-Key": key} if key else {})
        r = await self.client.post(f"/api/v1/rpc/{name}", json=body, headers=headers)
        if r.status_code != 200:
            raise RuntimeError(f"{name}: {r.status_code} {r.text}")
        answer: dict[str, Any] = r.json()
        return answer

    def ops(self) -> dict[str, Op]:
        as_of = {"associationId": self.association, "asOf": str(self.as_of)}
        this_month = {"associationId": self.association, "fromDate": str(self.month_start), "toDate": str(self.as_of)}
        statement = {"id": self.unit, "fromDate": str(month(0)), "toDate": str(self.as_of)}
        return {
            "baseline": self.baseline,
            "get_rpc": lambda i: self.rpc("association/v1/get", {"id": self.association}),
            "tb_sql": lambda i: self._sql("trialBalance"),
            "bs_sql": lambda i: self._sql("balanceSheet"),
            "is_sql": lambda i: self._sql("incomeStatement"),
            "tb_rpc": lambda i: self.rpc("financialReport/v1/trialBalance", as_of),
            "bs_rpc": lambda i: self.rpc("financialReport/v1/balanceSheet", as_of),
            "is_rpc": lambda i: self.rpc("financialReport/v1/incomeStatement", this_month),
            "ar_sql": lambda i: self.aging_sql(),
            "st_sql": lambda i: self.statement_sql(),
            "ar_rpc": lambda i: self.rpc("arAging/v1/get", as_of),
            "st_rpc": lambda i: self.rpc("ownerStatement/v1/get", statement),
        }

    async def levy(self, period: date) -> tuple[float, dict[str, Any]]:
        """levy/v1/post for the association's schedule, and the time until its
        workflow has posted every charge (waiting as tests/receivables/books.py does)."""
        from dbos import DBOS

        from graph.ids import encode

        body = {"scheduleId": encode("sch", self.books.schedule), "period": str(period)}
        t = time.perf_counter()
        started = await self.rpc("levy/v1/post", body, key=uuid.uuid4().hex)
        await (await DBOS.retrieve_workflow_async(started["workflowId"])).get_result(polling_interval_sec=0.02)
        elapsed = time.perf_counter() - t
        done = await self.rpc("levy/v1/get", {"id": started["id"]})
        assert done["postedUnits"] == done["unitCount"] == len(self.books.units), done
        return elapsed, done


TABLE = [
    ("baseline", "count(*) of its lines, RLS txn [BASELINE]"),
    ("get_rpc", "RPC association/v1/get (stack floor)"),
    ("tb_sql", "trial balance, SQL in RLS txn"),
    ("bs_sql", "balance sheet, SQL in RLS txn"),
    ("is_sql", "income statement (month+YTD), SQL"),
    ("tb_rpc", "RPC financialReport/v1/trialBalance"),
    ("bs_rpc", "RPC financialReport/v1/balanceSheet"),
    ("is_rpc", "RPC financialReport/v1/incomeStatement"),
    ("ar_sql", "AR aging, SQL in RLS txn"),
    ("ar_rpc", "RPC arAging/v1/get"),
    ("st_sql", "owner statement (24 months), SQL"),
    ("st_rpc", "RPC ownerStatement/v1/get (24 months)"),
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
    """The big books hold together for the measured association: the trial
    balance and every fund of the balance sheet balance; every entry balances per
    fund in both views and each unit's owner ledger equals its receivable and
    prepaid lines (the test suite's own check); and the AR aging agrees with the
    owner ledger and with the control accounts of the accrual trial balance."""
    from sqlalchemy import text

    from tests.receivables.books import check_books_in

    body = {"associationId": sc.association, "asOf": str(sc.as_of)}
    tb = await sc.rpc("financialReport/v1/trialBalance", body)
    bs = await sc.rpc("financialReport/v1/balanceSheet", body | {"basis": "cash"})
    assert tb["totalDebit"] == tb["totalCredit"], tb
    for fund in bs["funds"]:
        assert fund["totalAssets"] == fund["totalLiabilitiesAndEquity"], fund
    accrual = await sc.rpc("financialReport/v1/trialBalance", body | {"basis": "accrual"})
    assert accrual["totalDebit"] == accrual["totalCredit"], accrual

    def balance(number: str) -> Decimal:
        return sum(
            (Decimal(x["debit"]) - Decimal(x["credit"]) for x in accrual["lines"] if x["accountNumber"] == number), Decimal(0)
        )

    receivable, prepaid = balance("1200") + balance("1210"), -(balance("2100") + balance("2110"))
    aging = (await sc.rpc("arAging/v1/get", body))["totals"]
    buckets = {k: Decimal(v) for k, v in aging.items() if k not in ("credit", "balance")}
    async with sc.scoped() as session:
        owner_ledger = await session.scalar(
            text("SELECT sum(amount) FROM owner_ledger_entries WHERE association_id = :a AND entry_date <= :d"),
            {"a": sc.books.id, "d": sc.as_of},
        )
        owed = await check_books_in(session, sc.books.id)
    assert sum(buckets.values()) == receivable, (buckets, receivable)
    assert Decimal(aging["credit"]) == prepaid, (aging, prepaid)
    assert Decimal(aging["balance"]) == owner_ledger == receivable - prepaid == sum(owed.values()), (aging, owner_ledger, owed)
    return (
        f"checks: trial balance {tb['basis']} debits = credits = {tb['totalDebit']} over {len(tb['lines'])} lines "
        f"(accrual view {accrual['totalDebit']}); cash balance sheet balances in {len(bs['funds'])} funds "
        f"(assets {bs['totalAssets']}); every entry balanced per fund in both views and every unit's owner ledger = its "
        f"receivable and prepaid lines (tests.receivables.books.check_books_in)\n"
        f"        AR aging {' / '.join(f'{k} {v}' for k, v in buckets.items())}: open {sum(buckets.values())} = AR control "
        f"accounts (1200+1210) {receivable}; credit {aging['credit']} = prepaid (2100+2110) {prepaid}; "
        f"balance {aging['balance']} = owner ledger sum {owner_ledger} = AR - prepaid {receivable - prepaid}"
    )


async def explain(sc: Scenarios) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of each report's statement, for the chosen association."""
    from sqlalchemy import text

    from domains.accounting.service import reports
    from domains.associations.models import Association
    from domains.receivables.service import reports as receivables

    out = []
    async with sc.scoped() as session:
        association = await session.get(Association, sc.books.id)
        scope = reports.ReportScope.of(sc.world.org, association, None)
        statements = {
            "balances (trial balance, balance sheet)": reports.balances_query(scope, sc.as_of),
            "income statement": reports.income_query(scope, sc.month_start, sc.as_of),
            "AR aging": (receivables._AGING, {"association": sc.books.id, "as_of": sc.as_of}),
            **{
                f"owner statement ({part})": (
                    statement,
                    {"association": sc.books.id, "unit": sc.books.units[sc.unit_index], "from_date": month(0), "as_of": sc.as_of},
                )
                for part, statement in (("opening balance", receivables._STATEMENT_HEAD), ("lines", receivables._STATEMENT_LINES))
            },
        }
        for name, (statement, params) in statements.items():
            plan = (await session.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + statement.text), params)).scalars().all()
            out.append(f"--- {name}\n" + "\n".join(plan))
    return "\n".join(out)


def render(rows: list[Row], args: argparse.Namespace, levies: list[float]) -> str:
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
    if levies:
        p50, top = statistics.median(levies) * 1000, max(levies) * 1000
        lines.append(
            f"{'levy/v1/post + its workflow (p50 / MAX)':42} | {p50:8.1f} {top:8.1f} {statistics.fmean(levies) * 1000:8.1f} | "
            f"{p50 / base.p50_ms:7.0f}x {top / base.p95_ms:7.0f}x"
        )
    lines.append("")
    lines.append(
        f"levy: {len(levies)} runs, one per month after the data, "
        f"each charging {args.units} units through the API and its durable "
        "workflow (commit-time triggers on); its p95 column is the max, its ratios p50/base p50 and max/base p95."
    )
    lines.append(
        f"n={args.n} rounds of one sequential call per row, after {args.warmup} warm-up rounds; "
        f"one association of {args.associations} "
        f"({args.units} units, {args.months} months); times in ms; ratios against the baseline of this run."
    )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    sandbox.configure("bench", RUN_ID, BENCH_DB, rate_limit_capacity=10_000_000)
    import httpx
    from dbos import DBOS

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, drop_databases, migrate
    from graph.ids import decode
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.helpers import Api

    settings = Settings()
    print(f"database {BENCH_DB}: bootstrap + migrate ...", flush=True)
    await bootstrap(settings)
    platform = None
    try:
        await asyncio.to_thread(migrate, settings)
        load_domains()  # before the platform starts: hooks and workflows register on import
        platform = await Platform.start(settings)
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=120) as client:
            api = Api(client)
            caller = await api.register()
            org = await api.create_org(caller, "management_company")
            await api.select(caller, org)
            world = plan(decode(org)[1], decode(caller.user_id)[1], args.associations, args.units)
            print(
                f"generating and loading {args.associations} associations x {args.units} units x {args.months} months ...",
                flush=True,
            )
            timings = await load(settings, world, args.months)
            books = world.books[len(world.books) // 2]
            total = {k: sum(getattr(b, k) for b in world.books) for k in ("lines", "entries", "owner_rows", "allocations")}
            print(
                f"loaded {total['lines']:,} journal lines in {total['entries']:,} entries, "
                f"{total['owner_rows']:,} owner-ledger rows, "
                f"{total['allocations']:,} allocations, {args.associations * args.months:,} levies; "
                + "; ".join(f"{k} {v:.1f} s" for k, v in timings.items()),
                flush=True,
            )
            as_of = month(args.months) - timedelta(days=1)
            sc = Scenarios(platform, client, caller.token, world, books, as_of)
            print(
                f"measuring association #{books.index} ({books.basis} basis, fiscal year from month {books.start_month}, "
                f"{books.lines:,} journal lines, {books.owner_rows:,} owner-ledger rows, "
                f"{books.allocations:,} allocations) as of {as_of} ...",
                flush=True,
            )
            print(await check(sc), flush=True)
            rows = await measure(sc.ops(), args)
            levies = []
            for k in range(args.levies):
                elapsed, done = await sc.levy(month(args.months + k))
                levies.append(elapsed)
                print(
                    f"levy {done['period']}: {done['postedUnits']} units, total {done['total']}, {elapsed * 1000:.0f} ms",
                    flush=True,
                )
            print()
            print(render(rows, args, levies))
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
    p.add_argument("--levies", type=int, default=5, help="monthly levies run through the API after the reports (default 5)")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of the report statements")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

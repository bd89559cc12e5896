"""Bank files in: a lockbox file and a bank statement with auto-match, imported
through the API into one association of a big ledger, beside a COPY floor
measured in the same run.

    .venv/bin/python -m bench.bank_files [--associations 1000] [--units 100] [--months 24]
                                         [--lockbox 10000] [--statement 5000] [--keep-db]

Setup as bench/accounting.py, whose generator and loader it reuses: a fresh
database `hestami_bench_<id>`, `Platform.start`, the app over an in-process ASGI
client, the books of `--associations` associations COPYed in as the superuser.
Each association's books are the accounting bench's (100 units, 24 months,
~12,400 journal lines), and so is their number by default: 1,000, a 12M-line
ledger (about 12 minutes to generate and load on two cores); `--associations 50`
(~620,000 lines) for a quick run.
Then, for two associations of that ledger, a small and a large round:

- lockbox: `lockboxFile/v1/import` of a file of `--lockbox` lines (a tenth in
  the small round): every unit paying once on each of `--lockbox / units`
  deposit days from the month after the data, each line its own amount;
- statement: a bank account on the association's operating cash, then
  `bankStatement/v1/import` of a CSV of `--statement` transactions (half the
  lockbox's payments, each by its amount, date and check number), then
  `bankTransaction/v1/autoMatch` over them, which must match every one;
- the floor: asyncpg `COPY` of the same lines (lockbox) and transactions
  (statement) into a temporary table of the same columns, as the superuser:
  what moving the file's rows into Postgres costs with nothing else done.

Printed per round: wall time, lines per second, SQL statements on the app engine
(per import and per line), and API / floor. Statements per line stay bounded
(they fall as the file grows): the work is batched per file, and per deposit
day for the lockbox (one journal entry a day). A second import of each file adds nothing (checked).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench import accounting
from bench.harness import SqlCounter, drop_redis_prefix, run_main
from devtools import sandbox


@dataclass
class Round:
    label: str
    what: str
    lines: int
    seconds: float
    statements: int
    floor_seconds: float

    @property
    def per_second(self) -> float:
        return self.lines / self.seconds

    @property
    def floor_per_second(self) -> float:
        return self.lines / self.floor_seconds


class Bench:
    def __init__(self, client: Any, token: str, settings: Any, counter: SqlCounter, months: int) -> None:
        self.client, self.settings, self.counter, self.months = client, settings, counter, months
        self.headers = {"Authorization": f"Bearer {token}"}

    async def rpc(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = self.headers | {"Idempotency-Key": uuid.uuid4().hex}
        r = await self.client.post(f"/api/v1/rpc/{name}", json=body, headers=headers)
        if r.status_code != 200:
            raise RuntimeError(f"{name}: {r.status_code} {r.text[:500]}")
        answer: dict[str, Any] = r.json()
        return answer

    async def timed(self, name: str, body: dict[str, Any]) -> tuple[dict[str, Any], float, int]:
        before = self.counter.snapshot()["app.stmt"]
        t = time.perf_counter()
        result = await self.rpc(name, body)
        return result, time.perf_counter() - t, self.counter.snapshot()["app.stmt"] - before

    async def floor(self, columns: list[tuple[str, str]], records: list[tuple[Any, ...]]) -> float:
        """COPY the rows into a temporary table of those columns, as the superuser."""
        import asyncpg
        from sqlalchemy.engine import make_url

        from graph.db import libpq_url

        url = make_url(self.settings.admin_database_url.get_secret_value()).set(database=accounting.BENCH_DB)
        conn = await asyncpg.connect(libpq_url(url.render_as_string(hide_password=False)))
        try:
            await conn.execute(f"CREATE TEMP TABLE floor ({', '.join(f'{c} {t}' for c, t in columns)})")
            t = time.perf_counter()
            async with conn.transaction():
                await conn.copy_records_to_table("floor", records=records, columns=[c for c, _ in columns])
            return time.perf_counter() - t
        finally:
            await conn.close()

    async def run(self, books: Any, lockbox_lines: int, statement_lines: int, label: str) -> list[Round]:
        from graph.ids import encode

        association = encode("asn", books.id)
        units = len(books.units)
        first_day = accounting.month(self.months)
        lines = []
        for i in range(lockbox_lines):
            # Each unit pays once a deposit day (the books net a unit's payments of one day into
            # one cash line, which a bank line of one payment could not match).
            unit, day = i % units + 1, first_day + timedelta(days=i // units)
            # Each line its own amount, so a statement line names one payment.
            lines.append((str(unit), (Decimal(20000 + i) / 100).quantize(accounting.CENT), str(100000 + i), day))
        csv = "account,amount,checkNumber,date\n" + "".join(f"{u},{a},{c},{d}\n" for u, a, c, d in lines)
        result, seconds, statements = await self.timed("lockboxFile/v1/import", {"associationId": association, "csv": csv})
        assert result["file"]["postedCount"] == lockbox_lines, result
        again = await self.rpc("lockboxFile/v1/import", {"associationId": association, "csv": csv})
        assert again["alreadyImported"] is True
        floor = await self.floor(
            [("account", "text"), ("amount", "numeric(14,2)"), ("check_number", "text"), ("paid_on", "date")], lines
        )
        rounds = [Round(label, "lockbox import", lockbox_lines, seconds, statements, floor)]

        account = await self.rpc(
            "bankAccount/v1/create",
            {
                "associationId": association,
                "name": "Operating Checking",
                "institution": "First Community Bank",
                "kind": "checking",
                "routingNumber": "121000358",
                "accountNumber": "000123456789",
                "glAccountId": encode("gla", books.accounts["1010"]),
                "openedOn": str(accounting.month(0)),
            },
        )
        deposits = [line for i, line in enumerate(lines) if i % 2 == 0][:statement_lines]
        statement = "id,date,amount,check\n" + "".join(f"T{c},{d:%m/%d/%Y},{a},{c}\n" for _, a, c, d in deposits)
        body = {
            "bankAccountId": account["id"],
            "csv": statement,
            "csvMapping": {
                "date": "date",
                "amount": "amount",
                "transactionId": "id",
                "checkNumber": "check",
                "dateFormat": "%m/%d/%Y",
            },
        }
        imported, import_s, import_n = await self.timed("bankStatement/v1/import", body)
        assert imported["added"] == len(deposits), imported
        again = await self.rpc("bankStatement/v1/import", body)
        assert again["added"] == 0
        matched, match_s, match_n = await self.timed("bankTransaction/v1/autoMatch", {"bankAccountId": account["id"]})
        assert matched["matched"] == len(deposits), matched
        floor = await self.floor(
            [("bank_transaction_id", "text"), ("posted_on", "date"), ("amount", "numeric(14,2)"), ("check_number", "text")],
            [(f"T{c}", d, a, c) for _, a, c, d in deposits],
        )
        rounds.append(Round(label, "statement import", len(deposits), import_s, import_n, floor))
        rounds.append(Round(label, "auto-match", len(deposits), match_s, match_n, floor))
        rounds.append(Round(label, "statement import + auto-match", len(deposits), import_s + match_s, import_n + match_n, floor))
        return rounds


def render(rounds: list[Round]) -> str:
    head = f"{'round':<7} {'what':<31} {'lines':>6} {'wall s':>7} {'lines/s':>8} {'stmts':>6} {'stmts/line':>10} "
    head += f"{'floor lines/s':>13} {'API/floor':>9}"
    rows = [
        f"{r.label:<7} {r.what:<31} {r.lines:>6} {r.seconds:>7.2f} {r.per_second:>8.0f} {r.statements:>6} "
        f"{r.statements / r.lines:>10.4f} {r.floor_per_second:>13.0f} {r.floor_per_second / r.per_second:>8.0f}×"
        for r in rounds
    ]
    note = "API/floor: how many times longer the API takes than COPYing the same rows into a bare table."
    return "\n".join([head, "-" * len(head), *rows, "", note])


async def main(args: argparse.Namespace) -> int:
    sandbox.configure("bench", accounting.RUN_ID, accounting.BENCH_DB, rate_limit_capacity=10_000_000)
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
    print(f"database {accounting.BENCH_DB}: bootstrap + migrate ...", flush=True)
    await bootstrap(settings)
    platform = None
    try:
        await asyncio.to_thread(migrate, settings)
        load_domains()  # before the platform starts: hooks and workflows register on import
        platform = await Platform.start(settings)
        counter = SqlCounter()
        counter.attach(platform.engine.sync_engine, "app")
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)
            caller = await api.register()
            org = await api.create_org(caller, "management_company")
            await api.select(caller, org)
            world = accounting.plan(decode(org)[1], decode(caller.user_id)[1], args.associations, args.units)
            print(
                f"generating and loading {args.associations} associations x {args.units} units x {args.months} months ...",
                flush=True,
            )
            timings = await accounting.load(settings, world, args.months)
            lines = sum(b.lines for b in world.books)
            print(f"loaded {lines:,} journal lines; " + "; ".join(f"{k} {v:.1f} s" for k, v in timings.items()), flush=True)
            bench = Bench(client, caller.token, settings, counter, args.months)
            small, large = world.books[len(world.books) // 3], world.books[len(world.books) // 2]
            rounds = await bench.run(small, args.lockbox // 10, args.statement // 10, "small")
            rounds += await bench.run(large, args.lockbox, args.statement, "large")
            print()
            print(render(rounds))
    finally:
        if platform is not None:
            await platform.close()
            DBOS.destroy(destroy_registry=False)
        if not args.keep_db:
            await drop_databases(settings, accounting.BENCH_DB)
            await drop_redis_prefix(settings)
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument(
        "--associations", type=int, default=1000, help="associations in the ledger (default 1000, as bench.accounting; 50: quick)"
    )
    p.add_argument("--units", type=int, default=100, help="units per association (default 100)")
    p.add_argument("--months", type=int, default=24, help="months of postings from January 2024 (default 24)")
    p.add_argument("--lockbox", type=int, default=10_000, help="lockbox lines of the large round (default 10,000)")
    p.add_argument("--statement", type=int, default=5_000, help="statement lines of the large round (default 5,000)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

"""Reserve studies: what Decimal costs, and percent funded across a portfolio.

    .venv/bin/python -m bench.reserves [--components 200] [--n 50] [--associations 1000] [--dashboard-n 10] [--keep-db]

1. A 30-year projection of a `--components`-component study — the schedule (expenditures
   and fully funded balance per year) and the four scenarios, as reserveStudy/v1/project
   computes them (domains/reserves/service/projection.py, Decimal in cents) — beside the
   same computation in plain Python floats (`FloatStudy` below: the same formulas, no
   rounding to cents). p50 of each, and the ratio.
2. reserveFunding/v1/dashboard through the API for 10 associations, then for
   `--associations`: p50 and the SQL statements each request sends (flat: the latest
   studies, their components, the balances, the spending, plus the request's own setup).
   The associations are written through the domain services as the application role
   (chart of accounts, an opening reserve balance, 20 components, a study each), not
   through the API, which would take minutes for nothing measured.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from bench.harness import drop_redis_prefix, run_main
from devtools import sandbox

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"


def components(n: int, seed: int = 7) -> list[Any]:
    from domains.reserves.service.projection import Component

    rng = random.Random(seed)
    found = []
    for _ in range(n):
        useful = rng.randint(3, 40)
        found.append(
            Component(
                cost=Decimal(rng.randint(1_000, 250_000)),
                useful_life=useful,
                remaining_life=rng.randint(0, useful),
                inflation=Decimal(rng.choice(("0.025", "0.03", "0.035", "0.04"))),
            )
        )
    return found


class FloatStudy:
    """The projection's formulas in floats, for the ratio: same years, same scenarios."""

    def __init__(self, comps: list[Any], start: float, rate: float, horizon: int, current: float, growth: float) -> None:
        self.c = [(float(c.cost), c.useful_life, c.remaining_life, float(c.inflation)) for c in comps]
        self.start, self.rate, self.h, self.current, self.g = start, rate, horizon, current, growth

    @staticmethod
    def rl(ul: int, rul: int, t: int) -> int:
        return rul - t if t <= rul else (rul - t) % ul

    def schedule(self) -> tuple[list[float], list[float]]:
        exp, ffb = [], []
        for t in range(self.h + 1):
            e = f = 0.0
            for cost, ul, rul, inf in self.c:
                now = cost * (1 + inf) ** t
                rl = self.rl(ul, rul, t)
                f += now * max(ul - rl, 0) / ul
                if rl == 0:
                    e += now
            exp.append(e)
            ffb.append(f)
        return exp[: self.h], ffb

    def run(self, exp: list[float], contributions: list[float]) -> list[float]:
        b = [self.start]
        for t in range(self.h):
            b.append(b[-1] + contributions[t] + self.rate * max(b[-1], 0.0) - exp[t])
        return b

    def level(self, c: float) -> list[float]:
        return [c * (1 + self.g) ** t for t in range(self.h)]

    def least(self, exp: list[float], floors: list[float]) -> float:
        lo, hi = 0.0, 1.0
        while min(b - f for b, f in zip(self.run(exp, self.level(hi))[1:], floors, strict=True)) < 0:
            hi *= 2
        for _ in range(40):
            mid = (lo + hi) / 2
            if min(b - f for b, f in zip(self.run(exp, self.level(mid))[1:], floors, strict=True)) < 0:
                lo = mid
            else:
                hi = mid
        return hi

    def full(self, ffb0: float) -> list[float]:
        shares = [self.start * cost * max(ul - self.rl(ul, rul, 0), 0) / ul / ffb0 for cost, ul, rul, _ in self.c]
        out = []
        for t in range(self.h):
            total = 0.0
            for i, (cost, ul, rul, inf) in enumerate(self.c):
                rl = self.rl(ul, rul, t)
                n = rl if rl > 0 else ul
                e = cost * (1 + inf) ** t if rl == 0 else 0.0
                step = max((cost * (1 + inf) ** (t + n) - (shares[i] - e)) / n, 0.0)
                shares[i] = shares[i] * (1 + self.rate) + step - e
                total += step
            out.append(total)
        return out

    def all(self) -> None:
        exp, ffb = self.schedule()
        self.run(exp, self.level(self.current))
        self.run(exp, self.level(self.least(exp, [0.0] * self.h)))
        self.run(exp, self.level(self.least(exp, [max(25_000.0, 0.3 * f) for f in ffb[1:]])))
        self.run(exp, self.full(ffb[0]))


def p50(fn: Any, n: int) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def projection_bench(n_components: int, n: int) -> str:
    from domains.reserves.service.projection import Assumptions, Scenario, Schedule, inflated, project

    comps = components(n_components)
    a = Assumptions(
        starting_balance=Decimal("500000.00"),
        interest_rate=Decimal("0.015"),
        horizon=30,
        current_contribution=Decimal("150000.00"),
        contribution_increase=Decimal("0.03"),
        threshold_balance=Decimal("25000.00"),
        threshold_percent=Decimal("0.30"),
    )

    def decimal_run() -> None:
        inflated.cache_clear()  # a cold request: nothing from the previous round
        schedule = Schedule.of(comps, a.horizon)
        for scenario in Scenario:
            project(a, comps, scenario, schedule)

    floats = FloatStudy(comps, 500_000.0, 0.015, 30, 150_000.0, 0.03)
    decimal_run()  # warm-up
    floats.all()
    d, f = p50(decimal_run, n), p50(floats.all, n)
    return (
        f"projection, {n_components} components x 30 years, schedule + 4 scenarios (n={n}):\n"
        f"  Decimal (the app's)   p50 {d * 1000:8.2f} ms\n"
        f"  float (baseline)      p50 {f * 1000:8.2f} ms\n"
        f"  ratio Decimal / float     {d / f:8.2f}x"
    )


RESERVE_SET = [  # (category, name, cost, useful, remaining)
    ("Roofing", f"Component {i}", 5_000 + 2_500 * i, 5 + i % 26, i % 7) for i in range(20)
]


async def load_portfolio(platform: Any, org: uuid.UUID, user: uuid.UUID, start: int, count: int) -> None:
    """`count` associations with books, an opening reserve balance, 20 components and a study each."""
    from sqlalchemy import insert

    from domains.accounting.models import EntrySource
    from domains.accounting.service import chart, ledger
    from domains.associations.models import Association
    from domains.reserves.schemas import ReserveComponentCreateInput, ReserveStudyCreateInput
    from domains.reserves.service import components as reserve_components
    from domains.reserves.service import studies
    from graph.db import new_id, scoped_transaction

    day = date(2026, 1, 1)
    for first in range(start, start + count, 50):
        async with scoped_transaction(platform.sessions, org, user) as session:
            for i in range(first, min(first + 50, start + count)):
                association = new_id()
                await session.execute(
                    insert(Association).values(
                        id=association,
                        organization_id=org,
                        code=f"B{i:05d}",
                        legal_name=f"Bench Association {i}",
                        kind="hoa",
                        status="active",
                        region="CA",
                        country="US",
                        fiscal_year_start_month=1,
                        accounting_basis="accrual",
                    )
                )
                funds, accounts = await chart.install(session, org, association)
                fund = {f.code: f.id for f in funds}
                account = {a.number: a.id for a in accounts}
                amount = Decimal(20_000 + 137 * i)
                await ledger.post(
                    session,
                    organization_id=org,
                    association_id=association,
                    entry_date=day,
                    memo="Opening reserve balance",
                    source=EntrySource.OPENING_BALANCE,
                    lines=[
                        ledger.Posting(account_id=account["1020"], fund_id=fund["RESV"], debit=amount),
                        ledger.Posting(account_id=account["3100"], fund_id=fund["RESV"], credit=amount),
                    ],
                    checked=True,
                )
                for category, name, cost, useful, remaining in RESERVE_SET:
                    data = ReserveComponentCreateInput(
                        association_id=association,
                        category=category,
                        name=name,
                        quantity=Decimal(1),
                        unit="lump sum",
                        unit_cost=Decimal(cost),
                        useful_life_years=useful,
                        remaining_life_years=remaining,
                        remaining_life_as_of=day,
                        association_responsibility=True,
                        limited_useful_life=True,
                        predictable_remaining_life=True,
                        above_threshold=True,
                        account_ids=[account["6000"]],
                    )
                    await reserve_components.create(session, org, data, user)
                study = ReserveStudyCreateInput(
                    association_id=association,
                    study_date=day,
                    prepared_by="bench",
                    interest_rate=Decimal("0.015"),
                    inflation_rate=Decimal("0.03"),
                    current_annual_contribution=Decimal("12000.00"),
                )
                await studies.create(session, org, study, date.today(), user)


async def dashboard_bench(args: argparse.Namespace) -> str:
    import httpx
    from sqlalchemy import event

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, migrate
    from graph.ids import decode
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.helpers import Api

    settings = Settings()
    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    load_domains()
    platform = await Platform.start(settings)
    lines = []
    try:
        seen: list[str] = []
        event.listen(platform.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)
            caller = await api.register()
            org = await api.create_org(caller, "management_company")
            await api.select(caller, org)
            org_id, user_id = decode(org)[1], decode(caller.user_id)[1]
            loaded = 0
            for size in (10, args.associations):
                t0 = time.perf_counter()
                await load_portfolio(platform, org_id, user_id, loaded, size - loaded)
                print(f"  loaded {size} associations ({time.perf_counter() - t0:.1f} s)", flush=True)
                loaded = size
                times, counts = [], []
                for _ in range(args.dashboard_n + 1):
                    seen.clear()
                    t0 = time.perf_counter()
                    r = await api.rpc("reserveFunding/v1/dashboard", {"asOf": "2026-06-30"}, token=caller.token)
                    times.append(time.perf_counter() - t0)
                    counts.append(len(seen))
                    assert r.status_code == 200 and len(r.json()["associations"]) == size, r.text[:300]
                p = statistics.median(times[1:])
                lines.append(
                    f"  {size:5d} associations: p50 {p * 1000:8.1f} ms ({p * 1000 / size:.2f} ms per association), "
                    f"{statistics.median(counts[1:]):.0f} SQL statements per request"
                )
    finally:
        await platform.close()
        from dbos import DBOS

        DBOS.destroy(destroy_registry=False)
    return "reserveFunding/v1/dashboard through the API (20 components each):\n" + "\n".join(lines)


async def main(args: argparse.Namespace) -> int:
    print(projection_bench(args.components, args.n), flush=True)
    if args.associations:
        sandbox.configure("bench", RUN_ID, BENCH_DB, rate_limit_capacity=10_000_000)
        from devtools.database_setup import drop_databases
        from graph.settings import Settings

        try:
            print(await dashboard_bench(args), flush=True)
        finally:
            if not args.keep_db:
                await drop_databases(Settings(), BENCH_DB)
                await drop_redis_prefix(Settings())
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--components", type=int, default=200, help="components of the projected study (default 200)")
    p.add_argument("--n", type=int, default=30, help="measured projections of each kind (default 30)")
    p.add_argument("--associations", type=int, default=1000, help="associations for the dashboard (default 1000; 0 skips it)")
    p.add_argument("--dashboard-n", type=int, default=10, help="measured dashboard requests per size (default 10)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

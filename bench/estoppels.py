"""Estoppel certificate generation, end to end, beside reading the same ledger figures by hand.

    .venv/bin/python -m bench.estoppels [--n 30] [--months 24] [--keep-db]

A Florida association (tests/estoppels/sale.py: a unit with an assessment owed, a payment,
an open violation, a special assessment ahead, the CC&Rs and the insurance policy in the
library), the unit's ledger given `--months` more months of history (a charge and a payment
each, through the API). Then `--n` certificates, one after another, each through the API
(`estoppelCertificate/v1/request`, RPC with its idempotency key, by the manager): the form
looked up, the fee posted to the owner ledger (journal entry and all), every figure read,
the PDF rendered with ReportLab and stored as a document, the certificate and audit rows
written, the response stored. p50/p95 and statements per certificate, beside:

- baseline: one hand-written statement reading the ledger figures the certificate prints
  (balance, each open charge, unapplied credit) for the unit (asyncpg, the app role, one
  RLS-scoped transaction: set_config + the SELECT);
- extra: the PDF alone (`domains.estoppels.service.pdf.render` of the last certificate's figures).

The incumbents' 10–14 business days are the figure this replaces.
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
# The certificate's ledger figures by hand: the balance, each open charge (amount less what
# was applied to it), and the unapplied credit (open charges less the balance).
FIGURES = """WITH items AS (
    SELECT e.id, e.memo, e.due_date,
           e.amount - coalesce((SELECT sum(a.amount) FROM owner_ledger_allocations a
                                 WHERE a.organization_id = e.organization_id AND a.charge_entry_id = e.id
                                   AND a.applied_on <= current_date), 0) AS open
      FROM owner_ledger_entries e
     WHERE e.unit_id = $1 AND e.kind IN ('adjustment', 'charge', 'late_fee', 'nsf_fee') AND e.entry_date <= current_date),
  owed AS (SELECT coalesce(sum(amount), 0) AS balance FROM owner_ledger_entries
            WHERE unit_id = $1 AND entry_date <= current_date)
SELECT owed.balance,
       coalesce((SELECT sum(open) FROM items WHERE open > 0), 0) - owed.balance AS credit,
       (SELECT json_agg(json_build_object('memo', memo, 'due', due_date, 'open', open) ORDER BY due_date)
          FROM items WHERE open > 0) AS open_items
  FROM owed"""


def _p50(values: list[float]) -> float:
    return statistics.median(values) * 1000


async def run(args: argparse.Namespace) -> str:
    import asyncpg
    import httpx
    from sqlalchemy import event

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, migrate
    from domains.estoppels.service import pdf
    from graph.db import libpq_url
    from graph.ids import decode
    from graph.platform import Platform
    from graph.settings import Settings
    from tests.estoppels.sale import open_sale
    from tests.helpers import Api

    settings = Settings()
    await bootstrap(settings)
    await asyncio.to_thread(migrate, settings)
    load_domains()
    platform = await Platform.start(settings)
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    lines: list[str] = []
    try:
        seen: list[str] = []
        event.listen(platform.engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)
            sale = await open_sale(api)
            e = sale.e
            today = datetime.now(UTC).date()
            for m in range(args.months, 0, -1):
                on = (today - timedelta(days=30 * m + 45)).isoformat()
                charge = {"unitId": sale.unit, "amount": "310.00", "entryDate": on, "dueDate": on, "memo": f"Assessment -{m}"}
                await api.call("ownerLedgerEntry/v1/charge", charge, e.manager)
                paid = {"unitId": sale.unit, "receivedOn": on, "amount": "310.00", "method": "ach", "reference": f"m{m}"}
                await api.call("payment/v1/record", paid, e.manager)

            async def issue() -> dict[str, Any]:
                body, key = {"unitId": sale.unit}, uuid.uuid4().hex
                r = await api.rpc("estoppelCertificate/v1/request", body, token=e.manager.token, key=key)
                assert r.status_code == 200, r.text[:300]
                answer: dict[str, Any] = r.json()
                return answer

            for _ in range(3):
                await issue()
            times, counts = [], []
            for _ in range(args.n):
                seen.clear()
                t0 = time.perf_counter()
                certificate = await issue()
                times.append(time.perf_counter() - t0)
                counts.append(len(seen))
            org_id, unit_id = decode(e.org)[1], decode(sale.unit)[1]

            async def by_hand() -> tuple[float, Any]:
                t0 = time.perf_counter()
                async with conn.transaction():
                    await conn.execute("SELECT set_config('app.org_id', $1, true)", str(org_id))
                    row = await conn.fetchrow(FIGURES, unit_id)
                return time.perf_counter() - t0, row

            for _ in range(10):
                await by_hand()
            hand = [await by_hand() for _ in range(max(args.n, 50))]
            row = hand[-1][1]
            # The baseline reads what the API printed (the last certificate's fee included).
            assert str(row["balance"]) == certificate["balance"], (row["balance"], certificate["balance"])
            layout = {"title": certificate["title"], "citation": certificate["citation"]} | await _form(conn, org_id, certificate)
            rendering = []
            for _ in range(args.n):
                t0 = time.perf_counter()
                pdf.render(layout, certificate["figures"], certificate["id"])
                rendering.append(time.perf_counter() - t0)
            api_p50, hand_p50, pdf_p50 = _p50(times), _p50([t for t, _ in hand]), _p50(rendering)
            lines += [
                f"estoppel: {args.n} certificates through the API (estoppelCertificate/v1/request), one after another,",
                f"  for a unit with {args.months * 2 + 2} ledger rows before the first, in Florida's form "
                "(fee posted, PDF stored):",
                f"  API{'':>30} p50 {api_p50:8.2f} ms  p95 {statistics.quantiles(times, n=20)[-1] * 1000:8.2f} ms, "
                f"{statistics.median(counts):.0f} statements",
                f"  baseline: one statement, the ledger figures  p50 {hand_p50:8.3f} ms  (set_config + SELECT, app role)",
                f"  API / baseline: {api_p50 / hand_p50:.0f}×",
                f"  extra: the PDF alone (ReportLab)  p50 {pdf_p50:8.2f} ms ({pdf_p50 / api_p50:.0%} of a certificate)",
            ]
    finally:
        await conn.close()
        await platform.close()
        from dbos import DBOS

        DBOS.destroy(destroy_registry=False)
    return "\n".join(lines)


async def _form(conn: Any, org_id: uuid.UUID, certificate: dict[str, Any]) -> dict[str, Any]:
    """The form version the certificate was issued in (sections and validity note)."""
    import json

    async with conn.transaction():
        await conn.execute("SELECT set_config('app.org_id', $1, true)", str(org_id))
        row = await conn.fetchrow(
            "SELECT sections, validity_citation FROM estoppel_forms WHERE jurisdiction = $1 AND effective_on = $2",
            certificate["jurisdiction"],
            datetime.fromisoformat(certificate["formEffectiveOn"]).date(),
        )
    return {"sections": json.loads(row["sections"]), "validity_citation": row["validity_citation"]}


async def main(args: argparse.Namespace) -> int:
    return await run_sandboxed(run, args, RUN_ID, BENCH_DB)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=30, help="certificates timed (default 30)")
    p.add_argument("--months", type=int, default=24, help="months of ledger history before (default 24)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

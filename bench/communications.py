"""An announcement to every owner of a 1,000-unit association: the outbox written in
the request's transaction, then delivered over SMTP to a local sink.

    .venv/bin/python -m bench.communications [--units 1000] [--keep-db]

Every owner has consented to electronic delivery, so each of the N messages is an
email. Measured in one run, against one sink (devtools/mailsink.py in its own
process, keeping one file per message):

* the `announcement/v1/post` request: its time, and the outbox rows (messages and
  their `queued` events) its transaction wrote;
* delivery: from the request's answer until every message is recorded `sent` —
  each message its own DBOS workflow (claim, SMTP transaction, record), at most
  `smtp_concurrency` SMTP sessions at once;
* the baseline: the same N MIME messages (same bytes but a fresh Message-ID) sent
  by plain smtplib at the same concurrency, one connection per message as the
  workflow does, with nothing recorded anywhere.

The ratio is delivery throughput over the baseline's: what durability, recording
and the outbox cost per message.

Then `--levies` monthly levies of the same association (a fixed 300.00 a unit):
`levy/v1/post` and its posting workflow, timed until every charge is posted,
the statement notices its batches wrote to the outbox in their transactions,
and how long after that the last of them was sent (waited for before the next
levy, so that each is measured alone).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.harness import drop_redis_prefix, run_main
from devtools import sandbox

RUN_ID = uuid.uuid4().hex[:10]
BENCH_DB = f"hestami_bench_{RUN_ID}"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _owners(conn: Any, org: uuid.UUID, units: list[uuid.UUID]) -> None:
    """Each unit's owner, consenting to email, written as the owner role."""
    parties = [uuid.uuid4() for _ in units]
    async with conn.transaction():
        await conn.execute("SELECT set_config('app.org_id', $1, true)", str(org))
        await conn.executemany(
            "INSERT INTO parties (id, organization_id, kind, name, delivery_preference, electronic_consent_at) "
            "VALUES ($1, $2, 'person', $3, 'electronic', now())",
            [(p, org, f"Owner {i + 1}") for i, p in enumerate(parties)],
        )
        await conn.executemany(
            "INSERT INTO contact_points (id, organization_id, party_id, kind, value, is_primary) "
            "VALUES ($1, $2, $3, 'email', $4, true)",
            [(uuid.uuid4(), org, p, f"owner{i + 1}@example.org") for i, p in enumerate(parties)],
        )
        await conn.executemany(
            "INSERT INTO ownerships (id, organization_id, unit_id, party_id, interest, starts_on, is_primary) "
            "VALUES ($1, $2, $3, $4, 1, '2020-01-01', true)",
            [(uuid.uuid4(), org, u, p) for u, p in zip(units, parties, strict=True)],
        )


def _kept(mail_dir: Path) -> int:
    return len(list(mail_dir.glob("*.eml")))


def _start_sink(port: int, mail_dir: Path) -> subprocess.Popen[bytes]:
    """The sink in its own process (it takes no share of the measured interpreter), once it answers."""
    sink = subprocess.Popen(
        [sys.executable, "-m", "devtools.mailsink", "--port", str(port), "--dir", str(mail_dir)], stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            smtplib.SMTP("127.0.0.1", port, timeout=1).quit()
            return sink
        except OSError:
            if time.monotonic() > deadline:
                sink.kill()
                raise
            time.sleep(0.1)


def _raw_sends(messages: list[Any], port: int, concurrency: int) -> float:
    """Seconds to send `messages` with plain smtplib, one connection each, `concurrency` at once."""

    def send(mime: Any) -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
            smtp.send_message(mime)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(send, messages))
    return time.perf_counter() - t0


async def run(args: argparse.Namespace, port: int, mail_dir: Path) -> str:
    import asyncpg
    import httpx
    from dbos import DBOS

    from app.discovery import load_domains
    from app.server import create_app
    from devtools.database_setup import bootstrap, migrate
    from domains.communications.service import mailer
    from graph.db import libpq_url
    from graph.ids import decode
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
    n = args.units
    try:
        app = create_app(settings, platform=platform)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            api = Api(client)
            admin, org = await api.admin_of_new_org()
            association = (await api.call("association/v1/create", community.ASSOCIATION | {"code": "BIG"}, admin))["id"]
            rows = [community.unit_fields(str(i + 1), f"{1 / n:.8f}") for i in range(n)]
            units = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
            await _owners(conn, decode(org)[1], [decode(u)[1] for u in units])
            body = {"associationId": association, "title": "Water shut-off", "body": "Tuesday 9–12.", "audience": "all_owners"}
            t0 = time.perf_counter()
            posted = await api.call("announcement/v1/post", body, admin)
            post_seconds = time.perf_counter() - t0
        source = f"announcement:{decode(posted['id'])[1]}"
        written = await conn.fetchval("SELECT count(*) FROM messages WHERE source = $1", source)
        events = await conn.fetchval(
            "SELECT count(*) FROM message_events e JOIN messages m ON m.organization_id = e.organization_id "
            "AND m.id = e.message_id WHERE m.source = $1 AND e.kind = 'queued'",
            source,
        )
        while True:
            sent = await conn.fetchval("SELECT count(*) FROM messages WHERE source = $1 AND status = 'sent'", source)
            if sent == n:
                break
            if time.perf_counter() - t0 > args.timeout:
                raise SystemExit(f"only {sent} of {n} sent after {args.timeout} s")
            await asyncio.sleep(0.05)
        deliver_seconds = time.perf_counter() - t0 - post_seconds
        kept = await asyncio.to_thread(_kept, mail_dir)
        # The baseline: the same messages under new Message-IDs, by plain smtplib.
        envelopes = await conn.fetch(
            "SELECT id, recipient_name AS name, address, subject, body, created_at FROM messages WHERE source = $1", source
        )
        mimes = [
            mailer.build(
                {
                    "public_id": f"raw_{e['id'].hex}",
                    "attempt": 1,
                    "name": e["name"],
                    "address": e["address"],
                    "subject": e["subject"],
                    "body": e["body"],
                    "created_at": e["created_at"].isoformat(),
                },
                settings,
            )
            for e in envelopes
        ]
        raw_seconds = await asyncio.to_thread(_raw_sends, mimes, port, settings.smtp_concurrency)
        raw_kept = await asyncio.to_thread(_kept, mail_dir) - kept
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver", timeout=600) as client:
            levies = await _levies(Api(client), admin, association, conn, args.levies)
    finally:
        await conn.close()
        await platform.close()
        DBOS.destroy(destroy_registry=False)

    ours, raw = n / deliver_seconds, n / raw_seconds
    return "\n".join(
        [
            f"announcement/v1/post to all owners of a {n}-unit association (every owner consented to email):",
            f"  request: {post_seconds * 1000:8.1f} ms; outbox rows written in its transaction: {written} messages "
            f"+ {events} queued events",
            f"  delivery to the local SMTP sink, a DBOS workflow per message, {settings.smtp_concurrency} SMTP sessions at once:",
            f"    {deliver_seconds:7.2f} s for {n} messages = {ours:7.1f} messages/s ({kept} kept by the sink)",
            f"  baseline, the same {n} messages by plain smtplib at the same concurrency, nothing recorded:",
            f"    {raw_seconds:7.2f} s = {raw:7.1f} messages/s ({raw_kept} kept)",
            f"  durable delivery / raw SMTP throughput: {ours / raw:.2f}× ({raw / ours:.1f}× slower)",
            f"levy/v1/post of the same association and its workflow, until every charge is posted ({len(levies)} months):",
            *(
                f"    {period}: {seconds * 1000:8.1f} ms; statement notices written: {notices}, all sent {delivered:.2f} s later"
                for period, seconds, notices, delivered in levies
            ),
        ]
    )


async def _levies(api: Any, admin: Any, association: str, conn: Any, months: int) -> list[tuple[str, float, int, float]]:
    """Levy `months` months of a fixed 300.00 a unit: each one's time until its
    workflow has posted every charge, the statement notices it wrote, and the
    time after that until the sink accepted every one of them."""
    from dbos import DBOS

    from graph.ids import decode

    chart = await api.call("chartOfAccounts/v1/install", {"associationId": association}, admin)
    funds = {f["code"]: f["id"] for f in chart["funds"]}
    accounts = {a["number"]: a["id"] for a in chart["accounts"]}
    schedule = await api.call(
        "assessmentSchedule/v1/create",
        {
            "associationId": association,
            "name": "Regular Assessment",
            "kind": "regular",
            "frequency": "monthly",
            "method": "fixed",
            "amount": "300.00",
            "incomeAccountId": accounts["4000"],
            "fundId": funds["OPER"],
            "startsOn": "2026-01-01",
            "dueDay": 1,
        },
        admin,
    )
    out: list[tuple[str, float, int, float]] = []
    for month in range(1, months + 1):
        period = f"2026-{month:02d}-01"
        t0 = time.perf_counter()
        started = await api.call("levy/v1/post", {"scheduleId": schedule["id"], "period": period}, admin)
        await (await DBOS.retrieve_workflow_async(started["workflowId"])).get_result(polling_interval_sec=0.02)
        seconds = time.perf_counter() - t0
        done = await api.call("levy/v1/get", {"id": started["id"]}, admin)
        assert done["postedUnits"] == done["unitCount"], done
        # Its statements' delivery, before the next levy: each month is measured alone.
        source = f"levy:{decode(started['id'])[1]}:%"
        count = "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FROM messages WHERE source LIKE $1"
        while True:
            sent, written = await conn.fetchrow(count, source)
            if sent == written:
                break
            await asyncio.sleep(0.05)
        out.append((period, seconds, written, time.perf_counter() - t0 - seconds))
    return out


async def main(args: argparse.Namespace) -> int:
    sandbox.configure("bench", RUN_ID, BENCH_DB, rate_limit_capacity=10_000_000)
    port, mail_dir = _free_port(), Path(tempfile.mkdtemp(prefix="hestami-bench-mail-"))
    os.environ["HESTAMI_SMTP_HOST"], os.environ["HESTAMI_SMTP_PORT"] = "127.0.0.1", str(port)
    sink = await asyncio.to_thread(_start_sink, port, mail_dir)
    from devtools.database_setup import drop_databases
    from graph.settings import Settings

    try:
        print(await run(args, port, mail_dir), flush=True)
    finally:
        sink.terminate()
        sink.wait(10)
        shutil.rmtree(mail_dir, ignore_errors=True)
        if not args.keep_db:
            await drop_databases(Settings(), BENCH_DB)
            await drop_redis_prefix(Settings())
    return 0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=1000, help="units of the association, one owner each (default 1000)")
    p.add_argument("--timeout", type=float, default=600, help="give up if delivery takes longer (seconds)")
    p.add_argument("--levies", type=int, default=3, help="monthly levies of the association after the announcement (default 3)")
    p.add_argument("--keep-db", action="store_true", help="don't drop the database at the end")
    return p.parse_args(argv)


if __name__ == "__main__":
    sys.exit(run_main(main(parse_args())))

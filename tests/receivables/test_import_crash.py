"""A bank file imported, the server SIGKILLed, imported again: nothing changes
the second time. For a lockbox file and for a bank statement, the server is
killed after the import's transaction (file, lines, payments or transactions,
audit row, stored response) committed but before the client had its answer
(`crash_pause_file`, the point every mutation shares); a replacement server
with the same DBOS executor id recovers the workflow. The client's retry with
the same key is the stored answer; the same file under a new key is found by
its digest and adds nothing; the rows exist once. (A kill before the commit
leaves nothing at all: the import is one transaction.)"""

from __future__ import annotations

import asyncio
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from graph.db import libpq_url
from tests import live
from tests.banking.books import bai2
from tests.receivables.books import balances, check_books, levy, open_receivables, raw

pytestmark = pytest.mark.slow

LOCKBOX = "account,amount,checkNumber,date\n1,100.00,2001,2026-01-10\n2,60.00,2002,2026-01-10\n77,5.00,2003,2026-01-10\n"


async def _crash_then_retry(api: Any, token: str, tmp_path: Path, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """Import through a server killed after the commit, recover, retry: the retry's answer."""
    pause = tmp_path / f"{operation.replace('/', '-')}-paused"
    executor = f"import-crash-{uuid.uuid4().hex[:8]}"
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}
    first = await asyncio.to_thread(live.start_server, {"HESTAMI_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=60) as client:
            request = asyncio.create_task(client.post(f"/api/v1/rpc/{operation}", json=body, headers=headers))
            deadline = time.monotonic() + 60
            while not pause.exists():
                assert not request.done(), request.result().text
                assert time.monotonic() < deadline, first.log()
                await asyncio.sleep(0.05)
            first.kill()
            with pytest.raises(httpx.HTTPError):
                await request  # the client never got its answer
    finally:
        first.kill()
        first.cleanup()
    second = await asyncio.to_thread(live.start_server, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=second.url, timeout=60) as client:
            retry = await client.post(f"/api/v1/rpc/{operation}", json=body, headers=headers)
        assert retry.status_code == 200 and retry.headers["Idempotent-Replayed"] == "true", retry.text
        answer: dict[str, Any] = retry.json()
    finally:
        second.cleanup()
    # The same file under a new key: found by its digest, nothing added.
    again = await api.rpc(operation, body, token=token, key=uuid.uuid4().hex)
    assert again.status_code == 200, again.text
    return answer | {"again": again.json()}


async def test_an_import_killed_after_its_commit_and_sent_again_changes_nothing(api, platform, settings, tmp_path: Path) -> None:
    r = await open_receivables(api, 3, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    bank = await api.call(
        "bankAccount/v1/create",
        {
            "associationId": r.c.association,
            "name": "Operating Checking",
            "institution": "First Community Bank",
            "kind": "checking",
            "routingNumber": "121000358",
            "accountNumber": "000123456789",
            "glAccountId": r.b.accounts["1010"],
            "openedOn": "2025-12-01",
        },
        r.c.admin,
    )
    token = r.c.admin.token
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    association = raw(r.c.association)
    try:
        lockbox = await _crash_then_retry(
            api, token, tmp_path, "lockboxFile/v1/import", {"associationId": r.c.association, "csv": LOCKBOX}
        )
        assert (lockbox["file"]["postedCount"], lockbox["file"]["exceptionCount"]) == (2, 1)
        assert lockbox["again"]["alreadyImported"] is True and lockbox["again"]["file"]["id"] == lockbox["file"]["id"]
        counts = await owner.fetchrow(
            """SELECT (SELECT count(*) FROM lockbox_files WHERE association_id = $1) AS files,
                      (SELECT count(*) FROM lockbox_items WHERE association_id = $1) AS items,
                      (SELECT count(*) FROM owner_ledger_entries WHERE association_id = $1 AND kind = 'payment') AS payments""",
            association,
        )
        assert counts is not None and tuple(counts) == (1, 3, 2)
        assert await balances(api, r, "2026-01-31") == {"2": Decimal("40.00"), "3": Decimal("100.00")}

        report = bai2(
            [("260112", [("115", 16000, "LBX0112", "", "LOCKBOX DEPOSIT"), ("698", 1200, "", "", "SERVICE FEE")])], opening=0
        )
        statement = await _crash_then_retry(
            api, token, tmp_path, "bankStatement/v1/import", {"bankAccountId": bank["id"], "bai2": report}
        )
        assert (statement["added"], statement["again"]["added"], statement["again"]["duplicates"]) == (2, 0, 2)
        assert statement["again"]["statement"]["id"] == statement["statement"]["id"]
        counts = await owner.fetchrow(
            """SELECT (SELECT count(*) FROM bank_statements WHERE association_id = $1) AS statements,
                      (SELECT count(*) FROM bank_transactions WHERE association_id = $1) AS transactions""",
            association,
        )
        assert counts is not None and tuple(counts) == (1, 2)
        # One audit row per key: the crashed request and the resend under a new key.
        audits = await owner.fetch(
            """SELECT operation, count(*) AS n FROM audit_events WHERE organization_id = $1
                 AND operation IN ('lockboxFile/v1/import', 'bankStatement/v1/import') GROUP BY operation""",
            raw(r.c.org),
        )
        assert {a["operation"]: a["n"] for a in audits} == {"lockboxFile/v1/import": 2, "bankStatement/v1/import": 2}
    finally:
        await owner.close()
    # The lockbox deposit clears both payments' lines at once (one entry, a line per unit).
    matched = await api.call("bankTransaction/v1/autoMatch", {"bankAccountId": bank["id"]}, r.c.admin)
    assert matched == {"matched": 1, "ambiguous": 0, "unmatched": 1}
    await check_books(platform, r)

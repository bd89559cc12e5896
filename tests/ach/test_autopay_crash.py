"""A crash in a daily ACH debit run neither debits twice nor loses a debit —
the autopay run of a due date, and the morning's filing of owners' one-time
payments. A process running an association's workflow (as the daily schedule
does, tests/ach/autopay_child.py) is SIGKILLed after the NACHA file, its
entries and the pending payments were committed but before the step was
recorded (`autopay_crash_pause_file`); DBOS holds the workflow PENDING. A
server started with the same DBOS executor id (tests/live.py) recovers it: the
step runs again, finds the file its first run wrote (one file of each kind per
association and date) and returns it. One file, one entry and one pending ACH
payment per unit, every unit paid, the books balanced; a later run of the same
date joins the workflow and writes nothing."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from dbos import DBOS

from domains.ach.service import origination
from domains.ach.workflows import run_autopay
from domains.owner_payments import workflows as owner_payments
from graph.db import libpq_url
from tests import live
from tests.ach.test_autopay import _authorization, _autopay
from tests.receivables.books import balances, check_books, levy, raw

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Run:
    child: str  # tests/ach/autopay_child.py's first argument
    on: date | None  # None: the morning the payments go out (the day after they are made)
    workflow_id: Callable[[Any, date], str]
    step: str
    again: Callable[[str, str, date], Awaitable[str | None]]
    autopay: bool


RUNS = {
    "autopay": Run("autopay", date(2026, 1, 1), origination.debit_workflow_id, "originate_ach_debits_step", run_autopay, True),
    "one_time": Run(
        "one_time",
        None,
        owner_payments.workflow_id,
        "file_owner_payment_debits_step",
        owner_payments.file_association,
        False,
    ),
}


@pytest.mark.parametrize("run", RUNS.values(), ids=RUNS.keys())
async def test_sigkill_after_the_file_is_written_leaves_one_debit_per_unit(
    api, platform, settings, tmp_path: Path, run: Run
) -> None:
    r = await _autopay(api)
    on = run.on
    for unit in range(3):
        saved = await api.call("achAuthorization/v1/create", _authorization(r, unit, autopay=run.autopay), r.c.admin)
        if not run.autopay:  # each owner pays the coming charge now, by ACH
            payment = {"unitId": r.c.units[unit], "amount": "100.00", "method": "ach", "authorizationId": saved["id"]}
            on = date.fromisoformat((await api.call("ownerPayment/v1/create", payment, r.c.admin))["debitOn"])
    assert on is not None
    await levy(api, r, "2026-01-01")
    org, association = str(raw(r.c.org)), str(raw(r.c.association))
    pause = tmp_path / "autopay-paused"
    executor = f"autopay-crash-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DBOS__VMID": executor, "HESTAMI_AUTOPAY_CRASH_PAUSE_FILE": str(pause)}
    log = (tmp_path / "child.log").open("wb")
    child = await asyncio.to_thread(
        subprocess.Popen,
        [live.PYTHON, "-m", "tests.ach.autopay_child", run.child, org, association, on.isoformat()],
        cwd=live.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + live.READY_TIMEOUT
        while not pause.exists():
            assert child.poll() is None and time.monotonic() < deadline, (tmp_path / "child.log").read_text()
            await asyncio.sleep(0.05)
    finally:
        child.kill()
        child.wait(timeout=10)
        log.close()
    assert pause.read_text() == association
    workflow_id = run.workflow_id(raw(r.c.association), on)
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))

    async def counts() -> tuple[int, int, int]:
        row = await owner.fetchrow(
            """SELECT (SELECT count(*) FROM ach_files WHERE association_id = $1) AS files,
                      (SELECT count(*) FROM ach_entries WHERE association_id = $1) AS entries,
                      (SELECT count(*) FROM owner_ledger_entries
                        WHERE association_id = $1 AND kind = 'payment' AND method = 'ach') AS payments""",
            raw(r.c.association),
        )
        assert row is not None
        return row["files"], row["entries"], row["payments"]

    try:
        # Killed mid-step: the file and its debits committed, the step unrecorded, the workflow pending.
        assert await counts() == (1, 3, 3)
        status = await DBOS.get_workflow_status_async(workflow_id)
        assert status is not None and status.status == "PENDING"
        server = await asyncio.to_thread(live.start_server, executor_id=executor)
        try:
            file_id: str = await (await DBOS.retrieve_workflow_async(workflow_id)).get_result(polling_interval_sec=0.1)
        finally:
            server.cleanup()
        assert await counts() == (1, 3, 3)
        assert file_id == str(await owner.fetchval("SELECT id FROM ach_files WHERE association_id = $1", raw(r.c.association)))
        steps = [s for s in await DBOS.list_workflow_steps_async(workflow_id) if s["function_name"] == run.step]
        assert [s["output"] for s in steps] == [file_id]
        # Asked again (the schedule's next attempt, or by hand), the date's run is joined.
        assert await run.again(org, association, on) == file_id
        assert await counts() == (1, 3, 3)
    finally:
        await owner.close()
    assert await balances(api, r, max(on, date(2026, 1, 31)).isoformat()) == {}
    await check_books(platform, r)

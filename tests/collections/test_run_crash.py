"""A crash in the nightly collections run neither moves a unit twice nor loses
one. The server running the night's run is SIGKILLed after the first unit's
move — its notice of intent, fee and letter — committed but before the step
was recorded (`collections_crash_pause_file`); DBOS holds the run PENDING. A
replacement server (same DBOS executor id, tests/live.py) recovers it: the
step runs again and finds the unit moved tonight, and asks again for the
case's workflow that the killed step never got to start (the start joins an
existing one), and the next unit moves too. Each case holds one notice of
intent, one fee, one letter; both case workflows keep the statutory wait and
reach the board's approval; the books balance."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from dbos import DBOS

from graph.db import libpq_url
from tests import live
from tests.collections.test_collections import DAY, cases_by_unit, charge, letters, policy, run, short_days, until  # noqa: F401 - the fixture
from tests.receivables.books import check_books, open_receivables, raw

pytestmark = pytest.mark.slow


@pytest.mark.usefixtures("short_days")
async def test_sigkill_mid_run_moves_each_unit_once_and_starts_each_case_workflow(
    api, platform, settings, tmp_path: Path
) -> None:
    r = await open_receivables(api, 3)
    await charge(api, r, 0, "1000.00", "2026-01-05")
    await charge(api, r, 1, "600.00", "2026-01-05")
    await api.call("collectionPolicy/v1/set", policy(r), r.c.admin)
    assert await run(api, r, "2026-11-20") == {"reminder": 2}
    assert await run(api, r, "2026-11-21") == {"late_notice": 2}

    pause = tmp_path / "collections-paused"
    executor = f"collections-crash-{uuid.uuid4().hex[:8]}"
    env = {"HESTAMI_WORKFLOW_DAY_SECONDS": str(DAY)}
    first = await asyncio.to_thread(
        live.start_server, env | {"HESTAMI_COLLECTIONS_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor
    )
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
            answer = await client.post(
                "/api/v1/rpc/collectionCase/v1/run",
                json={"associationId": r.c.association, "night": "2026-11-22"},
                headers={"Authorization": f"Bearer {r.c.admin.token}", "Idempotency-Key": uuid.uuid4().hex},
            )
        assert answer.status_code == 200, answer.text
        workflow_id = answer.json()["workflowId"]
        deadline = time.monotonic() + 60
        while not pause.exists():
            assert time.monotonic() < deadline, first.log()
            await asyncio.sleep(0.05)
        first.kill()
    finally:
        first.kill()
        first.cleanup()
    paused_unit = uuid.UUID(pause.read_text())
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))

    async def intents() -> dict[uuid.UUID, int]:
        rows = await owner.fetch(
            """SELECT c.unit_id, count(*) AS n FROM collection_steps s JOIN collection_cases c ON c.id = s.case_id
                WHERE c.association_id = $1 AND s.kind = 'intent_to_lien' GROUP BY c.unit_id""",
            raw(r.c.association),
        )
        return {row["unit_id"]: row["n"] for row in rows}

    try:
        # Killed mid-run: the first unit moved (committed), the second not yet, the run pending.
        assert await intents() == {paused_unit: 1}
        assert (await DBOS.get_workflow_status_async(workflow_id)).status == "PENDING"  # type: ignore[union-attr]
        second = await asyncio.to_thread(live.start_server, env, executor_id=executor)
        try:
            result: dict[str, int] = await (await DBOS.retrieve_workflow_async(workflow_id)).get_result(polling_interval_sec=0.1)
            # The re-run step found its unit moved tonight; the other unit moved once.
            assert result == {"intent_to_lien": 1}
            by_unit = await cases_by_unit(api, r)
            # Both case workflows run — the paused unit's was started by the re-run step — and keep the 30-day wait.
            for unit in (0, 1):
                await until(api, r, by_unit[unit]["id"], "awaiting_lien_approval", seconds=60)
        finally:
            second.cleanup()
        assert await intents() == {raw(r.c.units[0]): 1, raw(r.c.units[1]): 1}
        by_unit = await cases_by_unit(api, r)
        for unit in (0, 1):
            kinds = [s["kind"] for s in by_unit[unit]["steps"]]
            assert kinds.count("intent_to_lien") == 1 and kinds[:3] == ["reminder", "late_notice", "intent_to_lien"], kinds
            sent = await letters(platform, r, by_unit[unit]["id"])
            assert len(sent) == len(set(sent)) == 3  # reminder, late notice, notice of intent: once each
        fees = await owner.fetchval(
            "SELECT count(*) FROM owner_ledger_entries WHERE association_id = $1 AND memo LIKE '%collection step%'",
            raw(r.c.association),
        )
        assert fees == 4  # the late notice's and the intent's, for each unit (no reminder fee in this policy)
    finally:
        await owner.close()
    await check_books(platform, r)

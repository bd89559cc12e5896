"""A crash mid-generation leaves one package. The server generating it is
SIGKILLed after the filing step committed (the PDF and the ZIP in the library,
the package ready) but before DBOS recorded the step
(`board_package_crash_pause_file`); a replacement server with the same DBOS
executor id recovers the workflow, whose filing step finds the package ready
and files nothing. One package, two documents, one ready transition, one audit
row of the filing."""

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
from graph.ids import decode
from tests import live
from tests.board_packages.month import JANUARY, fetch, open_month, text_of
from tests.work_orders.site import until

pytestmark = pytest.mark.slow


async def test_sigkill_after_the_files_are_filed_leaves_one_package(api, settings, tmp_path: Path) -> None:
    m = await open_month(api, units=2)
    pause = tmp_path / "board-package-paused"
    executor = f"board-package-crash-{uuid.uuid4().hex[:8]}"
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    first = await asyncio.to_thread(
        live.start_server, {"HESTAMI_BOARD_PACKAGE_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor
    )
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
            r = await client.post(
                "/api/v1/rpc/boardPackage/v1/generate",
                json={"associationId": m.c.association, "month": JANUARY},
                headers={"Authorization": f"Bearer {m.board.token}", "Idempotency-Key": uuid.uuid4().hex},
            )
        assert r.status_code == 200, r.text
        asked = r.json()
        deadline = time.monotonic() + 90
        while not pause.exists():
            assert time.monotonic() < deadline, first.log()
            await asyncio.sleep(0.05)
        first.kill()
    finally:
        first.kill()
        first.cleanup()
    package_id = decode(asked["id"])[1]
    assert pause.read_text() == str(package_id)

    async def counts() -> tuple[int, int, int, int]:
        row = await owner.fetchrow(
            """SELECT (SELECT count(*) FROM board_packages WHERE association_id = $1) AS packages,
                      (SELECT count(*) FROM documents WHERE association_id = $1 AND title LIKE 'Board package%') AS documents,
                      (SELECT count(*) FROM board_package_transitions WHERE package_id = $2 AND to_status = 'ready') AS ready,
                      (SELECT count(*) FROM audit_events WHERE operation = 'boardPackage/v1/generate'
                          AND actor_kind = 'workflow' AND $3 = ANY(target_ids)) AS filed""",
            decode(m.c.association)[1],
            package_id,
            asked["id"],
        )
        assert row is not None
        return row["packages"], row["documents"], row["ready"], row["filed"]

    try:
        # Killed mid-step: the files and the ready package committed, the step not recorded.
        assert await counts() == (1, 2, 1, 1)
        status = await DBOS.get_workflow_status_async(asked["workflowId"])
        assert status is not None and status.status == "PENDING"
        second = await asyncio.to_thread(live.start_server, executor_id=executor)
        try:

            async def finished() -> bool:
                status = await DBOS.get_workflow_status_async(asked["workflowId"])
                return status is not None and status.status == "SUCCESS"

            await until(finished, timeout=60, what="the recovered workflow to finish")
        finally:
            second.cleanup()
        assert await counts() == (1, 2, 1, 1), second.log()
        # The recovered filing step found the package filed: it answered False, once.
        steps = [
            s
            for s in await DBOS.list_workflow_steps_async(asked["workflowId"])
            if s["function_name"] == "file_board_package_step"
        ]
        assert [s["output"] for s in steps] == [False]
        package = await api.call("boardPackage/v1/get", {"id": asked["id"]}, m.board)
        assert package["status"] == "ready"
        assert "Balance sheet by fund" in text_of(await fetch(api, m.board, asked["id"]))
    finally:
        await owner.close()

"""A delivery survives a crash: the server is SIGKILLed after its POST reached
the receiver but before the outcome was recorded (`webhook_crash_pause_file`);
a restarted server with the same DBOS executor id recovers the delivery's
workflow, which sends the event again — the same `webhook-id`, verifiable — and
records it delivered. At least once, deduplicable by id."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook

from tests import live
from tests.receivables.books import open_receivables
from tests.webhooks.receiver import receiver
from tests.webhooks.test_webhooks import log, register

pytestmark = pytest.mark.slow


async def test_sigkill_mid_delivery_still_delivers(api, platform, tmp_path: Path) -> None:
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    pause = tmp_path / "paused"
    executor = f"webhook-crash-{uuid.uuid4().hex[:8]}"
    with receiver() as recv:
        created = await register(api, r.c.admin, recv.url, ["payment.recorded"])
        body = {"unitId": r.c.units[0], "receivedOn": "2026-01-10", "amount": "10.00", "method": "check"}
        headers = {"Authorization": f"Bearer {r.c.admin.token}", "Idempotency-Key": uuid.uuid4().hex}
        first = await asyncio.to_thread(live.start_server, {"HESTAMI_WEBHOOK_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor)
        try:
            async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
                answer = await client.post("/api/v1/rpc/payment/v1/record", json=body, headers=headers)
            assert answer.status_code == 200, answer.text
            deadline = time.monotonic() + 20
            while not pause.exists():
                assert time.monotonic() < deadline, first.log()
                await asyncio.sleep(0.05)
            first.kill()
        finally:
            first.kill()
            first.cleanup()
        assert len(recv.requests) == 1
        [pending] = await log(api, r.c.admin, created["endpoint"]["id"], settled=False)
        assert (pending["status"], pending["attempts"]) == ("pending", 0)  # the outcome was never recorded

        second = await asyncio.to_thread(live.start_server, executor_id=executor)
        try:
            [delivered] = await log(api, r.c.admin, created["endpoint"]["id"])
        finally:
            second.cleanup()
    assert (delivered["status"], delivered["attempts"]) == ("succeeded", 1), second.log()
    assert len(recv.requests) == 2
    assert {g.headers["webhook-id"] for g in recv.requests} == {delivered["event"]["id"]}
    for g in recv.requests:
        Webhook(created["secret"]).verify(g.body, g.headers)

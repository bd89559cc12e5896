"""A message is not sent twice for one event, even across a crash. The server
is SIGKILLed after the SMTP server accepted the message but before the send
step returned (`message_crash_pause_file`); a restarted server with the same
DBOS executor id recovers the delivery, which sends the same message again —
same Message-ID, same attempt — and records it sent, once. The sink, which
keeps one message per Message-ID, holds it once and logs the resend as a
duplicate; the message's log shows one attempt and one `sent`."""

from __future__ import annotations

import asyncio
import time
import uuid
from pathlib import Path

import httpx
import pytest

from tests import live
from tests.associations import community
from tests.communications.test_communications import consent, message_id, settled
from tests.mail import SINK

pytestmark = pytest.mark.slow


async def test_sigkill_between_sending_and_recording_sends_once(api, tmp_path: Path) -> None:
    c = await community.build(api, 1, code="CRS")
    await consent(api, c, 0, "crash@example.org")
    pause = tmp_path / "paused"
    executor = f"message-crash-{uuid.uuid4().hex[:8]}"
    body = {"associationId": c.association, "audience": "all_owners", "subject": "Once only", "body": "Exactly once."}
    headers = {"Authorization": f"Bearer {c.admin.token}", "Idempotency-Key": uuid.uuid4().hex}
    first = await asyncio.to_thread(live.start_server, {"HESTAMI_MESSAGE_CRASH_PAUSE_FILE": str(pause)}, executor_id=executor)
    try:
        async with httpx.AsyncClient(base_url=first.url, timeout=30) as client:
            answer = await client.post("/api/v1/rpc/message/v1/send", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
        source = answer.json()["source"]
        deadline = time.monotonic() + 30
        while not pause.exists():
            assert time.monotonic() < deadline, first.log()
            await asyncio.sleep(0.05)
        first.kill()
    finally:
        first.kill()
        first.cleanup()
    listed = await api.call("message/v1/list", {"associationId": c.association, "source": source}, c.admin)
    [stuck] = listed["nodes"]
    # The server accepted it; the outcome was never recorded.
    assert (stuck["status"], stuck["attempts"]) == ("sending", 1)
    assert SINK.find(message_id(stuck)) is not None and message_id(stuck) not in SINK.duplicates

    second = await asyncio.to_thread(live.start_server, executor_id=executor)
    try:
        [delivered] = await settled(api, c, source, 1, timeout=60)
    finally:
        second.cleanup()
    assert (delivered["status"], delivered["attempts"]) == ("sent", 1), second.log()
    # The resend reached the server with the same Message-ID and was known as one.
    assert SINK.duplicates.count(message_id(delivered)) == 1
    kept = [m for m in SINK.messages() if m["Message-ID"] == message_id(delivered)]
    assert len(kept) == 1 and kept[0]["X-Hestami-Attempt"] == "1"
    detail = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on Message { events { kind attempt } } } }""",
        {"id": delivered["id"]},
        token=c.admin.token,
    )
    assert [(e["kind"], e["attempt"]) for e in detail["data"]["node"]["events"]] == [
        ("QUEUED", None),
        ("ATTEMPT", 1),
        ("SENT", 1),
    ], detail

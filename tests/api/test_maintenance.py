"""Idempotency keys are pruned by a scheduled DBOS workflow, never before 24 hours."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from dbos import DBOS
from sqlalchemy import text

from graph.db import create_engine, session_factory
from graph.idempotency import PRUNE_SCHEDULE, prune_idempotency_keys_workflow


async def test_hourly_prune_schedule_exists(platform) -> None:
    schedule = await DBOS.get_schedule_async(PRUNE_SCHEDULE)
    assert schedule is not None and schedule["schedule"] == "17 * * * *"


async def test_prune_workflow_removes_only_expired_keys(api, platform, settings) -> None:
    admin, _ = await api.admin_of_new_org()
    keys = [uuid.uuid4().hex for _ in range(2)]
    first = []
    for key in keys:
        r = await api.rpc("serviceAccount/v1/create", {"name": "sync"}, token=admin.token, key=key)
        assert r.status_code == 200
        first.append(r.json()["serviceAccount"]["id"])
    owner = create_engine(settings.database_url.get_secret_value(), settings, pool_size=1)
    try:
        async with session_factory(owner)() as s, s.begin():
            await s.execute(
                text("UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE key = :k"), {"k": keys[0]}
            )
            await s.execute(
                text("UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE key = :k"), {"k": keys[1]}
            )
        await prune_idempotency_keys_workflow(datetime.now(UTC), None)
        async with session_factory(owner)() as s:
            left = set((await s.execute(text("SELECT key FROM idempotency_keys WHERE key = ANY(:k)"), {"k": keys})).scalars())
    finally:
        await owner.dispose()
    assert left == {keys[1]}
    # A pruned key is a new key again: the retry runs as a fresh request.
    r = await api.rpc("serviceAccount/v1/create", {"name": "sync"}, token=admin.token, key=keys[0])
    assert r.status_code == 200 and r.headers.get("Idempotent-Replayed") is None
    assert r.json()["serviceAccount"]["id"] != first[0]

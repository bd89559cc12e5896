"""A new API key is returned (and replayed) in the clear but never stored in the
clear: not in the idempotency record, not in DBOS's checkpoint of the workflow."""

from __future__ import annotations

import uuid
from typing import Any

from dbos import DBOS, WorkflowHandleAsync
from sqlalchemy import text

from graph.auth.sealing import PREFIX
from graph.db import create_engine, session_factory


async def test_api_key_is_sealed_at_rest(api, settings) -> None:
    admin, _ = await api.admin_of_new_org()
    key = uuid.uuid4().hex
    first = await api.rpc("serviceAccount/v1/create", {"name": "ledger sync"}, token=admin.token, key=key)
    api_key = first.json()["apiKey"]
    assert api_key.startswith("hsk_")
    replay = await api.rpc("serviceAccount/v1/create", {"name": "ledger sync"}, token=admin.token, key=key)
    assert replay.headers["Idempotent-Replayed"] == "true" and replay.content == first.content

    owner = create_engine(settings.database_url.get_secret_value(), settings, pool_size=1)
    try:
        async with session_factory(owner)() as s:
            row = (
                await s.execute(
                    text("SELECT workflow_id, response_body::text AS body FROM idempotency_keys WHERE key = :k"), {"k": key}
                )
            ).one()
    finally:
        await owner.dispose()
    assert api_key not in row.body and PREFIX in row.body
    checkpoint = await DBOS.get_workflow_status_async(row.workflow_id)
    assert checkpoint is not None and checkpoint.status == "SUCCESS"
    handle: WorkflowHandleAsync[Any] = await DBOS.retrieve_workflow_async(row.workflow_id)
    assert api_key not in str(await handle.get_result())
    # The key works.
    body = await api.gql("{ viewer { principalKind } }", token=api_key)
    assert body["data"]["viewer"]["principalKind"] == "service_account"

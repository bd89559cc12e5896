"""The lifecycle workflow of each work order (service/lifecycle.py holds the
state map and what each wake-up does)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.work_orders.service import lifecycle
from graph import durable
from graph.db import scoped_transaction
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="track_work_order_step")
async def track_work_order_step(organization_id: str, work_order_id: str) -> dict[str, Any]:
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        return await lifecycle.track(session, UUID(work_order_id))


@durable.long_running(lifecycle.WORKFLOW)
async def run_work_order_workflow(organization_id: str, work_order_id: str) -> str:
    """Follow one work order from opening until nothing more can happen to it
    (closed, canceled, or completed past its reopen window): after each
    transition event, and when a deadline falls due (a durable timer that
    survives restarts), make the automatic moves and escalate what is late."""
    set_scope(UUID(organization_id), None)
    while True:
        state = await track_work_order_step(organization_id, work_order_id)
        if state["wait"] is None:
            return str(state["status"])
        await DBOS.recv_async(topic=lifecycle.TOPIC, timeout_seconds=state["wait"])

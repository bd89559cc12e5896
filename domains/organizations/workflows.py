"""The join-request review workflow (service/join_requests.py keeps the requests)."""

from __future__ import annotations

from uuid import UUID

from dbos import DBOS

from domains.organizations.service import join_requests
from graph.db import scoped_transaction
from graph.durable import long_running
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="settle_join_request_step")
async def settle_join_request_step(organization_id: str, request_id: str) -> str:
    org = UUID(organization_id)
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        return await join_requests.settle(session, org, UUID(request_id))


@long_running(join_requests.WORKFLOW)
async def review_join_request_workflow(organization_id: str, request_id: str, ttl_seconds: float) -> str:
    set_scope(UUID(organization_id), None)
    # A durable wait: the deadline survives restarts; the event only wakes us.
    await DBOS.recv_async(topic="decision", timeout_seconds=ttl_seconds)
    return await settle_join_request_step(organization_id, request_id)

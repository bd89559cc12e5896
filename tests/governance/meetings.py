"""Builds meetings through the API, for the meeting tests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from dbos import DBOS

from tests.associations.community import Community
from tests.helpers import Api


def at(days: int, hour: int = 18) -> str:
    """A start `days` from today (UTC) at `hour`:00 UTC, ISO."""
    today = datetime.now(UTC).replace(hour=hour, minute=0, second=0, microsecond=0)
    return (today + timedelta(days=days)).isoformat()


AGENDA = [
    {"title": "Approval of the budget", "requiresVote": True},
    {"title": "Owners' forum"},
]


async def schedule(api: Api, c: Community, kind: str = "annual_membership", days: int = 20, **more: Any) -> dict[str, Any]:
    body = {
        "associationId": c.association,
        "kind": kind,
        "title": f"{kind} meeting",
        "startsAt": at(days),
        "place": "Clubhouse",
        "agenda": AGENDA,
    }
    if kind in ("board_open", "board_executive"):
        body["bodyId"] = c.board
    return await api.call("meeting/v1/schedule", body | more, c.admin)


async def opened(api: Api, c: Community, kind: str = "annual_membership", days: int = 20, **more: Any) -> dict[str, Any]:
    """A meeting noticed and called to order."""
    m = await schedule(api, c, kind, days, **more)
    await api.call("meeting/v1/sendNotice", {"id": m["id"]}, c.admin)
    return await api.call("meeting/v1/open", {"id": m["id"]}, c.admin)


async def check_in(api: Api, c: Community, meeting: str, unit: int, **more: Any) -> dict[str, Any]:
    body = {"id": meeting, "unitId": c.units[unit], "partyId": c.parties[unit]} | more
    return await api.call("meeting/v1/checkIn", {k: v for k, v in body.items() if v is not None}, c.admin)


async def wait_status(api: Api, c: Community, meeting: str, status: str, timeout: float = 20) -> dict[str, Any]:
    """The meeting once its workflow has moved it to `status`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        m = await api.call("meeting/v1/get", {"id": meeting}, c.admin)
        if m["status"] == status:
            return m
        assert asyncio.get_running_loop().time() < deadline, (status, m["status"])
        await asyncio.sleep(0.05)


async def settled(meeting: dict[str, Any], timeout: float = 30) -> None:
    """Once the meeting's workflow has planned (its one read of the meeting) and
    waits: a statement count taken after this is the request's alone."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not any(
        s["function_name"].endswith("plan_meeting_step") for s in await DBOS.list_workflow_steps_async(meeting["workflowId"])
    ):
        assert asyncio.get_running_loop().time() < deadline, meeting["workflowId"]
        await asyncio.sleep(0.05)

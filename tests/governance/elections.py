"""Builds elections through the API, for the election tests."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.associations.community import Community
from tests.governance.board import day
from tests.helpers import Api, Caller


def soon(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def logins(api: Api, c: Community, count: int) -> list[Caller]:
    """Logins for the owners of the first `count` units (members linked to their parties)."""
    callers = []
    for party in c.parties[:count]:
        member, _ = await api.add_member(c.admin, ["member"])
        await api.call("party/v1/update", {"id": party, "userId": member.user_id}, c.admin)
        await api.select(member, c.org)
        callers.append(member)
    return callers


async def inspector(api: Api, c: Community) -> Caller:
    """A member with a party of their own (not an owner), to inspect elections; `c.inspector_party`."""
    member, _ = await api.add_member(c.admin, ["member"])
    party = await api.call(
        "party/v1/create",
        {"kind": "person", "name": "Ines Inspector", "deliveryPreference": "postal", "userId": member.user_id},
        c.admin,
    )
    await api.select(member, c.org)
    c.inspector_party = party["id"]
    return member


async def call(
    api: Api, c: Community, *, nominations: float = 3, window: float = 8, seats: int = 2, **more: Any
) -> dict[str, Any]:
    """An election to `seats` seats of the board: nominations close in `nominations`
    seconds, voting `window` seconds later."""
    body = {
        "associationId": c.association,
        "bodyId": c.board,
        "title": "Board election",
        "seatsToFill": seats,
        "termStartsOn": day(0),
        "termEndsOn": day(730),
        "nominationsCloseAt": soon(nominations),
        "votingClosesAt": soon(nominations + window),
        "inspectorPartyId": c.inspector_party,
    }
    return await api.call("election/v1/call", body | more, c.admin)


async def wait_status(api: Api, c: Community, election: str, status: str, timeout: float = 60) -> dict[str, Any]:
    """The election once its workflow has moved it to `status`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        e = await api.call("election/v1/get", {"id": election}, c.admin)
        if e["status"] == status:
            return e
        assert asyncio.get_running_loop().time() < deadline, (status, e["status"])
        await asyncio.sleep(0.1)

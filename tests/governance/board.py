"""Builds an association with a board through the API, for the governance tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.associations import community
from tests.associations.community import Community
from tests.helpers import Api


def day(offset: int = 0) -> str:
    """Today (UTC, as the database sees it here) plus `offset` days, ISO."""
    return str(date.today() + timedelta(days=offset))


async def error(api: Api, name: str, body: Any, caller: Any) -> tuple[int, str | None, Any]:
    import uuid

    r = await api.rpc(name, body, token=caller.token, key=uuid.uuid4().hex)
    payload = r.json()
    err = payload.get("error") or {}
    return r.status_code, err.get("code"), (err.get("details") or {}).get("field")


async def with_board(api: Api, units: int = 3, *, seats: int = 3, org_type: str = "association") -> Community:
    """An association (in an organization of `org_type`) with `units` owned units
    and a board of `seats` seats, none filled."""
    admin, org = await api.admin_of_new_org(org_type)
    c = await community.build(api, units, admin=admin, org=org)
    body = {"associationId": c.association, "kind": "board", "name": "Board of Directors", "seatCount": seats}
    c.board = (await api.call("governingBody/v1/create", body, admin))["id"]
    return c


async def seat(api: Api, c: Community, party: str, starts: int = -30, ends: int = 700, body: str | None = None) -> dict[str, Any]:
    fill = {"bodyId": body or c.board, "partyId": party, "filledBy": "elected", "startsOn": day(starts), "endsOn": day(ends)}
    return await api.call("seat/v1/fill", fill, c.admin)

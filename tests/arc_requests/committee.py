"""Seats on an association's architectural committee, through governance: the
committee is a governing body the review settings name; a member is a user
whose party holds a term on it; the chair holds its chair office."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from tests.helpers import Api, Caller


async def committee(api: Api, admin: Caller, association: str, seats: int = 9) -> str:
    """The association's architectural committee, made and named in its review settings (kept as they are)."""
    body = {"associationId": association, "kind": "committee", "name": "Architectural Review Committee", "seatCount": seats}
    found = await api.call("governingBody/v1/list", {"associationId": association}, admin)
    body_id = next((b["id"] for b in found["nodes"] if b["name"] == body["name"]), None)
    if body_id is None:
        body_id = (await api.call("governingBody/v1/create", body, admin))["id"]
        current = await api.call("arcSettings/v1/get", {"associationId": association}, admin)
        keep = ("decisionMode", "votesRequired", "neighborAcknowledgementsRequired", "moreInfoClock", "inspectionRequired")
        settings = {"associationId": association, "committeeBodyId": body_id} | {k: current[k] for k in keep}
        await api.call("arcSettings/v1/set", settings, admin)
    return body_id


async def seat_on_committee(
    api: Api, admin: Caller, association: str, user: Caller, *, chair: bool = False, party: str | None = None
) -> dict[str, Any]:
    """A term from yesterday for a year on the committee for `user` (through `party`, or a party made for them)."""
    body_id = await committee(api, admin, association)
    if party is None:
        person = {
            "kind": "person",
            "name": f"Member {uuid.uuid4().hex[:6]}",
            "userId": user.user_id,
            "deliveryPreference": "postal",
        }
        party = (await api.call("party/v1/create", person, admin))["id"]
    today = date.today()
    fill = {
        "bodyId": body_id,
        "partyId": party,
        "filledBy": "appointed",
        "startsOn": str(today - timedelta(days=1)),
        "endsOn": str(today + timedelta(days=365)),
    }
    term = await api.call("seat/v1/fill", fill, admin)
    if chair:
        await api.call("office/v1/assign", {"seatId": term["id"], "title": "chair", "startsOn": str(today)}, admin)
    return term

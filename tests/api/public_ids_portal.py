"""The public-ids scenario's owner portal, calendar feeds and portfolio managers:
an owner's home with something in every section, the resident directory with
the owner opted in, a calendar feed and a portfolio assignment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.governance.elections import soon
from tests.helpers import Caller


async def portal(api: Any, r: Any, d: Any, requester: Caller, board: str, inspector: str) -> None:
    """`requester` (the party of c.units[2]) with an open work order, an ARC request under way, an
    active autopay authorization, a booking ahead, an open election and a unit
    in the payables desk's organization; their home, their directory listing."""
    c, admin = r.c, r.c.admin
    arc = {"unitId": c.units[2], "projectType": "windows", "description": "Bay window"}
    await api.call("arcRequest/v1/submit", arc, admin)
    autopay = {
        "associationId": c.association,
        "unitId": c.units[2],
        "holderName": "Owner 3",
        "accountKind": "checking",
        "routingNumber": "011000015",
        "accountNumber": "87654321",
        "authorizedOn": "2026-01-20",
        "terms": "Debit on each due date.",
    }
    await api.call("achAuthorization/v1/create", autopay, admin)
    # An open work order of their own (the scenario's first is done by the end).
    repair = {"associationId": c.association, "unitId": c.units[2], "title": "Gutter", "priority": "routine"}
    await api.call("workOrder/v1/create", repair, admin)
    pool = (await api.call("amenity/v1/list", {"associationId": c.association}, admin))["nodes"][0]["id"]
    start = (datetime.now(UTC) + timedelta(days=2)).replace(minute=0, second=0, microsecond=0).isoformat()
    await api.call("amenityBooking/v1/request", {"amenityId": pool, "unitId": c.units[2], "startsAt": start}, admin)
    election = {
        "associationId": c.association,
        "bodyId": board,
        "title": "Vacancy election",
        "seatsToFill": 1,
        "termStartsOn": str(date.today() + timedelta(days=10)),
        "termEndsOn": str(date.today() + timedelta(days=740)),
        "nominationsCloseAt": soon(3 * 86400),
        "votingClosesAt": soon(6 * 86400),
        "inspectorPartyId": inspector,
    }
    await api.call("election/v1/call", election, admin)
    # A unit of theirs in another organization (the payables desk's), counted in the home.
    await api.call("membership/v1/add", {"email": requester.email, "roles": ["member"]}, d.admin)
    await api.call("party/v1/update", {"id": d.b.c.parties[0], "userId": requester.user_id}, d.admin)
    await api.select(requester, c.org)
    await api.call("directorySetting/v1/set", {"showName": True, "showUnit": True}, requester)
    home = await api.call("ownerHome/v1/get", {}, requester)
    sections = ("workOrders", "arcRequests", "elections", "bookings", "otherOrganizations")
    assert all(home[s] for s in sections) and home["units"][0]["autopay"], home
    await api.call("residentDirectory/v1/list", {"associationId": c.association}, requester)
    await api.call("residentDirectory/v1/list", {"associationId": c.association}, admin)
    # A calendar feed (the owner's) and a portfolio manager's assignment (the admin's).
    await api.call("calendarFeed/v1/create", {"label": "Phone"}, requester)
    await api.call("calendarFeed/v1/list", {}, requester)
    await api.call("portfolioAssignment/v1/create", {"associationId": c.association, "userId": admin.user_id}, admin)
    await api.call("portfolioAssignment/v1/list", {"associationId": c.association}, admin)

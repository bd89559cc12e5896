"""The owner's home's test world: owners of an association's units, each unit charged,
observed for a violation and asked for a repair (tests and bench/owner_home.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.amenities.test_amenities import POOL, slot
from tests.associations.community import Community
from tests.documents.library import file
from tests.governance.meetings import schedule
from tests.helpers import Caller
from tests.receivables.books import ahead
from tests.violations.enforcement import Enforcement, day, observe, open_enforcement

HOME = """{ ownerHome { organizationId asOf totalBalance
  units { id unitNumber associationName owned livesIn balance pastDue
          nextCharges { id memo dueDate openAmount } lastStatement { closingBalance } autopay { accountLast4 } }
  workOrders { id title status } workOrderCount arcRequests { id status } arcRequestCount
  violations { id unitId status nextDeadline nextDeadlineKind respondWith } violationCount
  unreadMessages { id subject } unreadMessageCount documents { id title } documentCount
  meetings { id title } elections { id title } bookings { id amenityName }
  otherOrganizations { id name ownedUnits livedInUnits }
  directory { showName showUnit showPhone showEmail } } }"""


async def person(api, e: Enforcement, party_units: list[int]) -> Any:
    """A login linked to the party of the first unit, owning every unit listed."""
    person, _ = await api.add_member(e.admin, ["member"])
    party = e.parties[party_units[0]]
    await api.call("party/v1/update", {"id": party, "userId": person.user_id}, e.admin)
    for unit in party_units[1:]:
        await buys(api, e.admin, e.units[unit], party)
    await api.select(person, e.org)
    return person


async def buys(api, admin, unit: str, party: str) -> None:
    buyer = {"partyId": party, "interest": "1", "isPrimary": True}
    await api.call("ownership/v1/transfer", {"unitId": unit, "transferOn": day(-10), "buyers": [buyer]}, admin)


async def home_of(api, caller) -> dict[str, Any]:
    body = await api.gql(HOME, token=caller.token)
    assert "errors" not in body, body
    return body["data"]["ownerHome"]


async def world(api, units: int = 4) -> tuple[Enforcement, dict[int, dict[str, Any]]]:
    """Every unit charged, observed and asked for work, so each owner has something to (not) see."""
    e = await open_enforcement(api, "CA", units=units)
    made: dict[int, dict[str, Any]] = {}
    for unit in range(units):
        charge = {"unitId": e.units[unit], "amount": f"{100 + unit}.00", "entryDate": day(-3), "memo": f"Dues {unit}"}
        made[unit] = {
            "charge": await api.call("ownerLedgerEntry/v1/charge", charge, e.admin),
            "violation": (await observe(api, e, unit))["violation"],
            "workOrder": await api.call(
                "workOrder/v1/create",
                {"associationId": e.association, "unitId": e.units[unit], "title": f"Leak {unit}", "priority": "routine"},
                e.manager,
            ),
        }
    return e, made


@dataclass
class Client:
    """One of a management company's associations, as its owner of unit 0 meets it."""

    e: Enforcement
    owner: Caller
    made: dict[str, str]  # what → public id


async def company(api) -> tuple[Client, Client]:
    """A management company running associations A and B in its one organization,
    each with an owner of unit 0 listed in the directory, a charge due on that
    unit, a pool and the owner's booking of it, a meeting ahead, a document for
    owners and one for everyone, and a monthly assessment from next month:
    everything one owner must never see of the other association."""
    a = await open_enforcement(api, "CA", units=2, organization_type="management_company")
    b = await open_enforcement(api, "CA", units=2, beside=a)
    return await _client(api, a), await _client(api, b)


async def _client(api, e: Enforcement) -> Client:
    owner = await person(api, e, [0])
    await api.call("directorySetting/v1/set", {"showName": True}, owner)
    charge = {"unitId": e.units[0], "amount": "250.00", "entryDate": day(0), "dueDate": day(10), "memo": "Assessment"}
    pool = await api.call("amenity/v1/create", {"associationId": e.association} | POOL, e.manager)
    booking = {"amenityId": pool["id"], "unitId": e.units[0], "startsAt": slot(8)}
    made = {
        "party": e.parties[0],
        "charge": (await api.call("ownerLedgerEntry/v1/charge", charge, e.admin))["id"],
        "amenity": pool["id"],
        "booking": (await api.call("amenityBooking/v1/request", booking, owner))["id"],
        "meeting": (await schedule(api, Community(e.admin, e.org, e.association, e.units, e.parties)))["id"],
        "document": (await file(api, e.admin, e.association, visibility="owners"))["id"],
        "public_document": (await file(api, e.admin, e.association, visibility="public", title="Pool rules"))["id"],
        "schedule": (await ahead(api, e, amount="100.00"))["id"],
    }
    return Client(e, owner, made)

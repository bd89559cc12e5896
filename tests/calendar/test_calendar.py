"""The calendar: each owner and tenant sees only their own units' items (and
their association's meetings), staff see the association's, another
organization — or another association of the same management company — sees
none; assessments not levied yet show ahead, at the amount the levy would
charge, until levied; the iCalendar feed serves the same items for every
organization its user belongs to, at a secret URL that stops working when
revoked; the list costs the same statements however many items."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar

from tests.amenities.test_amenities import POOL, slot
from tests.portal.home import company
from tests.receivables.books import ahead, levied
from tests.violations.enforcement import Enforcement, code, day, month, noticed, open_enforcement

ITEMS = """query($from: Date, $to: Date, $first: Int!, $after: String) {
  calendarItems(from: $from, to: $to, first: $first, after: $after) {
    nodes { id kind title location startsAt endsAt allDay day associationId unitId subjectId amount }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _owner(api, e: Enforcement, unit: int):
    owner, _ = await api.add_member(e.admin, ["member"])
    await api.call("party/v1/update", {"id": e.parties[unit], "userId": owner.user_id}, e.admin)
    await api.select(owner, e.org)
    return owner


async def _tenant(api, e: Enforcement, unit: int):
    tenant, _ = await api.add_member(e.admin, ["member"])
    party = await api.call(
        "party/v1/create",
        {"kind": "person", "name": "Tenant", "deliveryPreference": "postal", "userId": tenant.user_id},
        e.admin,
    )
    body = {"unitId": e.units[unit], "partyId": party["id"], "kind": "tenant", "movedInOn": "2021-01-01"}
    await api.call("resident/v1/create", body, e.admin)
    await api.select(tenant, e.org)
    return tenant


async def _world(api) -> tuple[Enforcement, Any, Any, Any, dict[str, str]]:
    """Two units, each with its owner; a tenant in unit 1. Each unit has a charge
    due and a violation in its cure period; unit 0's owner has an ARC request
    under review and a pool booking; the association has its annual meeting ahead."""
    e = await open_enforcement(api, "CA", units=2)
    owners = [await _owner(api, e, 0), await _owner(api, e, 1)]
    tenant = await _tenant(api, e, 1)
    for unit, due in ((0, 10), (1, 12)):
        charge = {"unitId": e.units[unit], "amount": "250.00", "entryDate": day(0), "dueDate": day(due), "memo": "Assessment"}
        await api.call("ownerLedgerEntry/v1/charge", charge, e.admin)
        await noticed(api, e, unit, sent=-5)
    arc = {"unitId": e.units[0], "projectType": "solar", "description": "Solar panels on the south roof"}
    arc_id = (await api.call("arcRequest/v1/submit", arc, owners[0]))["id"]
    pool = (await api.call("amenity/v1/create", {"associationId": e.association} | POOL, e.manager))["id"]
    booking = {"amenityId": pool, "unitId": e.units[0], "startsAt": slot(8)}
    booking_id = (await api.call("amenityBooking/v1/request", booking, owners[0]))["id"]
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    meeting = {
        "associationId": e.association,
        "kind": "annual_membership",
        "title": "Annual Meeting",
        "startsAt": starts.isoformat(),
        "place": "Clubhouse",
        "agenda": [{"title": "Budget", "requiresVote": True}],
    }
    meeting_id = (await api.call("meeting/v1/schedule", meeting, e.admin))["id"]
    return e, owners[0], owners[1], tenant, {"arc": arc_id, "booking": booking_id, "meeting": meeting_id}


async def _items(api, caller, **window: str) -> list[dict[str, Any]]:
    body = await api.gql(ITEMS, {"first": 100} | window, token=caller.token)
    assert "errors" not in body, body
    return body["data"]["calendarItems"]["nodes"]


def _kinds(items: list[dict[str, Any]]) -> set[tuple[str, str | None]]:
    return {(i["kind"], i["unitId"]) for i in items}


async def test_owners_tenants_and_staff_each_see_their_own_items(api) -> None:
    e, owner0, owner1, tenant, made = await _world(api)
    u0, u1 = e.units
    mine = await _items(api, owner0)
    assert _kinds(mine) == {
        ("MEETING", None),
        ("CHARGE_DUE", u0),
        ("VIOLATION_CURE_DUE", u0),
        ("ARC_DECISION_DUE", u0),
        ("AMENITY_BOOKING", u0),
    }, mine
    by_kind = {i["kind"]: i for i in mine}
    assert by_kind["MEETING"]["subjectId"] == made["meeting"] and by_kind["MEETING"]["location"] == "Clubhouse"
    assert by_kind["ARC_DECISION_DUE"]["subjectId"] == made["arc"] and by_kind["ARC_DECISION_DUE"]["allDay"]
    assert "deemed approved" in by_kind["ARC_DECISION_DUE"]["title"]
    assert by_kind["AMENITY_BOOKING"]["subjectId"] == made["booking"]
    assert (by_kind["CHARGE_DUE"]["amount"], by_kind["CHARGE_DUE"]["day"]) == ("250.00", day(10))
    assert [i["startsAt"] for i in mine] == sorted(i["startsAt"] for i in mine)
    assert _kinds(await _items(api, owner1)) == {("MEETING", None), ("CHARGE_DUE", u1), ("VIOLATION_CURE_DUE", u1)}
    # The tenant sees their home's items that residents may read, never unit 0's.
    theirs = await _items(api, tenant)
    assert ("MEETING", None) in _kinds(theirs)
    assert all(i["unitId"] in (None, u1) for i in theirs), theirs
    staff = _kinds(await _items(api, e.manager))
    assert {("CHARGE_DUE", u0), ("CHARGE_DUE", u1), ("VIOLATION_CURE_DUE", u1), ("ARC_DECISION_DUE", u0)} <= staff
    # Another organization's admin sees nothing of it.
    stranger, _ = await api.admin_of_new_org()
    assert await _items(api, stranger) == []


async def test_a_window_and_pages_of_it(api) -> None:
    e, owner0, *_ = await _world(api)
    assert [i["kind"] for i in await _items(api, owner0, **{"from": day(11), "to": day(30)})] == ["MEETING"]
    seen, after = [], None
    while True:
        body = await api.gql(ITEMS, {"first": 2, "after": after}, token=e.manager.token)
        page = body["data"]["calendarItems"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [i["id"] for i in await _items(api, e.manager)]
    assert len(seen) == len(set(seen)) >= 8
    r = await api.rpc("calendarItem/v1/list", {"from": day(10), "to": day(0)}, token=owner0.token)
    assert code(r) == (400, "VALIDATION_FAILED")
    r = await api.rpc("calendarItem/v1/list", {"from": day(0), "to": day(400)}, token=owner0.token)
    assert code(r) == (400, "VALIDATION_FAILED")


def _uids(ics: bytes) -> set[str]:
    return {str(event["uid"]).removesuffix("@hestami.app") for event in Calendar.from_ical(ics).walk("VEVENT")}


async def test_the_feed_serves_the_owners_items_until_revoked(api) -> None:
    _, owner0, owner1, *_ = await _world(api)
    made = await api.call("calendarFeed/v1/create", {"label": "Phone"}, owner0)
    assert made["path"] == f"/calendar/{made['token']}.ics" and made["token"].endswith(made["calendarFeed"]["tokenHint"])
    served = await api.client.get(made["path"])
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/calendar")
    assert _uids(served.content) == {i["id"] for i in await _items(api, owner0)}
    events = {str(ev["uid"]): ev for ev in Calendar.from_ical(served.content).walk("VEVENT")}
    # Charges are all-day items (DATE values): the assessment, and the booking's fee and deposit due today.
    charges = [ev.decoded("dtstart") for uid, ev in events.items() if uid.startswith("charge-")]
    assert sorted(d.isoformat() for d in charges) == [day(0), day(10)]
    assert all(not isinstance(d, datetime) for d in charges)
    # Nobody else's feed: a forged secret, an unknown feed, another user's revocation.
    forged = made["token"][:-4] + ("AAAA" if not made["token"].endswith("AAAA") else "BBBB")
    assert (await api.client.get(f"/calendar/{forged}.ics")).status_code == 404
    assert (await api.client.get("/calendar/hcal_nothing.ics")).status_code == 404
    feed = made["calendarFeed"]["id"]
    r = await api.rpc("calendarFeed/v1/revoke", {"id": feed}, token=owner1.token, key="theirs")
    assert code(r) == (404, "NOT_FOUND")  # another user's feed is not theirs to see
    listed = await api.call("calendarFeed/v1/list", {}, owner0)
    assert [f["id"] for f in listed["nodes"]] == [feed]
    assert (await api.call("calendarFeed/v1/list", {}, owner1))["nodes"] == []
    revoked = await api.call("calendarFeed/v1/revoke", {"id": feed}, owner0)
    assert revoked["revokedAt"] is not None and revoked["revokedBy"] == _raw(owner0.user_id)
    assert (await api.client.get(made["path"])).status_code == 404
    r = await api.rpc("calendarFeed/v1/revoke", {"id": feed}, token=owner0.token, key=uuid.uuid4().hex)
    assert code(r) == (409, "CALENDAR_FEED_REVOKED")
    assert (await api.call("calendarFeed/v1/list", {}, owner0))["nodes"] == []
    assert len((await api.call("calendarFeed/v1/list", {"includeRevoked": True}, owner0))["nodes"]) == 1


async def test_the_feed_spans_the_users_organizations_and_drops_one_they_leave(api) -> None:
    e, owner0, *_ = await _world(api)
    other = await open_enforcement(api, "CA", units=1)
    r = await api.rpc(
        "membership/v1/add", {"email": owner0.email, "roles": ["manager"]}, token=other.admin.token, key=uuid.uuid4().hex
    )
    assert r.status_code == 200, r.text
    membership = r.json()["id"]
    elsewhere = (await noticed(api, other, 0, sent=-5))["id"]
    made = await api.call("calendarFeed/v1/create", {"label": "Laptop"}, owner0)
    uids = _uids((await api.client.get(made["path"])).content)
    assert f"violation-{_raw(elsewhere)}-cure" in uids
    assert {i["id"] for i in await _items(api, owner0)} < uids  # GraphQL: the active organization only
    await api.call("membership/v1/remove", {"id": membership}, other.admin)
    assert _uids((await api.client.get(made["path"])).content) == {i["id"] for i in await _items(api, owner0)}
    # Removed from the feed's own organization, the feed serves nothing.
    mine = (await api.gql("{ viewer { memberships { id organizationId } } }", token=owner0.token))["data"]
    own = next(m["id"] for m in mine["viewer"]["memberships"] if m["organizationId"] == e.org)
    await api.call("membership/v1/remove", {"id": own}, e.admin)
    assert (await api.client.get(made["path"])).status_code == 404


def _raw(public_id: str) -> str:
    from graph.ids import decode

    return str(decode(public_id)[1])


async def test_the_list_costs_the_same_for_2_and_20_items(api, statements) -> None:
    e = await open_enforcement(api, "CA", units=20)

    async def count() -> tuple[int, int]:
        statements.clear()
        items = await _items(api, e.manager)
        return len(statements), len(items)

    for unit in range(2):
        charge = {"unitId": e.units[unit], "amount": "10.00", "entryDate": day(0), "dueDate": day(5), "memo": "x"}
        await api.call("ownerLedgerEntry/v1/charge", charge, e.admin)
    n2, two = await count()
    for unit in range(2, 20):
        charge = {"unitId": e.units[unit], "amount": "10.00", "entryDate": day(0), "dueDate": day(5), "memo": "x"}
        await api.call("ownerLedgerEntry/v1/charge", charge, e.admin)
    n20, twenty = await count()
    assert (two, twenty) == (2, 20)
    assert n2 == n20, statements


def _projected(items: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    return sorted((i["unitId"], i["day"], i["amount"]) for i in items if i["kind"] == "CHARGE_PROJECTED")


async def test_owners_see_their_units_assessments_ahead_until_levied(api) -> None:
    e = await open_enforcement(api, "CA", units=2)
    owner0, owner1, tenant = await _owner(api, e, 0), await _owner(api, e, 1), await _tenant(api, e, 1)
    # 100.01 over two equal shares: the levy gives the odd cent to unit 1, the first by number.
    schedule = (await ahead(api, e, amount="100.01"))["id"]
    dues = [d for d in (month(k)[:-2] + "05" for k in (1, 2, 3, 4)) if d <= day(90)]
    u0, u1 = e.units
    mine = await _items(api, owner0)
    assert _projected(mine) == [(u0, d, "50.01") for d in dues], mine
    first = next(i for i in mine if i["kind"] == "CHARGE_PROJECTED")
    assert (first["title"], first["subjectId"], first["allDay"]) == ("Regular Assessment due (projected), unit 1", schedule, True)
    assert _projected(await _items(api, owner1)) == [(u1, d, "50.00") for d in dues]
    assert _projected(await _items(api, tenant)) == []  # a tenant sees none of the landlord's charges
    assert _projected(await _items(api, e.manager)) == sorted((u, d, a) for u, a in ((u0, "50.01"), (u1, "50.00")) for d in dues)
    # The feed holds them too, for the year ahead, of the owner's unit only.
    feed = await api.call("calendarFeed/v1/create", {"label": "Phone"}, owner0)
    served = _uids((await api.client.get(feed["path"])).content)
    ahead_of_unit = {uid for uid in served if uid.startswith("projected-")}
    assert {i["id"] for i in mine} <= served and len(ahead_of_unit) > len(dues)
    assert all(_raw(u0) in uid for uid in ahead_of_unit)
    # Levied, next month's assessment is a charge due, shown once.
    await levied(api, e.admin, schedule, month(1))
    after = await _items(api, owner0)
    assert _projected(after) == [(u0, d, "50.01") for d in dues[1:]]
    assert [(i["day"], i["amount"]) for i in after if i["kind"] == "CHARGE_DUE"] == [(dues[0], "50.01")]
    served = _uids((await api.client.get(feed["path"])).content)
    assert {i["id"] for i in after} <= served
    assert not any(uid.startswith("projected-") and uid.endswith(dues[0]) for uid in served)


async def test_assessments_ahead_cost_the_same_for_2_and_20_units(api, statements) -> None:
    async def count(units: int) -> tuple[int, list[tuple[str, str, str]]]:
        e = await open_enforcement(api, "CA", units=units)
        await ahead(api, e, method="fixed", amount="75.00")
        statements.clear()
        items = await _items(api, e.manager)
        return len(statements), _projected(items)

    (n2, two), (n20, twenty) = await count(2), await count(20)
    assert len(twenty) == 10 * len(two) > 0
    assert {amount for *_, amount in twenty} == {"75.00"}
    assert n2 == n20, statements


async def test_two_associations_of_one_company_each_owner_sees_only_their_own(api) -> None:
    a, b = await company(api)
    for mine, theirs in ((a, b), (b, a)):
        items = await _items(api, mine.owner)
        assert {i["associationId"] for i in items} == {mine.e.association}
        subjects = {(i["kind"], i["subjectId"]) for i in items}
        assert {
            ("MEETING", mine.made["meeting"]),
            ("AMENITY_BOOKING", mine.made["booking"]),
            ("CHARGE_DUE", mine.e.units[0]),
            ("CHARGE_PROJECTED", mine.made["schedule"]),
        } <= subjects, subjects
        text = json.dumps(items)
        assert not any(i in text for i in [theirs.e.association, *theirs.e.units, *theirs.made.values()]), text
        # The feed, a year ahead: the same items, and nothing of the other association.
        feed = await api.call("calendarFeed/v1/create", {"label": "Phone"}, mine.owner)
        served = _uids((await api.client.get(feed["path"])).content)
        assert {i["id"] for i in items} <= served
        foreign = [_raw(i) for i in [theirs.e.association, *theirs.e.units, *theirs.made.values()]]
        assert not any(i in uid for uid in served for i in foreign), served
    # The company's staff see both.
    assert {i["associationId"] for i in await _items(api, a.e.manager)} == {a.e.association, b.e.association}

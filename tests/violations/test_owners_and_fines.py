"""What an owner sees and may do (their own units' violations, responses and
appeals; a tenant and other owners see nothing), continuing fines until the
cap or the cure, and appeals that uphold or overturn a fine."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from tests.violations.enforcement import LAWN, code, day, fined, get, observe, open_enforcement, wait_status


async def _owner(api, e, unit: int = 0):
    owner, _ = await api.add_member(e.admin, ["member"])
    await api.call("party/v1/update", {"id": e.parties[unit], "userId": owner.user_id}, e.admin)
    await api.select(owner, e.org)
    return owner


async def test_an_owner_sees_their_own_violations_and_answers_them(api) -> None:
    e = await open_enforcement(api, "CA", units=3)
    owner = await _owner(api, e, 0)
    neighbour = await _owner(api, e, 1)
    tenant, _ = await api.add_member(e.admin, ["member"])
    tenant_party = await api.call(
        "party/v1/create", {"kind": "person", "name": "Tess", "deliveryPreference": "postal", "userId": tenant.user_id}, e.admin
    )
    await api.call(
        "resident/v1/create",
        {"unitId": e.units[0], "partyId": tenant_party["id"], "kind": "tenant", "movedInOn": day(-5)},
        e.admin,
    )
    await api.select(tenant, e.org)
    mine = (await observe(api, e, 0))["violation"]
    theirs = (await observe(api, e, 1))["violation"]
    await api.call("violation/v1/sendNotice", {"id": mine["id"], "method": "first_class_mail", "sentOn": day(-50)}, e.manager)

    listed = await api.call("violation/v1/list", {"associationId": e.association}, owner)
    assert [v["id"] for v in listed["nodes"]] == [mine["id"]]
    seen = await api.call("violation/v1/get", {"id": mine["id"]}, owner)
    assert seen["cureBy"] == day(-36) and [x["kind"] for x in seen["events"]][:2] == ["observed", "notice_sent"]
    r = await api.rpc("violation/v1/get", {"id": theirs["id"]}, token=owner.token)
    assert code(r) == (404, "NOT_FOUND")
    assert (await api.call("violation/v1/list", {"associationId": e.association}, tenant))["nodes"] == []
    r = await api.rpc("violation/v1/get", {"id": mine["id"]}, token=tenant.token)
    assert code(r) == (404, "NOT_FOUND")
    # The library is published to the association's owners and residents.
    rules = await api.call("violationRule/v1/list", {"associationId": e.association}, tenant)
    assert [x["code"] for x in rules["nodes"]] == ["LND-01"]

    answered = await api.call("violation/v1/respond", {"id": mine["id"], "text": "The mower broke; fixed by Friday."}, owner)
    assert answered["ownerRespondedAt"] and answered["events"][-1]["kind"] == "owner_responded"
    assert answered["status"] in ("notice_sent", "reinspection_due")
    board_view = await api.call("violation/v1/get", {"id": mine["id"]}, e.board)
    assert [x["note"] for x in board_view["events"] if x["kind"] == "owner_responded"] == ["The mower broke; fixed by Friday."]
    for name, body, caller in (
        ("violation/v1/respond", {"id": theirs["id"], "text": "not mine"}, owner),
        ("violation/v1/respond", {"id": mine["id"], "text": "tenant"}, tenant),
    ):
        r = await api.rpc(name, body, token=caller.token, key=name + caller.user_id)
        assert code(r) == (404, "NOT_FOUND"), r.text
    # Only staff move a violation along; an owner can't even send their own notice.
    r = await api.rpc(
        "violation/v1/reinspect", {"id": mine["id"], "inspectedOn": day(0), "cured": True}, token=owner.token, key="self-cure"
    )
    assert code(r) == (403, "FORBIDDEN")
    r = await api.rpc("violation/v1/respond", {"id": mine["id"], "text": "staff"}, token=e.manager.token, key="staff")
    assert code(r) == (403, "FORBIDDEN")
    assert neighbour  # the neighbour's own view is theirs alone
    assert [v["id"] for v in (await api.call("violation/v1/list", {"associationId": e.association}, neighbour))["nodes"]] == [
        theirs["id"]
    ]


@pytest.fixture
def short_days(platform):
    """A day of the workflows' timers lasts 0.1 s for violations started meanwhile."""
    before = platform.settings.workflow_day_seconds
    platform.settings.workflow_day_seconds = 0.1
    yield
    platform.settings.workflow_day_seconds = before


async def test_continuing_fines_post_until_the_cap_and_stop_when_cured(api, short_days) -> None:
    weekly = LAWN | {"fineContinuing": "40.00", "continuingPeriod": "week", "fineCap": "200.00"}
    e = await open_enforcement(api, "CA", units=2, rule=weekly)
    v = await fined(api, e, 0)
    assert [(f["kind"], f["amount"], f["finedOn"]) for f in v["fines"]][:1] == [("first", "100.00", day(0))]
    # A week (0.7 s here) after the first fine, and each week after, until the cap: the last one cut to fit.
    deadline = asyncio.get_running_loop().time() + 20
    while len((current := await get(api, e, v["id"]))["fines"]) < 4:
        assert asyncio.get_running_loop().time() < deadline, current["fines"]
        await asyncio.sleep(0.1)
    assert [(f["kind"], f["amount"], f["finedOn"]) for f in current["fines"]] == [
        ("first", "100.00", day(0)),
        ("continuing", "40.00", day(7)),
        ("continuing", "40.00", day(14)),
        ("continuing", "20.00", day(21)),
    ]
    await asyncio.sleep(1)
    assert len((await get(api, e, v["id"]))["fines"]) == 4
    cured = await api.call("violation/v1/reinspect", {"id": v["id"], "inspectedOn": day(0), "cured": True}, e.manager)
    assert cured["status"] == "closed"
    # Cured early, the other violation's continuing fines stop at once.
    w = await fined(api, e, 1)
    await api.call("violation/v1/reinspect", {"id": w["id"], "inspectedOn": day(0), "cured": True}, e.manager)
    await asyncio.sleep(1.5)
    assert [f["kind"] for f in (await get(api, e, w["id"]))["fines"]] in (["first"], ["first", "continuing"])


async def test_an_appeal_overturned_credits_the_fine(api) -> None:
    e = await open_enforcement(api, "CA", units=2)
    owner = await _owner(api, e, 0)
    v = await fined(api, e, 0)
    appealed = await api.call("violation/v1/appeal", {"id": v["id"], "reason": "The photo shows my neighbour's lawn."}, owner)
    assert appealed["status"] == "appealed"
    r = await api.rpc("violation/v1/decideAppeal", {"id": v["id"], "upheld": False}, token=e.manager.token, key="mgr")
    assert code(r) == (403, "FORBIDDEN")
    overturned = await api.call("violation/v1/decideAppeal", {"id": v["id"], "upheld": False, "note": "Wrong unit"}, e.board)
    assert (overturned["status"], overturned["resolution"]) == ("closed", "overturned")
    entries = await api.call("ownerLedgerEntry/v1/list", {"associationId": e.association, "unitId": e.units[0]}, e.manager)
    assert sum(Decimal(n["amount"]) for n in entries["nodes"]) == 0
    assert {n["kind"] for n in entries["nodes"]} == {"adjustment", "credit"}
    # Upheld, the fine stands.
    w = await fined(api, e, 1)
    other = await _owner(api, e, 1)
    await api.call("violation/v1/appeal", {"id": w["id"], "reason": "Too much"}, other)
    upheld = await api.call("violation/v1/decideAppeal", {"id": w["id"], "upheld": True}, e.board)
    assert upheld["status"] == "fined" and len(upheld["fines"]) == 1
    assert (await wait_status(api, e, w["id"], "fined"))["fines"][0]["amount"] == "100.00"

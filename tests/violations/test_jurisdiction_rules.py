"""A test per jurisdiction rule: the violation workflow obeys each one, as the
data says it for California, Florida, Texas and elsewhere, and as an
association's governing documents make it stricter. The refusal names the
rule, its value and its citation; the violation records the version it used."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.violations.enforcement import LAWN, code, day, get, heard, observe, open_enforcement, uncured, wait_status

HEARING = {"method": "first_class_mail"}


@pytest.mark.parametrize(
    ("region", "days", "citation", "source"),
    [
        ("CA", 10, "CA Civil Code §5855(b)", "statute"),
        ("FL", 14, "FL Stat. §720.305(2)", "statute"),
        ("TX", 10, "TX Prop. Code §209.007(a)", "statute"),
        ("NV", 10, "No statute applies", "default"),
    ],
)
async def test_hearing_notice_days(api, region, days, citation, source) -> None:
    """No fine without a hearing noticed at least hearing_notice_days ahead: one
    day short is refused; exactly that many is accepted. Nevada has no rule on
    file: the default's, which says so."""
    method = "certified_mail" if region == "TX" else "first_class_mail"
    e = await open_enforcement(api, region)
    v = await _uncured(api, e, method)
    short = {"id": v["id"], "hearingOn": day(-1), "noticeSentOn": day(-days), "method": method}
    r = await api.rpc("violation/v1/scheduleHearing", short, token=e.manager.token, key="short")
    assert code(r) == (422, "HEARING_NOTICE_TOO_SHORT"), r.text
    details = r.json()["error"]["details"]
    assert (details["key"], details["value"], details["given"], details["source"]) == (
        "hearing_notice_days",
        days,
        days - 1,
        source,
    )
    assert details["citation"].startswith(citation) and citation in r.json()["error"]["message"]
    # Nothing moved: no fine can follow a hearing that was never scheduled.
    assert (await get(api, e, v["id"]))["status"] == "uncured"
    r = await api.rpc("violation/v1/decide", {"id": v["id"], "heldOn": day(0), "outcome": "fine"}, token=e.board.token, key="f")
    assert code(r) == (409, "INVALID_VIOLATION_TRANSITION")
    ok = await api.call("violation/v1/scheduleHearing", short | {"noticeSentOn": day(-1 - days)}, e.manager)
    assert ok["status"] == "hearing_scheduled" and ok["events"][-1]["details"]["rule"]["value"] == days


async def _uncured(api, e, method: str):
    v = (await observe(api, e))["violation"]
    await api.call("violation/v1/sendNotice", {"id": v["id"], "method": method, "sentOn": day(-50)}, e.manager)
    return await api.call("violation/v1/reinspect", {"id": v["id"], "inspectedOn": day(-30), "cured": False}, e.manager)


async def test_hearing_notice_days_stricter_in_the_governing_documents(api) -> None:
    e = await open_enforcement(
        api, "CA", overrides=({"key": "hearing_notice_days", "days": 30, "documentReference": "Bylaws §9.2"},)
    )
    v = await uncured(api, e)
    assert v["rulesUsed"]["rules"]["hearing_notice_days"] | {"citation": None} == {
        "kind": "days",
        "value": 30,
        "source": "governing_documents",
        "citation": None,
        "documentReference": "Bylaws §9.2",
        "jurisdiction": "US-CA",
        "effectiveOn": "2014-01-01",
    }
    r = await api.rpc(
        "violation/v1/scheduleHearing",
        {"id": v["id"], "hearingOn": day(-1), "noticeSentOn": day(-20), **HEARING},
        token=e.manager.token,
        key="statute-only",
    )
    assert code(r) == (422, "HEARING_NOTICE_TOO_SHORT")
    assert r.json()["error"]["details"]["documentReference"] == "Bylaws §9.2"


@pytest.mark.parametrize(("region", "days"), [("CA", 15), ("FL", 7), ("NV", 15)])
async def test_hearing_decision_delivery_days(api, region, days) -> None:
    """The written decision is due hearing_decision_delivery_days after the
    hearing (Nevada has no rule here: the default's). Delivered in time, the
    fine posts; not delivered by then, the workflow lapses the decision and no
    fine can follow it."""
    e = await open_enforcement(api, region, units=2)
    a = await heard(api, e, 0)
    decided = await api.call("violation/v1/decide", {"id": a["id"], "heldOn": day(-1), "outcome": "fine"}, e.board)
    assert decided["decisionDueBy"] == day(days - 1)
    assert decided["events"][-1]["details"]["rule"]["key"] == "hearing_decision_delivery_days"
    await api.call("violation/v1/deliverDecision", {"id": a["id"], "deliveredOn": day(0), **HEARING}, e.manager)
    assert len((await wait_status(api, e, a["id"], "fined"))["fines"]) == 1


@pytest.mark.parametrize("region", ["CA", "FL"])
async def test_an_undelivered_decision_lapses_and_supports_no_fine(api, region) -> None:
    e = await open_enforcement(api, region)
    v = await uncured(api, e)
    days = {"CA": 15, "FL": 7}[region]
    # A hearing held days + 1 days ago: its decision was due yesterday.
    await api.call(
        "violation/v1/scheduleHearing",
        {"id": v["id"], "hearingOn": day(-days - 1), "noticeSentOn": day(-29), **HEARING},
        e.manager,
    )
    await api.call("violation/v1/decide", {"id": v["id"], "heldOn": day(-days - 1), "outcome": "fine"}, e.board)
    r = await api.rpc(
        "violation/v1/deliverDecision", {"id": v["id"], "deliveredOn": day(0), **HEARING}, token=e.manager.token, key="late"
    )
    # Refused either way: late (if asked before the workflow lapsed it) or no longer decided.
    assert code(r) in ((422, "DECISION_DELIVERY_LATE"), (409, "INVALID_VIOLATION_TRANSITION")), r.text
    lapsed = await wait_status(api, e, v["id"], "uncured")
    event = lapsed["events"][-1]
    assert (event["kind"], event["actorId"], event["details"]["rule"]["value"]) == ("decision_lapsed", None, days)
    assert (lapsed["fineAmount"], lapsed["fines"]) == (None, [])


async def test_fine_schedule_required(api) -> None:
    """Fines only from the published schedule: a rule without a scheduled fine
    can't be fined, and the schedule's amount can't be replaced."""
    unscheduled = LAWN | {"code": "PKG-01", "title": "Parking", "fineFirst": None, "fineRepeat": None}
    e = await open_enforcement(api, "CA", units=2, rule=unscheduled)
    v = await heard(api, e)
    r = await api.rpc("violation/v1/decide", {"id": v["id"], "heldOn": day(0), "outcome": "fine"}, token=e.board.token, key="a")
    assert code(r) == (422, "FINE_SCHEDULE_REQUIRED")
    assert r.json()["error"]["details"]["citation"].startswith("CA Civil Code §5850(a)")
    scheduled = await api.call("violationRule/v1/create", {"associationId": e.association, **LAWN}, e.board)
    w = await heard(api, e, 1, rule=scheduled["id"])
    r = await api.rpc(
        "violation/v1/decide",
        {"id": w["id"], "heldOn": day(0), "outcome": "fine", "fineAmount": "250.00"},
        token=e.board.token,
        key="b",
    )
    assert code(r) == (422, "FINE_SCHEDULE_REQUIRED")
    ok = await api.call("violation/v1/decide", {"id": w["id"], "heldOn": day(0), "outcome": "fine"}, e.board)
    assert ok["fineAmount"] == "100.00"


async def test_max_fine(api) -> None:
    """No statute here caps a fine; governing documents that set max_fine do,
    and a fine above it is refused (and a continuing fine is cut to it)."""
    e = await open_enforcement(api, "CA", overrides=({"key": "max_fine", "amount": "75.00", "documentReference": "CC&Rs §12.1"},))
    v = await heard(api, e)
    r = await api.rpc("violation/v1/decide", {"id": v["id"], "heldOn": day(0), "outcome": "fine"}, token=e.board.token, key="m")
    assert code(r) == (422, "FINE_ABOVE_MAXIMUM")
    details = r.json()["error"]["details"]
    assert (details["key"], Decimal(details["value"]), details["source"]) == ("max_fine", Decimal("75.00"), "governing_documents")


@pytest.mark.parametrize(
    ("region", "refused", "allowed"),
    [("TX", "first_class_mail", "certified_mail"), ("CA", "certified_mail", "first_class_mail")],
)
async def test_notice_delivery_methods(api, region, refused, allowed) -> None:
    """Texas sends notice before a fine by certified mail only; California by
    first-class mail, personal delivery or (with consent) email."""
    e = await open_enforcement(api, region)
    v = (await observe(api, e))["violation"]
    r = await api.rpc(
        "violation/v1/sendNotice", {"id": v["id"], "method": refused, "sentOn": day(-50)}, token=e.manager.token, key="x"
    )
    assert code(r) == (422, "DELIVERY_METHOD_NOT_ALLOWED")
    assert r.json()["error"]["details"]["key"] == "notice_delivery_methods"
    sent = await api.call("violation/v1/sendNotice", {"id": v["id"], "method": allowed, "sentOn": day(-50)}, e.manager)
    assert sent["events"][-1]["details"]["method"] == allowed


async def test_notice_methods_narrowed_by_the_governing_documents(api) -> None:
    e = await open_enforcement(
        api,
        "CA",
        overrides=({"key": "notice_delivery_methods", "methods": ["personal_delivery"], "documentReference": "Rules §2"},),
    )
    v = (await observe(api, e))["violation"]
    checks = await api.call("violation/v1/checkNotice", {"id": v["id"], "method": "first_class_mail"}, e.manager)
    assert {c["check"]: c["ok"] for c in checks["checks"]}["delivery_method"] is False


async def test_the_rules_of_the_day_of_the_sighting_stay_with_the_violation(api) -> None:
    """A violation keeps the rule-set version it started under: an override set
    later applies to violations observed later."""
    e = await open_enforcement(api, "FL", units=2)
    before = (await observe(api, e, 0))["violation"]
    await api.call(
        "jurisdictionRuleOverride/v1/set",
        {"id": e.association, "key": "hearing_notice_days", "days": 21, "documentReference": "CC&Rs §8"},
        e.admin,
    )
    after = (await observe(api, e, 1))["violation"]
    rules = [v["rulesUsed"]["rules"]["hearing_notice_days"] for v in (before, after)]
    assert [(r["value"], r["source"], r["effectiveOn"]) for r in rules] == [
        (14, "statute", "2024-07-01"),
        (21, "governing_documents", "2024-07-01"),
    ]
    assert before["rulesUsed"]["jurisdiction"] == "US-FL"

"""A violation from its first sighting to its fine: notice, cure period (the
workflow's timer), re-inspection, hearing, decision, delivery, and the fine
posted once to the owner's ledger on the fine income account."""

from __future__ import annotations

from decimal import Decimal

from tests.violations.enforcement import code, day, get, heard, noticed, observe, open_enforcement, uncured, wait_status


async def test_from_sighting_to_fine(api) -> None:
    e = await open_enforcement(api, "CA")
    logged = await observe(api, e)
    v = logged["violation"]
    assert (logged["duplicate"], logged["repeat"], v["status"]) == (False, False, "observed")
    assert v["jurisdiction"] == "US-CA"
    notice_rule = v["rulesUsed"]["rules"]["hearing_notice_days"]
    assert (notice_rule["value"], notice_rule["jurisdiction"], notice_rule["effectiveOn"], notice_rule["source"]) == (
        10,
        "US-CA",
        "2014-01-01",
        "statute",
    )
    checks = await api.call("violation/v1/checkNotice", {"id": v["id"], "method": "first_class_mail"}, e.manager)
    assert checks["ok"] and [c["check"] for c in checks["checks"]] == [
        "status",
        "rule_active",
        "unit_active",
        "owners_known",
        "mailing_address",
        "delivery_method",
    ]
    assert [r["name"] for r in checks["recipients"]] == ["Owner 1"] and "Maple Grove Ln" in checks["recipients"][0]["address"]

    sent = await api.call("violation/v1/sendNotice", {"id": v["id"], "method": "first_class_mail", "sentOn": day(-50)}, e.manager)
    assert (sent["status"], sent["cureBy"]) == ("notice_sent", day(-36))
    # The cure date has passed: the workflow marks it due for re-inspection on its own.
    due = await wait_status(api, e, v["id"], "reinspection_due")
    assert due["events"][-1]["kind"] == "cure_period_ended" and due["events"][-1]["actorId"] is None
    found = await api.call("violation/v1/reinspect", {"id": v["id"], "inspectedOn": day(-30), "cured": False}, e.manager)
    assert found["status"] == "uncured"
    hearing = await api.call(
        "violation/v1/scheduleHearing",
        {"id": v["id"], "hearingOn": day(-1), "noticeSentOn": day(-12), "method": "first_class_mail"},
        e.manager,
    )
    assert (hearing["status"], hearing["hearingOn"]) == ("hearing_scheduled", day(-1))
    assert hearing["events"][-1]["details"]["rule"]["citation"].startswith("CA Civil Code §5855(b)")
    decided = await api.call("violation/v1/decide", {"id": v["id"], "heldOn": day(-1), "outcome": "fine"}, e.board)
    assert (decided["status"], decided["fineAmount"], decided["decisionDueBy"]) == ("decided", "100.00", day(14))
    delivered = await api.call(
        "violation/v1/deliverDecision", {"id": v["id"], "deliveredOn": day(0), "method": "first_class_mail"}, e.manager
    )
    assert delivered["status"] in ("fine_pending", "fined")
    done = await wait_status(api, e, v["id"], "fined")
    [fine] = done["fines"]
    assert (fine["kind"], fine["amount"], fine["finedOn"]) == ("first", "100.00", day(0))
    assert [x["kind"] for x in done["events"]] == [
        "observed",
        "notice_sent",
        "cure_period_ended",
        "reinspected",
        "hearing_scheduled",
        "decided",
        "decision_delivered",
        "fine_posted",
    ]
    # On the owner's ledger, through receivables, on the fine income account.
    entries = await api.call("ownerLedgerEntry/v1/list", {"associationId": e.association, "unitId": e.units[0]}, e.manager)
    [charge] = [n for n in entries["nodes"] if n["id"] == fine["ownerLedgerEntryId"]]
    assert (Decimal(charge["amount"]), charge["accountId"]) == (Decimal("100.00"), e.accounts["4120"])
    # Cured at last: it closes, and nothing more is charged.
    closed = await api.call("violation/v1/reinspect", {"id": v["id"], "inspectedOn": day(0), "cured": True}, e.manager)
    assert (closed["status"], closed["resolution"]) == ("closed", "cured")


async def test_a_sighting_of_an_open_violation_is_a_duplicate_and_a_later_one_a_repeat(api) -> None:
    e = await open_enforcement(api, "CA")
    first = await observe(api, e, observed=day(-100))
    again = await observe(api, e, observed=day(-99), description="Still high.")
    assert (again["duplicate"], again["violation"]["id"]) == (True, first["violation"]["id"])
    assert [o["isDuplicate"] for o in again["violation"]["observations"]] == [False, True]
    other_unit = await observe(api, e, unit=1, observed=day(-99))
    assert (other_unit["duplicate"], other_unit["repeat"]) == (False, False)
    notice = {"id": first["violation"]["id"], "method": "first_class_mail", "sentOn": day(-98)}
    await api.call("violation/v1/sendNotice", notice, e.manager)
    await api.call("violation/v1/reinspect", {"id": first["violation"]["id"], "inspectedOn": day(-90), "cured": True}, e.manager)
    later = await observe(api, e, observed=day(-10))
    assert (later["duplicate"], later["repeat"], later["violation"]["repeatOfId"]) == (False, True, first["violation"]["id"])
    # A repeat is fined from the repeat line of the schedule.
    v = later["violation"]
    await api.call("violation/v1/sendNotice", {"id": v["id"], "method": "first_class_mail", "sentOn": day(-9)}, e.manager)
    r = await api.rpc(
        "violation/v1/reinspect", {"id": v["id"], "inspectedOn": day(0), "cured": False}, token=e.manager.token, key="early"
    )
    assert code(r) == (422, "CURE_PERIOD_NOT_OVER")


async def test_steps_out_of_order_are_refused(api) -> None:
    e = await open_enforcement(api, "CA")
    v = (await observe(api, e))["violation"]
    for name, body in (
        ("violation/v1/decide", {"heldOn": day(0), "outcome": "fine"}),
        ("violation/v1/deliverDecision", {"deliveredOn": day(0), "method": "first_class_mail"}),
        ("violation/v1/reinspect", {"inspectedOn": day(0), "cured": False}),
    ):
        caller = e.board if name.endswith("decide") else e.manager
        r = await api.rpc(name, {"id": v["id"]} | body, token=caller.token, key=name)
        assert code(r) == (409, "INVALID_VIOLATION_TRANSITION"), (name, r.text)
    # A curable violation goes to a hearing only once found uncured.
    r = await api.rpc(
        "violation/v1/scheduleHearing",
        {"id": v["id"], "hearingOn": day(0), "noticeSentOn": day(-20), "method": "first_class_mail"},
        token=e.manager.token,
        key="early-hearing",
    )
    assert code(r) == (409, "INVALID_VIOLATION_TRANSITION")
    r = await api.rpc(
        "violation/v1/sendNotice", {"id": v["id"], "method": "first_class_mail", "sentOn": day(1)}, token=e.manager.token, key="f"
    )
    assert code(r) == (422, "DATE_IN_FUTURE")
    r = await api.rpc(
        "violation/v1/sendNotice",
        {"id": v["id"], "method": "first_class_mail", "sentOn": day(-61)},
        token=e.manager.token,
        key="b",
    )
    assert code(r) == (422, "DATE_OUT_OF_ORDER")
    assert (await get(api, e, v["id"]))["status"] == "observed"
    # The hearing's decision only on or after its day.
    h = await heard(api, e, unit=1)
    r = await api.rpc("violation/v1/decide", {"id": h["id"], "heldOn": day(-2), "outcome": "fine"}, token=e.board.token, key="d")
    assert code(r) == (422, "DATE_OUT_OF_ORDER")


async def test_no_fine_closes_and_more_time_sends_back_to_cure(api) -> None:
    e = await open_enforcement(api, "CA", units=2)
    a = await heard(api, e, 0)
    await api.call(
        "violation/v1/decide", {"id": a["id"], "heldOn": day(-1), "outcome": "no_fine", "note": "Owner was ill"}, e.board
    )
    closed = await api.call(
        "violation/v1/deliverDecision", {"id": a["id"], "deliveredOn": day(0), "method": "first_class_mail"}, e.manager
    )
    assert (closed["status"], closed["resolution"], closed["fines"]) == ("closed", "no_fine", [])
    b = await heard(api, e, 1)
    await api.call("violation/v1/decide", {"id": b["id"], "heldOn": day(-1), "outcome": "more_time", "cureDays": 30}, e.board)
    again = await api.call(
        "violation/v1/deliverDecision", {"id": b["id"], "deliveredOn": day(0), "method": "first_class_mail"}, e.manager
    )
    assert (again["status"], again["cureBy"]) == ("notice_sent", day(30))


async def test_dismissal_ends_the_violation_and_its_workflow(api) -> None:
    e = await open_enforcement(api, "CA")
    v = await uncured(api, e)
    dismissed = await api.call("violation/v1/dismiss", {"id": v["id"], "reason": "Observed at the wrong address"}, e.board)
    assert (dismissed["status"], dismissed["resolution"]) == ("dismissed", "dismissed")
    r = await api.rpc("violation/v1/dismiss", {"id": v["id"], "reason": "again"}, token=e.board.token, key="again")
    assert code(r) == (409, "INVALID_VIOLATION_TRANSITION")
    from tests.payables.desk import wait_workflow

    await wait_workflow(api, e.admin, v["workflowId"], "SUCCESS")
    # A dismissed violation is no repeat's reason.
    later = await observe(api, e, observed=day(0))
    assert (later["duplicate"], later["repeat"]) == (False, False)


async def test_a_notice_goes_only_where_it_can_reach(api) -> None:
    e = await open_enforcement(api, "CA")
    v = await noticed(api, e)
    # Second unit: its owner moved out and left no mailing address.
    other = (await observe(api, e, unit=1))["violation"]
    residents = await api.call("resident/v1/list", {"unitId": e.units[1]}, e.admin)
    await api.call("resident/v1/update", {"id": residents["nodes"][0]["id"], "movedOutOn": day(-1)}, e.admin)
    checks = await api.call("violation/v1/checkNotice", {"id": other["id"], "method": "first_class_mail"}, e.manager)
    failing = {c["check"]: c["code"] for c in checks["checks"] if not c["ok"]}
    assert failing == {"mailing_address": "MAILING_ADDRESS_UNKNOWN"}
    r = await api.rpc(
        "violation/v1/sendNotice",
        {"id": other["id"], "method": "first_class_mail", "sentOn": day(0)},
        token=e.manager.token,
        key="m",
    )
    assert code(r) == (422, "MAILING_ADDRESS_UNKNOWN")
    # By email: the owner has an address but never consented to electronic delivery.
    r = await api.rpc(
        "violation/v1/sendNotice", {"id": other["id"], "method": "email", "sentOn": day(0)}, token=e.manager.token, key="e"
    )
    assert code(r) == (422, "EMAIL_NOT_CONSENTED")
    await api.call("party/v1/update", {"id": e.parties[1], "mailingAddress": "PO Box 9\nReno, NV 89501"}, e.admin)
    sent = await api.call(
        "violation/v1/sendNotice", {"id": other["id"], "method": "first_class_mail", "sentOn": day(0)}, e.manager
    )
    assert sent["events"][-1]["details"]["recipients"][0]["address"] == "PO Box 9\nReno, NV 89501"
    # A retired rule is cited by no new notice.
    await api.call("violationRule/v1/update", {"id": e.rule, "isActive": False}, e.manager)
    found = await api.call("violation/v1/reinspect", {"id": v["id"], "inspectedOn": day(-30), "cured": False}, e.manager)
    r = await api.rpc(
        "violation/v1/sendNotice",
        {"id": found["id"], "method": "first_class_mail", "sentOn": day(0)},
        token=e.manager.token,
        key="r",
    )
    assert code(r) == (422, "RULE_INACTIVE")

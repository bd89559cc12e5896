"""Collections against each jurisdiction's data, with days a fraction of a second
(`workflow_day_seconds`): a policy looser than the statute is refused; the
nightly run moves each delinquent unit one step a night (reminder → late notice
→ notice of intent), twice in a night moves nobody twice; the case's workflow
keeps the statutory wait (California 30 days, Florida 45 after a 45-day late
notice), takes the board's approval as an event, records the lien and refers the
account, refusing foreclosure under California's floors; a settled balance
closes a case and a payment plan suspends it until it fails; a step re-run
after a crash has its effects once."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from dbos import DBOS, SetWorkflowID
from sqlalchemy import text

from domains.collections.service import cases
from graph.db import scoped_transaction
from graph.durable import WORKFLOWS, pending, perform
from tests.receivables.books import Receivables, check_books, open_receivables, pay, raw

DAY = 0.06  # seconds: 30 days = 1.8 s, 45 days = 2.7 s


@pytest.fixture
def short_days(platform):
    before = platform.settings.workflow_day_seconds
    platform.settings.workflow_day_seconds = DAY
    yield DAY
    platform.settings.workflow_day_seconds = before


def policy(r: Receivables, **more: Any) -> dict[str, Any]:
    return {
        "associationId": r.c.association,
        "reminderAfterDays": 15,
        "lateNoticeAfterDays": 0,
        "intentAfterDays": 0,
        "lienWaitDays": 30,
        "referralAfterDays": 0,
        "minBalance": "25.00",
        "lateNoticeFee": "10.00",
        "intentFee": "25.00",
        "lienFee": "50.00",
    } | more


async def charge(api, r: Receivables, unit: int, amount: str, on: str) -> None:
    body = {"unitId": r.c.units[unit], "amount": amount, "entryDate": on, "memo": "Dues"}
    await api.call("ownerLedgerEntry/v1/charge", body, r.c.admin)


async def run(api, r: Receivables, night: str) -> dict[str, int]:
    started = await api.call("collectionCase/v1/run", {"associationId": r.c.association, "night": night}, r.c.admin)
    return await (await DBOS.retrieve_workflow_async(started["workflowId"])).get_result(polling_interval_sec=0.02)


async def cases_by_unit(api, r: Receivables) -> dict[int, dict[str, Any]]:
    listed = await api.call("collectionCase/v1/list", {"associationId": r.c.association}, r.c.admin)
    return {r.c.units.index(c["unitId"]): c for c in listed["nodes"] if c["status"] != "closed"} | {
        -1 - r.c.units.index(c["unitId"]): c for c in listed["nodes"] if c["status"] == "closed"
    }


async def until(api, r: Receivables, case_id: str, status: str, seconds: float = 15) -> dict[str, Any]:
    for _ in range(int(seconds / 0.05)):
        case = await api.call("collectionCase/v1/get", {"id": case_id}, r.c.admin)
        if case["status"] == status:
            return case
        await asyncio.sleep(0.05)
    raise AssertionError(f"case never reached {status}: {case['status']}")


async def refused(api, r: Receivables, name: str, body: dict[str, Any], status: int, code: str) -> dict[str, Any]:
    response = await api.rpc(name, body, token=r.c.admin.token, key=f"{name}-{code}-{datetime.now(UTC).timestamp()}")
    assert response.status_code == status and response.json()["error"]["code"] == code, response.text
    return response.json()["error"]


async def letters(platform, r: Receivables, case_id: str) -> list[tuple[str, str, str]]:
    async with scoped_transaction(platform.sessions, raw(r.c.org), None) as session:
        rows = await session.execute(
            text("SELECT source, channel::text, subject FROM messages WHERE source LIKE :s ORDER BY created_at"),
            {"s": f"collection:{raw(case_id)}:%"},
        )
        return [tuple(row) for row in rows.all()]


async def test_california_policy_steps_lien_and_referral(api, platform, short_days) -> None:
    r = await open_receivables(api, 3)
    await charge(api, r, 0, "1000.00", "2026-01-05")
    await charge(api, r, 1, "50.00", "2026-11-10")
    await refused(api, r, "collectionCase/v1/run", {"associationId": r.c.association}, 404, "COLLECTION_POLICY_MISSING")

    # Looser than California: a 20-day wait, no payment-plan offer, no board approval of liens, a fee over the cap.
    loose = policy(r, lienWaitDays=20, offersPaymentPlan=False, lienNeedsBoardApproval=False, intentFee="200.00")
    error = await refused(api, r, "collectionPolicy/v1/set", loose, 422, "COLLECTION_POLICY_BELOW_STATUTE")
    found = {(v["field"], v["key"]) for v in error["details"]["violations"]}
    assert found == {
        ("lien_wait_days", "collection_lien_notice_days"),
        ("offers_payment_plan", "collection_payment_plan_offer_required"),
        ("lien_needs_board_approval", "collection_lien_board_approval_required"),
        ("intent_fee", "collection_fee_cap"),
    }
    assert any("§5660" in v["citation"] for v in error["details"]["violations"])
    set_ = await api.call("collectionPolicy/v1/set", policy(r), r.c.admin)
    assert set_["version"] == 1 and set_["rulesUsed"]["jurisdiction"] == "US-CA"

    # Night 1: unit 1 is 10 days late (under 15), unit 0 gets the reminder.
    preview = await api.call("collectionCase/v1/preview", {"associationId": r.c.association, "night": "2026-11-20"}, r.c.admin)
    moves = {r.c.units.index(row["unitId"]): (row["action"], row["reason"]) for row in preview["rows"]}
    assert preview["moving"] == 1 and moves[0][0] == "reminder" and moves[1][0] is None
    assert await run(api, r, "2026-11-20") == {"reminder": 1}
    # Twice in a night: the same run joined; another run that night moves nobody.
    assert await run(api, r, "2026-11-20") == {"reminder": 1}
    with SetWorkflowID("collections-again"):
        again = await DBOS.start_workflow_async(
            WORKFLOWS[cases.RUN_WORKFLOW], str(raw(r.c.org)), str(raw(r.c.association)), "2026-11-20", DAY
        )
    assert await again.get_result() == {}
    case = (await cases_by_unit(api, r))[0]
    assert [s["kind"] for s in case["steps"]] == ["reminder"]

    # A lien is the board's only once the case waits for it.
    body = {"id": case["id"], "action": "lien", "reference": "Board minutes"}
    await refused(api, r, "collectionCase/v1/approve", body, 409, "COLLECTION_NOT_AWAITING_APPROVAL")

    assert await run(api, r, "2026-11-21") == {"late_notice": 1}
    assert await run(api, r, "2026-11-22") == {"intent_to_lien": 1}
    case = await api.call("collectionCase/v1/get", {"id": case["id"]}, r.c.admin)
    intent = case["steps"][-1]
    assert (case["status"], intent["kind"], intent["delivery"], intent["fee"]) == (
        "intent_sent",
        "intent_to_lien",
        "certified_mail",
        "25.00",
    )
    assert "§5660" in intent["details"]["rule"]["citation"]
    # Before 30 days after the pre-lien notice: refused, with when the period ends.
    error = await refused(api, r, "collectionCase/v1/approve", body, 409, "COLLECTION_NOTICE_PERIOD_RUNNING")
    assert datetime.fromisoformat(error["details"]["dueAt"]) > datetime.now(UTC)
    waiting = await until(api, r, case["id"], "awaiting_lien_approval")
    elapsed = datetime.fromisoformat(waiting["steps"][-1]["occurredAt"]) - datetime.fromisoformat(intent["occurredAt"])
    assert elapsed.total_seconds() >= 30 * DAY
    await api.call("collectionCase/v1/approve", body, r.c.admin)
    recorded = await until(api, r, case["id"], "awaiting_referral_approval")
    assert recorded["lienAmount"] == "1035.00"  # the balance: 1000 + the late notice's and the intent's fees

    # Foreclosure: under $1,800 of assessments and under 12 months delinquent.
    refer = {"id": case["id"], "action": "attorney_referral", "reference": "Board minutes", "foreclose": True}
    error = await refused(api, r, "collectionCase/v1/approve", refer, 422, "COLLECTION_FORECLOSURE_NOT_ALLOWED")
    assert {x["key"] for x in error["details"]["reasons"]} == {
        "collection_foreclosure_min_amount",
        "collection_foreclosure_min_delinquent_days",
    }
    await api.call("collectionCase/v1/approve", refer | {"foreclose": False}, r.c.admin)
    done = await until(api, r, case["id"], "referred")
    assert await (await DBOS.retrieve_workflow_async(done["workflowId"])).get_result() == "referred"
    assert [s["kind"] for s in done["steps"]] == [
        "reminder",
        "late_notice",
        "intent_to_lien",
        "notice_period_ended",
        "lien_approved",
        "lien_recorded",
        "referral_due",
        "referral_approved",
        "attorney_referral",
    ]
    assert sum(Decimal(s["fee"] or 0) for s in done["steps"]) == Decimal("85.00")
    sent = await letters(platform, r, case["id"])
    assert [subject.split(":")[0] for _, _, subject in sent] == [
        "Friendly reminder",
        "Notice of late assessment",
        "Notice of intent to record a lien",
        "Notice of lien recorded",
        "Notice of referral to the association's attorney",
    ]
    assert {channel for _, channel, _ in sent} == {"mail"}
    owed = await check_books(platform, r)
    assert owed[raw(r.c.units[0])] == Decimal("1085.00")


async def _florida(api) -> Receivables:
    r = await open_receivables(api, 2)
    await api.call("association/v1/update", {"id": r.c.association, "region": "FL"}, r.c.admin)
    return r


async def test_florida_two_45_day_notices(api, platform, short_days) -> None:
    r = await _florida(api)
    await charge(api, r, 0, "700.00", "2026-01-05")
    error = await refused(api, r, "collectionPolicy/v1/set", policy(r), 422, "COLLECTION_POLICY_BELOW_STATUTE")
    assert {(v["field"], v["required"]) for v in error["details"]["violations"]} == {
        ("intent_after_days", 45),
        ("lien_wait_days", 45),
    }
    # Florida asks no offers and no board approval of the lien; its fee has no cap here.
    florida = policy(
        r, intentAfterDays=45, lienWaitDays=45, offersMeetAndConfer=False, offersPaymentPlan=False, lienNeedsBoardApproval=False,
        intentFee="200.00",
    )  # fmt: skip
    assert (await api.call("collectionPolicy/v1/set", florida, r.c.admin))["rulesUsed"]["jurisdiction"] == "US-FL"
    assert await run(api, r, "2026-11-01") == {"reminder": 1}
    assert await run(api, r, "2026-11-02") == {"late_notice": 1}
    # The 45-day notice of late assessment holds the notice of intent back.
    preview = await api.call("collectionCase/v1/preview", {"associationId": r.c.association, "night": "2026-11-03"}, r.c.admin)
    (row,) = preview["rows"]
    assert row["action"] is None and row["reason"].startswith("45 days after the late notice")
    assert await run(api, r, "2026-11-03") == {}
    await asyncio.sleep(max(0, (datetime.fromisoformat(row["waitsUntil"]) - datetime.now(UTC)).total_seconds()) + 0.05)
    assert await run(api, r, "2026-11-04") == {"intent_to_lien": 1}
    case = (await cases_by_unit(api, r))[0]
    intent = case["steps"][-1]
    assert intent["delivery"] == "certified_mail" and "§720.3085(4)" in intent["details"]["rule"]["citation"]
    assert intent["details"]["rule"]["days"] == 45
    # No board approval in this policy: the lien follows the 45-day notice by itself.
    recorded = await until(api, r, case["id"], "awaiting_referral_approval")
    kinds = [s["kind"] for s in recorded["steps"]]
    assert kinds[3:] == ["notice_period_ended", "lien_recorded", "referral_due"]
    elapsed = datetime.fromisoformat(recorded["steps"][3]["occurredAt"]) - datetime.fromisoformat(intent["occurredAt"])
    assert elapsed.total_seconds() >= 45 * DAY
    # Florida has no foreclosure floors in the data: a referral to foreclose is the board's call.
    body = {"id": case["id"], "action": "attorney_referral", "reference": "Board minutes", "foreclose": True}
    await api.call("collectionCase/v1/approve", body, r.c.admin)
    await until(api, r, case["id"], "referred")
    await check_books(platform, r)


async def test_settled_closes_and_a_payment_plan_suspends_until_it_fails(api, platform, short_days) -> None:
    r = await open_receivables(api, 3)
    await charge(api, r, 0, "900.00", "2026-01-05")
    await charge(api, r, 1, "600.00", "2026-01-05")
    await charge(api, r, 2, "400.00", "2026-01-05")
    excluded = {"unitId": r.c.units[2], "reason": "In dispute"}
    await api.call("collectionPolicy/v1/set", policy(r, exclusions=[excluded]), r.c.admin)
    assert await run(api, r, "2026-11-01") == {"reminder": 2}  # unit 3 is excluded

    plan = await api.call(
        "paymentPlan/v1/create",
        {"unitId": r.c.units[0], "startsOn": "2026-11-01", "instalments": 3, "firstDueOn": "2026-11-02", "graceDays": 0},
        r.c.admin,
    )
    await pay(api, r, 1, "600.00", "2026-11-01")
    assert await run(api, r, "2026-11-02") == {"suspended": 1, "closed": 1}
    by_unit = await cases_by_unit(api, r)
    assert by_unit[0]["status"] == "suspended" and by_unit[0]["resumeStatus"] == "reminded"
    assert (by_unit[-2]["status"], by_unit[-2]["closedReason"]) == ("closed", "balance settled")
    assert await run(api, r, "2026-11-03") == {}  # the plan is kept
    preview = await api.call("collectionCase/v1/preview", {"associationId": r.c.association, "night": "2026-11-04"}, r.c.admin)
    assert {row["reason"] for row in preview["rows"] if row["unitId"] == r.c.units[0]} == {"payment plan kept"}

    # The first instalment is missed: the plan defaults and the case resumes where it stood.
    review = await api.call("paymentPlan/v1/review", {"associationId": r.c.association, "asOf": "2026-11-05"}, r.c.admin)
    assert review["defaulted"] == 1
    assert await run(api, r, "2026-11-05") == {"resumed": 1}
    assert await run(api, r, "2026-11-06") == {"late_notice": 1}
    case = await api.call("collectionCase/v1/get", {"id": by_unit[0]["id"]}, r.c.admin)
    assert [s["kind"] for s in case["steps"]] == ["reminder", "suspended", "resumed", "late_notice"]
    assert plan["status"] == "active"
    # Paying the rest closes it; a new delinquency would open a new case.
    await pay(api, r, 0, "910.00", "2026-11-06")
    assert await run(api, r, "2026-11-07") == {"closed": 1}
    await check_books(platform, r)


async def test_a_step_run_again_after_a_crash_has_its_effects_once(api, platform, short_days) -> None:
    r = await open_receivables(api, 2)
    await charge(api, r, 0, "500.00", "2026-01-05")
    await api.call("collectionPolicy/v1/set", policy(r, reminderFee="5.00"), r.c.admin)
    org, association, unit = raw(r.c.org), raw(r.c.association), raw(r.c.units[0])

    async def advance(night: str) -> str | None:
        # What a recovered workflow does with a step whose transaction committed
        # before its checkpoint was written: the step's body runs again.
        async with scoped_transaction(platform.sessions, org, None) as session:
            moved = await cases.advance(session, org, association, unit, date.fromisoformat(night), DAY)
            actions = pending(session)
        await perform(actions)
        return moved

    assert await advance("2026-11-01") == "reminder"
    assert await advance("2026-11-01") is None
    assert await advance("2026-11-02") == "late_notice"
    assert await advance("2026-11-02") is None
    case = (await cases_by_unit(api, r))[0]
    assert [(s["kind"], s["fee"]) for s in case["steps"]] == [("reminder", "5.00"), ("late_notice", "10.00")]
    assert len(await letters(platform, r, case["id"])) == 2
    owed = await check_books(platform, r)
    assert owed[unit] == Decimal("515.00")
    async with scoped_transaction(platform.sessions, org, None) as session:
        fees = await session.scalar(
            text("SELECT count(*) FROM owner_ledger_entries WHERE unit_id = :u AND memo LIKE '%collection step%'"), {"u": unit}
        )
        audits = await session.scalar(
            text("SELECT count(*) FROM audit_events WHERE operation LIKE 'collectionCase/%' AND organization_id = :o"), {"o": org}
        )
    assert (fees, audits) == (2, 2)

    # The workflow's own step, run twice, records the lien once.
    assert await advance("2026-11-03") == "intent_to_lien"
    waited = await until(api, r, case["id"], "awaiting_lien_approval")
    async with scoped_transaction(platform.sessions, org, None) as session:
        again = await cases.act(session, raw(case["id"]), "notice_period_ended", "intent_sent", DAY)
    assert again == "awaiting_lien_approval"
    assert len((await api.call("collectionCase/v1/get", {"id": case["id"]}, r.c.admin))["steps"]) == len(waited["steps"])

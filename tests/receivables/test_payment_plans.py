"""Payment plans: a unit's balance split into instalments; payments from the
agreement on cover them in due-date order; the review completes a paid-off plan
and defaults one with an instalment missed past its grace days; every status
change is a row; owners read their own plans."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import text

from graph.db import scoped_transaction
from tests.receivables.books import Receivables, check_books, open_receivables, pay, raw


async def _charge(api, r: Receivables, unit: int, amount: str, on: str) -> None:
    body = {"unitId": r.c.units[unit], "amount": amount, "entryDate": on, "memo": "Dues"}
    await api.call("ownerLedgerEntry/v1/charge", body, r.c.admin)


async def _plan(api, r: Receivables, unit: int, **more: Any) -> dict[str, Any]:
    body = {"unitId": r.c.units[unit], "startsOn": "2026-02-01", "instalments": 3, "firstDueOn": "2026-02-15"} | more
    return await api.call("paymentPlan/v1/create", body, r.c.admin)


async def test_plan_schedule_standing_completion_and_default(api, platform) -> None:
    r = await open_receivables(api, 3)
    await _charge(api, r, 0, "1000.00", "2026-01-05")
    await _charge(api, r, 1, "300.00", "2026-01-05")
    plan = await _plan(api, r, 0, memo="Agreed at meet and confer")
    assert (plan["amount"], plan["status"], plan["paid"]) == ("1000.00", "active", "0.00")
    assert [(i["seq"], i["dueOn"], i["amount"], i["state"]) for i in plan["instalments"]] == [
        (1, "2026-02-15", "333.33", "open"),
        (2, "2026-03-15", "333.33", "open"),
        (3, "2026-04-15", "333.34", "open"),
    ]
    r2 = await api.rpc("paymentPlan/v1/create", {"unitId": r.c.units[0], "startsOn": "2026-02-01", "instalments": 2,
                                                  "firstDueOn": "2026-02-15"}, token=r.c.admin.token, key="twice")  # fmt: skip
    assert r2.status_code == 409 and r2.json()["error"]["code"] == "PAYMENT_PLAN_EXISTS"

    # A payment before the agreement doesn't count; the one after covers the first instalment and part of the second.
    await pay(api, r, 0, "50.00", "2026-01-20")
    await pay(api, r, 0, "400.00", "2026-02-10")
    got = await api.call("paymentPlan/v1/get", {"id": plan["id"], "asOf": "2026-03-25"}, r.c.admin)
    assert got["paid"] == "400.00"
    assert [(i["paid"], i["state"]) for i in got["instalments"]] == [("333.33", "paid"), ("66.67", "missed"), ("0.00", "open")]
    # Within the grace days nothing is missed yet.
    within = await api.call("paymentPlan/v1/get", {"id": plan["id"], "asOf": "2026-03-20"}, r.c.admin)
    assert [i["state"] for i in within["instalments"]] == ["paid", "open", "open"]
    review = await api.call("paymentPlan/v1/review", {"associationId": r.c.association, "asOf": "2026-03-20"}, r.c.admin)
    assert review == {"completed": 0, "defaulted": 0}

    # Unit 2 pays its plan off.
    other = await _plan(api, r, 1, instalments=2, graceDays=0)
    await pay(api, r, 1, "300.00", "2026-02-20")
    review = await api.call("paymentPlan/v1/review", {"associationId": r.c.association, "asOf": "2026-03-25"}, r.c.admin)
    assert review == {"completed": 1, "defaulted": 1}
    listed = await api.call("paymentPlan/v1/list", {"associationId": r.c.association}, r.c.admin)
    assert {p["id"]: p["status"] for p in listed["nodes"]} == {plan["id"]: "defaulted", other["id"]: "completed"}
    # A defaulted plan frees the unit for a new one.
    await _plan(api, r, 0, startsOn="2026-03-26", firstDueOn="2026-04-01")
    async with scoped_transaction(platform.sessions, raw(r.c.org), None) as session:
        rows = (
            await session.execute(
                text("SELECT from_status::text, to_status::text, reason FROM payment_plan_transitions WHERE plan_id = :p "
                     "ORDER BY changed_at"),
                {"p": raw(plan["id"])},
            )
        ).all()  # fmt: skip
    assert [(a, b) for a, b, _ in rows] == [(None, "active"), ("active", "defaulted")]
    assert "instalment 2" in rows[1][2]
    await check_books(platform, r)  # a plan posts nothing


async def test_refusals_and_cancel(api) -> None:
    r = await open_receivables(api, 2)
    r1 = await api.rpc(
        "paymentPlan/v1/create",
        {"unitId": r.c.units[0], "startsOn": "2026-02-01", "instalments": 3, "firstDueOn": "2026-02-15"},
        token=r.c.admin.token,
        key="nothing",
    )
    assert r1.status_code == 422 and r1.json()["error"]["code"] == "NOTHING_OWED"
    await _charge(api, r, 0, "100.00", "2026-01-05")
    r2 = await api.rpc(
        "paymentPlan/v1/create",
        {"unitId": r.c.units[0], "startsOn": "2026-02-01", "amount": "100.01", "instalments": 3, "firstDueOn": "2026-02-15"},
        token=r.c.admin.token,
        key="more",
    )
    assert r2.status_code == 422 and r2.json()["error"]["code"] == "NOTHING_OWED"
    r3 = await api.rpc(
        "paymentPlan/v1/create",
        {"unitId": r.c.units[0], "startsOn": "2026-02-01", "instalments": 1, "firstDueOn": "2026-01-15"},
        token=r.c.admin.token,
        key="bad",
    )
    assert r3.status_code == 400 and r3.json()["error"]["code"] == "VALIDATION_FAILED"
    plan = await _plan(api, r, 0, amount="90.00")
    assert sum(Decimal(i["amount"]) for i in plan["instalments"]) == Decimal("90.00")
    cancelled = await api.call("paymentPlan/v1/cancel", {"id": plan["id"], "reason": "Owner sold the unit"}, r.c.admin)
    assert cancelled["status"] == "cancelled"
    again = await api.rpc("paymentPlan/v1/cancel", {"id": plan["id"], "reason": "x"}, token=r.c.admin.token, key="again")
    assert again.status_code == 422 and again.json()["error"]["code"] == "PAYMENT_PLAN_NOT_ACTIVE"

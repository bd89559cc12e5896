"""Owners' payments: an owner pays their unit's balance from the saved ACH
account (the debit goes in the next morning's file of one-time debits, once
however often it runs; the payment settles with its debit or is reversed by
the bank's return) or by card through a processor (settled or declined by the
processor's callback, through its integration key); autopay turned off keeps
the account for one-time payments and out of the due date's file; receipts are
numbered and mailed; nobody pays, reads or settles another unit's payment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from domains.ach.service import nacha
from domains.ach.workflows import run_autopay, run_settlement
from domains.owner_payments.workflows import run_filing
from tests.ach.test_autopay import ROUTING_1, _authorization, _autopay
from tests.helpers import Caller
from tests.payables.desk import code
from tests.receivables.books import balances, check_books, levy, raw


def _today() -> date:
    """Read when a test starts (the suite may run across midnight UTC)."""
    return datetime.now(UTC).date()


def _ach(r: Any, unit: int, amount: str, authorization: str) -> dict[str, Any]:
    return {"unitId": r.c.units[unit], "amount": amount, "method": "ach", "authorizationId": authorization}


def _card(r: Any, unit: int, amount: str, reference: str) -> dict[str, Any]:
    return {"unitId": r.c.units[unit], "amount": amount, "method": "card", "processor": "stripe", "processorReference": reference}


async def _messages(api: Any, r: Any, kind: str) -> list[dict[str, Any]]:
    listed = await api.call("message/v1/list", {"associationId": r.c.association, "kind": kind}, r.c.admin)
    return listed["nodes"]


async def test_an_owner_pays_by_ach_filed_next_morning_once_and_settled_or_returned_with_its_debit(api, platform) -> None:
    r = await _autopay(api)
    await levy(api, r, "2026-01-01")  # 100.00 due on each unit
    today = _today()
    # Saved for one-time payments only: the due date's autopay file leaves it out.
    saved = await api.call("achAuthorization/v1/create", _authorization(r, 0, autopay=False), r.c.owner)
    assert saved["autopay"] is False
    assert await run_autopay(str(raw(r.c.org)), str(raw(r.c.association)), date(2026, 1, 1)) is None

    paid = await api.call("ownerPayment/v1/create", _ach(r, 0, "60.00", saved["id"]), r.c.owner)
    # The next morning's file: the day after the payment.
    tomorrow = date.fromisoformat(paid["paidAt"][:10]) + timedelta(days=1)
    assert (paid["status"], paid["method"], paid["amount"], paid["receiptNumber"]) == ("pending", "ach", "60.00", "R0000001")
    assert paid["debitOn"] == tomorrow.isoformat() and paid["achEntryId"] is None
    # On the ledger at once, applied to the oldest charge.
    assert (await balances(api, r, today.isoformat()))["1"] == Decimal("40.00")
    second = await api.call("ownerPayment/v1/create", _ach(r, 0, "40.00", saved["id"]), r.c.admin)
    assert second["receiptNumber"] == "R0000002"
    [receipt, *_] = [m for m in await _messages(api, r, "payment_receipt") if "R0000001" in m["subject"]]
    assert "$60.00" in receipt["body"] and "bank account ending 5678" in receipt["body"]

    # The morning's file carries both, once: the workflow and the operation agree.
    assert await run_filing(tomorrow) >= 1
    again = await api.call(
        "ownerPayment/v1/originateDebits", {"associationId": r.c.association, "effectiveDate": tomorrow.isoformat()}, r.c.admin
    )
    files = await api.call("achFile/v1/list", {"associationId": r.c.association, "kind": "one_time_debit"}, r.c.admin)
    [file] = files["nodes"]
    assert again["fileId"] == file["id"] and (file["entryCount"], file["total"]) == (2, "100.00")
    [batch] = nacha.parse(file["content"]).batches
    assert (batch.sec_code, batch.effective_date) == ("PPD", tomorrow)
    assert [(e.transaction_code, e.routing, e.amount) for e in batch.entries] == [
        ("27", ROUTING_1, Decimal("60.00")),
        ("27", ROUTING_1, Decimal("40.00")),
    ]
    first = await api.call("ownerPayment/v1/get", {"id": paid["id"]}, r.c.owner)
    assert first["achEntryId"] is not None and first["status"] == "pending"

    # The bank returns the second (R01): it is reversed with the fee and marked returned.
    entries = await api.call("achEntry/v1/list", {"associationId": r.c.association, "fileId": file["id"]}, r.c.admin)
    trace = entries["nodes"][1]["traceNumber"]
    returned = nacha.Entry("26", ROUTING_1, "12345678", Decimal("40.00"), "UNIT 1", "Owner 1", "011000010000009", "R01", trace)
    header = nacha.Header("121000358", "011000015", "FIRST COMMUNITY BANK", "RETURNS", datetime.now(UTC))
    content = nacha.write(header, [nacha.Batch("PPD", "Mountain View HOA", "1123456789", "HOA PAYMNT", tomorrow, [returned])])
    body = {"associationId": r.c.association, "content": content, "returnedOn": tomorrow.isoformat(), "fee": "25.00"}
    await api.call("achFile/v1/importReturns", body, r.c.admin)
    back = await api.call("ownerPayment/v1/get", {"id": second["id"]}, r.c.owner)
    assert (back["status"], back["returnReason"]) == ("returned", "ACH return R01")
    # The first settles when the return window passes; the returned one stays returned.
    await run_settlement(tomorrow + timedelta(days=3))
    settled = await api.call("ownerPayment/v1/list", {"associationId": r.c.association, "unitId": r.c.units[0]}, r.c.owner)
    assert {p["receiptNumber"]: (p["status"], p["settledOn"]) for p in settled["nodes"]} == {
        "R0000001": ("settled", (tomorrow + timedelta(days=2)).isoformat()),
        "R0000002": ("returned", None),
    }
    assert (await balances(api, r, (tomorrow + timedelta(days=3)).isoformat()))["1"] == Decimal("65.00")
    await check_books(platform, r)


async def test_card_payments_settle_or_are_declined_by_the_processors_callback(api, platform) -> None:
    r = await _autopay(api)
    await levy(api, r, "2026-01-01")
    today = _today()
    ok = await api.call("ownerPayment/v1/create", _card(r, 0, "100.00", "pi_3QabcDEF12345678"), r.c.owner)
    declined = await api.call("ownerPayment/v1/create", _card(r, 0, "30.00", "pi_3QzzzYYY87654321"), r.c.owner)
    assert (ok["status"], ok["processor"], declined["receiptNumber"]) == ("pending", "stripe", "R0000002")
    assert (await balances(api, r, today.isoformat()))["1"] == Decimal("-30.00")  # prepaid until settled

    created = await api.call("serviceAccount/v1/create", {"name": "Stripe connector"}, r.c.admin)
    processor = Caller(token=created["apiKey"], refresh="", user_id="", email="")
    settle = {"id": ok["id"], "processorReference": "pi_3QabcDEF12345678", "outcome": "settled", "on": today.isoformat()}
    done = await api.call("ownerPayment/v1/settle", settle, processor)
    assert (done["status"], done["settledOn"]) == ("settled", today.isoformat())
    twice = await api.rpc("ownerPayment/v1/settle", settle, token=processor.token, key="twice")
    assert code(twice) == (409, "OWNER_PAYMENT_NOT_PENDING")
    wrong = await api.rpc(
        "ownerPayment/v1/settle",
        {**settle, "id": declined["id"]},
        token=processor.token,
        key="wrong-reference",
    )
    assert code(wrong)[1] == "VALIDATION_FAILED"
    no = await api.call(
        "ownerPayment/v1/settle",
        {
            "id": declined["id"],
            "processorReference": "pi_3QzzzYYY87654321",
            "outcome": "declined",
            "on": today.isoformat(),
            "reason": "card_declined",
        },
        processor,
    )
    assert (no["status"], no["returnReason"]) == ("returned", "card_declined")
    assert "1" not in await balances(api, r, today.isoformat())  # reversed, no fee: nothing owed
    # The owner can't settle their own charge, and a reference must be the processor's shape.
    mine = await api.rpc("ownerPayment/v1/settle", settle, token=r.c.owner.token, key="owner-settles")
    assert code(mine)[0] == 403
    junk = await api.rpc("ownerPayment/v1/create", _card(r, 0, "5.00", "4111111111111111"), token=r.c.owner.token, key="junk")
    assert code(junk) == (400, "VALIDATION_FAILED")
    unknown = await api.rpc(
        "ownerPayment/v1/create", _card(r, 0, "5.00", "x") | {"processor": "paypal"}, token=r.c.owner.token, key="unknown"
    )
    assert code(unknown) == (422, "UNKNOWN_PAYMENT_PROCESSOR")
    await check_books(platform, r)


async def test_owners_pay_read_and_switch_autopay_for_their_own_units_only(api, platform) -> None:
    r = await _autopay(api)
    await levy(api, r, "2026-01-01")
    today = _today()
    mine = await api.call("achAuthorization/v1/create", _authorization(r, 0), r.c.owner)
    theirs = await api.call("achAuthorization/v1/create", _authorization(r, 1), r.c.admin)
    # Another unit: not with my account, and not on their behalf.
    other = await api.rpc("ownerPayment/v1/create", _ach(r, 1, "10.00", mine["id"]), token=r.c.owner.token, key="o1")
    assert code(other) == (403, "FORBIDDEN")
    borrowed = await api.rpc("ownerPayment/v1/create", _ach(r, 0, "10.00", theirs["id"]), token=r.c.owner.token, key="o2")
    assert code(borrowed) == (400, "VALIDATION_FAILED")
    tenant = await api.rpc("ownerPayment/v1/create", _card(r, 1, "10.00", "pi_3QtenantPays0001"), token=r.c.tenant.token, key="t")
    assert code(tenant) == (403, "FORBIDDEN")
    staff_paid = await api.call("ownerPayment/v1/create", _card(r, 1, "10.00", "pi_3QstaffTook00001"), r.c.admin)
    hidden = await api.rpc("ownerPayment/v1/get", {"id": staff_paid["id"]}, token=r.c.owner.token)
    assert hidden.status_code == 404
    seen = await api.call("ownerPayment/v1/list", {"associationId": r.c.association}, r.c.owner)
    assert seen["nodes"] == []
    assert len((await api.call("ownerPayment/v1/list", {"associationId": r.c.association}, r.c.admin))["nodes"]) == 1
    # Another organization's admin finds nothing to read or settle, nor any unit to pay.
    stranger, _ = await api.admin_of_new_org()
    assert (await api.rpc("ownerPayment/v1/get", {"id": staff_paid["id"]}, token=stranger.token)).status_code == 404
    settle = {"id": staff_paid["id"], "processorReference": "pi_3QstaffTook00001", "outcome": "settled", "on": today.isoformat()}
    assert (await api.rpc("ownerPayment/v1/settle", settle, token=stranger.token, key="s")).status_code == 404
    foreign = await api.rpc("ownerPayment/v1/create", _card(r, 1, "1.00", "pi_3QstrangerPay01"), token=stranger.token, key="f")
    assert code(foreign) == (422, "INVALID_REFERENCE"), foreign.text

    # Autopay off and on again by the owner; never for another's authorization.
    off = await api.call("achAuthorization/v1/setAutopay", {"id": mine["id"], "autopay": False}, r.c.owner)
    assert off["autopay"] is False
    home = await api.gql("{ ownerHome { units { id autopay { id } } } }", token=r.c.owner.token)
    assert home["data"]["ownerHome"]["units"] == [{"id": r.c.units[0], "autopay": None}], home
    await api.call("achAuthorization/v1/setAutopay", {"id": mine["id"], "autopay": True}, r.c.owner)
    not_mine = await api.rpc(
        "achAuthorization/v1/setAutopay", {"id": theirs["id"], "autopay": False}, token=r.c.owner.token, key="a"
    )
    assert not_mine.status_code in (403, 404)
    await check_books(platform, r)

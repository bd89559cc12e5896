"""Payments, credits, charges and returned payments: oldest charge first unless
allocated, overpayments become credit the next charges use, a bounced payment
is undone by new rows and costs a fee; bad input posts nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tests.receivables.books import (
    Receivables,
    balances,
    check_books,
    levy,
    open_receivables,
    pay,
)


async def _charges(api, r: Receivables, unit: int) -> dict[str, dict[str, Any]]:
    """The unit's charges by due date."""
    rows = await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association, "unitId": r.c.units[unit]}, r.c.admin)
    return {e["dueDate"]: e for e in rows["nodes"] if e["kind"] in ("charge", "adjustment", "late_fee", "nsf_fee")}


def _applied(entry: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["chargeEntryId"], a["amount"]) for a in entry["allocations"]]


async def test_oldest_first_overpayment_credit_and_explicit_allocation(api, platform) -> None:
    r = await open_receivables(api, 2, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    await levy(api, r, "2026-02-01")
    one = await _charges(api, r, 0)
    paid = await pay(api, r, 0, "150.00", "2026-02-10")
    assert _applied(paid) == [(one["2026-01-01"]["id"], "100.00"), (one["2026-02-01"]["id"], "50.00")]
    # Applied at once: cash in both views, receivable (accrual) and income (cash) out.
    entry = await api.call("journalEntry/v1/get", {"id": paid["journalEntryId"]}, r.c.admin)
    assert sorted((ln["accountId"], ln["basis"], ln["debit"], ln["credit"]) for ln in entry["lines"]) == sorted([
        (r.b.accounts["1010"], "both", "150.00", "0.00"),
        (r.b.accounts["1200"], "accrual", "0.00", "150.00"),
        (r.b.accounts["4000"], "cash", "0.00", "150.00"),
    ])  # fmt: skip
    over = await pay(api, r, 1, "250.00", "2026-02-10")
    assert sum(Decimal(a["amount"]) for a in over["allocations"]) == Decimal("200.00")
    assert await balances(api, r, "2026-02-28") == {"1": Decimal("50.00"), "2": Decimal("-50.00")}
    # March takes unit 2's credit first.
    await levy(api, r, "2026-03-01")
    march = (await _charges(api, r, 1))["2026-03-01"]
    assert [(a["creditEntryId"], a["amount"], a["appliedOn"]) for a in march["allocations"]] == [
        (over["id"], "50.00", "2026-03-01")
    ]
    # Unit 1 pays March explicitly, ahead of February's open 50.
    mine = (await _charges(api, r, 0))["2026-03-01"]
    explicit = await pay(api, r, 0, "30.00", "2026-03-05", allocations=[{"chargeId": mine["id"], "amount": "30.00"}])
    assert _applied(explicit) == [(mine["id"], "30.00")]
    assert await balances(api, r, "2026-03-31") == {"1": Decimal("120.00"), "2": Decimal("50.00")}
    owed = await check_books(platform, r)
    assert sorted(owed.values()) == [Decimal("50.00"), Decimal("120.00")]


async def test_backdated_payment_applies_no_earlier_than_the_charge(api, platform) -> None:
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    await levy(api, r, "2026-03-01")
    paid = await pay(api, r, 0, "100.00", "2026-02-20")  # received before March was levied, recorded after
    assert [(a["amount"], a["appliedOn"]) for a in paid["allocations"]] == [("100.00", "2026-03-01")]
    assert await balances(api, r, "2026-02-28") == {"1": Decimal("-100.00")}
    assert await balances(api, r, "2026-03-01") == {}
    await check_books(platform, r)


async def test_returned_payment_reopens_charges_and_charges_a_fee(api, platform) -> None:
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    bounced = await pay(api, r, 0, "140.00", "2026-01-05")
    await levy(api, r, "2026-02-01")  # uses 40 of the credit
    await pay(api, r, 0, "60.00", "2026-02-03")
    assert await balances(api, r, "2026-02-09") == {}
    result = await api.call("payment/v1/return", {"id": bounced["id"], "returnedOn": "2026-02-10", "fee": "25.00"}, r.c.admin)
    assert (result["returned"]["kind"], result["returned"]["amount"]) == ("payment_return", "140.00")
    assert (result["fee"]["kind"], result["fee"]["amount"], result["fee"]["relatedEntryId"]) == (
        "nsf_fee",
        "25.00",
        bounced["id"],
    )
    charges = await _charges(api, r, 0)
    # The payment's applications are undone by new (negative) rows; nothing was edited.
    jan = charges["2026-01-01"]
    assert [(a["amount"], a["appliedOn"]) for a in jan["allocations"]] == [("100.00", "2026-01-05"), ("-100.00", "2026-02-10")]
    assert await balances(api, r, "2026-02-10") == {"1": Decimal("165.00")}
    aging = await api.call("arAging/v1/get", {"associationId": r.c.association, "asOf": "2026-02-10"}, r.c.admin)
    [row] = aging["rows"]
    assert (row["current"], row["days1To30"], row["days31To60"]) == ("25.00", "40.00", "100.00")
    again = await api.rpc(
        "payment/v1/return", {"id": bounced["id"], "returnedOn": "2026-02-11", "fee": "0"}, token=r.c.admin.token, key="x"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "PAYMENT_ALREADY_RETURNED"
    not_payment = await api.rpc(
        "payment/v1/return", {"id": jan["id"], "returnedOn": "2026-02-11", "fee": "0"}, token=r.c.admin.token, key="y"
    )
    assert not_payment.status_code == 422 and not_payment.json()["error"]["code"] == "NOT_A_PAYMENT"
    await check_books(platform, r)


async def test_credits_and_one_off_charges(api, platform) -> None:
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    jan = (await _charges(api, r, 0))["2026-01-01"]
    waived = await api.call(
        "ownerLedgerEntry/v1/credit",
        {"unitId": r.c.units[0], "amount": "30.00", "entryDate": "2026-01-15", "chargeId": jan["id"], "memo": "Goodwill"},
        r.c.admin,
    )
    assert _applied(waived) == [(jan["id"], "30.00")]
    # A credit on a charge gives back that charge's income: receivable and income, accrual view only.
    entry = await api.call("journalEntry/v1/get", {"id": waived["journalEntryId"]}, r.c.admin)
    assert sorted((ln["accountId"], ln["basis"], ln["debit"], ln["credit"]) for ln in entry["lines"]) == sorted(
        [
            (r.b.accounts["4000"], "accrual", "30.00", "0.00"),
            (r.b.accounts["1200"], "accrual", "0.00", "30.00"),
        ]
    )
    fine = await api.call(
        "ownerLedgerEntry/v1/charge",
        {
            "unitId": r.c.units[0],
            "amount": "75.00",
            "entryDate": "2026-01-20",
            "dueDate": "2026-02-15",
            "memo": "Fine: trash cans",
            "accountId": r.b.accounts["4200"],
        },
        r.c.admin,
    )
    assert (fine["kind"], fine["dueDate"], fine["accountId"]) == ("adjustment", "2026-02-15", r.b.accounts["4200"])
    assert await balances(api, r, "2026-01-31") == {"1": Decimal("145.00")}
    await pay(api, r, 0, "200.00", "2026-02-01")
    extra = await api.call(
        "ownerLedgerEntry/v1/credit",
        {"unitId": r.c.units[0], "amount": "10.00", "entryDate": "2026-02-02", "memo": "Refund"},
        r.c.admin,
    )
    assert extra["allocations"] == []
    assert await balances(api, r, "2026-02-28") == {"1": Decimal("-65.00")}
    await levy(api, r, "2026-03-01")
    assert await balances(api, r, "2026-03-31") == {"1": Decimal("35.00")}
    await check_books(platform, r)


async def _posted(api, r: Receivables) -> tuple[int, int]:
    rows = await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association, "first": 100}, r.c.admin)
    entries = await api.call("journalEntry/v1/list", {"associationId": r.c.association, "first": 100}, r.c.admin)
    return len(rows["nodes"]), len(entries["nodes"])


async def test_bad_input_posts_nothing(api, platform) -> None:
    r = await open_receivables(api, 2, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    other = await open_receivables(api, 1)
    await api.call("fiscalPeriod/v1/close", {"associationId": r.c.association, "month": "2026-01-01"}, r.c.admin)
    before = await _posted(api, r)
    jan_2 = (await _charges(api, r, 1))["2026-01-01"]
    base = {"unitId": r.c.units[0], "receivedOn": "2026-02-01", "amount": "10.00", "method": "check"}
    cases = [
        ({"amount": "-10.00"}, 400, "VALIDATION_FAILED"),
        ({"amount": "0"}, 400, "VALIDATION_FAILED"),
        ({"amount": "10.001"}, 400, "VALIDATION_FAILED"),
        ({"unitId": "unt_" + "a" * 26}, 422, "INVALID_REFERENCE"),
        ({"unitId": other.c.units[0]}, 422, "INVALID_REFERENCE"),  # another organization's unit
        ({"receivedOn": "2026-01-31"}, 422, "PERIOD_CLOSED"),
        ({"allocations": [{"chargeId": jan_2["id"], "amount": "10.00"}]}, 422, "UNKNOWN_CHARGE"),  # another unit's charge
        ({"allocations": [{"chargeId": jan_2["id"], "amount": "20.00"}]}, 422, "ALLOCATION_TOO_LARGE"),
    ]
    for change, status, code in cases:
        x = await api.rpc("payment/v1/record", base | change, token=r.c.admin.token, key=uuid.uuid4().hex)
        assert x.status_code == status and x.json()["error"]["code"] == code, (change, x.text)
    own = (await _charges(api, r, 0))["2026-01-01"]
    x = await api.rpc(
        "payment/v1/record",
        base | {"allocations": [{"chargeId": own["id"], "amount": "100.01"}], "amount": "200.00"},
        token=r.c.admin.token,
        key=uuid.uuid4().hex,
    )
    assert x.status_code == 422 and x.json()["error"]["code"] == "ALLOCATION_TOO_LARGE", x.text
    charge = {"unitId": r.c.units[0], "amount": "5.00", "entryDate": "2026-02-01", "memo": "x"}
    for change, status, code in (
        ({"accountId": r.b.accounts["1010"]}, 422, "UNKNOWN_ACCOUNT"),
        ({"fundId": other.b.funds["OPER"]}, 422, "INVALID_REFERENCE"),  # another organization's: names nothing
        ({"entryDate": "2026-01-15"}, 422, "PERIOD_CLOSED"),
        ({"amount": "5.555"}, 400, "VALIDATION_FAILED"),
    ):
        x = await api.rpc("ownerLedgerEntry/v1/charge", charge | change, token=r.c.admin.token, key=uuid.uuid4().hex)
        assert x.status_code == status and x.json()["error"]["code"] == code, (change, x.text)
    # The GL's manual entries can't touch the accounts the owner ledger keeps.
    lines = [r.b.line("1200", debit="5.00", unitId=r.c.units[0]), r.b.line("4000", credit="5.00")]
    x = await api.rpc(
        "journalEntry/v1/post",
        {"associationId": r.c.association, "entryDate": "2026-02-01", "memo": "x", "lines": lines},
        token=r.c.admin.token,
        key=uuid.uuid4().hex,
    )
    assert x.status_code == 422 and x.json()["error"]["code"] == "OWNER_LEDGER_ACCOUNT", x.text
    assert await _posted(api, r) == before
    await check_books(platform, r)

"""Autopay debits settle: pending when their file is built, settled when the
bank statement's deposit of the batch is matched (automatically: the deposit
clears the batch's cash lines, one per unit) or, failing that, once the bank
account's return window has passed after the effective date; settling is
idempotent and moves no money. A return after settlement still reverses the
payment through the returned-payment path, with its fee. The books balance
and the owner ledger equals AR throughout."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from domains.ach.service import nacha
from domains.ach.workflows import run_autopay, settle_ach_debits_step
from tests.ach.test_autopay import ROUTING_1, _authorization, _autopay
from tests.banking.books import bai2
from tests.receivables.books import balances, check_books, levy, raw


async def test_debits_settle_by_their_deposit_or_the_return_window_and_late_returns_still_reverse(api, platform) -> None:
    r = await _autopay(api)
    c = r.c
    for unit in range(3):
        await api.call("achAuthorization/v1/create", _authorization(r, unit), c.admin)
    [bank] = (await api.call("bankAccount/v1/list", {"associationId": c.association}, c.admin))["nodes"]
    assert bank["achReturnWindowDays"] == 2
    org, association = str(raw(c.org)), str(raw(c.association))

    async def settle(today: str) -> list[int]:
        return await settle_ach_debits_step(org, association, today)

    async def entries(status: str) -> list[dict[str, Any]]:
        listed = await api.call("achEntry/v1/list", {"associationId": c.association, "status": status}, c.admin)
        return listed["nodes"]

    # January: 300.00 debited on the 1st; the bank's BAI2 report of the 2nd shows the batch's deposit.
    await levy(api, r, "2026-01-01")
    await run_autopay(org, association, date(2026, 1, 1))
    assert len(await entries("pending")) == 3
    assert await settle("2026-01-02") == [0, 0]  # neither cleared nor out of its window yet
    report = bai2([("260102", [("165", 30000, "ACH0102DEP", "", "AUTOPAY PPD HOA DUES")])], opening=0)
    await api.call("bankStatement/v1/import", {"bankAccountId": bank["id"], "bai2": report}, c.admin)
    auto = await api.call("bankTransaction/v1/autoMatch", {"bankAccountId": bank["id"]}, c.admin)
    assert auto == {"matched": 1, "ambiguous": 0, "unmatched": 0}
    [deposit] = (await api.call("bankTransaction/v1/list", {"bankAccountId": bank["id"]}, c.admin))["nodes"]
    assert len(deposit["journalLineIds"]) == 3  # one cash line per unit, all of the batch's entry
    assert await settle("2026-01-02") == [3, 0]
    assert await settle("2026-01-02") == [0, 0]  # a replay settles nothing twice
    settled = await entries("settled")
    assert {(e["settledOn"], e["settledTransactionId"]) for e in settled} == {("2026-01-02", deposit["id"])}
    assert await entries("pending") == []

    # February: no deposit shows; the debits settle once the two-day window has passed.
    await levy(api, r, "2026-02-01")
    await run_autopay(org, association, date(2026, 2, 1))
    assert await settle("2026-02-02") == [0, 0]
    assert await settle("2026-02-03") == [0, 3]
    february = [e for e in await entries("settled") if e["settledTransactionId"] is None]
    assert {e["settledOn"] for e in february} == {"2026-02-03"} and len(february) == 3
    before = await balances(api, r, "2026-02-28")
    assert before == {}  # all paid
    await check_books(platform, r)

    # An unauthorized-debit return (R10) of January's settled debit still reverses it, with the fee.
    [january_1] = [e for e in settled if e["unitId"] == c.units[0]]
    returned = nacha.Entry(
        "26", ROUTING_1, "12345678", Decimal("100.00"), "UNIT 1", "Owner 1", "011000010000009", "R10", january_1["traceNumber"]
    )
    header = nacha.Header("121000358", "011000015", "FIRST COMMUNITY BANK", "RETURNS", datetime(2026, 2, 20, tzinfo=UTC))
    content = nacha.write(
        header, [nacha.Batch("PPD", "Mountain View HOA", "1123456789", "HOA DUES", date(2026, 1, 1), [returned])]
    )
    body = {"associationId": c.association, "content": content, "returnedOn": "2026-02-20", "fee": "25.00"}
    result = await api.call("achFile/v1/importReturns", body, c.admin)
    assert (result["file"]["returnedCount"], result["file"]["skippedCount"]) == (1, 0)
    [back] = await entries("returned")
    assert (back["id"], back["returnCode"], back["settledOn"]) == (january_1["id"], "R10", "2026-01-02")
    assert await balances(api, r, "2026-02-28") == {"1": Decimal("125.00")}
    # A returned entry is never settled again.
    assert await settle("2026-03-01") == [0, 0]
    await check_books(platform, r)

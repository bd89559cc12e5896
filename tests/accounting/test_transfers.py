"""Reserve transfers: cash moves between the operating and reserve funds through
their interfund accounts, each fund balancing on its own; what is refused posts
nothing."""

from __future__ import annotations

import uuid
from typing import Any

from tests.accounting.books import Books, open_books
from tests.associations.community import build


async def funded(api) -> Books:
    b = await open_books(api)
    lines = [
        b.line("1010", debit="10000.00"),
        b.line("3000", credit="10000.00"),
        b.line("1020", "RESV", debit="5000.00"),
        b.line("3100", "RESV", credit="5000.00"),
    ]
    body = {"associationId": b.c.association, "entryDate": "2026-01-01", "memo": "Opening balances", "lines": lines}
    await api.call("journalEntry/v1/post", body, b.c.admin)
    return b


def transfer(b: Books, amount: str, source: str = "OPER", target: str = "RESV", **more: Any) -> dict[str, Any]:
    return {
        "associationId": b.c.association,
        "fromFundId": b.funds[source],
        "toFundId": b.funds[target],
        "amount": amount,
        "transferDate": "2026-03-01",
        **more,
    }


def fund_sheet(sheet: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {
        f["fundCode"]: {line["accountNumber"]: line["amount"] for line in f["assets"]} | {"total": f["totalAssets"]}
        for f in sheet["funds"]
    }


async def test_transfer_and_settle(api) -> None:
    b = await funded(api)
    entry = await api.call("reserveTransfer/v1/create", transfer(b, "1500.00"), b.c.admin)
    assert entry["source"] == "reserve_transfer" and entry["memo"] == "Transfer from Operating Fund to Reserve Fund"
    lines = [(ln["accountId"], ln["fundId"], ln["debit"], ln["credit"]) for ln in entry["lines"]]
    assert lines == [
        (b.accounts["1900"], b.funds["OPER"], "1500.00", "0.00"),
        (b.accounts["1010"], b.funds["OPER"], "0.00", "1500.00"),
        (b.accounts["1020"], b.funds["RESV"], "1500.00", "0.00"),
        (b.accounts["1910"], b.funds["RESV"], "0.00", "1500.00"),
    ]
    sheet = await api.call("financialReport/v1/balanceSheet", {"associationId": b.c.association, "asOf": "2026-03-31"}, b.c.admin)
    # Cash moved; each fund's assets (and so its balance) are what they were; the interfund accounts net to zero.
    assert fund_sheet(sheet) == {
        "OPER": {"1010": "8500.00", "1900": "1500.00", "total": "10000.00"},
        "RESV": {"1020": "6500.00", "1910": "-1500.00", "total": "5000.00"},
    }
    assert all(f["totalAssets"] == f["totalLiabilitiesAndEquity"] for f in sheet["funds"])
    # The reserve pays back part; a transfer is reversed like a manual entry.
    await api.call(
        "reserveTransfer/v1/create",
        transfer(b, "1000.00", "RESV", "OPER", memo="Loan repaid", transferDate="2026-03-15"),
        b.c.admin,
    )
    reversal = await api.call("journalEntry/v1/reverse", {"id": entry["id"], "entryDate": "2026-03-20"}, b.c.admin)
    assert reversal["source"] == "reversal"
    sheet = await api.call("financialReport/v1/balanceSheet", {"associationId": b.c.association, "asOf": "2026-03-31"}, b.c.admin)
    assert fund_sheet(sheet) == {
        "OPER": {"1010": "11000.00", "1900": "-1000.00", "total": "10000.00"},
        "RESV": {"1020": "4000.00", "1910": "1000.00", "total": "5000.00"},
    }


async def test_refusals(api) -> None:
    b = await funded(api)
    roof = await api.call(
        "fund/v1/create",
        {"associationId": b.c.association, "code": "ROOF", "name": "Roof", "kind": "special_assessment"},
        b.c.admin,
    )
    b.funds["ROOF"] = roof["id"]
    neighbour = await build(api, 1, admin=b.c.admin, org=b.c.org, code="NBR")
    installed = await api.call("chartOfAccounts/v1/install", {"associationId": neighbour.association}, b.c.admin)
    neighbours_reserve = next(f["id"] for f in installed["funds"] if f["code"] == "RESV")
    await api.call("fiscalPeriod/v1/close", {"associationId": b.c.association, "month": "2026-02-01"}, b.c.admin)
    cases = [
        (transfer(b, "10.00", "OPER", "OPER"), 422, "INVALID_TRANSFER"),
        (transfer(b, "10.00", "OPER", "ROOF"), 422, "INVALID_TRANSFER"),
        (transfer(b, "0"), 400, "VALIDATION_FAILED"),
        (transfer(b, "-5.00"), 400, "VALIDATION_FAILED"),
        (transfer(b, "1.005"), 400, "VALIDATION_FAILED"),
        (transfer(b, "10000.01"), 422, "INSUFFICIENT_CASH"),
        (transfer(b, "10.00", transferDate="2025-12-31"), 422, "INSUFFICIENT_CASH"),  # before the opening balance
        (transfer(b, "10.00", transferDate="2026-02-10"), 422, "PERIOD_CLOSED"),
        (transfer(b, "10.00") | {"toFundId": neighbours_reserve}, 422, "UNKNOWN_FUND"),
        (transfer(b, "10.00") | {"toFundId": "fnd_" + "a" * 26}, 422, "INVALID_REFERENCE"),
    ]
    for body, status, code in cases:
        r = await api.rpc("reserveTransfer/v1/create", body, token=b.c.admin.token, key=uuid.uuid4().hex)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), body
    # Without an interfund account (a chart from before they were standard) the transfer says what is missing.
    await api.call("glAccount/v1/update", {"id": b.accounts["1910"], "isActive": False}, b.c.admin)
    r = await api.rpc("reserveTransfer/v1/create", transfer(b, "10.00"), token=b.c.admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["error"]["code"] == "CONTROL_ACCOUNT_MISSING"
    entries = await api.call("journalEntry/v1/list", {"associationId": b.c.association, "source": "reserve_transfer"}, b.c.admin)
    assert entries["nodes"] == []
    # Another organization's admin can't name these funds.
    stranger, _ = await api.admin_of_new_org()
    r = await api.rpc("reserveTransfer/v1/create", transfer(b, "10.00"), token=stranger.token, key=uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE"

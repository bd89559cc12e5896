"""Moving in: an opening trial balance and owner opening balances posted once,
through the ledger, all or nothing; owners' charges age from their original due
dates, the owner ledger agrees with the GL, the cash view leaves out the
receivable, and later payments settle the opening charges."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.accounting.books import Books, open_books
from tests.receivables.books import Receivables, check_books

ACCOUNTS_CSV = """accountNumber,fundCode,debit,credit
1010,OPER,10000.00,
1200,OPER,450.00,
2100,OPER,,100.00
3000,OPER,,10350.00
1020,RESV,50000.00,
3100,RESV,,50000.00
"""
UNITS_CSV = """unitNumber,kind,amount,dueDate,fundCode,memo
1,charge,300.00,2025-11-01,,Dues 2025-11
1,charge,150.00,2025-12-01,OPER,Dues 2025-12
2,prepaid,100.00,,,
"""


def _body(b: Books, **more: Any) -> dict[str, Any]:
    return {
        "associationId": b.c.association,
        "cutOverDate": "2025-12-31",
        "accountsCsv": ACCOUNTS_CSV,
        "unitsCsv": UNITS_CSV,
    } | more


def _balances(report: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    return {(ln["accountNumber"], ln["fundCode"]): Decimal(ln["debit"]) - Decimal(ln["credit"]) for ln in report["lines"]}


async def test_opening_balances_post_once_and_age_from_original_due_dates(api, platform) -> None:
    b = await open_books(api, 3)
    opening = await api.call("openingBalance/v1/post", _body(b), b.c.admin)
    assert (opening["accountLines"], opening["unitItems"], opening["totalDebit"]) == (6, 3, "60450.00")
    assert (opening["receivable"], opening["prepaid"]) == ("450.00", "100.00")
    assert (await api.call("openingBalance/v1/get", {"associationId": b.c.association}, b.c.admin))["id"] == opening["id"]
    entry = await api.call("journalEntry/v1/get", {"id": opening["journalEntryId"]}, b.c.admin)
    assert entry["source"] == "opening_balance" and entry["entryDate"] == "2025-12-31"

    # The accrual view is the trial balance given; the cash view has no receivable
    # and that much less fund balance.
    accrual = await api.call(
        "financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2025-12-31"}, b.c.admin
    )
    assert _balances(accrual) == {
        ("1010", "OPER"): Decimal("10000.00"),
        ("1200", "OPER"): Decimal("450.00"),
        ("2100", "OPER"): Decimal("-100.00"),
        ("3000", "OPER"): Decimal("-10350.00"),
        ("1020", "RESV"): Decimal("50000.00"),
        ("3100", "RESV"): Decimal("-50000.00"),
    }
    cash = await api.call(
        "financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2025-12-31", "basis": "cash"}, b.c.admin
    )
    assert _balances(cash)[("3000", "OPER")] == Decimal("-9900.00") and ("1200", "OPER") not in _balances(cash)

    # Aged by the original due dates.
    aging = await api.call("arAging/v1/get", {"associationId": b.c.association, "asOf": "2026-01-15"}, b.c.admin)
    rows = {r["unitNumber"]: r for r in aging["rows"]}
    assert (rows["1"]["days61To90"], rows["1"]["days31To60"], rows["1"]["balance"]) == ("300.00", "150.00", "450.00")
    assert (rows["2"]["credit"], rows["2"]["balance"]) == ("100.00", "-100.00")
    r = Receivables(b, "")
    await check_books(platform, r)

    # A later payment settles the oldest opening charge; the cash view then
    # recognises it as assessment income.
    paid = await api.call(
        "payment/v1/record",
        {"unitId": b.c.units[0], "receivedOn": "2026-01-10", "amount": "300.00", "method": "check", "reference": "501"},
        b.c.admin,
    )
    assert [a["amount"] for a in paid["allocations"]] == ["300.00"]
    income = await api.call(
        "financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2026-01-31", "basis": "cash"}, b.c.admin
    )
    assert _balances(income)[("4000", "OPER")] == Decimal("-300.00")
    await check_books(platform, r)

    again = await api.rpc("openingBalance/v1/post", _body(b), token=b.c.admin.token, key="again")
    assert again.status_code == 409 and again.json()["error"]["code"] == "OPENING_BALANCE_EXISTS"


async def test_every_wrong_row_is_reported_and_nothing_is_posted(api) -> None:
    b = await open_books(api, 2)
    accounts = ACCOUNTS_CSV.replace("1020,RESV,50000.00,", "1020,RESV,49000.00,").replace("1010,OPER", "1999,OPER")
    units = UNITS_CSV.replace("2,prepaid", "9,prepaid").replace("1,charge,300.00,2025-11-01", "1,charge,300.00,2026-02-01")
    r = await api.rpc("openingBalance/v1/post", _body(b, accountsCsv=accounts, unitsCsv=units), token=b.c.admin.token, key="bad")
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "IMPORT_REJECTED"
    problems = {(p["section"], p["row"], p["field"]) for p in error["details"]["rows"]}
    assert {("accounts", 1, "accountNumber"), ("units", 1, "dueDate"), ("units", 3, "unitNumber")} <= problems
    messages = " | ".join(p["message"] for p in error["details"]["rows"])
    assert "fund RESV: debits and credits differ by 1000.00" in messages and "the trial balance says" in messages
    # JSON rows: a row that is not well formed is reported with its field.
    rows = [{"accountNumber": "1010", "fundCode": "OPER", "debit": "5", "credit": "5"}, {"accountNumber": "3000"}]
    r = await api.rpc(
        "openingBalance/v1/post",
        {"associationId": b.c.association, "cutOverDate": "2025-12-31", "accounts": rows},
        token=b.c.admin.token,
        key="json",
    )
    assert r.status_code == 422 and {p["row"] for p in r.json()["error"]["details"]["rows"]} == {1, 2}
    journal = await api.call("journalEntry/v1/list", {"associationId": b.c.association}, b.c.admin)
    assert journal["nodes"] == []
    missing = await api.rpc("openingBalance/v1/get", {"associationId": b.c.association}, token=b.c.admin.token)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "OPENING_BALANCE_MISSING"


async def test_opening_balances_come_before_everything_else(api) -> None:
    b = await open_books(api, 2)
    lines = [b.line("1010", debit="10.00"), b.line("3000", credit="10.00")]
    await api.call(
        "journalEntry/v1/post",
        {"associationId": b.c.association, "entryDate": "2025-12-15", "memo": "x", "lines": lines},
        b.c.admin,
    )
    r = await api.rpc("openingBalance/v1/post", _body(b), token=b.c.admin.token, key="late")
    assert r.status_code == 422 and r.json()["error"]["code"] == "BOOKS_ALREADY_STARTED"


async def test_a_cash_basis_trial_balance_carries_no_receivable(api, platform) -> None:
    b = await open_books(api, 2)
    await api.call("association/v1/update", {"id": b.c.association, "accountingBasis": "cash"}, b.c.admin)
    r = await api.rpc("openingBalance/v1/post", _body(b), token=b.c.admin.token, key="cash")
    assert r.status_code == 422
    assert any("cash-basis" in p["message"] for p in r.json()["error"]["details"]["rows"])
    accounts = "accountNumber,fundCode,debit,credit\n1010,OPER,10000.00,\n2100,OPER,,100.00\n3000,OPER,,9900.00\n"
    await api.call("openingBalance/v1/post", _body(b, accountsCsv=accounts), b.c.admin)
    accrual = await api.call(
        "financialReport/v1/trialBalance",
        {"associationId": b.c.association, "asOf": "2025-12-31", "basis": "accrual"},
        b.c.admin,
    )
    # The owners' charges are receivable in the accrual view, against fund balance.
    assert _balances(accrual)[("1200", "OPER")] == Decimal("450.00")
    assert _balances(accrual)[("3000", "OPER")] == Decimal("-10350.00")
    await check_books(platform, Receivables(b, ""))

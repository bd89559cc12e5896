"""Budgets and the board's reports on a small hand-built ledger whose figures
are worked out below, in both the accrual and the cash view.

The association's fiscal year starts in July: fiscal year 2025 runs from
2025-07-01 to 2026-06-30. Entries go straight through `ledger.post`, with the
accrual-only and cash-only lines a levy, a payment and a vendor invoice carry
(domains/accounting/models.py). The receivable and the credit sit in plain
accounts 1300 and 2150: the control accounts 1200 and 2100 belong to the owner
ledger, which only receivables posts to.

  earlier fiscal year (2024)
    2025-01-10  opening          Dr 1010 1000 both        Cr 3000 1000 both
    2025-03-01  levy U1          Dr 1300  300 accrual     Cr 4000  300 accrual
    2025-03-15  payment U1       Dr 1010  200 both        Cr 1300  200 accrual, Cr 4000 200 cash
    2025-04-01  invoice          Dr 5100  150 accrual     Cr 2000  150 accrual
  fiscal year 2025
    2025-07-01  levy U1          Dr 1300  300 accrual     Cr 4000  300 accrual
    2025-07-20  payment U1       Dr 1010  400 both        Cr 1300  400 accrual, Cr 4000 400 cash
    2025-07-31  reserve levy     Dr 1020  500 both (RESV) Cr 4000  500 both (RESV)
    2025-08-05  invoice paid     Dr 2000  150 accrual, Dr 5100 150 cash    Cr 1010 150 both
    2025-08-10  invoice          Dr 5200   80 accrual     Cr 2000   80 accrual
    2025-08-15  owner credit     Dr 1010   50 both        Cr 2150   50 both
    2025-08-20  reserve spend    Dr 6000  120 both (RESV) Cr 1020  120 both (RESV)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domains.accounting.models import Basis, EntrySource
from domains.accounting.service import ledger
from graph.db import scoped_transaction
from graph.ids import decode
from tests.accounting.books import Books, open_books, sample_budget

A, C, BOTH = Basis.ACCRUAL, Basis.CASH, Basis.BOTH
ENTRIES: list[tuple[str, list[tuple[str, str, str, str, Basis]]]] = [
    ("2025-01-10", [("1010", "OPER", "1000", "0", BOTH), ("3000", "OPER", "0", "1000", BOTH)]),
    ("2025-03-01", [("1300", "OPER", "300", "0", A), ("4000", "OPER", "0", "300", A)]),
    ("2025-03-15", [("1010", "OPER", "200", "0", BOTH), ("1300", "OPER", "0", "200", A), ("4000", "OPER", "0", "200", C)]),
    ("2025-04-01", [("5100", "OPER", "150", "0", A), ("2000", "OPER", "0", "150", A)]),
    ("2025-07-01", [("1300", "OPER", "300", "0", A), ("4000", "OPER", "0", "300", A)]),
    ("2025-07-20", [("1010", "OPER", "400", "0", BOTH), ("1300", "OPER", "0", "400", A), ("4000", "OPER", "0", "400", C)]),
    ("2025-07-31", [("1020", "RESV", "500", "0", BOTH), ("4000", "RESV", "0", "500", BOTH)]),
    ("2025-08-05", [("2000", "OPER", "150", "0", A), ("5100", "OPER", "150", "0", C), ("1010", "OPER", "0", "150", BOTH)]),
    ("2025-08-10", [("5200", "OPER", "80", "0", A), ("2000", "OPER", "0", "80", A)]),
    ("2025-08-15", [("1010", "OPER", "50", "0", BOTH), ("2150", "OPER", "0", "50", BOTH)]),
    ("2025-08-20", [("6000", "RESV", "120", "0", BOTH), ("1020", "RESV", "0", "120", BOTH)]),
]


async def post(platform, b: Books, on: str, lines: list[tuple[str, str, str, str, Basis]]) -> None:
    org, association = decode(b.c.org)[1], decode(b.c.association)[1]
    unit = decode(b.c.units[0])[1]
    async with scoped_transaction(platform.sessions, org, None) as s:
        await ledger.post(
            s,
            organization_id=org,
            association_id=association,
            entry_date=date.fromisoformat(on),
            memo="test",
            source=EntrySource.MANUAL,
            lines=[
                ledger.Posting(
                    decode(b.accounts[number])[1],
                    decode(b.funds[fund])[1],
                    Decimal(dr),
                    Decimal(cr),
                    basis,
                    unit_id=unit if number in ("1300", "4000") else None,
                )
                for number, fund, dr, cr, basis in lines
            ],
        )


async def ledger_books(api, platform, basis: str = "accrual") -> Books:
    b = await open_books(api, units=1)
    for number, name, type_ in (("1300", "Other Receivables", "asset"), ("2150", "Deposits Held", "liability")):
        account = {"associationId": b.c.association, "number": number, "name": name, "type": type_, "fundId": b.funds["OPER"]}
        b.accounts[number] = (await api.call("glAccount/v1/create", account, b.c.admin))["id"]
    await api.call(
        "association/v1/update", {"id": b.c.association, "fiscalYearStartMonth": 7, "accountingBasis": basis}, b.c.admin
    )
    for on, lines in ENTRIES:
        await post(platform, b, on, lines)
    return b


def rows(report: dict[str, Any]) -> dict[tuple[str | None, str], tuple[str, str]]:
    return {(ln["accountNumber"], ln["fundCode"]): (ln["debit"], ln["credit"]) for ln in report["lines"]}


async def test_trial_balance_in_both_views(api, platform) -> None:
    b = await ledger_books(api, platform)
    accrual = await api.call(
        "financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2025-08-31"}, b.c.admin
    )
    assert accrual["basis"] == "accrual" and accrual["fiscalYearStart"] == "2025-07-01"
    # 1300 nets to zero and is left out; 3000 holds last year's accrual net income (300 − 150).
    assert rows(accrual) == {
        ("1010", "OPER"): ("1500.00", "0.00"),
        ("2000", "OPER"): ("0.00", "80.00"),
        ("2150", "OPER"): ("0.00", "50.00"),
        ("3000", "OPER"): ("0.00", "1150.00"),
        ("4000", "OPER"): ("0.00", "300.00"),
        ("5200", "OPER"): ("80.00", "0.00"),
        ("1020", "RESV"): ("380.00", "0.00"),
        ("4000", "RESV"): ("0.00", "500.00"),
        ("6000", "RESV"): ("120.00", "0.00"),
    }
    assert accrual["totalDebit"] == accrual["totalCredit"] == "2080.00"
    cash = await api.call(
        "financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2025-08-31", "basis": "cash"}, b.c.admin
    )
    # No receivable or payable; income when paid (last year 200, this year 400), the invoice when settled.
    assert rows(cash) == {
        ("1010", "OPER"): ("1500.00", "0.00"),
        ("2150", "OPER"): ("0.00", "50.00"),
        ("3000", "OPER"): ("0.00", "1200.00"),
        ("4000", "OPER"): ("0.00", "400.00"),
        ("5100", "OPER"): ("150.00", "0.00"),
        ("1020", "RESV"): ("380.00", "0.00"),
        ("4000", "RESV"): ("0.00", "500.00"),
        ("6000", "RESV"): ("120.00", "0.00"),
    }
    assert cash["basis"] == "cash" and cash["totalDebit"] == cash["totalCredit"] == "2150.00"
    # The association's own basis is the default.
    await api.call("association/v1/update", {"id": b.c.association, "accountingBasis": "cash"}, b.c.admin)
    again = await api.call("financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2025-08-31"}, b.c.admin)
    assert again == cash
    # Before the fiscal year: income and expenses are that year's; nothing is closed yet.
    earlier = await api.call(
        "financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2025-06-30", "basis": "accrual"}, b.c.admin
    )
    assert earlier["fiscalYearStart"] == "2024-07-01"
    assert rows(earlier) == {
        ("1010", "OPER"): ("1200.00", "0.00"),
        ("1300", "OPER"): ("100.00", "0.00"),
        ("2000", "OPER"): ("0.00", "150.00"),
        ("3000", "OPER"): ("0.00", "1000.00"),
        ("4000", "OPER"): ("0.00", "300.00"),
        ("5100", "OPER"): ("150.00", "0.00"),
    }


async def test_balance_sheet_balances_per_fund(api, platform) -> None:
    b = await ledger_books(api, platform)

    async def sheet(basis: str) -> dict[str, Any]:
        report = await api.call(
            "financialReport/v1/balanceSheet", {"associationId": b.c.association, "asOf": "2025-08-31", "basis": basis}, b.c.admin
        )
        return {f["fundCode"]: f for f in report["funds"]} | {"_": report}

    def lines(fund: dict[str, Any], section: str) -> dict[str, str]:
        return {ln["accountNumber"]: ln["amount"] for ln in fund[section]}

    accrual = await sheet("accrual")
    oper, resv = accrual["OPER"], accrual["RESV"]
    assert lines(oper, "assets") == {"1010": "1500.00"}
    assert lines(oper, "liabilities") == {"2000": "80.00", "2150": "50.00"}
    assert lines(oper, "equity") == {"3000": "1150.00"}
    assert oper["currentYearNetIncome"] == "220.00"  # 300 assessments − 80 utilities
    assert (oper["totalAssets"], oper["totalLiabilities"], oper["totalEquity"], oper["totalLiabilitiesAndEquity"]) == (
        "1500.00",
        "130.00",
        "1370.00",
        "1500.00",
    )
    assert lines(resv, "assets") == {"1020": "380.00"} and resv["equity"] == [] and resv["liabilities"] == []
    assert resv["currentYearNetIncome"] == "380.00" and resv["totalLiabilitiesAndEquity"] == "380.00"
    assert accrual["_"]["totalAssets"] == accrual["_"]["totalLiabilitiesAndEquity"] == "1880.00"

    cash = await sheet("cash")
    oper = cash["OPER"]
    assert lines(oper, "assets") == {"1010": "1500.00"} and lines(oper, "liabilities") == {"2150": "50.00"}
    assert lines(oper, "equity") == {"3000": "1200.00"} and oper["currentYearNetIncome"] == "250.00"  # 400 − 150
    assert oper["totalAssets"] == oper["totalLiabilitiesAndEquity"] == "1500.00"


async def test_a_fund_without_a_fund_balance_account_shows_earlier_years_on_a_line_of_its_own(api, platform) -> None:
    b = await ledger_books(api, platform)
    roof = await api.call(
        "fund/v1/create",
        {"associationId": b.c.association, "code": "ROOF", "name": "Roof", "kind": "special_assessment"},
        b.c.admin,
    )
    b.funds["ROOF"] = roof["id"]
    cash = await api.call(
        "glAccount/v1/create",
        {"associationId": b.c.association, "number": "1030", "name": "Roof Cash", "type": "asset", "fundId": roof["id"]},
        b.c.admin,
    )
    b.accounts["1030"] = cash["id"]
    await post(platform, b, "2025-02-01", [("1030", "ROOF", "900", "0", BOTH), ("4000", "ROOF", "0", "900", BOTH)])
    await post(platform, b, "2025-08-01", [("5300", "ROOF", "100", "0", BOTH), ("1030", "ROOF", "0", "100", BOTH)])
    report = await api.call(
        "financialReport/v1/balanceSheet", {"associationId": b.c.association, "asOf": "2025-08-31"}, b.c.admin
    )
    roof_sheet = next(f for f in report["funds"] if f["fundCode"] == "ROOF")
    assert roof_sheet["equity"] == [
        {"accountId": None, "accountNumber": None, "accountName": "Net income of earlier fiscal years", "amount": "900.00"}
    ]
    assert roof_sheet["currentYearNetIncome"] == "-100.00" and roof_sheet["totalLiabilitiesAndEquity"] == "800.00"
    tb = await api.call("financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": "2025-08-31"}, b.c.admin)
    assert rows(tb)[(None, "ROOF")] == ("0.00", "900.00") and tb["totalDebit"] == tb["totalCredit"]


def _figures(line: dict[str, Any]) -> tuple[tuple[str, str, str], tuple[str, str, str]]:
    return tuple(tuple(line[span][k] for k in ("actual", "budget", "variance")) for span in ("period", "yearToDate"))  # type: ignore[return-value]


async def test_income_statement_against_budget(api, platform) -> None:
    b = await ledger_books(api, platform)
    await api.call("budget/v1/set", sample_budget(b), b.c.admin)

    async def statement(basis: str, start: str = "2025-08-01", end: str = "2025-08-31") -> dict[str, Any]:
        return await api.call(
            "financialReport/v1/incomeStatement",
            {"associationId": b.c.association, "fromDate": start, "toDate": end, "basis": basis},
            b.c.admin,
        )

    accrual = await statement("accrual")
    assert accrual["fiscalYearStart"] == "2025-07-01"
    by_line = {(ln["accountNumber"], ln["fundCode"]): _figures(ln) for ln in accrual["lines"]}
    # August; year to date is July–August. Budget 4000 = 3600 / 12, 5200 = 1000 spread (83.33 a month).
    assert by_line == {
        ("4000", "OPER"): (("0.00", "300.00", "-300.00"), ("300.00", "600.00", "-300.00")),
        ("4000", "RESV"): (("0.00", "0.00", "0.00"), ("500.00", "0.00", "500.00")),
        ("5100", "OPER"): (("0.00", "100.00", "100.00"), ("0.00", "200.00", "200.00")),
        ("5200", "OPER"): (("80.00", "83.33", "3.33"), ("80.00", "166.66", "86.66")),
        ("6000", "RESV"): (("120.00", "200.00", "80.00"), ("120.00", "200.00", "80.00")),
    }
    assert [ln["accountNumber"] for ln in accrual["lines"]] == ["4000", "4000", "5100", "5200", "6000"]
    totals = {t["fundCode"]: t for t in accrual["totals"]}
    oper = totals["OPER"]
    assert _figures(oper["income"]) == (("0.00", "300.00", "-300.00"), ("300.00", "600.00", "-300.00"))
    assert _figures(oper["expense"]) == (("80.00", "183.33", "103.33"), ("80.00", "366.66", "286.66"))
    assert _figures(oper["netIncome"]) == (("-80.00", "116.67", "-196.67"), ("220.00", "233.34", "-13.34"))
    assert _figures(totals[None]["netIncome"]) == (("-200.00", "-83.33", "-116.67"), ("600.00", "33.34", "566.66"))
    assert [t["fundCode"] for t in accrual["totals"]] == ["OPER", "RESV", None]

    cash = await statement("cash")
    by_line = {(ln["accountNumber"], ln["fundCode"]): _figures(ln) for ln in cash["lines"]}
    assert by_line[("4000", "OPER")] == (("0.00", "300.00", "-300.00"), ("400.00", "600.00", "-200.00"))
    assert by_line[("5100", "OPER")] == (("150.00", "100.00", "-50.00"), ("150.00", "200.00", "50.00"))
    assert by_line[("5200", "OPER")] == (("0.00", "83.33", "83.33"), ("0.00", "166.66", "166.66"))

    # A range across the fiscal year's start: the period takes every month it
    # touches (June has no budget: fiscal year 2024 has none), the year to date
    # starts in July.
    across = await statement("accrual", "2025-06-15", "2025-07-31")
    by_line = {(ln["accountNumber"], ln["fundCode"]): _figures(ln) for ln in across["lines"]}
    assert by_line[("4000", "OPER")] == (("300.00", "300.00", "0.00"), ("300.00", "300.00", "0.00"))
    assert by_line[("5200", "OPER")] == (("0.00", "83.33", "83.33"), ("0.00", "83.33", "83.33"))
    r = await api.rpc(
        "financialReport/v1/incomeStatement",
        {"associationId": b.c.association, "fromDate": "2025-09-01", "toDate": "2025-08-01"},
        token=b.c.admin.token,
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED"


async def test_closed_months_change_no_report(api, platform) -> None:
    b = await ledger_books(api, platform)
    calls = [
        ("financialReport/v1/trialBalance", {"asOf": "2025-08-31"}),
        ("financialReport/v1/balanceSheet", {"asOf": "2025-08-31", "basis": "cash"}),
        ("financialReport/v1/incomeStatement", {"fromDate": "2025-07-01", "toDate": "2025-08-31"}),
    ]
    before = [await api.call(name, {"associationId": b.c.association} | body, b.c.admin) for name, body in calls]
    for month in ("2025-03-01", "2025-07-01", "2025-08-01"):
        await api.call("fiscalPeriod/v1/close", {"associationId": b.c.association, "month": month}, b.c.admin)
    after = [await api.call(name, {"associationId": b.c.association} | body, b.c.admin) for name, body in calls]
    assert after == before


@pytest.mark.parametrize(
    "name, body",
    [
        ("financialReport/v1/trialBalance", {"asOf": "2025-08-31"}),
        ("financialReport/v1/balanceSheet", {"asOf": "2025-08-31"}),
        ("financialReport/v1/incomeStatement", {"fromDate": "2025-08-01", "toDate": "2025-08-31"}),
        ("budget/v1/get", {"fiscalYear": 2025}),
    ],
)
async def test_owners_and_tenants_are_refused(api, name, body) -> None:
    b = await open_books(api, units=1)
    owner, _ = await api.add_member(b.c.admin, ["member"])
    await api.select(owner, b.c.org)
    r = await api.rpc(name, {"associationId": b.c.association} | body, token=owner.token)
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN", r.text


async def test_reports_cost_the_same_statements_however_big_the_books(api, platform, statements) -> None:
    small = await open_books(api, units=1)
    await post(platform, small, "2025-08-01", [("1010", "OPER", "1", "0", BOTH), ("3000", "OPER", "0", "1", BOTH)])
    big = await ledger_books(api, platform)
    await api.call("budget/v1/set", sample_budget(big), big.c.admin)
    for on, lines in ENTRIES:
        await post(platform, big, on.replace("2025", "2024"), lines)
    queries = {
        "trialBalance": 'trialBalance(associationId: $a, asOf: "2025-08-31") { totalDebit lines { accountNumber debit } }',
        "balanceSheet": 'balanceSheet(associationId: $a, asOf: "2025-08-31") { funds { assets { amount } totalEquity } }',
        "incomeStatement": 'incomeStatement(associationId: $a, fromDate: "2025-08-01", toDate: "2025-08-31") '
        "{ lines { period { variance } } totals { netIncome { yearToDate { actual } } } }",
    }
    for field, query in queries.items():
        counts = []
        for books in (small, big):
            statements.clear()
            body = await api.gql(f"query($a: ID!) {{ {query} }}", {"a": books.c.association}, token=books.c.admin.token)
            assert "errors" not in body, body
            counts.append(len(statements))
        # The scope with the caller's roles (one statement), the association, the report.
        assert counts == [3, 3], (field, counts, statements)


async def test_another_organization_meets_nothing(api, platform) -> None:
    b = await ledger_books(api, platform)
    stranger, _ = await api.admin_of_new_org()
    cases: list[tuple[str, dict[str, Any]]] = [
        ("financialReport/v1/trialBalance", {"asOf": "2025-08-31"}),
        ("financialReport/v1/incomeStatement", {"fromDate": "2025-08-01", "toDate": "2025-08-31"}),
        ("budget/v1/get", {"fiscalYear": 2025}),
    ]
    for name, body in cases:
        r = await api.rpc(name, {"associationId": b.c.association} | body, token=stranger.token)
        assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE", r.text

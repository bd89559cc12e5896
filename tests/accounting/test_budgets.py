"""Budgets: per fiscal year, income or expense account and fund, twelve
monthly amounts or an annual amount spread with the cents remainder on the last
month; setting a year replaces its budget; bad lines change nothing."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from domains.accounting.service import fiscal
from tests.accounting.books import open_books, sample_budget
from tests.associations.community import ASSOCIATION


def test_an_annual_amount_is_spread_with_the_remainder_last() -> None:
    assert fiscal.spread(Decimal("1000.00")) == [Decimal("83.33")] * 11 + [Decimal("83.37")]
    assert fiscal.spread(Decimal("0.05")) == [Decimal("0.00")] * 11 + [Decimal("0.05")]
    assert sum(fiscal.spread(Decimal("123456.78"))) == Decimal("123456.78")
    assert fiscal.year_of(date(2026, 6, 30), 7) == 2025 and fiscal.year_of(date(2026, 7, 1), 7) == 2026


async def test_budgets_are_set_read_and_replaced(api) -> None:
    b = await open_books(api, units=1)
    await api.call("association/v1/update", {"id": b.c.association, "fiscalYearStartMonth": 7}, b.c.admin)
    budget = await api.call("budget/v1/set", sample_budget(b), b.c.admin)
    assert budget["startsOn"] == "2025-07-01"
    assert [(ln["accountNumber"], ln["fundCode"], ln["annual"]) for ln in budget["lines"]] == [
        ("4000", "OPER", "3600.00"), ("5100", "OPER", "1200.00"), ("5200", "OPER", "1000.00"), ("6000", "RESV", "200.00"),
    ]  # fmt: skip
    assert budget["lines"][2]["months"] == ["83.33"] * 11 + ["83.37"]
    assert budget["lines"][3]["months"][:3] == ["0.00", "200.00", "0.00"]
    assert (budget["totalIncome"], budget["totalExpense"]) == ("3600.00", "2400.00")
    assert await api.call("budget/v1/get", {"associationId": b.c.association, "fiscalYear": 2025}, b.c.admin) == budget
    # Setting the year again replaces its whole budget; other years are untouched.
    await api.call("budget/v1/set", {"associationId": b.c.association, "fiscalYear": 2026, "lines": []}, b.c.admin)
    only = await api.call(
        "budget/v1/set",
        {
            "associationId": b.c.association,
            "fiscalYear": 2025,
            "lines": [{"accountId": b.accounts["5100"], "fundId": b.funds["OPER"], "annual": "12.00"}],
        },
        b.c.admin,
    )
    assert [ln["accountNumber"] for ln in only["lines"]] == ["5100"] and only["lines"][0]["months"] == ["1.00"] * 12
    empty = await api.call("budget/v1/get", {"associationId": b.c.association, "fiscalYear": 2024}, b.c.admin)
    assert empty["lines"] == [] and empty["totalIncome"] == "0.00" and empty["startsOn"] == "2024-07-01"
    body = await api.gql(
        "query($a: ID!) { budget(associationId: $a, fiscalYear: 2025) { lines { accountName months annual } totalExpense } }",
        {"a": b.c.association},
        token=b.c.admin.token,
    )
    assert body["data"]["budget"] == {
        "lines": [{"accountName": "Landscaping", "months": ["1.00"] * 12, "annual": "12.00"}],
        "totalExpense": "12.00",
    }


async def test_bad_budgets_change_nothing(api) -> None:
    b = await open_books(api, units=1)
    good = {"accountId": b.accounts["5100"], "fundId": b.funds["OPER"], "annual": "100.00"}
    await api.call("budget/v1/set", {"associationId": b.c.association, "fiscalYear": 2026, "lines": [good]}, b.c.admin)
    other = await api.call("association/v1/create", ASSOCIATION | {"code": "OTHER"}, b.c.admin)
    foreign = await api.call("chartOfAccounts/v1/install", {"associationId": other["id"]}, b.c.admin)
    cases = [
        ([good | {"accountId": b.accounts["1010"]}], 422, "INVALID_BUDGET"),
        ([good, good | {"annual": "5.00"}], 422, "INVALID_BUDGET"),
        ([good | {"accountId": foreign["accounts"][0]["id"]}], 422, "UNKNOWN_ACCOUNT"),
        ([good | {"fundId": foreign["funds"][0]["id"]}], 422, "UNKNOWN_FUND"),
        ([good | {"months": ["1.00"] * 12}], 400, "VALIDATION_FAILED"),  # both forms
        ([{k: v for k, v in good.items() if k != "annual"}], 400, "VALIDATION_FAILED"),  # neither
        ([good | {"annual": None, "months": ["1.00"] * 11}], 400, "VALIDATION_FAILED"),
        ([good | {"annual": "1.005"}], 400, "VALIDATION_FAILED"),
        ([good | {"annual": "-1.00"}], 400, "VALIDATION_FAILED"),
    ]
    for lines, status, code in cases:
        r = await api.rpc(
            "budget/v1/set",
            {"associationId": b.c.association, "fiscalYear": 2026, "lines": lines},
            token=b.c.admin.token,
            key=uuid.uuid4().hex,
        )
        assert r.status_code == status and r.json()["error"]["code"] == code, (lines, r.text)
    kept = await api.call("budget/v1/get", {"associationId": b.c.association, "fiscalYear": 2026}, b.c.admin)
    assert [(ln["accountNumber"], ln["annual"]) for ln in kept["lines"]] == [("5100", "100.00")]

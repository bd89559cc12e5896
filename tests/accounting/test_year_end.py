"""The year-end close: the books carry it, the reports read the same before and
after it (and after it is undone, and closed again), closing twice posts
nothing, and what it refuses it refuses with a code.

The ledger is the one of test_reports.py (fiscal years from July): fiscal year
2024 has March–April 2025's postings, fiscal year 2025 July–August 2025's; one
more posting in July 2026 is in fiscal year 2026, still running.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import text

from domains.accounting.models import Basis
from graph.db import scoped_transaction
from graph.ids import decode
from tests.accounting.books import Books, open_books
from tests.accounting.test_reports import ledger_books, post

AS_OF = ["2025-03-31", "2025-06-30", "2025-07-01", "2025-08-31", "2026-06-30", "2026-07-31"]
RANGES = [
    ("2024-07-01", "2025-06-30"),
    ("2025-03-01", "2025-03-31"),
    ("2025-07-01", "2026-06-30"),
    ("2025-06-01", "2025-08-31"),  # across the year end
    ("2026-07-01", "2026-07-31"),
]


async def reports(api, b: Books) -> dict[Any, Any]:
    """Every report on every day and range, in both views."""
    out: dict[Any, Any] = {}
    for basis in ("accrual", "cash"):
        scope = {"associationId": b.c.association, "basis": basis}
        for day in AS_OF:
            for name in ("trialBalance", "balanceSheet"):
                out[name, basis, day] = await api.call(f"financialReport/v1/{name}", scope | {"asOf": day}, b.c.admin)
        for first, last in RANGES:
            out["incomeStatement", basis, first] = await api.call(
                "financialReport/v1/incomeStatement", scope | {"fromDate": first, "toDate": last}, b.c.admin
            )
    return out


async def income_left(platform, b: Books, through: str) -> dict[tuple[str, str, str], str]:
    """What income and expense accounts hold on the books through a day, per
    account, fund and view, read straight from the journal lines: zero
    everywhere once the years to that day are closed."""
    org, association = decode(b.c.org)[1], decode(b.c.association)[1]
    async with scoped_transaction(platform.sessions, org, None) as s:
        rows = await s.execute(
            text(
                """SELECT a.number, f.code, v.view, sum(l.debit - l.credit)
                     FROM journal_lines l JOIN gl_accounts a ON a.id = l.account_id JOIN funds f ON f.id = l.fund_id
                    CROSS JOIN (VALUES ('accrual'), ('cash')) v(view)
                    WHERE l.association_id = :a AND a.type IN ('income', 'expense') AND l.entry_date <= :d
                      AND l.basis::text IN ('both', v.view)
                    GROUP BY 1, 2, 3 HAVING sum(l.debit - l.credit) <> 0"""
            ),
            {"a": association, "d": date.fromisoformat(through)},
        )
        return {(n, f, v): str(x) for n, f, v, x in rows}


async def _closes(api, b: Books) -> list[dict[str, Any]]:
    return (await api.call("fiscalYear/v1/list", {"associationId": b.c.association}, b.c.admin))["nodes"]


async def _closing_entries(api, b: Books) -> list[dict[str, Any]]:
    body = {"associationId": b.c.association, "source": "year_end_close", "first": 100}
    return (await api.call("journalEntry/v1/list", body, b.c.admin))["nodes"]


async def test_reports_agree_before_and_after_the_posted_close(api, platform) -> None:
    b = await ledger_books(api, platform)
    await post(platform, b, "2026-07-15", [("5100", "OPER", "40", "0", Basis.BOTH), ("1010", "OPER", "0", "40", Basis.BOTH)])
    before = await reports(api, b)
    assert await income_left(platform, b, "2026-06-30") != {}

    close = {"associationId": b.c.association, "closeOpenMonths": True}
    fy2024 = await api.call("fiscalYear/v1/close", close | {"fiscalYear": 2024}, b.c.admin)
    fy2025 = await api.call("fiscalYear/v1/close", close | {"fiscalYear": 2025}, b.c.admin)
    assert fy2024["entryId"] and fy2025["entryId"] and fy2025["reversedAt"] is None
    entry = await api.call("journalEntry/v1/get", {"id": fy2025["entryId"]}, b.c.admin)
    assert (entry["source"], entry["entryDate"]) == ("year_end_close", "2026-06-30")
    # Accrual and cash views differ on 4000 OPER and 5100/5200 (receivable, payable), agree on the reserve's lines.
    by_account = {(ln["accountId"], ln["fundId"], ln["basis"]): (ln["debit"], ln["credit"]) for ln in entry["lines"]}
    assert by_account[b.accounts["4000"], b.funds["RESV"], "both"] == ("500.00", "0.00")
    assert by_account[b.accounts["6000"], b.funds["RESV"], "both"] == ("0.00", "120.00")
    assert by_account[b.accounts["3100"], b.funds["RESV"], "both"] == ("0.00", "380.00")
    assert by_account[b.accounts["4000"], b.funds["OPER"], "accrual"] == ("300.00", "0.00")
    assert by_account[b.accounts["4000"], b.funds["OPER"], "cash"] == ("400.00", "0.00")
    # Every month of both years is closed now.
    months = await api.call("fiscalPeriod/v1/list", {"associationId": b.c.association, "first": 100}, b.c.admin)
    assert len(months["nodes"]) == 24

    # The books carry the close; the reports read the same.
    assert await income_left(platform, b, "2026-06-30") == {}
    assert await income_left(platform, b, "2026-07-31") == {
        ("5100", "OPER", "accrual"): "40.00",
        ("5100", "OPER", "cash"): "40.00",
    }
    assert await reports(api, b) == before

    # Closing again is a no-op.
    again = await api.call("fiscalYear/v1/close", close | {"fiscalYear": 2025}, b.c.admin)
    assert again == fy2025 and len(await _closing_entries(api, b)) == 2

    # A closing entry is not reversed as a journal entry, only by undoing the close.
    refused = await api.rpc(
        "journalEntry/v1/reverse", {"id": fy2025["entryId"], "entryDate": "2026-12-01"}, token=b.c.admin.token, key="x"
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "ENTRY_NOT_REVERSIBLE"
    undone = await api.call("fiscalYear/v1/reopen", {"id": fy2025["id"], "reason": "audit adjustment"}, b.c.admin)
    assert undone["reversedAt"] and undone["reversalReason"] == "audit adjustment" and undone["reversalEntryId"]
    reversal = await api.call("journalEntry/v1/get", {"id": undone["reversalEntryId"]}, b.c.admin)
    assert (reversal["source"], reversal["entryDate"], reversal["reversesEntryId"]) == (
        "year_end_close",
        "2026-06-30",
        fy2025["entryId"],
    )
    twice = await api.rpc("fiscalYear/v1/reopen", {"id": fy2025["id"], "reason": "x"}, token=b.c.admin.token, key="y")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "YEAR_CLOSE_ALREADY_REVERSED"
    assert await income_left(platform, b, "2026-06-30") != {}
    assert await reports(api, b) == before

    # Closed again: a new close, the undone one kept.
    anew = await api.call("fiscalYear/v1/close", close | {"fiscalYear": 2025}, b.c.admin)
    assert anew["id"] != fy2025["id"] and anew["reversedAt"] is None
    listed = await _closes(api, b)
    assert [(c["fiscalYear"], c["reversedAt"] is None) for c in listed] == [(2025, True), (2025, False), (2024, True)]
    assert await income_left(platform, b, "2026-06-30") == {}
    assert await reports(api, b) == before


async def test_refusals(api, platform) -> None:
    b = await open_books(api)
    base = {"associationId": b.c.association}
    entry = {
        "associationId": b.c.association,
        "memo": "dues",
        "lines": [b.line("1010", debit="90.00"), b.line("4000", credit="90.00")],
    }
    await api.call("journalEntry/v1/post", entry | {"entryDate": "2025-05-10"}, b.c.admin)

    async def refused(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r = await api.rpc("fiscalYear/v1/close", base | body, token=b.c.admin.token, key=uuid.uuid4().hex)
        return r.status_code, r.json()["error"]

    status, error = await refused({"fiscalYear": date.today().year})
    assert (status, error["code"]) == (422, "FISCAL_YEAR_NOT_ENDED")
    await api.call("fiscalPeriod/v1/close", base | {"month": "2025-01-01"}, b.c.admin)
    status, error = await refused({"fiscalYear": 2025})
    assert (status, error["code"]) == (422, "FISCAL_MONTHS_OPEN")
    assert error["details"]["months"][:2] == ["2025-02-01", "2025-03-01"] and len(error["details"]["months"]) == 11
    status, error = await refused({"fiscalYear": 1800})
    assert (status, error["code"]) == (400, "VALIDATION_FAILED")
    # A fund with income and no fund-balance account can't be closed into; nothing is half-done.
    fund = await api.call("fund/v1/create", base | {"code": "ROOF", "name": "Roof", "kind": "special_assessment"}, b.c.admin)
    cash = await api.call(
        "glAccount/v1/create", base | {"number": "1050", "name": "Roof Cash", "type": "asset", "fundId": fund["id"]}, b.c.admin
    )
    roof = {"accountId": cash["id"], "fundId": fund["id"], "debit": "10.00"}
    income = {"accountId": b.accounts["4000"], "fundId": fund["id"], "credit": "10.00"}
    await api.call("journalEntry/v1/post", entry | {"entryDate": "2025-06-10", "lines": [roof, income]}, b.c.admin)
    status, error = await refused({"fiscalYear": 2025, "closeOpenMonths": True})
    assert (status, error["code"]) == (422, "CONTROL_ACCOUNT_MISSING")
    months = await api.call("fiscalPeriod/v1/list", base, b.c.admin)
    assert [m["month"] for m in months["nodes"]] == ["2025-01-01"]
    assert await _closes(api, b) == []
    # Once closed, nothing more posts into the year.
    await api.call(
        "glAccount/v1/create",
        base | {"number": "3200", "name": "Roof Fund Balance", "type": "equity", "fundId": fund["id"], "control": "fund_balance"},
        b.c.admin,
    )
    closed = await api.call("fiscalYear/v1/close", base | {"fiscalYear": 2025, "closeOpenMonths": True}, b.c.admin)
    late = await api.rpc("journalEntry/v1/post", entry | {"entryDate": "2025-12-31"}, token=b.c.admin.token, key="late")
    assert late.status_code == 422 and late.json()["error"]["code"] == "PERIOD_CLOSED"
    # Another organization's admin meets "not found".
    other, _ = await api.admin_of_new_org()
    hidden = await api.rpc("fiscalYear/v1/reopen", {"id": closed["id"], "reason": "x"}, token=other.token, key="h")
    assert hidden.status_code == 404


async def test_a_year_without_income_closes_with_no_entry(api) -> None:
    b = await open_books(api)
    closed = await api.call(
        "fiscalYear/v1/close", {"associationId": b.c.association, "fiscalYear": 2020, "closeOpenMonths": True}, b.c.admin
    )
    assert closed["entryId"] is None
    undone = await api.call("fiscalYear/v1/reopen", {"id": closed["id"], "reason": "wrong year"}, b.c.admin)
    assert undone["reversalEntryId"] is None and undone["reversedAt"]

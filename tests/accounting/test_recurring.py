"""Recurring journal entries: each month posted exactly once (by the daily DBOS
run or on request), auto-reversed the next month when asked, skipped, paused
and resumed, and refused — with the books' code, once — into a closed month."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from dbos import DBOS

from domains.accounting.service import fiscal
from tests.accounting.books import Books, open_books


async def accrued(api) -> Books:
    b = await open_books(api)
    account = {"associationId": b.c.association, "number": "2200", "name": "Accrued Expenses", "type": "liability"}
    b.accounts["2200"] = (await api.call("glAccount/v1/create", account | {"fundId": b.funds["OPER"]}, b.c.admin))["id"]
    return b


def template(b: Books, **more: Any) -> dict[str, Any]:
    return {
        "associationId": b.c.association,
        "memo": "Management fee accrual",
        "dayOfMonth": 28,
        "startsOn": "2026-01-10",
        "lines": [b.line("5000", debit="1250.00"), b.line("2200", credit="1250.00")],
        **more,
    }


async def occurrences(api, b: Books, entry_id: str) -> list[tuple[str, str]]:
    rows = await api.call("recurringEntry/v1/occurrences", {"recurringEntryId": entry_id}, b.c.admin)
    return [(o["period"], o["status"]) for o in reversed(rows["nodes"])]


async def due(api, b: Books, as_of: str) -> list[tuple[str, str]]:
    done = await api.call("recurringEntry/v1/postDue", {"associationId": b.c.association, "asOf": as_of}, b.c.admin)
    return [(o["period"], o["status"]) for o in done["occurrences"]]


async def test_monthly_accrual_posted_once_and_reversed(api) -> None:
    b = await accrued(api)
    made = await api.call("recurringEntry/v1/create", template(b, endsOn="2026-04-30", autoReverse=True), b.c.admin)
    assert made["status"] == "active" and [ln["debit"] for ln in made["lines"]] == ["1250.00", "0.00"]
    assert await due(api, b, "2026-03-27") == [("2026-01-01", "posted"), ("2026-02-01", "posted")]
    assert await due(api, b, "2026-03-27") == []
    assert await due(api, b, "2026-03-28") == [("2026-03-01", "posted")]
    skipped = await api.call(
        "recurringEntry/v1/skip", {"id": made["id"], "period": "2026-04-15", "reason": "billed directly"}, b.c.admin
    )
    assert (skipped["period"], skipped["status"], skipped["reason"]) == ("2026-04-01", "skipped", "billed directly")
    assert await due(api, b, "2026-12-31") == []
    assert await occurrences(api, b, made["id"]) == [
        ("2026-01-01", "posted"),
        ("2026-02-01", "posted"),
        ("2026-03-01", "posted"),
        ("2026-04-01", "skipped"),
    ]
    # Each posted month is the template on its day, reversed on the next month's first.
    rows = await api.call("recurringEntry/v1/occurrences", {"recurringEntryId": made["id"], "status": "posted"}, b.c.admin)
    march = rows["nodes"][0]
    entry = await api.call("journalEntry/v1/get", {"id": march["entryId"]}, b.c.admin)
    reversal = await api.call("journalEntry/v1/get", {"id": march["reversalEntryId"]}, b.c.admin)
    assert (entry["source"], entry["entryDate"], entry["memo"]) == ("recurring", "2026-03-28", "Management fee accrual")
    assert (reversal["source"], reversal["entryDate"], reversal["reversesEntryId"]) == ("recurring", "2026-04-01", entry["id"])
    # Accrued within the month, gone the next: the liability is 1250 on March 31 and 0 on April 1.
    for day, expected in (("2026-03-31", "1250.00"), ("2026-04-01", None)):
        tb = await api.call("financialReport/v1/trialBalance", {"associationId": b.c.association, "asOf": day}, b.c.admin)
        got = [ln["credit"] for ln in tb["lines"] if ln["accountNumber"] == "2200"]
        assert got == ([expected] if expected else [])
    # Refusals of skip.
    for body, status, code in [
        ({"period": "2026-03-01"}, 409, "OCCURRENCE_ALREADY_DECIDED"),
        ({"period": "2026-05-01"}, 422, "NOT_AN_OCCURRENCE"),
        ({"period": "2025-12-01"}, 422, "NOT_AN_OCCURRENCE"),
    ]:
        r = await api.rpc(
            "recurringEntry/v1/skip", {"id": made["id"], "reason": "x"} | body, token=b.c.admin.token, key=uuid.uuid4().hex
        )
        assert (r.status_code, r.json()["error"]["code"]) == (status, code)


async def test_closed_month_refused_once_with_its_code(api) -> None:
    b = await accrued(api)
    made = await api.call("recurringEntry/v1/create", template(b, startsOn="2025-11-01", dayOfMonth=5), b.c.admin)
    await api.call("fiscalPeriod/v1/close", {"associationId": b.c.association, "month": "2025-11-01"}, b.c.admin)
    assert await due(api, b, "2025-12-31") == [("2025-11-01", "refused"), ("2025-12-01", "posted")]
    assert await due(api, b, "2025-12-31") == []
    rows = await api.call("recurringEntry/v1/occurrences", {"recurringEntryId": made["id"], "status": "refused"}, b.c.admin)
    assert [(o["refusalCode"], o["entryId"]) for o in rows["nodes"]] == [("PERIOD_CLOSED", None)]
    # An auto-reversing month whose reversal would land in a closed month is refused whole.
    accrual = await api.call(
        "recurringEntry/v1/create", template(b, startsOn="2026-01-01", autoReverse=True, dayOfMonth=20), b.c.admin
    )
    await api.call("fiscalPeriod/v1/close", {"associationId": b.c.association, "month": "2026-02-01"}, b.c.admin)
    # January: the first template's posts; the accrual's reversal would fall on February 1st.
    assert await due(api, b, "2026-01-31") == [("2026-01-01", "posted"), ("2026-01-01", "refused")]
    rows = await api.call("recurringEntry/v1/occurrences", {"recurringEntryId": accrual["id"]}, b.c.admin)
    assert [(o["period"], o["status"], o["refusalCode"]) for o in rows["nodes"]] == [("2026-01-01", "refused", "PERIOD_CLOSED")]
    entries = await api.call("journalEntry/v1/list", {"associationId": b.c.association, "source": "recurring"}, b.c.admin)
    assert len(entries["nodes"]) == 2  # December's of the first template, and January's of it


async def test_pause_resume_and_the_daily_run(api) -> None:
    from domains.accounting.service.recurring import SCHEDULE
    from domains.accounting.workflows import post_recurring_entries_workflow

    schedule = await DBOS.get_schedule_async(SCHEDULE)
    assert schedule is not None and schedule["schedule"] == "0 7 * * *"
    b = await accrued(api)
    today = datetime.now(UTC).date()
    start = fiscal.months_after(today.replace(day=1), -2)
    made = await api.call("recurringEntry/v1/create", template(b, startsOn=start.isoformat(), dayOfMonth=1), b.c.admin)
    paused = await api.call("recurringEntry/v1/pause", {"id": made["id"], "reason": "budget review"}, b.c.admin)
    assert paused["status"] == "paused"
    listed = await api.call("recurringEntry/v1/list", {"associationId": b.c.association, "status": "paused"}, b.c.admin)
    assert [e["id"] for e in listed["nodes"]] == [made["id"]]
    await post_recurring_entries_workflow(datetime.combine(today, datetime.min.time(), UTC), None)
    assert await occurrences(api, b, made["id"]) == []
    r = await api.rpc("recurringEntry/v1/pause", {"id": made["id"]}, token=b.c.admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 409 and r.json()["error"]["code"] == "RECURRING_ENTRY_STATE"
    # Resumed: the three months that fell due while paused are skipped, not posted late.
    resumed = await api.call("recurringEntry/v1/resume", {"id": made["id"]}, b.c.admin)
    assert resumed["status"] == "active"
    months = [fiscal.months_after(start, n).isoformat() for n in range(3)]
    assert await occurrences(api, b, made["id"]) == [(m, "skipped") for m in months]
    # The daily run posts next month's, once, however often it runs.
    next_month = fiscal.months_after(start, 3)
    for _ in range(2):
        await post_recurring_entries_workflow(datetime.combine(next_month, datetime.min.time(), UTC), None)
    assert await occurrences(api, b, made["id"]) == [(m, "skipped") for m in months] + [(next_month.isoformat(), "posted")]


async def test_bad_templates_make_nothing(api) -> None:
    b = await accrued(api)
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"lines": [b.line("5000", debit="10.00"), b.line("2200", credit="9.99")]}, 422, "UNBALANCED_ENTRY"),
        ({"lines": [b.line("5000", debit="10.00"), b.line("3100", "RESV", credit="10.00")]}, 422, "UNBALANCED_ENTRY"),
        ({"lines": [b.line("1200", debit="10.00"), b.line("4000", credit="10.00")]}, 422, "OWNER_LEDGER_ACCOUNT"),
        ({"lines": [b.line("5000", "RESV", debit="10.00"), b.line("2200", "RESV", credit="10.00")]}, 422, "FUND_MISMATCH"),
        ({"dayOfMonth": 29}, 400, "VALIDATION_FAILED"),
        ({"endsOn": "2025-12-31"}, 400, "VALIDATION_FAILED"),
        ({"lines": [b.line("5000", debit="10.00")]}, 400, "VALIDATION_FAILED"),
        ({"associationId": "asn_" + "a" * 26}, 422, "INVALID_REFERENCE"),
    ]
    for more, status, code in cases:
        r = await api.rpc("recurringEntry/v1/create", template(b, **more), token=b.c.admin.token, key=uuid.uuid4().hex)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), more
    assert (await api.call("recurringEntry/v1/list", {"associationId": b.c.association}, b.c.admin))["nodes"] == []
    # Another organization's admin meets "not found".
    made = await api.call("recurringEntry/v1/create", template(b), b.c.admin)
    stranger, _ = await api.admin_of_new_org()
    r = await api.rpc("recurringEntry/v1/pause", {"id": made["id"]}, token=stranger.token, key=uuid.uuid4().hex)
    assert r.status_code == 404
    got = await api.call("recurringEntry/v1/get", {"id": made["id"]}, b.c.admin)
    assert got["status"] == "active" and date.fromisoformat(got["startsOn"]) == date(2026, 1, 10)


LIST = """query($id: ID!) {
  recurringEntries(associationId: $id, first: 100) {
    nodes { memo lines { debit account { number } fund { code } } }
  }
}"""
OCCURRENCES = """query($id: ID!) {
  recurringEntryOccurrences(recurringEntryId: $id, first: 100) {
    nodes { period recurringEntry { memo } entry { number lines { debit } } reversalEntry { entryDate } }
  }
}"""


async def test_nested_reads_cost_the_same_for_2_and_20(api, statements) -> None:
    b = await accrued(api)

    async def count(query: str, of: str, key: str) -> tuple[int, list[Any]]:
        statements.clear()
        body = await api.gql(query, {"id": of}, token=b.c.admin.token)
        assert "errors" not in body, body
        return len(statements), body["data"][key]["nodes"]

    made = [await api.call("recurringEntry/v1/create", template(b, memo=f"m{n}"), b.c.admin) for n in range(2)]
    n2, two = await count(LIST, b.c.association, "recurringEntries")
    made += [await api.call("recurringEntry/v1/create", template(b, memo=f"m{n}"), b.c.admin) for n in range(2, 20)]
    n20, twenty = await count(LIST, b.c.association, "recurringEntries")
    assert (len(two), len(twenty)) == (2, 20) and twenty[0]["lines"][0]["account"] == {"number": "5000"}
    assert n2 == n20, statements
    # A template's months: 2, then 20 (each posted and reversed).
    accrual = await api.call("recurringEntry/v1/create", template(b, startsOn="2024-01-01", autoReverse=True), b.c.admin)
    await due(api, b, "2024-02-28")
    m2, two = await count(OCCURRENCES, accrual["id"], "recurringEntryOccurrences")
    await due(api, b, "2025-08-28")
    m20, twenty = await count(OCCURRENCES, accrual["id"], "recurringEntryOccurrences")
    assert (len(two), len(twenty)) == (2, 20) and twenty[0]["reversalEntry"] == {"entryDate": "2025-09-01"}
    assert m2 == m20, statements

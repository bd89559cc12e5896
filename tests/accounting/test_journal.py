"""Journal entries: balanced per fund, append-only, corrected by reversal, never
into a closed month; bad input gets a clear code and posts nothing."""

from __future__ import annotations

import uuid

from tests.accounting.books import open_books


async def _count(api, b) -> int:
    return len((await api.call("journalEntry/v1/list", {"associationId": b.c.association, "first": 100}, b.c.admin))["nodes"])


async def test_post_read_and_reverse(api) -> None:
    b = await open_books(api)
    entry = await api.call(
        "journalEntry/v1/post",
        {
            "associationId": b.c.association,
            "entryDate": "2026-03-31",
            "memo": "Opening balance",
            "lines": [b.line("1010", debit="12500.00"), b.line("3000", credit="12500.00")],
        },
        b.c.admin,
    )
    assert [(ln["debit"], ln["credit"]) for ln in entry["lines"]] == [("12500.00", "0.00"), ("0.00", "12500.00")]
    body = await api.gql(
        "query($id: ID!) { journalEntry(id: $id) { number memo lines { debit account { number name } fund { code } } } }",
        {"id": entry["id"]},
        token=b.c.admin.token,
    )
    assert body["data"]["journalEntry"]["lines"][0] == {
        "debit": "12500.00",
        "account": {"number": "1010", "name": "Operating Cash"},
        "fund": {"code": "OPER"},
    }
    reversal = await api.call("journalEntry/v1/reverse", {"id": entry["id"], "entryDate": "2026-04-01"}, b.c.admin)
    assert reversal["reversesEntryId"] == entry["id"] and reversal["source"] == "reversal"
    assert [(ln["debit"], ln["credit"]) for ln in reversal["lines"]] == [("0.00", "12500.00"), ("12500.00", "0.00")]
    again = await api.rpc(
        "journalEntry/v1/reverse", {"id": entry["id"], "entryDate": "2026-04-02"}, token=b.c.admin.token, key="again"
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "ENTRY_ALREADY_REVERSED"


async def test_bad_entries_post_nothing(api) -> None:
    b = await open_books(api)
    base = {"associationId": b.c.association, "entryDate": "2026-03-31", "memo": "x"}
    cases = [
        ([b.line("1010", debit="100.00"), b.line("3000", credit="99.99")], 422, "UNBALANCED_ENTRY"),
        # Balanced in total, but not per fund.
        ([b.line("1010", debit="100.00"), b.line("3100", "RESV", credit="100.00")], 422, "UNBALANCED_ENTRY"),
        ([b.line("1010", debit="100.005"), b.line("3000", credit="100.005")], 400, "VALIDATION_FAILED"),
        ([b.line("1010", debit="-100"), b.line("3000", credit="-100")], 400, "VALIDATION_FAILED"),
        ([b.line("1010", debit="100", credit="100"), b.line("3000", credit="0")], 422, "UNBALANCED_ENTRY"),
        (
            [b.line("1010", debit="100.00") | {"accountId": "gla_" + "a" * 26}, b.line("3000", credit="100.00")],
            422,
            "UNKNOWN_ACCOUNT",
        ),
        ([b.line("1020", "OPER", debit="100.00"), b.line("3000", credit="100.00")], 422, "FUND_MISMATCH"),
        ([b.line("1010", debit="100.00")], 400, "VALIDATION_FAILED"),
    ]
    for lines, status, code in cases:
        r = await api.rpc("journalEntry/v1/post", base | {"lines": lines}, token=b.c.admin.token, key=uuid.uuid4().hex)
        assert r.status_code == status and r.json()["error"]["code"] == code, (lines, r.text)
    assert await _count(api, b) == 0


async def test_closed_months_take_no_postings(api) -> None:
    b = await open_books(api)
    closed = await api.call("fiscalPeriod/v1/close", {"associationId": b.c.association, "month": "2026-02-14"}, b.c.admin)
    assert closed["month"] == "2026-02-01"
    r = await api.rpc(
        "fiscalPeriod/v1/close", {"associationId": b.c.association, "month": "2026-02-01"}, token=b.c.admin.token, key="twice"
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "PERIOD_ALREADY_CLOSED"
    lines = [b.line("1010", debit="5.00"), b.line("3000", credit="5.00")]
    r = await api.rpc(
        "journalEntry/v1/post",
        {"associationId": b.c.association, "entryDate": "2026-02-28", "memo": "late", "lines": lines},
        token=b.c.admin.token,
        key="late",
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "PERIOD_CLOSED"
    assert await _count(api, b) == 0
    listed = await api.call("fiscalPeriod/v1/list", {"associationId": b.c.association}, b.c.admin)
    assert [n["month"] for n in listed["nodes"]] == ["2026-02-01"]


async def test_subledger_entries_are_corrected_in_their_subledger_not_reversed_by_hand(api) -> None:
    from tests.receivables.books import levy, open_receivables

    r = await open_receivables(api, units=2)
    await levy(api, r, "2026-01-01")
    entries = await api.call("journalEntry/v1/list", {"associationId": r.c.association, "source": "assessment"}, r.c.admin)
    assert entries["nodes"]
    undo = {"id": entries["nodes"][0]["id"], "entryDate": "2026-01-15"}
    reply = await api.rpc("journalEntry/v1/reverse", undo, token=r.c.admin.token, key="undo")
    assert reply.status_code == 422 and reply.json()["error"]["code"] == "ENTRY_NOT_REVERSIBLE", reply.text


async def test_amounts_beyond_the_column_are_refused_not_a_500(api) -> None:
    b = await open_books(api)
    huge = "1000000000000.00"  # 13 integer digits: NUMERIC(14,2) holds 12
    r = await api.rpc(
        "journalEntry/v1/post",
        {
            "associationId": b.c.association,
            "entryDate": "2026-03-31",
            "memo": "x",
            "lines": [b.line("1010", debit=huge), b.line("3000", credit=huge)],
        },
        token=b.c.admin.token,
        key="huge",
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", r.text

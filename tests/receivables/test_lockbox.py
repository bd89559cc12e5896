"""Lockbox import: the bank's payment file becomes check payments on the units'
ledgers (oldest charges first), lines naming no unit or unreadable are queued
as exceptions for a person to post; a file imported twice, or re-sent after a
crash, posts nothing the second time; the books still balance and agree with
the owner ledger."""

from __future__ import annotations

from decimal import Decimal

from tests.receivables.books import balances, check_books, levy, open_receivables

FILE = """account,amount,checkNumber,date
1,100.00,1001,2026-01-10
2,"1,000.00",1002,2026-01-10
2,50.00,1003,2026-01-11
77,25.00,1004,2026-01-11
3,12.5x,1005,2026-01-11
3,40.00,1006,not-a-date
"""


async def test_lockbox_file_posts_payments_and_queues_exceptions(api, platform) -> None:
    r = await open_receivables(api, 3, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    body = {"associationId": r.c.association, "csv": FILE}
    result = await api.call("lockboxFile/v1/import", body, r.c.admin)
    f = result["file"]
    assert result["alreadyImported"] is False
    assert (f["lineCount"], f["postedCount"], f["exceptionCount"], f["total"]) == (6, 3, 3, "1215.00")
    # Unit 1 paid its charge; unit 2 overpaid into credit; unit 3 paid nothing yet.
    assert await balances(api, r, "2026-01-31") == {"2": Decimal("-950.00"), "3": Decimal("100.00")}
    items = await api.call("lockboxItem/v1/list", {"associationId": r.c.association, "fileId": f["id"]}, r.c.admin)
    by_line = {i["lineNo"]: i for i in items["nodes"]}
    assert [by_line[n]["status"] for n in range(1, 7)] == ["posted"] * 3 + ["exception"] * 3
    assert by_line[4]["problem"] == "no unit numbered 77" and by_line[5]["amount"] is None
    payments = await api.call(
        "ownerLedgerEntry/v1/list", {"associationId": r.c.association, "unitId": r.c.units[1], "kind": "payment"}, r.c.admin
    )
    assert sorted((p["reference"], p["amount"], p["method"]) for p in payments["nodes"]) == [
        ("1002", "-1000.00", "check"),
        ("1003", "-50.00", "check"),
    ]

    # The same file again (a retry, or the bank re-sending it) posts nothing.
    again = await api.call("lockboxFile/v1/import", body, r.c.admin)
    assert again["alreadyImported"] is True and again["file"]["id"] == f["id"]
    assert await balances(api, r, "2026-01-31") == {"2": Decimal("-950.00"), "3": Decimal("100.00")}

    # A person posts the exceptions to the units they identify.
    queue = await api.call("lockboxItem/v1/list", {"associationId": r.c.association, "status": "exception"}, r.c.admin)
    assert [i["lineNo"] for i in queue["nodes"]] == [4, 5, 6]
    resolved = await api.call("lockboxItem/v1/resolve", {"id": by_line[4]["id"], "unitId": r.c.units[2]}, r.c.admin)
    assert (resolved["status"], resolved["unitId"]) == ("resolved", r.c.units[2]) and resolved["paymentEntryId"]
    no_amount = await api.rpc(
        "lockboxItem/v1/resolve", {"id": by_line[5]["id"], "unitId": r.c.units[2]}, token=r.c.admin.token, key="amount"
    )
    assert no_amount.status_code == 400 and no_amount.json()["error"]["details"]["field"] == ["amount"]
    await api.call("lockboxItem/v1/resolve", {"id": by_line[5]["id"], "unitId": r.c.units[2], "amount": "12.50"}, r.c.admin)
    twice = await api.rpc(
        "lockboxItem/v1/resolve", {"id": by_line[4]["id"], "unitId": r.c.units[2]}, token=r.c.admin.token, key="twice"
    )
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "NOT_A_LOCKBOX_EXCEPTION"
    assert await balances(api, r, "2026-01-31") == {"2": Decimal("-950.00"), "3": Decimal("62.50")}
    await check_books(platform, r)


async def test_a_file_without_its_columns_is_refused_whole(api) -> None:
    r = await open_receivables(api, 2)
    bad = await api.rpc(
        "lockboxFile/v1/import",
        {"associationId": r.c.association, "csv": "unit,amount\n1,5.00\n"},
        token=r.c.admin.token,
        key="bad",
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "IMPORT_REJECTED"
    items = await api.call("lockboxItem/v1/list", {"associationId": r.c.association}, r.c.admin)
    assert items["nodes"] == []

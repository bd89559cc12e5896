"""Bank accounts, statement import (OFX and mapped CSV, idempotent by the bank's
ids), automatic and manual matching, the missing entry for a fee, and the
monthly reconciliation that must tie to finish, locks its month when finished,
and which closing the month requires."""

from __future__ import annotations

from typing import Any

from tests.banking.books import Bank, cash_line, ofx, open_bank
from tests.helpers import Api


async def _pay(api: Api, bank: Bank, unit: int, amount: str, on: str, reference: str) -> dict[str, Any]:
    body = {"unitId": bank.c.units[unit], "receivedOn": on, "amount": amount, "method": "check", "reference": reference}
    return await api.call("payment/v1/record", body, bank.c.admin)


async def _check(api: Api, bank: Bank, account: str, amount: str, on: str, memo: str) -> dict[str, Any]:
    lines = [bank.b.line(account, debit=amount), bank.b.line("1010", credit=amount)]
    body = {"associationId": bank.c.association, "entryDate": on, "memo": memo, "lines": lines}
    return await api.call("journalEntry/v1/post", body, bank.c.admin)


JANUARY = [
    ("DEP", "20260106", "300.00", "F1", "<NAME>Deposit"),
    ("DEP", "20260107", "300.00", "F2", "<REFNUM>501<NAME>Deposit"),
    ("CHECK", "20260112", "-120.50", "F3", "<CHECKNUM>1001<NAME>Green Lawns"),
    ("FEE", "20260131", "-15.00", "F4", "<NAME>Service charge"),
]


async def test_import_match_reconcile_and_close(api) -> None:
    bank = await open_bank(api)
    c, account = bank.c, bank.account
    assert (account["accountNumberLast4"], account["fundId"]) == ("6789", bank.b.funds["OPER"])
    p501 = await _pay(api, bank, 0, "300.00", "2026-01-05", "501")
    p777 = await _pay(api, bank, 1, "300.00", "2026-01-06", "777")
    check = await _check(api, bank, "5100", "120.50", "2026-01-10", "Check 1001 Green Lawns")
    await _check(api, bank, "5200", "80.00", "2026-01-28", "Check 1002 City Water")

    statement = ofx(JANUARY, "10464.50", "20260101", "20260131")
    imported = await api.call("bankStatement/v1/import", {"bankAccountId": account["id"], "ofx": statement}, c.admin)
    assert (imported["added"], imported["duplicates"], imported["statement"]["endingBalance"]) == (4, 0, "10464.50")
    again = await api.call("bankStatement/v1/import", {"bankAccountId": account["id"], "ofx": statement}, c.admin)
    assert (again["added"], again["duplicates"], again["statement"]["id"]) == (0, 4, imported["statement"]["id"])
    # An overlapping file adds only what is new.
    overlapping = ofx([*JANUARY[2:], ("INT", "20260131", "0.42", "F5", "<NAME>Interest")], "10464.92", "20260110", "20260131")
    more = await api.call("bankStatement/v1/import", {"bankAccountId": account["id"], "ofx": overlapping}, c.admin)
    assert (more["added"], more["duplicates"]) == (1, 2)

    auto = await api.call("bankTransaction/v1/autoMatch", {"bankAccountId": account["id"]}, c.admin)
    assert auto == {"matched": 3, "ambiguous": 0, "unmatched": 2}
    listed = await api.call("bankTransaction/v1/list", {"bankAccountId": account["id"]}, c.admin)
    by_id = {t["bankTransactionId"]: t for t in listed["nodes"]}
    # The reference decides between the two deposits of 300.
    assert by_id["F2"]["journalLineIds"] == [await cash_line(api, bank, p501["journalEntryId"])]
    assert by_id["F1"]["journalLineIds"] == [await cash_line(api, bank, p777["journalEntryId"])]
    assert by_id["F3"]["journalLineIds"] == [await cash_line(api, bank, check["id"])]

    # The statement's balance 10,464.50 is before the interest (a later file):
    # the January reconciliation uses the statement's ending balance given.
    started = await api.call(
        "bankReconciliation/v1/start",
        {"bankAccountId": account["id"], "month": "2026-01-15", "statementEndingBalance": "10464.92"},
        c.admin,
    )
    rec = started["reconciliation"]
    assert (rec["month"], rec["status"]) == ("2026-01-01", "in_progress")
    assert (started["bookBalance"], started["outstandingPayments"], started["depositsInTransit"]) == ("10399.50", "80.00", "0.00")
    assert (started["clearedBalance"], started["difference"]) == ("10479.50", "-14.58")
    assert sorted(t["bankTransactionId"] for t in started["unmatchedTransactions"]) == ["F4", "F5"]
    assert [i["amount"] for i in started["outstandingItems"]] == ["-80.00"]

    r = await api.rpc("bankReconciliation/v1/finish", {"id": rec["id"]}, token=c.admin.token, key="early")
    assert r.status_code == 422 and r.json()["error"]["code"] == "RECONCILIATION_NOT_BALANCED"
    assert r.json()["error"]["details"]["difference"] == "-14.58"
    r = await api.rpc(
        "fiscalPeriod/v1/close", {"associationId": c.association, "month": "2026-01-01"}, token=c.admin.token, key="c1"
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "CASH_NOT_RECONCILED"

    # Book the fee and the interest from the bank's side.
    fee_account = await api.call(
        "glAccount/v1/create",
        {"associationId": c.association, "number": "5600", "name": "Bank Charges", "type": "expense"},
        c.admin,
    )
    f4, f5 = by_id["F4"]["id"], by_id["F5"]["id"]
    fee = await api.call("bankTransaction/v1/createEntry", {"id": f4, "accountId": fee_account["id"]}, c.admin)
    assert len(fee["transaction"]["journalLineIds"]) == 1
    entry = await api.call("journalEntry/v1/get", {"id": fee["journalEntryId"]}, c.admin)
    assert entry["source"] == "bank" and {(ln["debit"], ln["credit"]) for ln in entry["lines"]} == {
        ("15.00", "0.00"),
        ("0.00", "15.00"),
    }
    await api.call(
        "bankTransaction/v1/createEntry", {"id": f5, "accountId": bank.b.accounts["4200"], "memo": "Interest"}, c.admin
    )
    r = await api.rpc(
        "bankTransaction/v1/createEntry", {"id": f5, "accountId": bank.b.accounts["4200"]}, token=c.admin.token, key="x"
    )
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_MATCHED"

    report = await api.call("bankReconciliation/v1/report", {"id": rec["id"]}, c.admin)
    assert (await api.call("bankReconciliation/v1/get", {"id": rec["id"]}, c.admin))["status"] == "in_progress"
    assert (report["bookBalance"], report["difference"], report["unmatchedTransactions"]) == ("10384.92", "0.00", [])
    done = await api.call("bankReconciliation/v1/finish", {"id": rec["id"]}, c.admin)
    assert done["reconciliation"]["status"] == "finished" and done["reconciliation"]["outstanding"] == "-80.00"

    # Locked: the month's matches and statement don't change, nor the reconciliation.
    r = await api.rpc("bankTransaction/v1/unmatch", {"id": by_id["F3"]["id"]}, token=c.admin.token, key="u")
    assert r.status_code == 422 and r.json()["error"]["code"] == "MONTH_RECONCILED"
    late = ofx([("DEP", "20260120", "5.00", "F9", "")], "10469.92", "20260101", "20260131")
    r = await api.rpc("bankStatement/v1/import", {"bankAccountId": account["id"], "ofx": late}, token=c.admin.token, key="l")
    assert r.status_code == 422 and r.json()["error"]["code"] == "MONTH_RECONCILED"
    r = await api.rpc("bankReconciliation/v1/finish", {"id": rec["id"]}, token=c.admin.token, key="f2")
    assert r.status_code == 409 and r.json()["error"]["code"] == "RECONCILIATION_FINISHED"
    await api.call("fiscalPeriod/v1/close", {"associationId": c.association, "month": "2026-01-01"}, c.admin)


FEBRUARY_CSV = """Date,Description,Check,Withdrawal,Deposit
02/02/2026,CHECK 1002,1002,80.00,
02/03/2026,DEPOSIT,,,600.00
02/03/2026,DEPOSIT,,,600.00
"""


async def test_csv_mapping_manual_match_and_unmatch(api) -> None:
    bank = await open_bank(api)
    c, account = bank.c, bank.account
    await _check(api, bank, "5200", "80.00", "2026-01-28", "Check 1002 City Water")
    one = await _pay(api, bank, 0, "300.00", "2026-02-02", "601")
    two = await _pay(api, bank, 1, "300.00", "2026-02-02", "602")
    mapping = {
        "date": "Date",
        "dateFormat": "%m/%d/%Y",
        "debit": "Withdrawal",
        "credit": "Deposit",
        "description": "Description",
        "checkNumber": "Check",
    }
    body = {"bankAccountId": account["id"], "csv": FEBRUARY_CSV, "csvMapping": mapping, "endingBalance": "11120.00"}
    first = await api.call("bankStatement/v1/import", body, c.admin)
    assert (first["added"], first["statement"]["format"], first["statement"]["endsOn"]) == (3, "csv", "2026-02-03")
    # The two identical deposit rows are two transactions; the same rows in a
    # longer file are found again by their digest.
    longer = FEBRUARY_CSV + "02/05/2026,SERVICE FEE,,10.00,\n"
    second = await api.call("bankStatement/v1/import", body | {"csv": longer}, c.admin)
    assert (second["added"], second["duplicates"]) == (1, 3)

    listed = await api.call("bankTransaction/v1/list", {"bankAccountId": account["id"], "unmatchedOnly": True}, c.admin)
    deposits = [t for t in listed["nodes"] if t["amount"] == "600.00"]
    assert len(deposits) == 2 and [t["amount"] for t in listed["nodes"]].count("-80.00") == 1
    lines = [await cash_line(api, bank, one["journalEntryId"]), await cash_line(api, bank, two["journalEntryId"])]
    r = await api.rpc(
        "bankTransaction/v1/match", {"id": deposits[0]["id"], "journalLineIds": lines[:1]}, token=c.admin.token, key="short"
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "NOT_MATCHABLE"
    matched = await api.call("bankTransaction/v1/match", {"id": deposits[0]["id"], "journalLineIds": lines}, c.admin)
    assert sorted(matched["journalLineIds"]) == sorted(lines)
    r = await api.rpc(
        "bankTransaction/v1/match", {"id": deposits[1]["id"], "journalLineIds": lines}, token=c.admin.token, key="taken"
    )
    assert r.status_code == 422 and "already matched" in r.json()["error"]["message"]
    undone = await api.call("bankTransaction/v1/unmatch", {"id": deposits[0]["id"]}, c.admin)
    assert undone["journalLineIds"] == []
    r = await api.rpc("bankTransaction/v1/unmatch", {"id": deposits[0]["id"]}, token=c.admin.token, key="twice")
    assert r.status_code == 422 and r.json()["error"]["code"] == "NOT_MATCHED"
    again = await api.call("bankTransaction/v1/match", {"id": deposits[1]["id"], "journalLineIds": lines}, c.admin)
    assert len(again["journalLineIds"]) == 2
    # The January check clears in February: automatic matching finds it (the window is days, not months).
    auto = await api.call("bankTransaction/v1/autoMatch", {"bankAccountId": account["id"]}, c.admin)
    assert (auto["matched"], auto["unmatched"]) == (1, 2)


async def test_refusals(api) -> None:
    bank = await open_bank(api)
    c, account = bank.c, bank.account
    base = {
        "associationId": c.association,
        "name": "Reserve Savings",
        "institution": "First Community Bank",
        "kind": "savings",
        "accountNumber": "99887766",
        "openedOn": "2026-01-01",
    }
    r = await api.rpc("bankAccount/v1/create", base | {"glAccountId": bank.b.accounts["1010"]}, token=c.admin.token, key="dup")
    assert r.status_code == 409 and r.json()["error"]["code"] == "CASH_ACCOUNT_TAKEN"
    r = await api.rpc("bankAccount/v1/create", base | {"glAccountId": bank.b.accounts["4000"]}, token=c.admin.token, key="inc")
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_CASH_ACCOUNT"
    r = await api.rpc(
        "bankAccount/v1/create",
        base | {"glAccountId": bank.b.accounts["1020"], "accountNumber": "12x"},
        token=c.admin.token,
        key="n",
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED"
    reserve = await api.call("bankAccount/v1/create", base | {"glAccountId": bank.b.accounts["1020"]}, c.admin)
    assert reserve["fundId"] == bank.b.funds["RESV"]
    listed = await api.call("bankAccount/v1/list", {"associationId": c.association}, c.admin)
    assert [a["name"] for a in listed["nodes"]] == ["Operating Checking", "Reserve Savings"]

    other = ofx([("DEP", "20260106", "1.00", "X1", "")], "1.00", "20260101", "20260131", acct="55554444")
    r = await api.rpc("bankStatement/v1/import", {"bankAccountId": account["id"], "ofx": other}, token=c.admin.token, key="o")
    assert r.status_code == 422 and r.json()["error"]["code"] == "STATEMENT_ACCOUNT_MISMATCH"
    r = await api.rpc(
        "bankStatement/v1/import", {"bankAccountId": account["id"], "ofx": "nonsense"}, token=c.admin.token, key="b"
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "STATEMENT_UNREADABLE"
    bad_csv = "Date,Amount\n2026-01-05,12.00\nyesterday,3.00\n"
    r = await api.rpc(
        "bankStatement/v1/import",
        {"bankAccountId": account["id"], "csv": bad_csv, "csvMapping": {"date": "Date", "amount": "Amount"}},
        token=c.admin.token,
        key="c",
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["rows"] == [{"row": 2, "message": "unreadable date or amount"}]
    r = await api.rpc(
        "bankStatement/v1/import",
        {"bankAccountId": account["id"], "csv": bad_csv, "csvMapping": {"date": "When", "amount": "Amount"}},
        token=c.admin.token,
        key="m",
    )
    assert r.status_code == 422 and "no column When" in r.json()["error"]["message"]
    assert (await api.call("bankStatement/v1/list", {"bankAccountId": account["id"]}, c.admin))["nodes"] == []

    start = {"bankAccountId": account["id"], "month": "2026-01-01", "statementEndingBalance": "10000.00"}
    r = await api.rpc("bankReconciliation/v1/start", start | {"month": "2025-12-01"}, token=c.admin.token, key="s0")
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED"
    empty = await api.call("bankReconciliation/v1/start", start, c.admin)
    # Nothing happened in January: the opening cash is the bank's balance, it ties.
    assert (empty["bookBalance"], empty["difference"], empty["outstandingItems"]) == ("10000.00", "0.00", [])
    r = await api.rpc("bankReconciliation/v1/start", start, token=c.admin.token, key="s1")
    assert r.status_code == 409 and r.json()["error"]["code"] == "RECONCILIATION_EXISTS"
    # The reserve account is open in January too: the month can't close without it.
    await api.call("bankReconciliation/v1/finish", {"id": empty["reconciliation"]["id"]}, c.admin)
    r = await api.rpc(
        "fiscalPeriod/v1/close", {"associationId": c.association, "month": "2026-01-01"}, token=c.admin.token, key="c"
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["bankAccounts"] == ["Reserve Savings"]
    await api.call("bankAccount/v1/update", {"id": reserve["id"], "isActive": False}, c.admin)
    await api.call("fiscalPeriod/v1/close", {"associationId": c.association, "month": "2026-01-01"}, c.admin)
    recs = await api.call("bankReconciliation/v1/list", {"bankAccountId": account["id"]}, c.admin)
    assert [x["status"] for x in recs["nodes"]] == ["finished"]

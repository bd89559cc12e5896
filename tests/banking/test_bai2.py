"""BAI2 statements (the banks' cash-management format) import alongside OFX
and CSV: the account's detail records across the file's days, the closing
ledger as the ending balance, checks and fees recognised by type code; the
same file, or a later one repeating a day, adds nothing twice (the bank's
references, or a digest of a detail that has none); a file for another
account or with a broken trailer imports nothing."""

from __future__ import annotations

from decimal import Decimal

from tests.banking.books import bai2, open_bank
from tests.helpers import Api

DAY_1 = [
    ("165", 60000, "ACH0106A", "", "AUTOPAY PPD HOA DUES"),
    ("301", 30000, "", "DEP-0412", "BRANCH DEPOSIT"),
    ("475", 12050, "CHK000001001", "1001", "CHECK PAID"),
]
DAY_2 = [
    ("301", 30000, "", "DEP-0412", "BRANCH DEPOSIT"),  # the same text again, another deposit
    ("698", 1500, "", "", "MONTHLY SERVICE FEE"),
]


async def _refused(api: Api, account: str, text: str, token: str, key: str) -> str:
    r = await api.rpc("bankStatement/v1/import", {"bankAccountId": account, "bai2": text}, token=token, key=key)
    assert r.status_code == 422, r.text
    return str(r.json()["error"]["code"])


async def test_bai2_import_is_idempotent_by_the_banks_ids(api) -> None:
    bank = await open_bank(api)
    c, account = bank.c, bank.account["id"]
    first = bai2([("260106", DAY_1)], opening=1_000_000)
    imported = await api.call("bankStatement/v1/import", {"bankAccountId": account, "bai2": first}, c.admin)
    s = imported["statement"]
    assert (imported["added"], imported["duplicates"]) == (3, 0)
    assert (s["format"], s["startsOn"], s["endsOn"], s["endingBalance"]) == ("bai2", "2026-01-06", "2026-01-06", "10779.50")
    listed = await api.call("bankTransaction/v1/list", {"bankAccountId": account}, c.admin)
    got = sorted((t["amount"], t["kind"], t["checkNumber"], t["reference"]) for t in listed["nodes"])
    assert got == [("-120.50", "475", "1001", "CHK000001001"), ("300.00", "301", None, "DEP-0412"), ("600.00", "165", None, None)]
    assert {t["bankTransactionId"] for t in listed["nodes"]} >= {"ACH0106A", "CHK000001001"}

    # The same file again adds nothing.
    again = await api.call("bankStatement/v1/import", {"bankAccountId": account, "bai2": first}, c.admin)
    assert (again["added"], again["duplicates"], again["statement"]["id"]) == (0, 3, s["id"])
    # A two-day file repeating the first day adds only the second day's, even its
    # deposit that reads like the first day's (no bank reference: another day, another digest).
    both = bai2([("260106", DAY_1), ("260107", DAY_2)], opening=1_000_000)
    more = await api.call("bankStatement/v1/import", {"bankAccountId": account, "bai2": both}, c.admin)
    assert (more["added"], more["duplicates"], more["statement"]["endingBalance"]) == (2, 3, "11064.50")
    listed = await api.call("bankTransaction/v1/list", {"bankAccountId": account}, c.admin)
    assert len(listed["nodes"]) == 5
    assert sum(Decimal(t["amount"]) for t in listed["nodes"]) == Decimal("11064.50") - Decimal("10000.00")

    # Another account's file, or a broken one, imports nothing.
    theirs = bai2([("260108", DAY_2)], opening=0, acct="000555554321", other="000999990002")
    assert await _refused(api, account, theirs, c.admin.token, "theirs") == "STATEMENT_ACCOUNT_MISMATCH"
    broken = bai2([("260108", DAY_2)], opening=1_000_000).replace("98,", "98,1", 1)
    assert await _refused(api, account, broken, c.admin.token, "broken") == "STATEMENT_UNREADABLE"
    assert await _refused(api, account, "not a bai2 file", c.admin.token, "junk") == "STATEMENT_UNREADABLE"
    listed = await api.call("bankTransaction/v1/list", {"bankAccountId": account}, c.admin)
    assert len(listed["nodes"]) == 5
    # Two files at once are refused by the input's validation.
    r = await api.rpc(
        "bankStatement/v1/import", {"bankAccountId": account, "bai2": first, "ofx": "x"}, token=c.admin.token, key="two"
    )
    assert r.status_code == 400

"""The database itself keeps the books: the application role can't change or
delete a posted entry, and an unbalanced or back-dated entry fails at commit
even when written with raw SQL."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from graph.db import scoped_transaction
from graph.ids import decode
from tests.accounting.books import open_books
from tests.associations.community import ASSOCIATION


def _state(exc: BaseException) -> str | None:
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


async def _posted(api):
    b = await open_books(api)
    entry = await api.call(
        "journalEntry/v1/post",
        {
            "associationId": b.c.association,
            "entryDate": "2026-03-31",
            "memo": "x",
            "lines": [b.line("1010", debit="10.00"), b.line("3000", credit="10.00")],
        },
        b.c.admin,
    )
    return b, entry


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE journal_entries SET memo = 'changed' WHERE id = :id",
        "DELETE FROM journal_entries WHERE id = :id",
        "UPDATE journal_lines SET debit = debit + 1 WHERE entry_id = :id",
        "DELETE FROM journal_lines WHERE entry_id = :id",
    ],
)
async def test_posted_entries_cannot_be_changed_by_the_app_role(api, platform, statement) -> None:
    b, entry = await _posted(api)
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(platform.sessions, decode(b.c.org)[1], None) as s:
            await s.execute(text(statement), {"id": decode(entry["id"])[1]})
    assert _state(info.value) == "42501", info.value  # insufficient_privilege


async def _raw_entry(platform, b, lines: list[tuple[str, str, Decimal, Decimal]], on: date = date(2026, 3, 31)) -> None:
    org, association = decode(b.c.org)[1], decode(b.c.association)[1]
    entry = uuid.uuid4()
    async with scoped_transaction(platform.sessions, org, None) as s:
        await s.execute(
            text(
                "INSERT INTO journal_entries (id, organization_id, association_id, entry_date, memo, source) "
                "VALUES (:id, :o, :a, :d, 'raw', 'manual')"
            ),
            {"id": entry, "o": org, "a": association, "d": on},
        )
        for n, (number, fund, debit, credit) in enumerate(lines, start=1):
            await s.execute(
                text(
                    "INSERT INTO journal_lines (id, organization_id, association_id, entry_id, line_no, entry_date, "
                    "account_id, fund_id, debit, credit, basis) VALUES (:id, :o, :a, :e, :n, :d, :acc, :f, :dr, :cr, 'both')"
                ),
                {
                    "id": uuid.uuid4(),
                    "o": org,
                    "a": association,
                    "e": entry,
                    "n": n,
                    "d": on,
                    "acc": decode(b.accounts[number])[1],
                    "f": decode(b.funds[fund])[1],
                    "dr": debit,
                    "cr": credit,
                },
            )


async def test_the_database_refuses_unbalanced_and_closed_month_entries(api, platform) -> None:
    b, _ = await _posted(api)
    ten, zero = Decimal("10.00"), Decimal(0)
    with pytest.raises(DBAPIError) as info:
        await _raw_entry(platform, b, [("1010", "OPER", ten, zero), ("3000", "OPER", zero, Decimal("9.99"))])
    assert _state(info.value) == "HA001"
    with pytest.raises(DBAPIError) as info:  # balanced overall, not per fund
        await _raw_entry(platform, b, [("1010", "OPER", ten, zero), ("3100", "RESV", zero, ten)])
    assert _state(info.value) == "HA001"
    with pytest.raises(DBAPIError) as info:  # a single line
        await _raw_entry(platform, b, [("1010", "OPER", ten, zero)])
    assert _state(info.value) == "HA001"
    with pytest.raises(DBAPIError) as info:  # no lines at all
        await _raw_entry(platform, b, [])
    assert _state(info.value) == "HA001"
    await api.call("fiscalPeriod/v1/close", {"associationId": b.c.association, "month": "2026-02-01"}, b.c.admin)
    with pytest.raises(DBAPIError) as info:
        await _raw_entry(platform, b, [("1010", "OPER", ten, zero), ("3000", "OPER", zero, ten)], on=date(2026, 2, 10))
    assert _state(info.value) == "HA002"
    await _raw_entry(platform, b, [("1010", "OPER", ten, zero), ("3000", "OPER", zero, ten)])  # and a good one passes


async def test_lines_cannot_reach_another_associations_accounts(api, platform) -> None:
    b, _ = await _posted(api)
    other = await api.call("association/v1/create", ASSOCIATION | {"code": "OTHER"}, b.c.admin)
    chart = await api.call("chartOfAccounts/v1/install", {"associationId": other["id"]}, b.c.admin)
    foreign = {a["number"]: a["id"] for a in chart["accounts"]}
    r = await api.rpc(
        "journalEntry/v1/post",
        {
            "associationId": b.c.association,
            "entryDate": "2026-03-31",
            "memo": "x",
            "lines": [b.line("1010", debit="1.00") | {"accountId": foreign["1010"]}, b.line("3000", credit="1.00")],
        },
        token=b.c.admin.token,
        key="foreign",
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "UNKNOWN_ACCOUNT"
    b.accounts["9999"] = foreign["1010"]
    with pytest.raises(DBAPIError) as info:
        await _raw_entry(
            platform, b, [("9999", "OPER", Decimal("1.00"), Decimal(0)), ("3000", "OPER", Decimal(0), Decimal("1.00"))]
        )
    assert _state(info.value) == "23503"  # foreign_key_violation: (org, association, account) doesn't exist

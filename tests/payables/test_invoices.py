"""Entering invoices: posted to the books at once (accrual view only), refused
when repeated, and refused with a clear code — posting nothing — on bad input."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from graph.db import scoped_transaction
from graph.ids import decode
from tests.associations.community import ASSOCIATION
from tests.payables.desk import balances, code, enter, entries, open_desk


async def test_an_invoice_posts_expense_and_payable_in_the_accrual_view(api) -> None:
    d = await open_desk(api)
    invoice = await enter(
        api, d, number="INV-1", lines=[d.line("5100", "200.00", memo="Mowing"), d.line("6000", "100.00", "RESV")]
    )
    assert (invoice["total"], invoice["amountPaid"], invoice["status"]) == ("300.00", "0.00", "awaiting_manager")
    assert invoice["boardApprovalRequired"] is False and [ln["lineNo"] for ln in invoice["lines"]] == [1, 2]
    [entry] = await entries(api, d, "invoice")
    assert (
        entry["id"] == invoice["journalEntryId"]
        and entry["sourceId"] == str(decode(invoice["id"])[1])
        and entry["entryDate"] == "2026-03-02"
    )
    assert {ln["basis"] for ln in entry["lines"]} == {"accrual"}
    views = await balances(api, d)
    assert views["accrual"] == {
        ("5100", "OPER"): Decimal("200.00"),
        ("6000", "RESV"): Decimal("100.00"),
        ("2000", "OPER"): Decimal("-200.00"),
        ("2010", "RESV"): Decimal("-100.00"),
    }
    assert views["cash"] == {}  # nothing until it is paid
    body = await api.gql(
        "query($id: ID!) { invoice(id: $id) { vendor { name } lines { amount account { number } fund { code } } "
        "journalEntry { number } } }",
        {"id": invoice["id"]},
        token=d.admin.token,
    )
    got = body["data"]["invoice"]
    assert got["lines"][1] == {"amount": "100.00", "account": {"number": "6000"}, "fund": {"code": "RESV"}}
    assert got["vendor"]["name"].startswith("Vendor") and got["journalEntry"]["number"] == entry["number"]


async def test_duplicates_are_caught(api) -> None:
    d = await open_desk(api)
    first = await enter(api, d, number="INV-7")
    r = await api.rpc(
        "invoice/v1/create", d.invoice("inv-7", lines=[d.line(amount="99.00")]), token=d.admin.token, key="same-number"
    )
    assert code(r) == (409, "DUPLICATE_INVOICE") and r.json()["error"]["details"]["invoiceId"] == first["id"]
    # Same vendor, total and date under another number: a clerk's double entry, until acknowledged.
    r = await api.rpc("invoice/v1/create", d.invoice("INV-8"), token=d.admin.token, key="same-amount")
    assert code(r) == (409, "POSSIBLE_DUPLICATE_INVOICE") and r.json()["error"]["details"]["invoiceIds"] == [first["id"]]
    second = await api.call("invoice/v1/create", d.invoice("INV-8", acknowledgePossibleDuplicate=True), d.admin)
    assert second["possibleDuplicateOfId"] == first["id"]
    # Another date or another vendor is no duplicate; a rejected invoice's number may be entered again.
    await enter(api, d, number="INV-9", invoiceDate="2026-03-03")
    await api.call("invoice/v1/reject", {"id": first["id"], "reason": "Wrong amount"}, d.manager)
    again = await enter(api, d, number="INV-7", lines=[d.line(amount="275.00")])
    assert again["status"] == "awaiting_manager"
    assert len(await entries(api, d, "invoice")) == 4
    await balances(api, d)


async def test_bad_input_gets_a_clear_code_and_posts_nothing(api) -> None:
    d = await open_desk(api)
    await api.call("fiscalPeriod/v1/close", {"associationId": d.association, "month": "2026-02-01"}, d.admin)
    other = await api.call("association/v1/create", ASSOCIATION | {"code": "OTHER"}, d.admin)
    foreign = {
        a["number"]: a["id"]
        for a in (await api.call("chartOfAccounts/v1/install", {"associationId": other["id"]}, d.admin))["accounts"]
    }
    cases = [
        (d.invoice(invoiceDate="2026-02-27"), 422, "PERIOD_CLOSED", ["invoiceDate"]),
        (d.invoice(lines=[d.line() | {"accountId": "gla_" + "a" * 26}]), 422, "UNKNOWN_ACCOUNT", ["lines", "0", "accountId"]),
        (
            d.invoice(lines=[d.line(), d.line() | {"accountId": foreign["5100"]}]),
            422,
            "UNKNOWN_ACCOUNT",
            ["lines", "1", "accountId"],
        ),
        (d.invoice(lines=[d.line("1010")]), 422, "EXPENSE_ACCOUNT_REQUIRED", ["lines", "0", "accountId"]),
        (d.invoice(lines=[d.line() | {"fundId": "fnd_" + "a" * 26}]), 422, "UNKNOWN_FUND", ["lines", "0", "fundId"]),
        (d.invoice(lines=[d.line(amount="10.005")]), 400, "VALIDATION_FAILED", ["lines", "0", "amount"]),
        (d.invoice(lines=[d.line(amount="-5.00")]), 400, "VALIDATION_FAILED", ["lines", "0", "amount"]),
        (d.invoice(lines=[d.line(amount="0")]), 400, "VALIDATION_FAILED", ["lines", "0", "amount"]),
        (d.invoice(lines=[]), 400, "VALIDATION_FAILED", ["lines"]),
        (d.invoice(lines=[d.line(amount="1000000000000.00")]), 400, "VALIDATION_FAILED", ["lines", "0", "amount"]),
        (d.invoice(lines=[d.line(amount="999999999999.99")] * 2), 400, "VALIDATION_FAILED", ["lines"]),
        (d.invoice(dueDate="2026-03-01"), 422, "INVALID_DATES", ["dueDate"]),
        (d.invoice(vendorId="vnd_" + "a" * 26), 422, "INVALID_REFERENCE", ["vendorId"]),
    ]
    for body, status, expected, field in cases:
        r = await api.rpc("invoice/v1/create", body, token=d.admin.token, key=uuid.uuid4().hex)
        assert code(r) == (status, expected), (body, r.text)
        assert r.json()["error"]["details"]["field"] == field, r.text
    assert await entries(api, d) == []
    assert (await api.call("invoice/v1/list", {"associationId": d.association}, d.admin))["nodes"] == []


async def test_another_tenants_vendor_or_account_cannot_be_referenced(api, platform) -> None:
    d = await open_desk(api)
    stranger = await open_desk(api)
    r = await api.rpc("invoice/v1/create", d.invoice(vendorId=stranger.vendor), token=d.admin.token, key="their-vendor")
    assert code(r) == (422, "INVALID_REFERENCE")
    r = await api.rpc(
        "invoice/v1/create",
        d.invoice(lines=[d.line() | {"accountId": stranger.b.accounts["5100"]}]),
        token=d.admin.token,
        key="their-account",
    )
    assert code(r) == (422, "UNKNOWN_ACCOUNT")
    # Below the service, the composite keys: a line of this association can't
    # name another association's account, even in the same organization.
    invoice = await enter(api, d)
    other = await api.call("association/v1/create", ASSOCIATION | {"code": "OTHER"}, d.admin)
    foreign = (await api.call("chartOfAccounts/v1/install", {"associationId": other["id"]}, d.admin))["accounts"]
    org, association = decode(d.b.c.org)[1], decode(d.association)[1]
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(platform.sessions, org, None) as s:
            await s.execute(
                text(
                    "INSERT INTO invoice_lines "
                    "(id, organization_id, association_id, invoice_id, line_no, account_id, fund_id, amount) "
                    "VALUES (:id, :o, :a, :i, 9, :acc, :f, 1)"
                ),
                {
                    "id": uuid.uuid4(),
                    "o": org,
                    "a": association,
                    "i": decode(invoice["id"])[1],
                    "acc": decode(next(a["id"] for a in foreign if a["number"] == "5100"))[1],
                    "f": decode(d.b.funds["OPER"])[1],
                },
            )
    assert getattr(info.value.orig, "sqlstate", None) == "23503"


async def test_an_invoice_total_always_equals_its_lines(api, platform) -> None:
    d = await open_desk(api)
    invoice = await enter(api, d)
    org, association = decode(d.b.c.org)[1], decode(d.association)[1]
    # A line added later breaks the total: refused at commit.
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(platform.sessions, org, None) as s:
            await s.execute(
                text(
                    "INSERT INTO invoice_lines "
                    "(id, organization_id, association_id, invoice_id, line_no, account_id, fund_id, amount) "
                    "VALUES (:id, :o, :a, :i, 9, :acc, :f, 1)"
                ),
                {
                    "id": uuid.uuid4(),
                    "o": org,
                    "a": association,
                    "i": decode(invoice["id"])[1],
                    "acc": decode(d.b.accounts["5100"])[1],
                    "f": decode(d.b.funds["OPER"])[1],
                },
            )
    assert getattr(info.value.orig, "sqlstate", None) == "HA003"
    # Of an invoice, only the status may change.
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(platform.sessions, org, None) as s:
            await s.execute(text("UPDATE invoices SET total = total + 1 WHERE id = :i"), {"i": decode(invoice["id"])[1]})
    assert getattr(info.value.orig, "sqlstate", None) == "42501"


async def test_nested_reads_cost_the_same_for_two_or_ten_invoices(api, statements) -> None:
    d = await open_desk(api)
    query = """query($a: ID!) { invoices(associationId: $a, first: 50) { nodes {
        invoiceNumber vendor { name insuranceCertificates { kind } } lines { amount account { number } fund { code } }
        approvals { step } payments { amount } journalEntry { number lines { debit } } } } }"""
    counts = []
    for total in (2, 10):
        while len((await api.call("invoice/v1/list", {"associationId": d.association, "first": 50}, d.admin))["nodes"]) < total:
            invoice = await enter(
                api, d, lines=[d.line("5100", "10.00"), d.line("6000", "5.00", "RESV")], acknowledgePossibleDuplicate=True
            )
            await api.call("invoice/v1/approve", {"id": invoice["id"]}, d.manager)
            await api.call(
                "vendorPayment/v1/create",
                {"invoiceId": invoice["id"], "paidOn": "2026-03-20", "amount": "15.00", "method": "ach"},
                d.admin,
            )
        statements.clear()
        body = await api.gql(query, {"a": d.association}, token=d.admin.token)
        assert len(body["data"]["invoices"]["nodes"]) == total, body
        counts.append(len(statements))
    assert counts[0] == counts[1], counts

"""Autopay: owners' debit authorizations (numbers sealed, read masked), the
due date's NACHA debit file built once however often its workflow runs, its
debits posted as pending ACH payments equal to the file's totals; the bank's
returns file reversing them once with the fee; voids of owner and vendor
payments; vendor payments out as a CCD credit file. The books balance and the
owner ledger equals AR throughout."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from dbos import DBOS
from sqlalchemy import text

from domains.ach.service import nacha
from domains.ach.workflows import run_autopay
from graph.db import scoped_transaction
from tests.associations.community import add_people
from tests.payables.desk import code, member, new_vendor
from tests.receivables.books import balances, check_books, levy, open_receivables, pay, raw

ROUTING_1, ROUTING_2 = "011000015", "021000021"


async def _autopay(api: Any) -> Any:
    r = await open_receivables(api, 3, method="fixed", amount="100.00")
    await add_people(api, r.c)
    await api.call(
        "bankAccount/v1/create",
        {
            "associationId": r.c.association,
            "name": "Operating Checking",
            "institution": "First Community Bank",
            "kind": "checking",
            "routingNumber": "121000358",
            "accountNumber": "000123456789",
            "glAccountId": r.b.accounts["1010"],
            "openedOn": "2025-12-01",
        },
        r.c.admin,
    )
    return r


def _authorization(r: Any, unit: int, **more: Any) -> dict[str, Any]:
    return {
        "associationId": r.c.association,
        "unitId": r.c.units[unit],
        "holderName": f"Owner {unit + 1}",
        "accountKind": "checking",
        "routingNumber": ROUTING_1,
        "accountNumber": "12345678",
        "authorizedOn": "2025-12-15",
        "terms": "Debit my account for assessments on each due date until I revoke this authorization.",
    } | more


async def test_autopay_builds_one_debit_file_per_due_date_and_returns_reverse_once(api, platform) -> None:
    r = await _autopay(api)
    # The owner signs up their own unit; staff sign up unit 2 (savings, capped at 60).
    mine = await api.call("achAuthorization/v1/create", _authorization(r, 0), r.c.owner)
    assert (mine["routingLast4"], mine["accountLast4"], mine["status"]) == ("0015", "5678", "active")
    assert "routingNumber" not in mine and "accountNumber" not in mine
    theirs = await api.rpc("achAuthorization/v1/create", _authorization(r, 1), token=r.c.owner.token, key="not-mine")
    assert code(theirs) == (403, "FORBIDDEN")
    await api.call(
        "achAuthorization/v1/create",
        _authorization(r, 1, accountKind="savings", routingNumber=ROUTING_2, accountNumber="9876543210", maxAmount="60.00"),
        r.c.admin,
    )
    again = await api.rpc("achAuthorization/v1/create", _authorization(r, 0), token=r.c.admin.token, key="again")
    assert code(again) == (409, "ACH_AUTHORIZATION_EXISTS")
    bad = await api.rpc(
        "achAuthorization/v1/create", _authorization(r, 2, routingNumber="011000016"), token=r.c.admin.token, key="bad"
    )
    assert code(bad) == (422, "INVALID_ROUTING_NUMBER")
    async with scoped_transaction(platform.sessions, raw(r.c.org), None) as session:
        stored = (await session.execute(text("SELECT routing_number, account_number FROM ach_authorizations"))).all()
    assert len(stored) == 2 and all(v.startswith("sealed:v1:") and "12345678" not in v for row in stored for v in row)
    # Nor in the clear in the request's durable checkpoint (DBOS keeps the input, sealed).
    async with scoped_transaction(platform.sessions, raw(r.c.org), None) as session:
        workflows = list(
            (
                await session.scalars(
                    text("SELECT workflow_id FROM idempotency_keys WHERE operation = 'achAuthorization/v1/create'")
                )
            ).all()
        )
    checkpoints = await DBOS.list_workflows_async(workflow_ids=workflows, load_input=True, load_output=True)
    assert checkpoints and all("sealed:v1:" in str(w.input) for w in checkpoints)
    assert not any("12345678" in str(w.input) + str(w.output) for w in checkpoints)
    owners_view = await api.call("achAuthorization/v1/list", {"associationId": r.c.association}, r.c.owner)
    assert [a["id"] for a in owners_view["nodes"]] == [mine["id"]]

    await levy(api, r, "2026-01-01")  # 100.00 due 2026-01-01 on each unit
    org, association = str(raw(r.c.org)), str(raw(r.c.association))
    first = await run_autopay(org, association, date(2026, 1, 1))
    second = await run_autopay(org, association, date(2026, 1, 1))
    assert first is not None and first == second
    by_hand = await api.call(
        "achFile/v1/originateDebits", {"associationId": r.c.association, "effectiveDate": "2026-01-01"}, r.c.admin
    )
    files = await api.call("achFile/v1/list", {"associationId": r.c.association}, r.c.admin)
    assert len(files["nodes"]) == 1 and by_hand["file"]["id"] == files["nodes"][0]["id"]
    file = files["nodes"][0]
    assert (file["kind"], file["entryCount"], file["total"]) == ("debit", 2, "160.00")

    parsed = nacha.parse(file["content"])
    assert (parsed.destination_routing, parsed.origin) == ("121000358", "1123456789")
    [batch] = parsed.batches
    assert (batch.sec_code, batch.service_class, batch.effective_date) == ("PPD", "225", date(2026, 1, 1))
    assert [(e.transaction_code, e.routing, e.account, e.amount) for e in batch.entries] == [
        ("27", ROUTING_1, "12345678", Decimal("100.00")),
        ("37", ROUTING_2, "9876543210", Decimal("60.00")),
    ]
    assert parsed.entry_hash == (1100001 + 2100002) and parsed.debit_total == Decimal("160.00") == batch.debit_total
    # The debits are on the ledgers as ACH payments, as much as the file takes, and pending.
    payments = await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association, "kind": "payment"}, r.c.admin)
    ach = {p["reference"]: p for p in payments["nodes"] if p["method"] == "ach"}
    assert set(ach) == {e.trace_number for e in batch.entries}
    assert -sum(Decimal(p["amount"]) for p in ach.values()) == parsed.debit_total
    pending = await api.call("achEntry/v1/list", {"associationId": r.c.association, "status": "pending"}, r.c.admin)
    assert len(pending["nodes"]) == 2
    assert await balances(api, r, "2026-01-31") == {"2": Decimal("40.00"), "3": Decimal("100.00")}
    await check_books(platform, r)

    # The bank returns unit 1's debit (R01): reversed with the fee, once.
    returned = nacha.Entry(
        "26",
        ROUTING_1,
        "12345678",
        Decimal("100.00"),
        "UNIT 1",
        "Owner 1",
        "011000010000001",
        "R01",
        batch.entries[0].trace_number,
    )
    header = nacha.Header("121000358", "011000015", "FIRST COMMUNITY BANK", "RETURNS", datetime(2026, 1, 5, tzinfo=UTC))
    returns = nacha.write(
        header, [nacha.Batch("PPD", "Mountain View HOA", "1123456789", "HOA DUES", date(2026, 1, 1), [returned])]
    )
    body = {"associationId": r.c.association, "content": returns, "returnedOn": "2026-01-05", "fee": "25.00"}
    result = await api.call("achFile/v1/importReturns", body, r.c.admin)
    assert result["alreadyImported"] is False
    assert (result["file"]["lineCount"], result["file"]["returnedCount"]) == (1, 1)
    twice = await api.call("achFile/v1/importReturns", body, r.c.admin)
    assert twice["alreadyImported"] is True and twice["file"]["id"] == result["file"]["id"]
    # The same line in another file (the bank re-sends it) reverses nothing either.
    header2 = nacha.Header("121000358", "011000015", "FIRST COMMUNITY BANK", "RETURNS", datetime(2026, 1, 6, tzinfo=UTC))
    resent = nacha.write(
        header2, [nacha.Batch("PPD", "Mountain View HOA", "1123456789", "HOA DUES", date(2026, 1, 1), [returned])]
    )
    other = await api.call("achFile/v1/importReturns", body | {"content": resent}, r.c.admin)
    assert (other["alreadyImported"], other["file"]["returnedCount"], other["file"]["skippedCount"]) == (False, 0, 1)
    assert await balances(api, r, "2026-01-31") == {"1": Decimal("125.00"), "2": Decimal("40.00"), "3": Decimal("100.00")}
    entries = await api.call("achEntry/v1/list", {"associationId": r.c.association, "status": "returned"}, r.c.admin)
    [back] = entries["nodes"]
    assert (back["returnCode"], back["returnedOn"], back["traceNumber"]) == ("R01", "2026-01-05", batch.entries[0].trace_number)
    broken = await api.rpc("achFile/v1/importReturns", body | {"content": "x" * 94}, token=r.c.admin.token, key="broken")
    assert code(broken) == (422, "INVALID_ACH_FILE")

    # A check posted to the wrong unit is voided: no fee, the reason kept.
    wrong = await pay(api, r, 2, "100.00", "2026-01-10")
    void = await api.call("payment/v1/void", {"id": wrong["id"], "voidedOn": "2026-01-12", "reason": "Wrong unit"}, r.c.admin)
    assert void["void"]["reason"] == "Wrong unit" and void["reversal"]["kind"] == "payment_return"
    again = await api.rpc(
        "payment/v1/void", {"id": wrong["id"], "voidedOn": "2026-01-12", "reason": "x"}, token=r.c.admin.token, key="v2"
    )
    assert code(again) == (409, "PAYMENT_ALREADY_VOIDED")
    nsf = await api.rpc(
        "payment/v1/return", {"id": wrong["id"], "returnedOn": "2026-01-12", "fee": "0"}, token=r.c.admin.token, key="nsf"
    )
    assert code(nsf)[0] == 409
    own_payment = ach[batch.entries[0].trace_number]["id"]  # the owner reads it, but voids nothing
    owner_try = await api.rpc(
        "payment/v1/void", {"id": own_payment, "voidedOn": "2026-01-12", "reason": "x"}, token=r.c.owner.token, key="v3"
    )
    assert code(owner_try)[0] == 403
    assert await balances(api, r, "2026-01-31") == {"1": Decimal("125.00"), "2": Decimal("40.00"), "3": Decimal("100.00")}
    owed = await check_books(platform, r)
    assert sum(owed.values()) == Decimal("265.00")

    # Revoked: the next due date debits nobody.
    await api.call("achAuthorization/v1/revoke", {"id": mine["id"], "revokedOn": "2026-01-20", "reason": "Moving out"}, r.c.owner)
    revoked = await api.rpc(
        "achAuthorization/v1/revoke",
        {"id": mine["id"], "revokedOn": "2026-01-20", "reason": "x"},
        token=r.c.admin.token,
        key="r2",
    )
    assert code(revoked) == (422, "ACH_AUTHORIZATION_NOT_ACTIVE")


async def test_vendor_payments_go_out_as_a_ccd_credit_file_and_a_void_reopens_the_invoice(api, platform) -> None:
    r = await _autopay(api)
    vendor = await new_vendor(api, r.c.admin)
    await api.call("payablesSettings/v1/set", {"associationId": r.c.association, "boardApprovalThreshold": "1000.00"}, r.c.admin)
    manager = await member(api, r.c.admin, r.c.org, ["manager"])
    await api.call(
        "achAuthorization/v1/create",
        {
            "associationId": r.c.association,
            "vendorId": vendor,
            "holderName": "Green Lawns LLC",
            "accountKind": "checking",
            "routingNumber": ROUTING_2,
            "accountNumber": "55501234",
            "authorizedOn": "2026-01-02",
            "terms": "Remittance by ACH credit to the account above.",
        },
        r.c.admin,
    )
    invoice = await api.call(
        "invoice/v1/create",
        {
            "associationId": r.c.association,
            "vendorId": vendor,
            "invoiceNumber": "GL-1001",
            "invoiceDate": "2026-01-05",
            "dueDate": "2026-02-01",
            "memo": "Lawn care",
            "lines": [{"accountId": r.b.accounts["5100"], "fundId": r.b.funds["OPER"], "amount": "300.00"}],
        },
        r.c.admin,
    )
    invoice = await api.call("invoice/v1/approve", {"id": invoice["id"]}, manager)
    assert invoice["status"] == "approved", invoice
    body = {"invoiceId": invoice["id"], "paidOn": "2026-01-20", "amount": "300.00", "method": "ach"}
    payment = await api.call("vendorPayment/v1/create", body, r.c.admin)
    sent = await api.call(
        "achFile/v1/originateCredits", {"associationId": r.c.association, "effectiveDate": "2026-01-21"}, r.c.admin
    )
    assert sent["skippedPaymentIds"] == [] and sent["file"]["kind"] == "credit"
    [batch] = nacha.parse(sent["file"]["content"]).batches
    assert (batch.sec_code, batch.service_class, batch.credit_total) == ("CCD", "220", Decimal("300.00"))
    assert [(e.transaction_code, e.routing, e.account, e.individual_id) for e in batch.entries] == [
        ("22", ROUTING_2, "55501234", "GL-1001")
    ]
    nothing = await api.call(
        "achFile/v1/originateCredits", {"associationId": r.c.association, "effectiveDate": "2026-01-21"}, r.c.admin
    )
    assert nothing["file"] is None

    # A second payment entered in error is voided: the reversal posts and the invoice is open again.
    void = await api.call(
        "vendorPayment/v1/void", {"id": payment["id"], "voidedOn": "2026-01-22", "reason": "Bank rejected"}, r.c.admin
    )
    assert (void["amount"], void["reason"]) == ("300.00", "Bank rejected")
    got = await api.call("invoice/v1/get", {"id": invoice["id"]}, r.c.admin)
    assert (got["status"], got["amountPaid"]) == ("approved", "0.00")
    twice = await api.rpc(
        "vendorPayment/v1/void", {"id": payment["id"], "voidedOn": "2026-01-22", "reason": "x"}, token=r.c.admin.token, key="t"
    )
    assert code(twice) == (409, "VENDOR_PAYMENT_ALREADY_VOIDED")
    await check_books(platform, r)

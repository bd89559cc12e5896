"""Paying approved invoices: partial payments up to the open amount, settled
line by line; refused for a vendor on hold or without insurance in force; the
books balanced in both views throughout."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from graph.db import scoped_transaction
from graph.ids import decode
from tests.payables.desk import (
    approved,
    balances,
    code,
    enter,
    entries,
    new_vendor,
    open_desk,
)


def _payment(invoice: dict[str, Any], amount: str, paid_on: str = "2026-03-20", **more: object) -> dict[str, Any]:
    return {"invoiceId": invoice["id"], "paidOn": paid_on, "amount": amount, "method": "check", "reference": "10231"} | more


async def test_partial_payments_settle_the_lines_in_order(api) -> None:
    d = await open_desk(api)
    invoice = await approved(api, d, lines=[d.line("5100", "200.00"), d.line("6000", "100.00", "RESV")])
    first = await api.call("vendorPayment/v1/create", _payment(invoice, "150.00"), d.admin)
    [entry] = await entries(api, d, "vendor_payment")
    assert entry["id"] == first["journalEntryId"]
    views = await balances(api, d)
    assert views["cash"] == {("5100", "OPER"): Decimal("150.00"), ("1010", "OPER"): Decimal("-150.00")}
    assert views["accrual"][("2000", "OPER")] == Decimal("-50.00")
    got = await api.call("invoice/v1/get", {"id": invoice["id"]}, d.admin)
    assert (got["status"], got["amountPaid"]) == ("approved", "150.00")

    await api.call("vendorPayment/v1/create", _payment(invoice, "150.00", "2026-03-25"), d.admin)
    views = await balances(api, d)
    assert views["cash"] == {
        ("5100", "OPER"): Decimal("200.00"),
        ("6000", "RESV"): Decimal("100.00"),
        ("1010", "OPER"): Decimal("-200.00"),
        ("1020", "RESV"): Decimal("-100.00"),
    }
    assert views["accrual"] == views["cash"]  # the payables are cleared
    got = await api.call("invoice/v1/get", {"id": invoice["id"]}, d.admin)
    assert (got["status"], got["amountPaid"]) == ("paid", "300.00")
    r = await api.rpc("vendorPayment/v1/create", _payment(invoice, "0.01"), token=d.admin.token, key="more")
    assert code(r) == (422, "OVERPAYMENT")
    body = await api.gql(
        "query($id: ID!) { invoice(id: $id) { payments { amount paidOn invoice { status } } } }",
        {"id": invoice["id"]},
        token=d.admin.token,
    )
    assert [p["amount"] for p in body["data"]["invoice"]["payments"]] == ["150.00", "150.00"]
    listed = await api.call("vendorPayment/v1/list", {"associationId": d.association, "invoiceId": invoice["id"]}, d.admin)
    assert [p["paidOn"] for p in listed["nodes"]] == ["2026-03-25", "2026-03-20"]


async def test_a_vendor_on_hold_or_without_insurance_is_not_paid(api) -> None:
    d = await open_desk(api)
    invoice = await approved(api, d)
    await api.call("vendor/v1/placeHold", {"id": d.vendor, "reason": "Disputed bill"}, d.board)
    r = await api.rpc("vendorPayment/v1/create", _payment(invoice, "300.00"), token=d.admin.token, key="held")
    assert code(r) == (422, "VENDOR_ON_HOLD") and r.json()["error"]["details"]["reason"] == "Disputed bill"
    await api.call("vendor/v1/releaseHold", {"id": d.vendor, "note": "Resolved"}, d.manager)

    certificate = {
        "vendorId": d.vendor,
        "kind": "general_liability",
        "carrier": "Acme",
        "policyNumber": "GL-1",
        "coverageAmount": "1000000.00",
    }
    await api.call(
        "insuranceCertificate/v1/create", certificate | {"effectiveOn": "2025-03-01", "expiresOn": "2026-02-28"}, d.admin
    )
    r = await api.rpc("vendorPayment/v1/create", _payment(invoice, "300.00"), token=d.admin.token, key="lapsed")
    assert code(r) == (422, "VENDOR_INSURANCE_EXPIRED")
    assert r.json()["error"]["details"]["lapsed"] == [{"kind": "general_liability", "expiredOn": "2026-02-28"}]
    # Coverage counts as of the payment date; a renewal makes it payable again.
    await api.call(
        "insuranceCertificate/v1/create", certificate | {"effectiveOn": "2026-03-01", "expiresOn": "2027-02-28"}, d.admin
    )
    paid = await api.call("vendorPayment/v1/create", _payment(invoice, "300.00"), d.admin)
    assert paid["amount"] == "300.00"

    # A new vendor is on hold until released.
    fresh = await new_vendor(api, d.admin, released=False)
    held = await approved(api, d, vendorId=fresh)
    r = await api.rpc("vendorPayment/v1/create", _payment(held, "300.00"), token=d.admin.token, key="new")
    assert code(r) == (422, "VENDOR_ON_HOLD")
    assert len(await entries(api, d, "vendor_payment")) == 1
    await balances(api, d)


async def test_bad_payments_get_a_clear_code_and_post_nothing(api) -> None:
    d = await open_desk(api)
    invoice = await approved(api, d)
    pending = await enter(api, d, lines=[d.line(amount="50.00")])
    await api.call("fiscalPeriod/v1/close", {"associationId": d.association, "month": "2026-04-01"}, d.admin)
    cases = [
        (_payment(invoice, "300.01"), 422, "OVERPAYMENT"),
        (_payment(invoice, "-10.00"), 400, "VALIDATION_FAILED"),
        (_payment(invoice, "0"), 400, "VALIDATION_FAILED"),
        (_payment(invoice, "10.001"), 400, "VALIDATION_FAILED"),
        (_payment(invoice, "10.00", "2026-04-15"), 422, "PERIOD_CLOSED"),
        (_payment(invoice, "10.00", "2026-03-01"), 422, "PAYMENT_BEFORE_INVOICE"),
        (_payment(pending, "10.00"), 422, "INVOICE_NOT_APPROVED"),
        (_payment(invoice, "10.00", method="cash"), 400, "VALIDATION_FAILED"),
        (_payment({"id": "inv_" + "a" * 26}, "10.00"), 422, "INVALID_REFERENCE"),
    ]
    for body, status, expected in cases:
        r = await api.rpc("vendorPayment/v1/create", body, token=d.admin.token, key=uuid.uuid4().hex)
        assert code(r) == (status, expected), (body, r.text)
    assert await entries(api, d, "vendor_payment") == []
    assert (await api.call("invoice/v1/get", {"id": invoice["id"]}, d.admin))["amountPaid"] == "0.00"


async def test_racing_payments_never_overpay(api, platform) -> None:
    d = await open_desk(api)
    invoice = await approved(api, d)
    results = await asyncio.gather(
        *(
            api.rpc("vendorPayment/v1/create", _payment(invoice, "200.00"), token=d.admin.token, key=uuid.uuid4().hex)
            for _ in range(4)
        )
    )
    assert sorted(code(r) for r in results) == [(200, None)] + [(422, "OVERPAYMENT")] * 3
    # And beneath the service: the database refuses a payment above what is open.
    org, association = decode(d.b.c.org)[1], decode(d.association)[1]
    with pytest.raises(DBAPIError) as info:
        async with scoped_transaction(platform.sessions, org, None) as s:
            await s.execute(
                text(
                    "INSERT INTO vendor_payments (id, organization_id, association_id, invoice_id, paid_on, amount, method, "
                    "journal_entry_id, paid_by) VALUES (:id, :o, :a, :i, '2026-03-20', 100.01, 'check', :e, :o)"
                ),
                {
                    "id": uuid.uuid4(),
                    "o": org,
                    "a": association,
                    "i": decode(invoice["id"])[1],
                    "e": decode(invoice["journalEntryId"])[1],
                },
            )
    assert getattr(info.value.orig, "sqlstate", None) == "23514"  # check_violation: paid within total
    assert (await api.call("invoice/v1/get", {"id": invoice["id"]}, d.admin))["amountPaid"] == "200.00"
    await balances(api, d)

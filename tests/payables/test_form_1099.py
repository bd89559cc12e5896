"""The 1099-NEC report: per vendor, payments made in the calendar year less
those voided, against the year's threshold from data ($600 through 2025,
$2,000 after); exempt payees and non-1099 vendors listed with their reason,
TIN and W-9 problems flagged; the same as CSV; staff only."""

from __future__ import annotations

import csv
import io
import uuid
from decimal import Decimal
from typing import Any

from tests.payables.desk import Desk, approved, code, member, new_vendor, open_desk


async def _paid(api, d: Desk, vendor: str, amount: str, paid_on: str, *, void: bool = False) -> dict[str, Any]:
    invoice = await approved(api, d, vendorId=vendor, invoiceDate=paid_on, dueDate=paid_on, lines=[d.line("5300", amount)])
    payment = await api.call(
        "vendorPayment/v1/create", {"invoiceId": invoice["id"], "paidOn": paid_on, "amount": amount, "method": "check"}, d.admin
    )
    if void:
        await api.call("vendorPayment/v1/void", {"id": payment["id"], "voidedOn": paid_on, "reason": "Wrong payee"}, d.admin)
    return payment


async def test_report_by_vendor_and_year(api) -> None:
    d = await open_desk(api)
    w9 = {"taxClassification": "individual", "w9ReceivedOn": "2025-01-10"}
    await api.call("vendor/v1/update", {"id": d.vendor, **w9}, d.admin)
    plumber = d.vendor
    corporation = await new_vendor(api, d.admin, name="Big Utility Corp", taxClassification="c_corporation")
    supplier = await new_vendor(api, d.admin, name="Hardware Supply", is1099=False)
    painter = await new_vendor(api, d.admin, name="Pat the Painter", taxId="123-45-6789")
    for amount, on, void in (("400.00", "2025-03-02", False), ("300.00", "2025-06-02", False), ("500.00", "2025-07-02", True)):
        await _paid(api, d, plumber, amount, on, void=void)
    await _paid(api, d, plumber, "900.00", "2026-02-02")
    await _paid(api, d, plumber, "50.00", "2024-12-31")  # another year
    await _paid(api, d, corporation, "800.00", "2025-04-02")
    await _paid(api, d, supplier, "700.00", "2025-04-02")
    await _paid(api, d, painter, "650.00", "2025-05-02")

    report = await api.call("form1099Report/v1/get", {"associationId": d.association, "taxYear": 2025}, d.admin)
    assert report["threshold"] == "600.00" and "§6041" in report["thresholdCitation"]
    rows = {r["vendorId"]: r for r in report["rows"]}
    assert set(rows) == {plumber, corporation, supplier, painter}
    p = rows[plumber]
    assert (p["payments"], p["gross"], p["voided"], p["total"], p["reportable"], p["flags"]) == (
        3, "1200.00", "500.00", "700.00", True, []
    )  # fmt: skip
    assert (p["tinStatus"], p["taxIdKind"], p["taxIdLast4"], p["w9ReceivedOn"]) == ("on_file", "ein", "6789", "2025-01-10")
    assert (rows[corporation]["reportable"], rows[corporation]["exclusion"]) == (False, "exempt_payee")
    assert "corporation" in rows[corporation]["exclusionDetail"]
    assert (rows[supplier]["reportable"], rows[supplier]["exclusion"]) == (False, "not_1099_vendor")
    painted = rows[painter]
    assert (painted["reportable"], painted["taxIdKind"], painted["flags"]) == (
        True,
        "ssn",
        ["missing_w9", "unknown_classification"],
    )
    assert (report["reportableCount"], report["reportableTotal"]) == (2, "1350.00")

    # The amounts are the vendor payments of the year less the voided ones.
    payments = await api.call("vendorPayment/v1/list", {"associationId": d.association, "first": 100}, d.admin)
    in_2025 = [x for x in payments["nodes"] if x["paidOn"].startswith("2025")]
    by_vendor: dict[str, Decimal] = {}
    for r in report["rows"]:
        by_vendor[r["vendorId"]] = Decimal(r["total"])
    assert sum(by_vendor.values()) == sum(Decimal(x["amount"]) for x in in_2025) - Decimal("500.00")

    # 2026: payments after 2025 are reported from $2,000.
    later = await api.call("form1099Report/v1/get", {"associationId": d.association, "taxYear": 2026}, d.admin)
    assert later["threshold"] == "2000.00" and "2025" in later["thresholdCitation"]
    assert [(r["vendorId"], r["total"], r["exclusion"]) for r in later["rows"]] == [(plumber, "900.00", "below_threshold")]
    assert later["reportableCount"] == 0

    exported = await api.call("form1099Report/v1/csv", {"associationId": d.association, "taxYear": 2025}, d.admin)
    assert (exported["filename"], exported["contentType"]) == ("1099-nec-2025.csv", "text/csv")
    table = list(csv.DictReader(io.StringIO(exported["csv"])))
    assert len(table) == 4
    line = next(t for t in table if t["vendor_id"] == plumber)
    assert (line["box1_nonemployee_compensation"], line["voided"], line["reportable"], line["tin_last4"]) == (
        "700.00", "500.00", "yes", "6789"
    )  # fmt: skip
    assert "12-3456789" not in exported["csv"]

    old = await api.rpc("form1099Report/v1/get", {"associationId": d.association, "taxYear": 2019}, token=d.admin.token)
    assert code(old) == (400, "VALIDATION_FAILED")
    board = await member(api, d.admin, d.b.c.org, ["board_member"])
    assert (await api.call("form1099Report/v1/get", {"associationId": d.association, "taxYear": 2025}, board))["rows"]
    owner = await member(api, d.admin, d.b.c.org, ["member"])
    x = await api.rpc("form1099Report/v1/csv", {"associationId": d.association, "taxYear": 2025}, token=owner.token)
    assert code(x) == (403, "FORBIDDEN")
    missing = await api.rpc(
        "form1099Report/v1/get", {"associationId": "asn_" + "a" * 26, "taxYear": 2025}, token=d.admin.token, key=None
    )
    assert missing.status_code in (404, 422)


async def test_vendor_w9_fields(api) -> None:
    d = await open_desk(api)
    vendor = await api.call("vendor/v1/get", {"id": d.vendor}, d.admin)
    assert (vendor["taxClassification"], vendor["w9ReceivedOn"]) == (None, None)
    changed = await api.call(
        "vendor/v1/update", {"id": d.vendor, "taxClassification": "llc", "w9ReceivedOn": "2026-01-15"}, d.admin
    )
    assert (changed["taxClassification"], changed["w9ReceivedOn"], changed["paymentHold"]) == ("llc", "2026-01-15", False)
    bad = await api.rpc(
        "vendor/v1/update", {"id": d.vendor, "taxClassification": "llp"}, token=d.admin.token, key=uuid.uuid4().hex
    )
    assert code(bad) == (400, "VALIDATION_FAILED")

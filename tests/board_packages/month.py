"""A month of an association's life for the board package tests: January 2026
charged, partly paid, a check written, a vendor's invoice entered, a lawn
violation observed, the bank statement imported and the month reconciled, and
a fence request before the committee; a manager, a board member, an owner, a
tenant and a vendor (a member of another organization) to ask."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pypdf

from tests.associations.community import add_people
from tests.banking.books import Bank, ofx, open_bank
from tests.documents.library import transfer
from tests.helpers import Api, Caller
from tests.violations.enforcement import LAWN, member
from tests.work_orders.site import until

JANUARY = "2026-01-01"
FENCE = "Cedar fence, 6 ft, along the back lot line."


@dataclass
class Month:
    bank: Bank
    manager: Caller
    board: Caller
    vendor: Caller

    @property
    def c(self) -> Any:
        return self.bank.c


async def open_month(api: Api, units: int = 3) -> Month:
    bank = await open_bank(api, units)
    c = bank.c
    await add_people(api, c)
    manager = await member(api, c.admin, c.org, ["manager"])
    board = await member(api, c.admin, c.org, ["board_member"])
    vendor, _ = await api.admin_of_new_org()
    for i, unit in enumerate(c.units):
        charge = {"unitId": unit, "amount": "300.00", "entryDate": JANUARY, "dueDate": JANUARY, "memo": "January assessment"}
        await api.call("ownerLedgerEntry/v1/charge", charge, c.admin)
        if i == 0:
            payment = {"unitId": unit, "receivedOn": "2026-01-05", "amount": "300.00", "method": "check", "reference": "501"}
            await api.call("payment/v1/record", payment, c.admin)
    payee = await api.call(
        "vendor/v1/create", {"name": "Evergreen Landscaping LLC", "taxId": "12-3456789", "is1099": True}, c.admin
    )
    await api.call("vendor/v1/releaseHold", {"id": payee["id"], "note": "W-9 on file"}, c.admin)
    line = {"accountId": bank.b.accounts["5100"], "fundId": bank.b.funds["OPER"], "amount": "845.25"}
    invoice = {"invoiceNumber": "EV-1001", "invoiceDate": "2026-01-20", "dueDate": "2026-02-19", "lines": [line]}
    await api.call("invoice/v1/create", {"associationId": c.association, "vendorId": payee["id"]} | invoice, c.admin)
    rule = await api.call("violationRule/v1/create", {"associationId": c.association} | LAWN, c.admin)
    sighting = {"ruleId": rule["id"], "observedOn": "2026-01-15", "description": "Grass about 10 inches high."}
    await api.call("violation/v1/observe", {"unitId": c.units[1], "location": "Front yard"} | sighting, manager)
    await api.call("arcRequest/v1/submit", {"unitId": c.units[0], "projectType": "fence", "description": FENCE}, c.owner)
    lines = [bank.b.line("5100", debit="120.50"), bank.b.line("1010", credit="120.50")]
    check = {"associationId": c.association, "entryDate": "2026-01-10", "memo": "Check 1001 Green Lawns", "lines": lines}
    await api.call("journalEntry/v1/post", check, c.admin)
    statement = ofx(
        [
            ("DEP", "20260106", "300.00", "F1", "<REFNUM>501<NAME>Deposit"),
            ("CHECK", "20260112", "-120.50", "F3", "<CHECKNUM>1001<NAME>Green Lawns"),
        ],
        "10179.50",
        "20260101",
        "20260131",
    )
    account = bank.account["id"]
    await api.call("bankStatement/v1/import", {"bankAccountId": account, "ofx": statement}, c.admin)
    await api.call("bankTransaction/v1/autoMatch", {"bankAccountId": account}, c.admin)
    started = await api.call(
        "bankReconciliation/v1/start",
        {"bankAccountId": account, "month": JANUARY, "statementEndingBalance": "10179.50"},
        c.admin,
    )
    await api.call("bankReconciliation/v1/finish", {"id": started["reconciliation"]["id"]}, c.admin)
    return Month(bank, manager, board, vendor)


async def ready(api: Api, caller: Caller, package: str) -> dict[str, Any]:
    async def probe() -> dict[str, Any] | None:
        got = await api.call("boardPackage/v1/get", {"id": package}, caller)
        assert got["status"] != "failed", got
        return got if got["status"] == "ready" else None

    result: dict[str, Any] = await until(probe, timeout=60, what="the package to be ready")
    return result


async def fetch(api: Api, caller: Caller, package: str, file: str = "pdf") -> bytes:
    link = await api.call("boardPackage/v1/download", {"id": package, "file": file}, caller)
    got = await transfer(api, "GET", link["url"])
    assert got.status_code == 200, got.text
    return got.content


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)

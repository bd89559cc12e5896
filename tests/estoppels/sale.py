"""A Florida association on the eve of a sale, for the estoppel tests: unit 1's
owner (linked to a user) owes an assessment, has an open violation and a
special assessment ahead; the library holds the CC&Rs and the insurance policy."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pypdf

from domains.receivables.service.payment_plans import add_months
from tests.documents.library import file, transfer
from tests.helpers import Api, Caller
from tests.violations.enforcement import Enforcement, day, member, observe, open_enforcement


@dataclass
class Sale:
    e: Enforcement
    owner: Caller
    tenant: Caller

    @property
    def unit(self) -> str:
        return self.e.units[0]


def roof_months() -> tuple[str, str]:
    """The roof assessment's first and last periods: the next three months."""
    first = add_months(datetime.now(UTC).date().replace(day=1), 1)
    return first.isoformat(), add_months(first, 2).isoformat()


async def open_sale(api: Api, region: str = "FL") -> Sale:
    e = await open_enforcement(api, region)
    owner = await member(api, e.admin, e.org, ["member"])
    await api.call("party/v1/update", {"id": e.parties[0], "userId": owner.user_id}, e.admin)
    tenant = await member(api, e.admin, e.org, ["member"])
    party = await api.call("party/v1/create", {"kind": "person", "name": "Terry Tenant", "deliveryPreference": "postal"}, e.admin)
    await api.call("party/v1/update", {"id": party["id"], "userId": tenant.user_id}, e.admin)
    await api.call(
        "resident/v1/create", {"unitId": e.units[0], "partyId": party["id"], "kind": "tenant", "movedInOn": "2024-01-01"}, e.admin
    )
    charge = {"unitId": e.units[0], "amount": "350.00", "entryDate": day(-40), "dueDate": day(-30), "memo": "Q4 assessment"}
    await api.call("ownerLedgerEntry/v1/charge", charge, e.manager)
    payment = {"unitId": e.units[0], "receivedOn": day(-20), "amount": "100.00", "method": "check", "reference": "1001"}
    await api.call("payment/v1/record", payment, e.manager)
    funds = await api.call("fund/v1/list", {"associationId": e.association}, e.admin)
    operating = next(f["id"] for f in funds["nodes"] if f["code"] == "OPER")
    roof = {
        "associationId": e.association,
        "name": "Roof Special Assessment",
        "kind": "special",
        "frequency": "monthly",
        "method": "fixed",
        "amount": "125.00",
        "incomeAccountId": e.accounts["4000"],
        "fundId": operating,
        "startsOn": roof_months()[0],
        "endsOn": roof_months()[1],
        "dueDay": 1,
    }
    await api.call("assessmentSchedule/v1/create", roof, e.admin)
    await observe(api, e)
    await file(
        api, e.manager, e.association, category="governing_documents", title="Declaration of Covenants", visibility="owners"
    )
    await file(api, e.manager, e.association, category="insurance", title="Master policy, Citizens Property", visibility="board")
    return Sale(e, owner, tenant)


async def pdf_text(api: Api, caller: Caller, certificate: str) -> str:
    link = await api.call("estoppelCertificate/v1/download", {"id": certificate}, caller)
    got = await transfer(api, "GET", link["url"])
    assert got.status_code == 200, got.text
    assert got.content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(got.content)).pages)


async def closing_balance(api: Api, caller: Caller, unit: str) -> str:
    statement = await api.call("ownerStatement/v1/get", {"id": unit, "fromDate": "2020-01-01", "toDate": day(0)}, caller)
    return str(statement["closingBalance"])


def figures(certificate: dict[str, Any]) -> dict[str, Any]:
    return certificate["figures"]

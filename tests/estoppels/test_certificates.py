"""Estoppel certificates: issued at once from the books as they stand; the
figures equal the ledger's at that moment and stay as issued when a payment
lands later; the PDF says the same; the fee is posted once (a replayed request
answers the stored certificate); a title company's fee is due at closing;
stale after the form's validity; another organization sees nothing."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from domains.estoppels.service import certificates
from domains.estoppels.service.figures import SOURCES
from tests.associations.community import unit_fields
from tests.estoppels.sale import closing_balance, figures, open_sale, pdf_text
from tests.helpers import Caller
from tests.violations.enforcement import code, day, member

FORMS = Path(__file__).resolve().parents[2] / "migrations" / "data" / "0027_estoppel_forms.json"


async def test_the_certificate_equals_the_ledger_and_a_later_payment_leaves_it_as_issued(api) -> None:
    sale = await open_sale(api)
    e = sale.e
    assert await closing_balance(api, e.manager, sale.unit) == "250.00"
    cert = await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit, "closingDate": day(20)}, sale.owner)
    # Florida's form: 30 days, $299 and $179 more for a unit that owes money, charged to the owner's ledger.
    assert (cert["jurisdiction"], cert["title"], cert["status"]) == ("US-FL", "Estoppel Certificate", "current")
    assert "720.30851" in cert["citation"]
    assert (cert["requesterKind"], cert["feeDisposition"], Decimal(cert["fee"])) == ("owner", "owner_ledger", Decimal("478.00"))
    assert date.fromisoformat(cert["validThrough"]) - date.fromisoformat(cert["issuedOn"]) == timedelta(days=30)
    # The numbers are the ledger's at the moment of issue (the fee included: it was posted first).
    ledger_then = await closing_balance(api, e.manager, sale.unit)
    assert ledger_then == cert["balance"] == "728.00"
    f = figures(cert)
    assert sum(Decimal(i["open"]) for i in f["open_items"]) - Decimal(f["credit"]) == Decimal(cert["balance"])
    assert [i["memo"] for i in f["open_items"]] == ["Q4 assessment", "Estoppel Certificate " + cert["id"]]
    assert [v["rule"] for v in f["violations"]] == ["LND-01 Lawn maintenance"]
    assert [d["title"] for d in f["governing_documents"]] == ["Declaration of Covenants"]
    assert [d["title"] for d in f["insurance"]] == ["Master policy, Citizens Property"]
    [roof] = f["special_assessments"]
    assert (roof["name"], roof["amount"], roof["remainingInstallments"], roof["remainingTotal"]) == (
        "Roof Special Assessment",
        "125.00",
        3,
        "375.00",
    )
    assert all(date.fromisoformat(u["dueDate"]) <= date.fromisoformat(cert["validThrough"]) for u in f["upcoming"])
    assert f["owners"] == ["Owner 1"] and f["requester"] == "Owner 1"

    text = await pdf_text(api, sale.owner, cert["id"])
    for printed in ("Estoppel Certificate", "720.30851", "$728.00", "$478.00", "$250.00", "Roof Special Assessment", "$375.00"):
        assert printed in text, (printed, text)
    assert "LND-01 Lawn maintenance" in text and "Declaration of Covenants" in text and "Owner 1" in text

    # A second later the owner pays everything: the ledger moves, the certificate doesn't.
    pay = {"unitId": sale.unit, "receivedOn": day(0), "amount": "728.00", "method": "ach", "reference": "closing"}
    await api.call("payment/v1/record", pay, e.manager)
    assert await closing_balance(api, e.manager, sale.unit) == "0.00"
    again = await api.call("estoppelCertificate/v1/get", {"id": cert["id"]}, e.manager)
    assert again == cert
    assert "$728.00" in await pdf_text(api, e.manager, cert["id"])
    # A new certificate reads the ledger as it is now, and charges no delinquency fee.
    fresh = await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit}, e.manager)
    assert (fresh["requesterKind"], fresh["fee"], fresh["balance"]) == ("staff", "299.00", "299.00")
    listed = await api.call("estoppelCertificate/v1/list", {"associationId": e.association, "unitId": sale.unit}, sale.owner)
    assert [c["id"] for c in listed["nodes"]] == [fresh["id"], cert["id"]]


async def test_the_fee_is_posted_once_under_replay(api) -> None:
    sale = await open_sale(api)
    e = sale.e
    key = uuid.uuid4().hex
    first = await api.rpc("estoppelCertificate/v1/request", {"unitId": sale.unit}, token=sale.owner.token, key=key)
    second = await api.rpc("estoppelCertificate/v1/request", {"unitId": sale.unit}, token=sale.owner.token, key=key)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    entries = await api.call(
        "ownerLedgerEntry/v1/list", {"associationId": e.association, "unitId": sale.unit, "first": 100}, e.manager
    )
    fees = [x for x in entries["nodes"] if x["id"] == first.json()["feeEntryId"] or "Estoppel Certificate" in x["memo"]]
    assert len(fees) == 1 and Decimal(fees[0]["amount"]) == Decimal("478.00")
    listed = await api.call("estoppelCertificate/v1/list", {"associationId": e.association}, e.manager)
    assert len(listed["nodes"]) == 1
    events = await api.gql(
        '{ auditEvents(first: 20, operation: "estoppelCertificate/v1/request") { nodes { id } } }', token=e.admin.token
    )
    assert len(events["data"]["auditEvents"]["nodes"]) == 1, events


async def test_a_title_company_asks_with_an_api_key_and_pays_at_closing(api) -> None:
    sale = await open_sale(api)
    e = sale.e
    created = await api.call("serviceAccount/v1/create", {"name": "Sunshine Title & Escrow", "roles": ["integration"]}, e.admin)
    title = Caller(created["apiKey"], "", "", "")
    before = await closing_balance(api, e.manager, sale.unit)
    cert = await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit, "closingDate": day(14)}, title)
    assert (cert["requesterKind"], cert["requesterName"], cert["feeDisposition"]) == (
        "service_account",
        "Sunshine Title & Escrow",
        "at_closing",
    )
    assert (cert["fee"], cert["feeEntryId"], cert["balance"]) == ("478.00", None, before)
    assert await closing_balance(api, e.manager, sale.unit) == before  # nothing posted to the owner
    text = await pdf_text(api, title, cert["id"])
    assert "Sunshine Title & Escrow" in text and "payable by the requestor at closing" in text
    # Staff may waive the fee; an owner may not.
    waived = await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit, "waiveFee": True}, e.manager)
    assert (waived["fee"], waived["feeDisposition"]) == ("0.00", "waived")
    r = await api.rpc(
        "estoppelCertificate/v1/request", {"unitId": sale.unit, "waiveFee": True}, token=sale.owner.token, key=uuid.uuid4().hex
    )
    assert code(r) == (403, "FORBIDDEN")


async def test_stale_after_its_validity_date(api, monkeypatch) -> None:
    sale = await open_sale(api)
    cert = await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit}, sale.e.manager)
    valid_through = date.fromisoformat(cert["validThrough"])
    monkeypatch.setattr(certificates, "today", lambda: valid_through)
    assert (await api.call("estoppelCertificate/v1/get", {"id": cert["id"]}, sale.owner))["status"] == "current"
    monkeypatch.setattr(certificates, "today", lambda: valid_through + timedelta(days=1))
    assert (await api.call("estoppelCertificate/v1/get", {"id": cert["id"]}, sale.owner))["status"] == "stale"
    listed = await api.call("estoppelCertificate/v1/list", {"associationId": sale.e.association}, sale.e.manager)
    assert [c["status"] for c in listed["nodes"]] == ["stale"]


async def test_only_the_owner_staff_and_integrations_ask_and_others_see_nothing(api) -> None:
    sale = await open_sale(api)
    e = sale.e
    cert = await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit}, sale.owner)
    # The tenant and the other unit's people neither ask nor read.
    r = await api.rpc("estoppelCertificate/v1/request", {"unitId": sale.unit}, token=sale.tenant.token, key=uuid.uuid4().hex)
    assert code(r) == (403, "FORBIDDEN")
    r = await api.rpc("estoppelCertificate/v1/request", {"unitId": sale.unit}, token=e.board.token, key=uuid.uuid4().hex)
    assert code(r) == (403, "FORBIDDEN")
    for name in ("estoppelCertificate/v1/get", "estoppelCertificate/v1/download"):
        assert code(await api.rpc(name, {"id": cert["id"]}, token=sale.tenant.token)) == (404, "NOT_FOUND")
    assert (await api.call("estoppelCertificate/v1/list", {"associationId": e.association}, sale.tenant))["nodes"] == []
    # Another organization's admin: not found, not listed, and its unit id is no reference here.
    other = await open_sale(api)
    for name in ("estoppelCertificate/v1/get", "estoppelCertificate/v1/download"):
        assert code(await api.rpc(name, {"id": cert["id"]}, token=other.e.admin.token)) == (404, "NOT_FOUND")
    r = await api.rpc("estoppelCertificate/v1/request", {"unitId": sale.unit}, token=other.e.admin.token, key=uuid.uuid4().hex)
    assert code(r) == (422, "INVALID_REFERENCE")
    # The board reads it (association staff). In the library the PDF is staff-only: the tenant does not see
    # it; the owner who asked for it does, as the one it was filed for (documents: a filer reads what they filed).
    assert (await api.call("estoppelCertificate/v1/get", {"id": cert["id"]}, e.board))["id"] == cert["id"]
    r = await api.rpc("document/v1/get", {"id": cert["documentId"]}, token=sale.tenant.token)
    assert code(r) == (404, "NOT_FOUND")
    r = await api.rpc("document/v1/get", {"id": cert["documentId"]}, token=sale.owner.token)
    assert r.status_code == 200


async def test_a_unit_with_no_owner_is_refused_and_california_uses_its_own_form(api) -> None:
    sale = await open_sale(api, "CA")
    e = sale.e
    cert = await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit}, e.manager)
    assert (cert["jurisdiction"], cert["title"], cert["fee"]) == ("US-CA", "Resale Disclosure Statement", "250.00")
    assert "§4525" in await pdf_text(api, e.manager, cert["id"])
    vacant = (await api.call("unit/v1/bulkImport", {"associationId": e.association, "rows": [unit_fields("9")]}, e.admin))[
        "unitIds"
    ]
    r = await api.rpc("estoppelCertificate/v1/request", {"unitId": vacant[0]}, token=e.manager.token, key=uuid.uuid4().hex)
    assert code(r) == (409, "NO_OWNER_OF_RECORD")


@pytest.mark.parametrize("form", json.loads(FORMS.read_text())["forms"], ids=lambda f: f["jurisdiction"])
def test_every_form_names_only_figures_the_generator_reads(form) -> None:
    for section in form["sections"]:
        for field in section["fields"]:
            assert ("source" in field) != ("text" in field), field
            assert field.get("source", "issued_on") in SOURCES, field


async def test_a_member_without_a_unit_reads_nothing(api) -> None:
    sale = await open_sale(api)
    stranger = await member(api, sale.e.admin, sale.e.org, ["member"])
    await api.call("estoppelCertificate/v1/request", {"unitId": sale.unit}, sale.owner)
    assert (await api.call("estoppelCertificate/v1/list", {"associationId": sale.e.association}, stranger))["nodes"] == []

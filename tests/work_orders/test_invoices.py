"""The provider's invoice: a finished job is invoiced in the provider's
organization; the dispatch workflow carries it, as the platform, into the
association's payables (same id), through the duplicate checks, the posting,
the approval workflow and the compliance hold; the provider hears back whether
it was entered or refused, and the work order completes. Each side reads only
its half, and a third organization neither."""

from __future__ import annotations

from typing import Any

from graph.ids import decode, encode
from tests.helpers import Api, Caller
from tests.payables.desk import member, wait_workflow
from tests.work_orders.site import Site, attempt, open_site, until
from tests.work_orders.test_dispatch import _assigned, _job, _provider, _status

DAY = "2026-11-20"
INVOICES = """query($id: ID!) { node(id: $id) { ... on Job { invoices { id invoiceNumber total status customerCode
  customerNote lines { lineNo description quantity unitPrice amount priceBookItemId } } } } }"""


async def _books(api: Api, s: Site) -> None:
    await api.call("chartOfAccounts/v1/install", {"associationId": s.association}, s.admin)


async def _released(api: Api, s: Site) -> tuple[Caller, str, str]:
    """A provider on file as a released vendor of the site's organization, insured through next year."""
    provider, org, vendor = await _provider(api, s)
    await api.call("vendor/v1/releaseHold", {"id": vendor, "note": "W-9 and COI on file"}, s.admin)
    await _insure(api, s, vendor, "2026-01-01", "2027-12-31")
    return provider, org, vendor


async def _insure(api: Api, s: Site, vendor: str, effective: str, expires: str) -> None:
    certificate = {"vendorId": vendor, "kind": "general_liability", "carrier": "Acme", "policyNumber": "GL-1"}
    await api.call(
        "insuranceCertificate/v1/create",
        certificate | {"coverageAmount": "1000000.00", "effectiveOn": effective, "expiresOn": expires},
        s.admin,
    )


async def _done(api: Api, s: Site, provider: Caller, vendor: str, title: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A work order assigned to the provider, its job carried through to work done."""
    wo = await _assigned(api, s, vendor, title=title)
    job = await _job(api, provider, title)
    await api.call("job/v1/accept", {"id": job["id"]}, provider)
    await api.call("job/v1/schedule", {"id": job["id"], "scheduledFor": "2030-05-04T09:00:00Z"}, provider)
    await api.call("job/v1/start", {"id": job["id"]}, provider)
    await api.call("job/v1/complete", {"id": job["id"], "note": "Replaced the trap"}, provider)
    await _status(api, s, wo, "work_done")
    return wo, job


def _invoice(job: dict[str, Any], number: str, lines: list[dict[str, Any]] | None = None, **more: Any) -> dict[str, Any]:
    labor = {"description": "Labor (hours)", "quantity": "2", "unitPrice": "95.00"}
    return {
        "id": job["id"],
        "invoiceNumber": number,
        "invoiceDate": DAY,
        "dueDate": "2026-12-20",
        "lines": lines or [labor],
        "note": "Kitchen sink trap replaced",
    } | more


async def _answered(api: Api, provider: Caller, invoice: dict[str, Any]) -> dict[str, Any]:
    async def back() -> Any:
        got = await api.call("jobInvoice/v1/get", {"id": invoice["id"]}, provider)
        return got if got["status"] != "submitted" else None

    return await until(back, what="the customer's answer on the invoice")


def _payables_id(job_invoice_id: str) -> str:
    return encode("inv", decode(job_invoice_id)[1])


async def test_the_providers_invoice_becomes_a_payables_invoice_and_completes_the_work_order(api) -> None:
    s = await open_site(api, units=2)
    await _books(api, s)
    provider, _, vendor = await _released(api, s)
    wo, job = await _done(api, s, provider, vendor, "Leak under the sink")
    drain = await api.call(
        "priceBookItem/v1/create",
        {"name": "Drain clearing", "category": "plumbing", "unit": "visit", "unitPrice": "150.00", "active": True},
        provider,
    )
    lines = [
        {"priceBookItemId": drain["id"], "quantity": "1"},
        {"description": "Labor (hours)", "quantity": "1.5", "unitPrice": "95.00"},
        {"priceBookItemId": drain["id"], "quantity": "1", "description": "Second drain", "unitPrice": "120.00"},
    ]
    sent = await api.call("job/v1/invoice", _invoice(job, "A-1001", lines), provider)
    assert (sent["status"], sent["total"], sent["customerCode"]) == ("submitted", "412.50", None)
    assert [(ln["description"], ln["unitPrice"], ln["amount"], ln["priceBookItemId"]) for ln in sent["lines"]] == [
        ("Drain clearing", "150.00", "150.00", drain["id"]),
        ("Labor (hours)", "95.00", "142.50", None),
        ("Second drain", "120.00", "120.00", drain["id"]),
    ]
    # A later change of the price book reaches no line already written.
    await api.call("priceBookItem/v1/update", {"id": drain["id"], "unitPrice": "175.00"}, provider)

    answered = await _answered(api, provider, sent)
    assert (answered["status"], answered["customerCode"], answered["customerNote"]) == ("entered", None, None)
    assert [ln["unitPrice"] for ln in answered["lines"]] == ["150.00", "95.00", "120.00"]

    # The association: a payables invoice with the provider's id, number and lines, coded to repairs, awaiting approval.
    entered = await api.call("invoice/v1/get", {"id": _payables_id(sent["id"])}, s.manager)
    assert (entered["invoiceNumber"], entered["total"], entered["status"], entered["vendorId"]) == (
        "A-1001",
        "412.50",
        "awaiting_manager",
        vendor,
    )
    assert (entered["holdCode"], entered["holdReason"], entered["possibleDuplicateOfId"]) == (None, None, None)
    assert entered["memo"] == "Kitchen sink trap replaced" and entered["invoiceDate"] == DAY
    assert [(ln["amount"], ln["memo"]) for ln in entered["lines"]] == [
        ("150.00", "Drain clearing (1 × 150.00)"),
        ("142.50", "Labor (hours) (1.5 × 95.00)"),
        ("120.00", "Second drain (1 × 120.00)"),
    ]
    await _status(api, s, wo, "completed")
    detail = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on WorkOrder { transitions { toStatus actorKind note }
           dispatches { status invoiceId invoice { invoiceNumber total } } } } }""",
        {"id": wo["id"]},
        token=s.manager.token,
    )
    node = detail["data"]["node"]
    assert node["transitions"][-1] == {
        "toStatus": "COMPLETED",
        "actorKind": "WORKFLOW",
        "note": "Provider's invoice A-1001 of 412.50 received",
    }
    assert node["dispatches"] == [
        {"status": "WORK_DONE", "invoiceId": entered["id"], "invoice": {"invoiceNumber": "A-1001", "total": "412.50"}}
    ]
    # It goes through the association's own approval workflow: the manager approves, then (threshold 0) the board.
    await wait_workflow(api, s.manager, entered["workflowId"], "PENDING")
    await api.call("invoice/v1/approve", {"id": entered["id"]}, s.manager)
    approved = await api.call("invoice/v1/approve", {"id": entered["id"]}, s.board)
    assert approved["status"] == "approved"
    await wait_workflow(api, s.manager, entered["workflowId"], "SUCCESS")
    # The dispatch workflow ends once the invoice is entered.
    dispatch = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on WorkOrder { dispatches { workflowId } } } }",
        {"id": wo["id"]},
        token=s.admin.token,
    )
    await wait_workflow(api, s.admin, dispatch["data"]["node"]["dispatches"][0]["workflowId"], "SUCCESS")

    # The provider's view: the job's invoices, and its invoices across customers.
    body = await api.gql(INVOICES, {"id": job["id"]}, token=provider.token)
    assert [(i["invoiceNumber"], i["status"]) for i in body["data"]["node"]["invoices"]] == [("A-1001", "ENTERED")]
    listed = await api.call("jobInvoice/v1/list", {"status": "entered"}, provider)
    assert [i["invoiceNumber"] for i in listed["nodes"]] == ["A-1001"]
    assert (await api.call("jobInvoice/v1/list", {"status": "refused"}, provider))["nodes"] == []

    # Once standing, the job takes no second invoice.
    assert await attempt(api, "job/v1/invoice", _invoice(job, "A-1002"), provider) == (409, "JOB_ALREADY_INVOICED")


async def test_a_vendor_with_lapsed_insurance_is_invoiced_held_and_not_paid(api) -> None:
    s = await open_site(api, units=2)
    await _books(api, s)
    provider, _, vendor = await _provider(api, s)
    await api.call("vendor/v1/releaseHold", {"id": vendor, "note": "W-9 on file"}, s.admin)
    await _insure(api, s, vendor, "2025-01-01", "2026-06-30")  # lapsed before the work
    _, job = await _done(api, s, provider, vendor, "Burst pipe")
    sent = await api.call("job/v1/invoice", _invoice(job, "B-7"), provider)
    answered = await _answered(api, provider, sent)
    assert (answered["status"], answered["customerCode"]) == ("entered", "VENDOR_INSURANCE_EXPIRED")
    assert "general liability (expired 2026-06-30)" in answered["customerNote"]

    held = await api.call("invoice/v1/get", {"id": _payables_id(sent["id"])}, s.manager)
    assert held["holdCode"] == "VENDOR_INSURANCE_EXPIRED" and "2026-06-30" in held["holdReason"]
    await api.call("invoice/v1/approve", {"id": held["id"]}, s.manager)
    await api.call("invoice/v1/approve", {"id": held["id"]}, s.board)
    payment = {"invoiceId": held["id"], "paidOn": "2026-11-25", "amount": "190.00", "method": "check", "reference": "1001"}
    assert await attempt(api, "vendorPayment/v1/create", payment, s.admin) == (422, "VENDOR_INSURANCE_EXPIRED")
    # Renewed, it is paid.
    await _insure(api, s, vendor, "2026-07-01", "2027-06-30")
    assert (await api.call("vendorPayment/v1/create", payment, s.admin))["amount"] == "190.00"


async def test_a_vendor_on_payment_hold_is_invoiced_held(api) -> None:
    s = await open_site(api, units=2)
    await _books(api, s)
    provider, _, vendor = await _provider(api, s)  # a new vendor: on hold until released
    _, job = await _done(api, s, provider, vendor, "Clogged drain")
    sent = await api.call("job/v1/invoice", _invoice(job, "C-1"), provider)
    answered = await _answered(api, provider, sent)
    assert (answered["status"], answered["customerCode"]) == ("entered", "VENDOR_ON_HOLD")
    held = await api.call("invoice/v1/get", {"id": _payables_id(sent["id"])}, s.manager)
    assert held["holdCode"] == "VENDOR_ON_HOLD" and held["holdReason"].startswith("Payments to Ace Plumbing & Drain are on hold")


async def test_a_number_already_billed_is_refused_back_to_the_provider_who_corrects_it(api) -> None:
    s = await open_site(api, units=2)
    await _books(api, s)
    provider, _, vendor = await _released(api, s)
    wo, job = await _done(api, s, provider, vendor, "Dripping tap")
    # The association's clerk typed in the provider's emailed bill already.
    accounts = await api.call("glAccount/v1/list", {"associationId": s.association, "first": 100}, s.admin)
    funds = await api.call("fund/v1/list", {"associationId": s.association}, s.admin)
    repairs = next(a["id"] for a in accounts["nodes"] if a["number"] == "5300")
    oper = next(f["id"] for f in funds["nodes"] if f["code"] == "OPER")
    paper = {
        "associationId": s.association,
        "vendorId": vendor,
        "invoiceNumber": "d-9",
        "invoiceDate": "2026-11-01",
        "dueDate": "2026-12-01",
        "lines": [{"accountId": repairs, "fundId": oper, "amount": "50.00"}],
    }
    await api.call("invoice/v1/create", paper, s.admin)

    first = await api.call("job/v1/invoice", _invoice(job, "D-9"), provider)
    refused = await _answered(api, provider, first)
    assert (refused["status"], refused["customerCode"]) == ("refused", "DUPLICATE_INVOICE")
    assert await attempt(api, "invoice/v1/get", {"id": _payables_id(first["id"])}, s.admin) == (404, "NOT_FOUND")
    assert (await api.call("workOrder/v1/get", {"id": wo["id"]}, s.manager))["status"] == "work_done"
    # A refused invoice makes room for a corrected one; a number used before is the provider's own refusal.
    assert await attempt(api, "job/v1/invoice", _invoice(job, "D-9"), provider) == (409, "JOB_INVOICE_NUMBER_TAKEN")
    second = await api.call("job/v1/invoice", _invoice(job, "D-10"), provider)
    assert (await _answered(api, provider, second))["status"] == "entered"
    await _status(api, s, wo, "completed")
    body = await api.gql(INVOICES, {"id": job["id"]}, token=provider.token)
    assert [(i["invoiceNumber"], i["status"]) for i in body["data"]["node"]["invoices"]] == [
        ("D-9", "REFUSED"),
        ("D-10", "ENTERED"),
    ]


async def test_an_association_without_books_refuses_the_invoice_with_a_code(api) -> None:
    s = await open_site(api, units=2)  # no chart of accounts
    provider, _, vendor = await _released(api, s)
    wo, job = await _done(api, s, provider, vendor, "Loose railing")
    refused = await _answered(api, provider, await api.call("job/v1/invoice", _invoice(job, "E-1"), provider))
    assert (refused["status"], refused["customerCode"]) == ("refused", "EXPENSE_ACCOUNT_REQUIRED")
    assert (await api.call("workOrder/v1/get", {"id": wo["id"]}, s.manager))["status"] == "work_done"


async def test_what_the_provider_may_not_invoice(api) -> None:
    s = await open_site(api, units=2)
    await _books(api, s)
    provider, provider_org, vendor = await _released(api, s)
    await _assigned(api, s, vendor, title="Not yet done")
    early = await _job(api, provider, "Not yet done")
    assert await attempt(api, "job/v1/invoice", _invoice(early, "F-1"), provider) == (409, "JOB_INVOICE_NOT_ALLOWED")
    _, job = await _done(api, s, provider, vendor, "Done")
    retired = await api.call(
        "priceBookItem/v1/create",
        {"name": "Old service", "category": "plumbing", "unit": "hour", "unitPrice": "80.00", "active": False},
        provider,
    )
    cases = [
        (_invoice(job, "F-2", [{"priceBookItemId": retired["id"], "quantity": "1"}]), (422, "PRICE_BOOK_ITEM_RETIRED")),
        (_invoice(job, "F-3", [{"description": "No price", "quantity": "1"}]), (400, "VALIDATION_FAILED")),
        (_invoice(job, "F-4", dueDate="2026-11-01"), (400, "VALIDATION_FAILED")),
        (_invoice(job, "F-5", [{"description": "Labor", "quantity": "0", "unitPrice": "1.00"}]), (400, "VALIDATION_FAILED")),
        (_invoice(job, "F-6", [{"description": "Labor", "quantity": "1", "unitPrice": "1.001"}]), (400, "VALIDATION_FAILED")),
        (_invoice(job, "F-7", []) | {"lines": []}, (400, "VALIDATION_FAILED")),
        (_invoice(job, " F-8"), (400, "VALIDATION_FAILED")),
    ]
    for body, expected in cases:
        assert await attempt(api, "job/v1/invoice", body, provider) == expected, body
    # Nothing of the refused attempts was written.
    assert (await api.call("jobInvoice/v1/list", {}, provider))["nodes"] == []
    # Only the provider's writers invoice; the association can't reach the job at all.
    auditor = await member(api, provider, provider_org, ["auditor"])
    assert await attempt(api, "job/v1/invoice", _invoice(job, "F-9"), auditor) == (403, "FORBIDDEN")
    assert await attempt(api, "job/v1/invoice", _invoice(job, "F-9"), s.admin) == (404, "NOT_FOUND")


async def test_each_side_reads_only_its_half_of_the_invoice(api) -> None:
    s = await open_site(api, units=2)
    await _books(api, s)
    provider, _, vendor = await _released(api, s)
    _, job = await _done(api, s, provider, vendor, "Water heater")
    sent = await api.call("job/v1/invoice", _invoice(job, "G-1"), provider)
    await _answered(api, provider, sent)
    payables_id = _payables_id(sent["id"])
    # A second customer of the provider, and a stranger.
    other = await open_site(api, units=2)
    stranger, _ = await api.admin_of_new_org()
    node = "query($id: ID!) { node(id: $id) { id } }"

    # The provider: its invoice, not the association's copy, books or other invoices.
    assert await attempt(api, "invoice/v1/get", {"id": payables_id}, provider) == (404, "NOT_FOUND")
    assert (await api.gql(node, {"id": payables_id}, token=provider.token))["data"]["node"] is None
    r = await api.rpc("invoice/v1/list", {"associationId": s.association}, token=provider.token)
    assert r.status_code in (403, 422) or r.json()["nodes"] == [], r.text
    # The association, the other customer and the stranger: nothing of the provider's invoice or price book.
    for caller in (s.admin, s.manager, other.admin, stranger):
        assert await attempt(api, "jobInvoice/v1/get", {"id": sent["id"]}, caller) == (404, "NOT_FOUND")
        assert (await api.gql(node, {"id": sent["id"]}, token=caller.token))["data"]["node"] is None
        for name in ("jobInvoice/v1/list", "priceBookItem/v1/list"):
            r = await api.rpc(name, {}, token=caller.token)
            assert r.status_code == 403 or r.json()["nodes"] == [], (name, r.text)
    # The other customer and the stranger don't see the association's copy either.
    for caller in (other.admin, stranger):
        assert await attempt(api, "invoice/v1/get", {"id": payables_id}, caller) == (404, "NOT_FOUND")
    # The owner whose unit it was sees neither.
    assert (await api.gql(node, {"id": payables_id}, token=s.owner.token))["data"]["node"] is None

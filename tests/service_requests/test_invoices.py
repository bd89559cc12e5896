"""The provider's invoice for a service request's work reaches the requester
(its copy has the provider's id; the provider's invoice reads it as received),
and the requester records what it paid — at most what is still owed, kept for
good — until the invoice is paid. No one else reads it."""

from __future__ import annotations

from typing import Any

from graph.ids import decode, encode
from tests.helpers import Api
from tests.service_requests.world import job, org_of, provider, request, status
from tests.work_orders.site import attempt, until

INVOICES = """query($id: ID!) { node(id: $id) { ... on ServiceRequest {
  invoices { id invoiceNumber total amountPaid paidAt dueDate lines { lineNo description amount }
    payments { amount paidOn method reference } } } } }"""


async def _invoices(api: Api, caller: Any, request_id: str) -> list[dict[str, Any]]:
    body = await api.gql(INVOICES, {"id": request_id}, token=caller.token)
    assert "errors" not in body, body
    return body["data"]["node"]["invoices"]


async def test_the_requester_reads_the_invoice_and_records_its_payments(api) -> None:
    ace, ace_org, _ = await provider(api, "Plumbing")
    ivy, _, _ = await org_of(api, "individual")
    made = await api.call("serviceRequest/v1/create", request(title="New faucet", providerOrganizationId=ace_org), ivy)
    arrived = await job(api, ace, "New faucet")
    for step, body in (
        ("accept", {}),
        ("schedule", {"scheduledFor": "2030-05-04T09:00:00Z"}),
        ("start", {}),
        ("complete", {"note": "Faucet replaced"}),
    ):
        await api.call(f"job/v1/{step}", {"id": arrived["id"], **body}, ace)
    await status(api, ivy, made["id"], "work_done")
    lines = [
        {"description": "Labor (hours)", "quantity": "2", "unitPrice": "95.00"},
        {"description": "Faucet", "quantity": "1", "unitPrice": "129.99"},
    ]
    body = {"id": arrived["id"], "invoiceNumber": "ACE-1001", "invoiceDate": "2030-05-04", "dueDate": "2030-06-03"}
    sent = await api.call("job/v1/invoice", body | {"lines": lines, "note": "Thank you"}, ace)
    invoice_id = decode(sent["id"])[1]

    async def received() -> Any:
        found = await _invoices(api, ivy, made["id"])
        return found or None

    [invoice] = await until(received, what="the invoice to reach the requester")
    assert invoice["id"] == encode("sri", invoice_id)
    assert (invoice["invoiceNumber"], invoice["total"], invoice["amountPaid"], invoice["paidAt"], invoice["dueDate"]) == (
        "ACE-1001",
        "319.99",
        "0.00",
        None,
        "2030-06-03",
    )
    assert [(line["lineNo"], line["amount"]) for line in invoice["lines"]] == [(1, "190.00"), (2, "129.99")]

    async def answered() -> Any:
        got = await api.call("jobInvoice/v1/get", {"id": sent["id"]}, ace)
        return got if got["status"] != "submitted" else None

    # The provider's invoice takes the requester's answer: received, to pay.
    assert (await until(answered, what="the requester's answer on the invoice"))["status"] == "entered"

    pay = {"id": made["id"], "invoiceId": invoice["id"], "paidOn": "2030-05-10", "method": "check", "reference": "1042"}
    first = await api.call("serviceRequest/v1/pay", pay | {"amount": "300.00"}, ivy)
    assert (first["invoice"]["amountPaid"], first["invoice"]["paidAt"], first["payment"]["amount"]) == ("300.00", None, "300.00")
    refused = await api.rpc("serviceRequest/v1/pay", pay | {"amount": "20.00"}, token=ivy.token, key="too-much")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "PAYMENT_EXCEEDS_BALANCE")
    assert refused.json()["error"]["details"] == {"balance": "19.99"}
    last = await api.call("serviceRequest/v1/pay", pay | {"amount": "19.99", "method": "card", "reference": None}, ivy)
    assert last["invoice"]["amountPaid"] == "319.99" and last["invoice"]["paidAt"]
    [invoice] = await _invoices(api, ivy, made["id"])
    assert [(p["amount"], p["method"], p["reference"]) for p in invoice["payments"]] == [
        ("300.00", "CHECK", "1042"),
        ("19.99", "CARD", None),
    ]
    done = await api.call("serviceRequest/v1/transition", {"id": made["id"], "to": "completed"}, ivy)
    assert done["status"] == "completed"

    # Another request's invoice, another organization, the provider: nothing.
    other = await api.call("serviceRequest/v1/create", request(title="Other", providerOrganizationId=ace_org), ivy)
    assert await attempt(api, "serviceRequest/v1/pay", pay | {"id": other["id"], "amount": "1.00"}, ivy) == (
        422,
        "INVALID_REFERENCE",
    )
    stranger, _, _ = await org_of(api, "individual")
    assert (await attempt(api, "serviceRequest/v1/pay", pay | {"amount": "1.00"}, stranger))[0] in (404, 422)
    for caller in (stranger, ace):
        node = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": invoice["id"]}, token=caller.token)
        assert node["data"]["node"] is None

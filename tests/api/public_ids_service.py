"""The public-ids scenario's service work: the provider's invoice for the work
order's job (priced from its price book), and a homeowner's service request to
the same provider, invoiced and paid."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, Caller
from tests.service_requests.world import job, org_of, request, status
from tests.work_orders.site import until

INVOICES = "query($id: ID!) { node(id: $id) { ... on ServiceRequest { invoices { id } } } }"


async def _invoiced(api: Api, provider: Caller, job_id: str, number: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
    """Carry the provider's scheduled job to work done and invoice it."""
    await api.call("job/v1/start", {"id": job_id}, provider)
    await api.call("job/v1/complete", {"id": job_id, "note": "Done"}, provider)
    body = {"id": job_id, "invoiceNumber": number, "invoiceDate": "2030-05-04", "dueDate": "2030-06-03", "lines": lines}
    result: dict[str, Any] = await api.call("job/v1/invoice", body, provider)
    return result


async def service_work(api: Api, provider: Caller, provider_org: str, job_id: str) -> None:
    """`provider` (the admin of service provider `provider_org`) has `job_id` scheduled: invoice it,
    one line from its price book; then a homeowner's request to it, invoiced and paid."""
    item = {"name": "Drain clearing", "category": "plumbing", "unit": "visit", "unitPrice": "150.00", "active": True}
    drain = await api.call("priceBookItem/v1/create", item, provider)
    labor = {"description": "Labor (hours)", "quantity": "1", "unitPrice": "95.00"}
    sent = await _invoiced(api, provider, job_id, "SVC-1", [{"priceBookItemId": drain["id"], "quantity": "1"}, labor])

    async def answered() -> Any:
        got = await api.call("jobInvoice/v1/get", {"id": sent["id"]}, provider)
        return got if got["status"] != "submitted" else None

    # The association's payables answer it (entered or refused): its workflow is done before the crawl.
    await until(answered, what="the association's answer on the invoice")

    await api.call("serviceOffering/v1/set", {"categories": ["Plumbing"]}, provider)
    ivy, _, _ = await org_of(api, "individual")
    made = await api.call("serviceRequest/v1/create", request(title="New faucet", providerOrganizationId=provider_org), ivy)
    arrived = await job(api, provider, "New faucet")
    await api.call("job/v1/accept", {"id": arrived["id"]}, provider)
    await api.call("job/v1/schedule", {"id": arrived["id"], "scheduledFor": "2030-05-04T09:00:00Z"}, provider)
    await _invoiced(api, provider, arrived["id"], "SVC-2", [labor])
    await status(api, ivy, made["id"], "work_done")

    async def received() -> Any:
        body = await api.gql(INVOICES, {"id": made["id"]}, token=ivy.token)
        return body["data"]["node"]["invoices"]

    [invoice] = await until(received, what="the invoice to reach the requester")
    pay = {"id": made["id"], "invoiceId": invoice["id"], "amount": "95.00", "paidOn": "2030-05-10", "method": "check"}
    await api.call("serviceRequest/v1/pay", pay, ivy)

"""serviceRequest/v1/{create,get,list,transition,decideEstimate,pay,providers,categories}: the requester's side."""

from __future__ import annotations

from typing import Any

from domains.service_requests.models import ServiceRequest, ServiceRequestStatus
from domains.service_requests.schemas import (
    ServiceCategoryList,
    ServiceCategoryListInput,
    ServiceProviderConnection,
    ServiceProviderListInput,
    ServiceRequestConnection,
    ServiceRequestCreateInput,
    ServiceRequestDecideEstimateInput,
    ServiceRequestGetInput,
    ServiceRequestInvoiceRead,
    ServiceRequestListInput,
    ServiceRequestPayInput,
    ServiceRequestPaymentRead,
    ServiceRequestPayResult,
    ServiceRequestRead,
    ServiceRequestTransitionInput,
)
from domains.service_requests.service import dispatches, invoices, requests
from graph.errors import InvalidReference
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "serviceRequest/v1/create",
    input=ServiceRequestCreateInput,
    output=ServiceRequestRead,
    kind="service_request",
    action="create",
    summary="Ask a service provider for work on your property",
)
async def create_service_request(ctx: OperationContext, data: ServiceRequestCreateInput) -> ServiceRequestRead:
    """Ask for work on your own property — for an individual or a commercial
    client (SERVICE_REQUESTS_NOT_FOR_THIS_ORGANIZATION for an association or a
    management company, which open work orders). The category is one of
    `serviceCategories` (UNKNOWN_SERVICE_CATEGORY). It goes to the provider you
    name (NOT_A_SERVICE_PROVIDER for any other organization), or, without one,
    is posted to the providers offering its category, the longest-standing
    first (NO_PROVIDER_OFFERING when none does); each declining one passes it to
    the next. The provider gets a job in its own organization with the work,
    the address, the preferred dates and your name, nothing else; its answers
    (accepted, estimate, scheduled, in progress, work done) move the request on.
    Photos and documents are filed in your library first and named by id."""
    await requests.organization(ctx.session, org(ctx))
    requests.check_category(data.category, ["category"])
    assert ctx.principal is not None
    request = requests.draft(org(ctx), data, ctx.principal.user_id, actor(ctx))
    who = requests.actor_of(ctx.principal)
    await requests.open_(ctx.session, request, who)
    dispatch = await dispatches.send(ctx.session, request, data.provider_organization_id, who)
    ctx.audit_summary = {"title": request.title, "category": request.category, "posted": request.posted} | (
        {"dispatchId": str(dispatch.id), "providerOrganizationId": str(dispatch.provider_organization_id)} if dispatch else {}
    )
    return ServiceRequestRead.model_validate(request)


@operation(
    "serviceRequest/v1/get",
    input=ServiceRequestGetInput,
    output=ServiceRequestRead,
    kind="service_request",
    action="read",
    target=ServiceRequest,
    mutates=False,
    summary="Read a service request",
)
async def get_service_request(ctx: OperationContext, data: ServiceRequestGetInput) -> ServiceRequestRead:
    """One service request: the organization's admins, managers and auditors
    read every one, a member those they asked for."""
    return ServiceRequestRead.model_validate(ctx.target)


@operation(
    "serviceRequest/v1/list",
    input=ServiceRequestListInput,
    output=ServiceRequestConnection,
    kind="service_request",
    action="list",
    mutates=False,
    graphql_name="serviceRequests",
    summary="List service requests",
)
async def list_service_requests(ctx: OperationContext, data: ServiceRequestListInput) -> ServiceRequestConnection:
    """The service requests the caller may see, newest first; filtered by state, open or finished, category."""
    rows, page = await requests.page(ctx.session, data, await ctx.visible("service_request", "read", ServiceRequest))
    return as_connection(ServiceRequestConnection, rows, page)


@operation(
    "serviceRequest/v1/transition",
    input=ServiceRequestTransitionInput,
    output=ServiceRequestRead,
    kind="service_request",
    action="transition",
    target=ServiceRequest,
    summary="Cancel, complete or resend a service request",
)
async def transition_service_request(ctx: OperationContext, data: ServiceRequestTransitionInput) -> ServiceRequestRead:
    """The requester's moves: `canceled` before the work starts (the provider's
    job is withdrawn), `completed` once the provider reports the work done, and
    `dispatched` for an unassigned request — to the provider named, or to the
    next one offering its category that has not been asked (NO_PROVIDER_OFFERING
    when none is left). Any other move, and the provider's own (accepted,
    scheduled, in progress, work done), is ILLEGAL_SERVICE_REQUEST_TRANSITION
    with the states you may move it to."""
    request = await requests.lock(ctx.session, data.id)
    assert request is not None, "the pipeline found the request visible a moment ago"
    assert ctx.principal is not None
    who = requests.actor_of(ctx.principal)
    before = request.status
    summary: dict[str, Any] = {"from": before.value, "to": data.to.value} | ({"note": data.note} if data.note else {})
    ctx.audit_summary = summary
    if data.to is ServiceRequestStatus.DISPATCHED:
        dispatch = await dispatches.send(ctx.session, request, data.provider_organization_id, who, data.note)
        assert dispatch is not None, "a user's dispatch finds a provider or is refused"
        summary["dispatchId"] = str(dispatch.id)
        return ServiceRequestRead.model_validate(request)
    await requests.move(ctx.session, request, data.to, who, data.note)
    if data.to is ServiceRequestStatus.CANCELED:
        withdrawn = await dispatches.withdraw(ctx.session, request)
        summary["withdrawnDispatchIds"] = [str(d.id) for d in withdrawn]
    return ServiceRequestRead.model_validate(request)


@operation(
    "serviceRequest/v1/decideEstimate",
    input=ServiceRequestDecideEstimateInput,
    output=ServiceRequestRead,
    kind="service_request",
    action="transition",
    target=ServiceRequest,
    summary="Approve or decline a provider's estimate",
)
async def decide_service_request_estimate(ctx: OperationContext, data: ServiceRequestDecideEstimateInput) -> ServiceRequestRead:
    """Approve or decline a revision of the provider's estimate (`estimates` on
    the request), with a note for the provider; the provider's copy shows the
    decision (`jobEstimates`), and a declined one may be revised. Only a
    revision awaiting a decision, while none of the provider's is approved
    (ESTIMATE_NOT_PENDING); another request's estimate is INVALID_REFERENCE."""
    request = await requests.lock(ctx.session, data.id)
    assert request is not None, "the pipeline found the request visible a moment ago"
    estimate = await dispatches.decide_estimate(ctx.session, request, data.estimate_id, data.approve, data.note)
    if estimate is None:
        raise InvalidReference("`estimateId` names an estimate of another service request.", field=["estimateId"])
    ctx.audit_summary = {"estimateId": str(estimate.id), "revision": estimate.revision, "decision": estimate.status.value}
    return ServiceRequestRead.model_validate(request)


@operation(
    "serviceRequest/v1/pay",
    input=ServiceRequestPayInput,
    output=ServiceRequestPayResult,
    kind="service_request",
    action="pay",
    target=ServiceRequest,
    summary="Record a payment of a provider's invoice",
)
async def pay_service_request(ctx: OperationContext, data: ServiceRequestPayInput) -> ServiceRequestPayResult:
    """Record what you paid the provider against its invoice for this request
    (`invoices` on the request): recorded, not processed — the money moved
    outside the platform. At most what is still owed (PAYMENT_EXCEEDS_BALANCE);
    the invoice is paid (`paidAt`) once the payments reach its total. Payments
    are kept for good. An invoice of another request is INVALID_REFERENCE."""
    paid = await invoices.pay(ctx.session, data.invoice_id, data, actor(ctx), data.id)
    if paid is None:
        raise InvalidReference("`invoiceId` names an invoice of another service request.", field=["invoiceId"])
    invoice, payment = paid
    ctx.audit_summary = {"invoiceId": str(invoice.id), "amount": str(payment.amount), "paid": str(invoice.amount_paid)}
    return ServiceRequestPayResult(
        payment=ServiceRequestPaymentRead.model_validate(payment), invoice=ServiceRequestInvoiceRead.model_validate(invoice)
    )


@operation(
    "serviceRequest/v1/providers",
    input=ServiceProviderListInput,
    output=ServiceProviderConnection,
    kind="service_request",
    action="providers",
    mutates=False,
    graphql_name="serviceProviders",
    summary="List the service providers you may send a request to",
)
async def list_service_providers(ctx: OperationContext, data: ServiceProviderListInput) -> ServiceProviderConnection:
    """Service providers on the platform by name, with the categories each
    offers; only those offering `category`, if given. What a provider is on the
    platform (its id, name and categories), nothing else of it."""
    rows, page = await dispatches.providers(ctx.session, data)
    return as_connection(ServiceProviderConnection, rows, page)


@operation(
    "serviceRequest/v1/categories",
    input=ServiceCategoryListInput,
    output=ServiceCategoryList,
    kind="service_request",
    action="categories",
    mutates=False,
    graphql_name="serviceCategories",
    summary="The categories of work",
)
async def list_service_categories(ctx: OperationContext, data: ServiceCategoryListInput) -> ServiceCategoryList:
    """The categories a service request names and a provider offers (the work-order classifier's default categories)."""
    return ServiceCategoryList(categories=list(requests.CATEGORIES))

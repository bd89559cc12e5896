"""API models of the service-requests domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field

from domains.documents.models import DocumentId
from domains.documents.schemas import attached_ids
from domains.jobs.schemas import ESTIMATE, ESTIMATE_LINE
from domains.organizations.models import OrganizationId
from domains.service_requests.models import (
    ServiceOffering,
    ServicePaymentMethod,
    ServiceRequest,
    ServiceRequestDispatch,
    ServiceRequestEstimate,
    ServiceRequestEstimateId,
    ServiceRequestEstimateLine,
    ServiceRequestId,
    ServiceRequestInvoice,
    ServiceRequestInvoiceId,
    ServiceRequestInvoiceLine,
    ServiceRequestPayment,
    ServiceRequestStatus,
    ServiceRequestTransition,
)
from graph.schemas import ApiModel, connection_model, derive

_TRIMMED = {"pattern": r"^\S(.*\S)?$"}

ServiceRequestTransitionRead = derive(
    ServiceRequestTransition,
    "ServiceRequestTransition",
    ["id", "service_request_id", "from_status", "to_status", "actor_kind", "actor_id", "note", "created_at"],
    node=True,
)
ServiceRequestDispatchRead = derive(
    ServiceRequestDispatch,
    "ServiceRequestDispatch",
    [
        "id",
        "service_request_id",
        "provider_organization_id",
        "provider_name",
        "status",
        "scheduled_for",
        "provider_note",
        "workflow_id",
        "created_at",
        "updated_at",
    ],
    node=True,
)
ServiceRequestEstimateLineRead = derive(
    ServiceRequestEstimateLine, "ServiceRequestEstimateLine", ["id", "estimate_id", *ESTIMATE_LINE], node=True
)
ServiceRequestEstimateRead = derive(
    ServiceRequestEstimate,
    "ServiceRequestEstimate",
    ["id", "service_request_id", "dispatch_id", *ESTIMATE],
    node=True,
)
ServiceRequestInvoiceLineRead = derive(
    ServiceRequestInvoiceLine, "ServiceRequestInvoiceLine", ["id", "invoice_id", *ESTIMATE_LINE], node=True
)
ServiceRequestPaymentRead = derive(
    ServiceRequestPayment,
    "ServiceRequestPayment",
    ["id", "invoice_id", "service_request_id", "amount", "paid_on", "method", "reference", "recorded_by", "created_at"],
    node=True,
)
ServiceRequestInvoiceRead = derive(
    ServiceRequestInvoice,
    "ServiceRequestInvoice",
    [
        "id",
        "service_request_id",
        "dispatch_id",
        "invoice_number",
        "invoice_date",
        "due_date",
        "total",
        "note",
        "amount_paid",
        "paid_at",
        "created_at",
    ],
    node=True,
)
ServiceRequestRead = derive(
    ServiceRequest,
    "ServiceRequest",
    [
        "id",
        "organization_id",
        "title",
        "description",
        "address",
        "category",
        "posted",
        "status",
        "provider_organization_id",
        "requester_user_id",
        "completed_at",
        "created_by",
        "created_at",
        "updated_at",
    ],
    extra={
        "preferred_dates": (list[date], Field(default_factory=list, description="Days the requester would like the visit.")),
        "document_ids": (
            list[DocumentId],
            Field(default_factory=list, description="Its photos and documents, by id (see `documents`)."),
        ),
    },
    node=True,
)
ServiceRequestCreateInput = derive(
    ServiceRequest,
    "ServiceRequestCreateInput",
    ["title", "description", "address", "category"],
    doc="Work on your own property (an individual or a commercial client): sent to the service provider you name, "
    "or posted to the providers offering its category (without `providerOrganizationId`), one at a time until one "
    "takes it.",
    constraints={"title": _TRIMMED, "address": _TRIMMED},
    extra={
        "provider_organization_id": (
            OrganizationId | None,
            Field(
                None,
                description="The service provider to send it to; without one, it is posted to the providers "
                "offering its category.",
            ),
        ),
        "preferred_dates": (
            list[date],
            Field(default_factory=list, max_length=5, description="Days you would like the visit, best first (up to 5)."),
        ),
        "document_ids": (list[DocumentId], attached_ids("Photos and documents about the work")),
    },
    examples=[
        {
            "title": "Water heater leaking",
            "description": "A puddle under the water heater in the garage since this morning.",
            "address": "12 Elm St, Springfield, OR 97477",
            "category": "Plumbing",
            "preferredDates": ["2030-05-04", "2030-05-05"],
        }
    ],
)


class ServiceRequestGetInput(ApiModel):
    """Which service request to read."""

    id: ServiceRequestId = Field(description="The service request.")


class ServiceRequestListInput(ApiModel):
    """Service requests the caller may see, newest first."""

    status: ServiceRequestStatus | None = Field(None, description="Only requests in this state.")
    open: bool | None = Field(None, description="Only open (true) or finished (false) requests.")
    category: str | None = Field(None, max_length=100, description="Only requests of this category.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ServiceRequestConnection = connection_model(ServiceRequestRead)


class ServiceRequestTransitionInput(ApiModel):
    """The requester's moves: cancel it (before the work is done), confirm the
    work done (completed), or send an unassigned request again (dispatched)."""

    id: ServiceRequestId = Field(description="The service request.")
    to: ServiceRequestStatus = Field(description="The state to move to: canceled, completed or dispatched.")
    note: str | None = Field(None, max_length=1000, description="Why (kept with the transition).")
    provider_organization_id: OrganizationId | None = Field(
        None,
        description="With `dispatched`: the provider to send it to; without, the next provider offering its category "
        "that has not been asked.",
    )


class ServiceRequestPayInput(ApiModel):
    """A payment you made against the provider's invoice for a service request:
    recorded here, not processed (the money moved outside the platform)."""

    id: ServiceRequestId = Field(description="The service request.")
    invoice_id: ServiceRequestInvoiceId = Field(description="The provider's invoice (one of the request's `invoices`).")
    amount: Decimal = Field(
        gt=0, max_digits=14, decimal_places=2, description="How much, in dollars: at most what is still owed."
    )
    paid_on: date = Field(description="The day you paid.")
    method: ServicePaymentMethod = Field(description="How you paid.")
    reference: str | None = Field(None, max_length=100, description="A check number or confirmation code.")


class ServiceRequestDecideEstimateInput(ApiModel):
    """Approve or decline a revision of the provider's estimate for your service request."""

    id: ServiceRequestId = Field(description="The service request.")
    estimate_id: ServiceRequestEstimateId = Field(
        description="The revision (one of the request's `estimates`, awaiting a decision)."
    )
    approve: bool = Field(description="True to approve the revision, false to decline it (the provider may revise it).")
    note: str | None = Field(None, max_length=1000, description="A note for the provider (a decline's reason).")


class ServiceRequestPayResult(ApiModel):
    """The payment recorded and the invoice it pays, with what is paid of it now."""

    payment: ServiceRequestPaymentRead = Field(description="The payment recorded.")
    invoice: ServiceRequestInvoiceRead = Field(description="The invoice, with its amount paid (and when it was paid in full).")


# --- providers and their offerings ------------------------------------------------


class ServiceProviderRead(ApiModel):
    """A service provider on the platform: its id (to send it a request), name and the categories it offers."""

    organization_id: OrganizationId = Field(description="The provider's organization.")
    name: str = Field(description="The provider's name.")
    categories: list[str] = Field(description="The categories of work it offers.")


class ServiceProviderListInput(ApiModel):
    """Service providers by name, optionally only those offering a category."""

    category: str | None = Field(None, max_length=100, description="Only providers offering this category.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ServiceProviderConnection = connection_model(ServiceProviderRead)

ServiceOfferingRead = derive(ServiceOffering, "ServiceOffering", ["id", "category", "created_at"], node=True)


class ServiceOfferingListInput(ApiModel):
    """Your organization's offerings (a service provider's), by category."""


class ServiceOfferingList(ApiModel):
    """The categories your organization offers."""

    offerings: list[ServiceOfferingRead] = Field(description="Its offerings, by category.")


class ServiceOfferingSetInput(ApiModel):
    """The categories of work your organization (a service provider) offers:
    exactly these from now on."""

    categories: list[str] = Field(
        max_length=50, description="The categories (of `serviceCategories`), up to 50; an empty list offers none."
    )


class ServiceCategoryListInput(ApiModel):
    """The categories of work service requests name and providers offer."""


class ServiceCategoryList(ApiModel):
    """The categories of work."""

    categories: list[str] = Field(description="The categories, by name.")

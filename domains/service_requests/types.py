"""GraphQL relation fields of the service-requests domain."""

from __future__ import annotations

from domains.documents.types import attached
from domains.service_requests.models import (
    ServiceRequestDispatch,
    ServiceRequestEstimate,
    ServiceRequestEstimateLine,
    ServiceRequestInvoice,
    ServiceRequestInvoiceLine,
    ServiceRequestPayment,
    ServiceRequestTransition,
)
from domains.service_requests.schemas import (
    ServiceOfferingRead,
    ServiceRequestDispatchRead,
    ServiceRequestEstimateLineRead,
    ServiceRequestEstimateRead,
    ServiceRequestInvoiceLineRead,
    ServiceRequestInvoiceRead,
    ServiceRequestPaymentRead,
    ServiceRequestRead,
    ServiceRequestTransitionRead,
)
from graph.gqltypes import extend, output_type, to_many


@extend(ServiceRequestRead)
class ServiceRequestRelations:
    documents = attached("document_ids", "Its photos and documents, as `documentIds` names them (those you may read).")
    transitions = to_many(
        ServiceRequestTransition,
        "service_request_id",
        "ServiceRequestTransitionType",
        "Its lifecycle so far, oldest transition first.",
        order_by=lambda: [ServiceRequestTransition.created_at],
    )
    dispatches = to_many(
        ServiceRequestDispatch,
        "service_request_id",
        "ServiceRequestDispatchType",
        "The providers it was sent to and their answers, oldest first.",
        order_by=lambda: [ServiceRequestDispatch.created_at, ServiceRequestDispatch.id],
        kind="service_request",
    )
    estimates = to_many(
        ServiceRequestEstimate,
        "service_request_id",
        "ServiceRequestEstimateType",
        "The providers' estimates for it, every revision, oldest first.",
        order_by=lambda: [ServiceRequestEstimate.created_at, ServiceRequestEstimate.revision],
        kind="service_request",
    )

    invoices = to_many(
        ServiceRequestInvoice,
        "service_request_id",
        "ServiceRequestInvoiceType",
        "The providers' invoices for it, with what you have paid of each, oldest first.",
        order_by=lambda: [ServiceRequestInvoice.created_at, ServiceRequestInvoice.id],
        kind="service_request",
    )


@extend(ServiceRequestInvoiceRead)
class ServiceRequestInvoiceRelations:
    lines = to_many(
        ServiceRequestInvoiceLine,
        "invoice_id",
        "ServiceRequestInvoiceLineType",
        "Its lines, in order.",
        order_by=lambda: [ServiceRequestInvoiceLine.line_no],
    )
    payments = to_many(
        ServiceRequestPayment,
        "invoice_id",
        "ServiceRequestPaymentType",
        "The payments recorded against it, oldest first.",
        order_by=lambda: [ServiceRequestPayment.created_at, ServiceRequestPayment.id],
    )


@extend(ServiceRequestEstimateRead)
class ServiceRequestEstimateRelations:
    lines = to_many(
        ServiceRequestEstimateLine,
        "estimate_id",
        "ServiceRequestEstimateLineType",
        "Its lines, in order.",
        order_by=lambda: [ServiceRequestEstimateLine.line_no],
    )


# Built after every extension: return annotations above name these lazily.
ServiceRequestTransitionType = output_type(ServiceRequestTransitionRead)
ServiceRequestDispatchType = output_type(ServiceRequestDispatchRead)
ServiceRequestEstimateLineType = output_type(ServiceRequestEstimateLineRead)
ServiceRequestEstimateType = output_type(ServiceRequestEstimateRead)
ServiceRequestInvoiceLineType = output_type(ServiceRequestInvoiceLineRead)
ServiceRequestPaymentType = output_type(ServiceRequestPaymentRead)
ServiceRequestInvoiceType = output_type(ServiceRequestInvoiceRead)
ServiceOfferingType = output_type(ServiceOfferingRead)
ServiceRequestType = output_type(ServiceRequestRead)

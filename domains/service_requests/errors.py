"""Error codes of the service-requests domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class IllegalServiceRequestTransition(Conflict):
    """The state map has no arrow from the service request's state to the one
    asked for (or the move is the provider's to make); `details` names both and
    the states the caller may move it to."""

    code = "ILLEGAL_SERVICE_REQUEST_TRANSITION"


class UnknownServiceCategory(AppError):
    """A category of work is one of the service categories (`serviceCategories`)."""

    code = "UNKNOWN_SERVICE_CATEGORY"
    status = 422


class NotAServiceProvider(AppError):
    """A service request is sent to a service-provider organization."""

    code = "NOT_A_SERVICE_PROVIDER"
    status = 422


class NoProviderOffering(Conflict):
    """No service provider offering the request's category is left to ask (each
    one offering it has already declined): name one (`providerOrganizationId`)."""

    code = "NO_PROVIDER_OFFERING"


class ServiceRequestsNotForAssociations(Conflict):
    """Service requests are for individuals and commercial clients; an
    association (or its management company) opens work orders instead."""

    code = "SERVICE_REQUESTS_NOT_FOR_THIS_ORGANIZATION"


class PaymentExceedsBalance(Conflict):
    """A payment is at most what is still owed on the invoice; `details.balance` says how much that is."""

    code = "PAYMENT_EXCEEDS_BALANCE"

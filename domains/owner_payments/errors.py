"""Error codes of owners' payments."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class UnknownProcessor(AppError):
    """No payment processor by that name is configured."""

    code = "UNKNOWN_PAYMENT_PROCESSOR"
    status = 422


class OwnerPaymentNotPending(Conflict):
    """The payment is settled or returned already."""

    code = "OWNER_PAYMENT_NOT_PENDING"


class OwnerPaymentSettlesByBankFile(AppError):
    """An ACH payment settles by its debit (the bank's statement or returns file), not by a processor's callback."""

    code = "OWNER_PAYMENT_SETTLES_BY_BANK_FILE"
    status = 422

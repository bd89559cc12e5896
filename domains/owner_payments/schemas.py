"""API models of owners' payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from domains.ach.models import AchAuthorizationId, AchFileId
from domains.associations.models import AssociationId, UnitId
from domains.owner_payments.models import (
    OwnerPayment,
    OwnerPaymentId,
    OwnerPaymentMethod,
    OwnerPaymentStatus,
)
from graph.schemas import ApiModel, connection_model, derive

OwnerPaymentRead = derive(
    OwnerPayment,
    "OwnerPayment",
    [
        "id",
        "association_id",
        "unit_id",
        "method",
        "amount",
        "status",
        "receipt_number",
        "authorization_id",
        "debit_on",
        "ach_entry_id",
        "processor",
        "processor_reference",
        "payment_entry_id",
        "paid_at",
        "paid_by",
        "settled_on",
        "return_reason",
    ],
    node=True,
)


class OwnerPaymentCreateInput(ApiModel):
    """A one-time payment on a unit's balance: from the unit's saved ACH account
    (`authorizationId`), or a card charge the processor took (`processor` and its
    `processorReference`, from the processor's own card form: card numbers never
    reach us). It posts at once as a pending payment and is settled later."""

    unit_id: UnitId = Field(description="The unit whose balance it pays.")
    amount: Decimal = Field(gt=0, le=100_000, max_digits=14, decimal_places=2, description="Amount to pay.")
    method: OwnerPaymentMethod = Field(description="ACH from a saved account, or card through the processor.")
    authorization_id: AchAuthorizationId | None = Field(
        None, description="ACH: the unit's active authorization to debit (achAuthorization/v1/create saves one)."
    )
    processor: str | None = Field(
        None, min_length=1, max_length=40, description="Card: the processor that took the charge (see `processors`)."
    )
    processor_reference: str | None = Field(
        None, min_length=1, max_length=100, description="Card: the processor's id of the charge (its payment intent)."
    )


class OwnerPaymentOutcome(StrEnum):
    """What the processor says became of a card charge."""

    SETTLED = "settled"
    """The charge went through: the payment is settled."""
    DECLINED = "declined"
    """The charge failed or was disputed before settling: the payment is reversed."""


class OwnerPaymentSettleInput(ApiModel):
    """The processor's callback about a card payment (through its integration's API key)."""

    id: OwnerPaymentId = Field(description="The payment.")
    processor_reference: str = Field(
        min_length=1, max_length=100, description="The processor's id of the charge: must be the payment's."
    )
    outcome: OwnerPaymentOutcome = Field(description="Settled, or declined.")
    on: date = Field(description="The day the processor settled or declined it.")
    reason: str | None = Field(None, max_length=200, description="The processor's reason for a decline.")


class OwnerPaymentGetInput(ApiModel):
    """Which payment to read."""

    id: OwnerPaymentId = Field(description="The payment.")


class OwnerPaymentListInput(ApiModel):
    """An association's owner payments, newest first; an owner sees their own units'."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's.")
    status: OwnerPaymentStatus | None = Field(None, description="Only in this status.")
    first: int = Field(50, ge=1, le=100, description="Page size, 1–100 (default 50).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


OwnerPaymentConnection = connection_model(OwnerPaymentRead)


class OwnerPaymentDebitsOriginateInput(ApiModel):
    """File the association's one-time ACH payments not yet sent, as one morning's file."""

    association_id: AssociationId = Field(description="The association.")
    effective_date: date = Field(description="The file's effective date: payments due to go by then are filed.")


class OwnerPaymentDebitsResult(ApiModel):
    """The morning's file (built now, or found), and how many payments it carries."""

    file_id: AchFileId | None = Field(description="The ACH file (achFile/v1/get); null when no payment was waiting.")
    payments: int = Field(description="Payments the file carries.")

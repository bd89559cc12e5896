"""API models of the ACH domain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Optional

from pydantic import Field

from domains.ach.models import (
    AchAccountKind,
    AchAuthorization,
    AchAuthorizationId,
    AchAuthorizationStatus,
    AchEntry,
    AchEntryStatus,
    AchFile,
    AchFileId,
    AchFileKind,
    AchReturnFile,
)
from domains.associations.models import AssociationId, UnitId
from domains.payables.models import VendorId, VendorPaymentId
from graph.auth.sealing import SealedAtRest
from graph.schemas import ApiModel, connection_model, derive

_FIRST = Field(50, ge=1, le=100, description="Page size, 1–100 (default 50).")
_AFTER = Field(None, description="Cursor of the last item seen.")

# --- authorizations -------------------------------------------------------------

AchAuthorizationRead = derive(
    AchAuthorization,
    "AchAuthorization",
    [
        "id",
        "organization_id",
        "association_id",
        "unit_id",
        "vendor_id",
        "holder_name",
        "account_kind",
        "routing_last4",
        "account_last4",
        "authorized_on",
        "terms",
        "max_amount",
        "autopay",
        "status",
        "revoked_on",
        "revoke_reason",
        "created_by",
        "created_at",
        "updated_at",
    ],
    node=True,
)


class AchAuthorizationCreateInput(ApiModel):
    """An owner's ACH debit authorization for a unit (autopay: the unit's balance
    due is debited on each due date), or a vendor's bank account for ACH credits.
    Exactly one of `unitId` and `vendorId`. The routing and account numbers are
    sealed at rest; reads show their last four digits."""

    association_id: AssociationId = Field(description="The association collecting (autopay) or paying (vendor).")
    unit_id: UnitId | None = Field(None, description="The unit whose owner authorizes debits (autopay).")
    vendor_id: VendorId | None = Field(None, description="The vendor to pay by ACH credit.")
    holder_name: str = Field(min_length=1, max_length=100, description="Name on the bank account.")
    account_kind: AchAccountKind = Field(description="Checking or savings.")
    routing_number: Annotated[str, SealedAtRest()] = Field(
        pattern=r"^[0-9]{9}$",
        description="The bank's ABA routing number (nine digits, check digit valid); sealed at rest.",
        examples=["011000015"],
    )
    account_number: Annotated[str, SealedAtRest()] = Field(
        pattern=r"^[0-9]{4,17}$", description="The account number (4–17 digits); sealed at rest.", examples=["12345678"]
    )
    authorized_on: date = Field(description="The day the holder signed the authorization.")
    terms: str = Field(min_length=1, max_length=1000, description="The terms agreed, as signed.")
    max_amount: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description="Most one debit may take, if the terms cap it."
    )
    autopay: bool = Field(
        True,
        description="A unit's: debit the balance on each due date (autopay), or only keep the account for one-time "
        "payments (false). Ignored for a vendor's.",
    )


class AchAuthorizationSetAutopayInput(ApiModel):
    """Turn a unit's autopay on or off; the authorization stays, for one-time payments."""

    id: AchAuthorizationId = Field(description="The unit's authorization.")
    autopay: bool = Field(description="True enrols the unit in autopay from the next due date; false cancels it.")


class AchAuthorizationRevokeInput(ApiModel):
    """Revoke an authorization: no file uses it from then on (entries already sent stand)."""

    id: AchAuthorizationId = Field(description="The authorization.")
    revoked_on: date = Field(description="The day the holder (or staff) revoked it.")
    reason: str = Field(min_length=1, max_length=200, description="Why.")


class AchAuthorizationGetInput(ApiModel):
    """Which authorization to read."""

    id: AchAuthorizationId = Field(description="The authorization.")


class AchAuthorizationListInput(ApiModel):
    """An association's authorizations, newest first."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's.")
    status: AchAuthorizationStatus | None = Field(None, description="Only in this status.")
    first: int = _FIRST
    after: str | None = _AFTER


AchAuthorizationConnection = connection_model(AchAuthorizationRead)

# --- files ----------------------------------------------------------------------

AchFileRead = derive(
    AchFile,
    "AchFile",
    [
        "id",
        "association_id",
        "kind",
        "bank_account_id",
        "effective_date",
        "file_id_modifier",
        "content",
        "digest",
        "entry_count",
        "total",
        "created_by",
        "created_at",
    ],
    node=True,
)
AchEntryRead = derive(
    AchEntry,
    "AchEntry",
    [
        "id",
        "association_id",
        "file_id",
        "line_no",
        "authorization_id",
        "trace_number",
        "amount",
        "unit_id",
        "payment_entry_id",
        "vendor_payment_id",
        "status",
        "return_code",
        "returned_on",
        "return_file_id",
        "return_entry_id",
        "settled_on",
        "settled_transaction_id",
    ],
    node=True,
)
AchReturnFileRead = derive(
    AchReturnFile,
    "AchReturnFile",
    ["id", "association_id", "digest", "line_count", "returned_count", "skipped_count", "imported_by", "created_at"],
    node=True,
)


class AchDebitsOriginateInput(ApiModel):
    """Build the autopay debit file of one association and due date now (the
    daily workflow does the same for each due date)."""

    association_id: AssociationId = Field(description="The association.")
    effective_date: date = Field(description="The due date: units with a charge due that day are debited what they owe.")


class AchOriginateResult(ApiModel):
    """The file built (or found: a due date has one debit file), or none when nothing was due."""

    file: Optional[AchFileRead] = Field(None, description="The file; null when no entry was due.")  # noqa: UP045
    workflow_id: str = Field(description="The durable workflow that built it (one per association and due date).")


class AchCreditsOriginateInput(ApiModel):
    """Send the association's ACH vendor payments not yet in a file as one CCD credit file."""

    association_id: AssociationId = Field(description="The association.")
    effective_date: date = Field(description="The day the vendors are paid.")


class AchCreditsResult(ApiModel):
    """The credit file, and the ACH payments left out."""

    file: Optional[AchFileRead] = Field(None, description="The file; null when no payment could go.")  # noqa: UP045
    skipped_payment_ids: list[VendorPaymentId] = Field(
        description="ACH payments left out: their vendor has no active ACH authorization."
    )


class AchFileGetInput(ApiModel):
    """Which file to read."""

    id: AchFileId = Field(description="The file.")


class AchFileListInput(ApiModel):
    """An association's files, latest effective date first."""

    association_id: AssociationId = Field(description="The association.")
    kind: AchFileKind | None = Field(None, description="Only files of this kind.")
    first: int = _FIRST
    after: str | None = _AFTER


AchFileConnection = connection_model(AchFileRead)


class AchEntryListInput(ApiModel):
    """The entries of a file, in file order, or an association's in one status."""

    association_id: AssociationId = Field(description="The association.")
    file_id: AchFileId | None = Field(None, description="Only this file's.")
    status: AchEntryStatus | None = Field(None, description="Only in this status.")
    first: int = _FIRST
    after: str | None = _AFTER


AchEntryConnection = connection_model(AchEntryRead)


class AchReturnFileImportInput(ApiModel):
    """The bank's NACHA file of returned entries (each entry with its addenda of
    type 99: return reason R01, R02…, and the original trace number)."""

    association_id: AssociationId = Field(description="The association whose entries came back.")
    content: str = Field(min_length=94, max_length=5_000_000, description="The NACHA file's text.")
    returned_on: date = Field(description="The day the returns were received: the payments are reversed on it.")
    fee: Decimal = Field(
        Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Returned-payment fee charged per reversed debit."
    )


class AchReturnFileImportResult(ApiModel):
    """What an import did."""

    file: AchReturnFileRead = Field(description="The return file (the earlier import, when the same file came before).")
    already_imported: bool = Field(description="True when this file had been imported before: nothing was reversed now.")

"""API models of the associations domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Optional

from pydantic import Field

from domains.associations.models import (
    Association,
    AssociationId,
    AssociationKind,
    AssociationStatus,
    ContactPoint,
    EmergencyContact,
    Ownership,
    OwnershipId,
    Party,
    PartyId,
    Resident,
    ResidentId,
    ResidentKind,
    Unit,
    UnitId,
    UnitStatus,
    UnitType,
)
from graph.schemas import ApiModel, connection_model, derive

_COUNTRY = {"pattern": r"^[A-Z]{2}$"}
_REGION = {"pattern": r"^[A-Z0-9]{1,3}$"}
_SHARE = {"ge": 0, "le": 1, "decimal_places": 8}
_PHONE_OR_EMAIL = {"pattern": r"^\S(.*\S)?$"}


def _patch(model: type[ApiModel]) -> dict[str, tuple[Any, Any]]:
    """The fields of `model` made optional: an update changes what it names."""
    return {
        name: (Optional[info.annotation], Field(None, description=info.description, **_limits(info)))  # noqa: UP045
        for name, info in model.model_fields.items()
    }


def _limits(info: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in info.metadata:
        for attr in ("max_length", "min_length", "pattern", "gt", "ge", "le", "decimal_places"):
            value = getattr(m, attr, None)
            if value is not None:
                out[attr] = value
    return out


# --- associations -----------------------------------------------------------

_ASSOCIATION_FIELDS = [
    "code",
    "legal_name",
    "kind",
    "status",
    "region",
    "country",
    "tax_id",
    "fiscal_year_start_month",
    "accounting_basis",
    "master_association_id",
    "managing_organization_id",
]
_ASSOCIATION_RULES: dict[str, dict[str, Any]] = {
    "code": {"pattern": r"^[A-Z0-9][A-Z0-9-]{0,11}$"},
    "fiscal_year_start_month": {"ge": 1, "le": 12},
    "tax_id": {"pattern": r"^\d{2}-\d{7}$"},
    "region": _REGION,
    "country": _COUNTRY,
}

AssociationRead = derive(
    Association, "Association", ["id", "organization_id", *_ASSOCIATION_FIELDS, "created_at", "updated_at"], node=True
)
AssociationCreateInput = derive(
    Association,
    "AssociationCreateInput",
    _ASSOCIATION_FIELDS,
    doc="A new association in the active organization.",
    constraints=_ASSOCIATION_RULES,
    examples=[
        {
            "code": "MGV",
            "legalName": "Maple Grove Homeowners Association, Inc.",
            "kind": "hoa",
            "status": "active",
            "region": "CA",
            "country": "US",
            "taxId": "12-3456789",
            "fiscalYearStartMonth": 1,
            "accountingBasis": "accrual",
        }
    ],
)
AssociationUpdateInput = derive(
    Association,
    "AssociationUpdateInput",
    ["id"],
    doc="Changes to an association: only the fields given change; send null to clear an optional one.",
    extra=_patch(AssociationCreateInput),
)


class AssociationGetInput(ApiModel):
    """Which association to read."""

    id: AssociationId = Field(description="The association.")


class AssociationListInput(ApiModel):
    """Associations of the active organization, by code."""

    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")
    status: AssociationStatus | None = Field(None, description="Only associations in this status.")
    kind: AssociationKind | None = Field(None, description="Only associations of this kind.")
    master_association_id: AssociationId | None = Field(None, description="Only the sub-associations of this master association.")


AssociationConnection = connection_model(AssociationRead)


class ShareTotals(ApiModel):
    """Sums over the association's active units. Both should reach 1 once every unit is entered."""

    unit_count: int = Field(description="Active units.")
    voting_weight: Decimal = Field(description="Sum of active units' voting weights (at most 1).")
    assessment_share: Decimal = Field(description="Sum of active units' assessment shares (at most 1).")


# --- units ------------------------------------------------------------------

_UNIT_FIELDS = [
    "unit_number",
    "building",
    "unit_type",
    "status",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "square_feet",
    "voting_weight",
    "assessment_share",
]
_UNIT_RULES: dict[str, dict[str, Any]] = {
    "unit_number": {"pattern": r"^[A-Za-z0-9][A-Za-z0-9 ./#-]{0,19}$"},
    "region": _REGION,
    "country": _COUNTRY,
    "square_feet": {"gt": 0},
    "voting_weight": _SHARE,
    "assessment_share": _SHARE,
}

UnitRead = derive(Unit, "Unit", ["id", "organization_id", "association_id", *_UNIT_FIELDS, "created_at", "updated_at"], node=True)
EmergencyContactRead = derive(
    EmergencyContact, "EmergencyContact", ["id", "unit_id", "name", "relationship", "phone", "priority"], node=True
)
EmergencyContactInput = derive(
    EmergencyContact,
    "EmergencyContactInput",
    ["name", "relationship", "phone"],
    doc="Someone to call about the unit; listed in call order.",
    constraints={"phone": {"pattern": r"^\+?[0-9 ().-]{7,31}$"}},
)
_EMERGENCY_CONTACTS = (
    list[EmergencyContactInput] | None,
    Field(None, max_length=5, description="Emergency contacts in call order (at most 5); replaces the current list when given."),
)
_UNIT_EXAMPLE = {
    "unitNumber": "12B",
    "unitType": "condo",
    "status": "active",
    "street": "12 Maple Grove Ln, Unit B",
    "city": "Sacramento",
    "region": "CA",
    "postalCode": "95814",
    "country": "US",
    "squareFeet": 1180,
    "votingWeight": "0.01",
    "assessmentShare": "0.0125",
}
UnitFields = derive(Unit, "UnitFields", _UNIT_FIELDS, doc="A unit's own facts.", constraints=_UNIT_RULES)
UnitCreateInput = derive(
    Unit,
    "UnitCreateInput",
    ["association_id", *_UNIT_FIELDS],
    doc="A new unit of an association. Active units' voting weights and assessment shares may not sum above 1.",
    constraints=_UNIT_RULES,
    extra={"emergency_contacts": _EMERGENCY_CONTACTS},
    examples=[{"associationId": "asn_…", **_UNIT_EXAMPLE}],
)
UnitUpdateInput = derive(
    Unit,
    "UnitUpdateInput",
    ["id"],
    doc="Changes to a unit: only the fields given change. Making a unit inactive removes it from the share totals.",
    extra={**_patch(UnitFields), "emergency_contacts": _EMERGENCY_CONTACTS},
)


class UnitGetInput(ApiModel):
    """Which unit to read."""

    id: UnitId = Field(description="The unit.")


class UnitOrder(StrEnum):
    """How to sort units."""

    UNIT_NUMBER = "unit_number"
    """By unit number."""
    CREATED_AT = "created_at"
    """By when the unit was entered."""


class UnitFilter(ApiModel):
    """Which units, in which order, one page at a time."""

    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20); a larger value is refused.")
    after: str | None = Field(None, description="Cursor of the last item seen (from the same filter and order).")
    unit_type: UnitType | None = Field(None, description="Only units of this type.")
    status: UnitStatus | None = Field(None, description="Only units in this status.")
    search: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Case-insensitive text in the unit number or in a current owner's name.",
    )
    order_by: UnitOrder = Field(UnitOrder.UNIT_NUMBER, description="Sort key; ties are broken by id, so order is stable.")
    descending: bool = Field(False, description="Sort from the highest value down.")


class UnitListInput(UnitFilter):
    """Units visible to you: every unit for association staff and the board, your own units for an owner or tenant."""

    association_id: AssociationId | None = Field(None, description="Only units of this association.")


UnitConnection = connection_model(UnitRead)


class UnitImportRow(UnitFields):
    """One unit to import."""


class UnitBulkImportInput(ApiModel):
    """Units to add to one association, all or nothing: if any row is wrong,
    nothing is imported and every wrong row is reported."""

    association_id: AssociationId = Field(description="The association the units join.")
    rows: list[dict[str, Any]] | None = Field(
        None, max_length=5000, description="Rows as objects with UnitFields' camelCase keys. Give rows or csv."
    )
    csv: str | None = Field(
        None,
        max_length=2_000_000,
        description="CSV with a header row of UnitFields' camelCase names (unitNumber,unitType,...). Give rows or csv.",
    )


class UnitBulkImportResult(ApiModel):
    """What an import created."""

    created: int = Field(description="Units created.")
    unit_ids: list[UnitId] = Field(description="Ids of the created units, in row order.")


# --- parties ----------------------------------------------------------------

ContactPointRead = derive(ContactPoint, "ContactPoint", ["id", "party_id", "kind", "value", "label", "is_primary"], node=True)
ContactPointInput = derive(
    ContactPoint,
    "ContactPointInput",
    ["kind", "value", "label", "is_primary"],
    doc="An email address or phone number.",
    constraints={"value": _PHONE_OR_EMAIL},
)
_CONTACT_POINTS = (
    list[ContactPointInput] | None,
    Field(
        None, max_length=10, description="Email addresses and phone numbers (at most 10); replaces the current list when given."
    ),
)
_PARTY_FIELDS = ["kind", "name", "user_id", "delivery_preference", "electronic_consent_at", "mailing_address"]
PartyRead = derive(Party, "Party", ["id", "organization_id", *_PARTY_FIELDS, "created_at", "updated_at"], node=True)
PartyFields = derive(Party, "PartyFields", _PARTY_FIELDS, doc="A party's own facts.")
PartyCreateInput = derive(
    Party,
    "PartyCreateInput",
    _PARTY_FIELDS,
    doc="A person or company. `userId` links a user who is a member of this organization, so their login finds their units.",
    extra={"contact_points": _CONTACT_POINTS},
    examples=[
        {
            "kind": "person",
            "name": "Jane Q. Doe",
            "deliveryPreference": "electronic",
            "electronicConsentAt": "2026-01-15T17:00:00Z",
            "contactPoints": [{"kind": "email", "value": "jane@example.org", "isPrimary": True}],
        }
    ],
)
PartyUpdateInput = derive(
    Party,
    "PartyUpdateInput",
    ["id"],
    doc="Changes to a party: only the fields given change. Owners may update their own party.",
    extra={**_patch(PartyFields), "contact_points": _CONTACT_POINTS},
)


class PartyGetInput(ApiModel):
    """Which party to read."""

    id: PartyId = Field(description="The party.")


class PartyListInput(ApiModel):
    """Parties visible to you, by name."""

    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")
    search: str | None = Field(
        None, min_length=1, max_length=100, description="Names starting with this text (case-insensitive)."
    )


PartyConnection = connection_model(PartyRead)


# --- ownerships -------------------------------------------------------------

OwnershipRead = derive(
    Ownership,
    "Ownership",
    ["id", "organization_id", "unit_id", "party_id", "interest", "starts_on", "ends_on", "is_primary", "created_at"],
    node=True,
)
_INTEREST = {"interest": {"gt": 0, "le": 1, "decimal_places": 4}}
OwnershipCreateInput = derive(
    Ownership,
    "OwnershipCreateInput",
    ["unit_id", "party_id", "interest", "starts_on", "is_primary"],
    doc="Record that a party owns (part of) a unit from a date. Current co-owners' interests may not sum above 1.",
    constraints=_INTEREST,
    examples=[{"unitId": "unt_…", "partyId": "pty_…", "interest": "1", "startsOn": "2026-03-01", "isPrimary": True}],
)


class OwnershipUpdateInput(ApiModel):
    """Changes to an ownership. History is kept: only the primary flag changes, and
    an end date can be set once on a current ownership (use transfer to hand it on)."""

    id: OwnershipId = Field(description="The ownership.")
    is_primary: bool | None = Field(None, description="Make this the owner statements are addressed to first.")
    ends_on: date | None = Field(None, description="End a current ownership on this day (exclusive).")


class OwnershipGetInput(ApiModel):
    """Which ownership to read."""

    id: OwnershipId = Field(description="The ownership.")


class OwnershipListInput(ApiModel):
    """Ownerships visible to you, newest first."""

    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")
    unit_id: UnitId | None = Field(None, description="Only this unit's ownerships (its history).")
    party_id: PartyId | None = Field(None, description="Only this party's ownerships.")
    current_only: bool = Field(False, description="Only ownerships current today.")


OwnershipConnection = connection_model(OwnershipRead)


class TransferBuyer(ApiModel):
    """A new owner and their share of the unit."""

    party_id: PartyId = Field(description="The buyer (create the party first).")
    interest: Decimal = Field(gt=0, le=1, decimal_places=4, description="Fraction of the unit, 0–1; buyers' interests sum to 1.")
    is_primary: bool = Field(False, description="The buyer statements are addressed to first; exactly one buyer is primary.")


class OwnershipTransferInput(ApiModel):
    """Hand a unit to new owners on a date: every current ownership ends that day
    and the buyers' ownerships start it. Nothing is overwritten."""

    unit_id: UnitId = Field(description="The unit sold or conveyed.")
    transfer_on: date = Field(description="Closing or recording date: the sellers' last day is the day before.")
    buyers: list[TransferBuyer] = Field(min_length=1, max_length=10, description="The new owners.")


class OwnershipTransferResult(ApiModel):
    """The ownerships a transfer ended and the ones it started."""

    ended: list[OwnershipRead] = Field(description="The sellers' ownerships, now ended.")
    started: list[OwnershipRead] = Field(description="The buyers' new ownerships.")


# --- residents --------------------------------------------------------------

ResidentRead = derive(
    Resident,
    "Resident",
    ["id", "organization_id", "unit_id", "party_id", "kind", "moved_in_on", "moved_out_on", "created_at"],
    node=True,
)
ResidentCreateInput = derive(
    Resident,
    "ResidentCreateInput",
    ["unit_id", "party_id", "kind", "moved_in_on"],
    doc="Someone moving into a unit.",
    examples=[{"unitId": "unt_…", "partyId": "pty_…", "kind": "tenant", "movedInOn": "2026-06-01"}],
)


class ResidentUpdateInput(ApiModel):
    """Record a move-out. History is kept: nothing else about a residency changes."""

    id: ResidentId = Field(description="The residency.")
    moved_out_on: date = Field(description="Move-out date (exclusive), on or after the move-in date.")


class ResidentGetInput(ApiModel):
    """Which residency to read."""

    id: ResidentId = Field(description="The residency.")


class ResidentListInput(ApiModel):
    """Residencies visible to you, newest move-in first."""

    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")
    unit_id: UnitId | None = Field(None, description="Only this unit's residents.")
    kind: ResidentKind | None = Field(None, description="Only residents of this kind.")
    current_only: bool = Field(True, description="Only people living there today (default).")


ResidentConnection = connection_model(ResidentRead)

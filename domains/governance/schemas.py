"""API models of the governance domain, derived from its tables."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from domains.associations.models import AssociationId, PartyId
from domains.governance.models import (
    GoverningBody,
    GoverningBodyId,
    GoverningBodyKind,
    GoverningBodyStatus,
    Office,
    OfficeTitle,
    Seat,
    SeatEndReason,
    SeatId,
)
from graph.schemas import ApiModel, connection_model, derive

_TRIMMED = {"pattern": r"^\S(.*\S)?$"}
_SEATS = {"ge": 1, "le": 99}

# --- governing bodies -------------------------------------------------------

GoverningBodyRead = derive(
    GoverningBody,
    "GoverningBody",
    ["id", "association_id", "kind", "name", "purpose", "seat_count", "status", "created_at", "updated_at"],
    node=True,
)
GoverningBodyCreateInput = derive(
    GoverningBody,
    "GoverningBodyCreateInput",
    ["association_id", "kind", "name", "purpose", "seat_count"],
    doc="A new board or committee of an association.",
    constraints={"name": _TRIMMED, "seat_count": _SEATS},
    examples=[
        {"associationId": "asn_…", "kind": "committee", "name": "Architectural Review Committee", "seatCount": 3},
    ],
)
GoverningBodyUpdateInput = derive(
    GoverningBody,
    "GoverningBodyUpdateInput",
    ["id", "name", "purpose", "seat_count", "status"],
    doc="Changes to a body; only the fields given change. Dissolving it keeps its history and ends no term by itself.",
    optional=("name", "purpose", "seat_count", "status"),
    constraints={"name": _TRIMMED, "seat_count": _SEATS},
)


class GoverningBodyGetInput(ApiModel):
    """Which body to read."""

    id: GoverningBodyId = Field(description="The body.")


class GoverningBodyListInput(ApiModel):
    """An organization's boards and committees, by name."""

    association_id: AssociationId | None = Field(None, description="Only this association's bodies.")
    kind: GoverningBodyKind | None = Field(None, description="Only boards or only committees.")
    status: GoverningBodyStatus | None = Field(None, description="Only active or only dissolved bodies.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


GoverningBodyConnection = connection_model(GoverningBodyRead)

# --- seats ------------------------------------------------------------------

SeatRead = derive(
    Seat,
    "Seat",
    [
        "id",
        "association_id",
        "body_id",
        "party_id",
        "filled_by",
        "starts_on",
        "ends_on",
        "scheduled_ends_on",
        "ended_early",
        "created_at",
    ],
    node=True,
)
SeatFillInput = derive(
    Seat,
    "SeatFillInput",
    ["body_id", "party_id", "filled_by", "starts_on", "ends_on"],
    doc="A term on a board or committee: who, from when, until the day its powers end, and whether elected or appointed.",
    examples=[
        {
            "bodyId": "gvb_…",
            "partyId": "pty_…",
            "filledBy": "elected",
            "startsOn": "2026-01-15",
            "endsOn": "2028-01-15",
        }
    ],
)


class SeatEndInput(ApiModel):
    """End a term before its scheduled end (a resignation, a removal); its powers end on `endsOn`."""

    id: SeatId = Field(description="The term.")
    ends_on: date = Field(description="The day the term's powers end (after its start, before its scheduled end).")
    reason: SeatEndReason = Field(description="Why it ends early.")


class SeatListInput(ApiModel):
    """The terms on a body, latest start first: the current ones on a day, or its whole history."""

    body_id: GoverningBodyId = Field(description="The board or committee.")
    current_on: date | None = Field(
        None, description="Only the terms in force on this day (their holders are the body's members then)."
    )
    party_id: PartyId | None = Field(None, description="Only this person's terms.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


SeatConnection = connection_model(SeatRead)

# --- offices ----------------------------------------------------------------

OfficeRead = derive(
    Office,
    "Office",
    ["id", "association_id", "body_id", "seat_id", "title", "starts_on", "ends_on", "created_at"],
    node=True,
)


class OfficeAssignInput(ApiModel):
    """Give a member of a body an office from a day until the end of their term
    (or an earlier day); whoever held the title then stops holding it that day."""

    seat_id: SeatId = Field(description="The term of the member who takes the office.")
    title: OfficeTitle = Field(description="The office.")
    starts_on: date = Field(description="First day in office (within the term).")
    ends_on: date | None = Field(None, description="The day the holding ends (default: the term's end).")


class OfficeListInput(ApiModel):
    """The offices of a body, latest start first: those held on a day, or every holding."""

    body_id: GoverningBodyId = Field(description="The board or committee.")
    current_on: date | None = Field(None, description="Only the holdings in force on this day.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


OfficeConnection = connection_model(OfficeRead)

"""API models of the arc_requests domain, derived from its tables."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from domains.arc_requests.models import (
    ArcClock,
    ArcDecisionMode,
    ArcDeemedApproval,
    ArcProjectType,
    ArcRequest,
    ArcRequestEvent,
    ArcRequestId,
    ArcSettings,
    ArcStatus,
    ArcVote,
    ArcVoteChoice,
)
from domains.associations.models import AssociationId, UnitId
from domains.documents.models import DocumentId
from domains.documents.schemas import attached_ids
from domains.governance.models import GoverningBodyId
from graph.schemas import ApiModel, connection_model, derive

# --- settings ---------------------------------------------------------------------

ArcSettingsRead = derive(
    ArcSettings,
    "ArcSettings",
    [
        "association_id",
        "decision_mode",
        "votes_required",
        "neighbor_acknowledgements_required",
        "more_info_clock",
        "inspection_required",
        "committee_body_id",
        "updated_at",
        "updated_by",
    ],
    optional=("updated_at", "updated_by"),
    doc="How an association reviews architectural requests. Never set: the committee votes, one vote decides, no "
    "neighbour acknowledgements, a request for more information pauses the clock, no inspection.",
)


class ArcSettingsSetInput(ApiModel):
    """How the association reviews architectural requests, from its governing documents."""

    association_id: AssociationId = Field(description="The association.")
    decision_mode: ArcDecisionMode = Field(description="The committee votes, or its chair decides.")
    votes_required: int = Field(1, ge=1, le=25, description="Votes that decide a request (mode vote): their majority.")
    neighbor_acknowledgements_required: bool = Field(False, description="Neighbours must acknowledge the plans.")
    more_info_clock: ArcClock = Field(
        ArcClock.PAUSE, description="A request for more information pauses or restarts the deadline."
    )
    inspection_required: bool = Field(False, description="Finished work is inspected before completion.")
    committee_body_id: GoverningBodyId | None = Field(
        None,
        description="The architectural committee: one of the association's committees (governingBody/v1/create, kind "
        "committee), whose current terms make its members and whose chair office its chair; null: none (no one votes); "
        "not given: unchanged.",
    )


class ArcSettingsGetInput(ApiModel):
    """Whose settings to read."""

    association_id: AssociationId = Field(description="The association.")


# --- requests -------------------------------------------------------------------


class NeighborAcknowledgement(ApiModel):
    """A neighbour who saw the plans and acknowledged them."""

    name: str = Field(min_length=1, max_length=200, description="The neighbour's name.")
    unit_number: str | None = Field(None, max_length=20, description="Their unit (or address).")
    acknowledged_on: date = Field(description="Day they acknowledged.")


ArcVoteRead = derive(
    ArcVote,
    "ArcVote",
    ["id", "arc_request_id", "review_round", "voter_id", "vote", "conditions", "note", "cast_at"],
    node=True,
)
ArcRequestEventRead = derive(
    ArcRequestEvent,
    "ArcRequestEvent",
    ["id", "arc_request_id", "kind", "from_status", "to_status", "occurred_on", "actor_id", "note", "details", "created_at"],
    node=True,
)
ArcDeemedApprovalRead = derive(
    ArcDeemedApproval,
    "ArcDeemedApproval",
    [
        "id",
        "arc_request_id",
        "unit_id",
        "event_id",
        "deemed_on",
        "submitted_on",
        "decision_due_by",
        "jurisdiction",
        "rules_as_of",
        "deadline_rule",
        "deemed_approval_rule",
        "letter",
        "created_at",
    ],
    node=True,
)
ArcRequestRead = derive(
    ArcRequest,
    "ArcRequest",
    [
        "id",
        "association_id",
        "unit_id",
        "submitted_by",
        "project_type",
        "description",
        "starts_on",
        "ends_on",
        "contractor",
        "status",
        "jurisdiction",
        "rules_used",
        "submitted_on",
        "decision_due_by",
        "deemed_approval",
        "paused_on",
        "review_round",
        "decided_on",
        "conditions",
        "reasons",
        "appeal_available",
        "workflow_id",
        "created_at",
        "updated_at",
    ],
    node=True,
    extra={
        "document_ids": (
            list[DocumentId],
            Field(default_factory=list, description="Its plans and photos, by id (see `documents`)."),
        ),
        "neighbor_acknowledgements": (
            list[NeighborAcknowledgement],
            Field(default_factory=list, description="Neighbours who acknowledged the plans."),
        ),
        "events": (list[ArcRequestEventRead], Field(default_factory=list, description="Every step so far, oldest first.")),
        "votes": (list[ArcVoteRead], Field(default_factory=list, description="Every vote cast, oldest first.")),
        "deemed_approval_record": (
            ArcDeemedApprovalRead | None,
            Field(None, description="Why it stands approved without a decision, once deemed approved: the letter-ready record."),
        ),
    },
)


class ArcRequestSubmitInput(ApiModel):
    """A request to change the exterior of a unit, submitted by its owner (or by staff for them)."""

    unit_id: UnitId = Field(description="The unit the work is on.")
    project_type: ArcProjectType = Field(description="What kind of work; a solar energy system has its own statutory deadline.")
    description: str = Field(min_length=1, max_length=4000, description="The work: materials, colours, dimensions.")
    starts_on: date | None = Field(None, description="Planned start.")
    ends_on: date | None = Field(None, description="Planned end (not before the start).")
    contractor: str | None = Field(None, max_length=200, description="Who does the work (name, license number).")
    document_ids: list[DocumentId] = attached_ids("Plans and photos", most=30)
    neighbor_acknowledgements: list[NeighborAcknowledgement] = Field(
        default_factory=list, max_length=20, description="Neighbours' acknowledgements, where the association requires them."
    )


class ArcRequestAcceptInput(ApiModel):
    """The completeness check passed: the request goes to the committee."""

    id: ArcRequestId = Field(description="The request.")
    note: str | None = Field(None, max_length=4000, description="A note for the committee.")


class ArcRequestInfoInput(ApiModel):
    """Ask the owner for more information (the clock pauses or will restart, as the settings say)."""

    id: ArcRequestId = Field(description="The request.")
    missing: str = Field(min_length=1, max_length=4000, description="What is missing.")


class ArcRequestReplyInput(ApiModel):
    """The owner's reply to a request for more information: it returns the request to review."""

    id: ArcRequestId = Field(description="The request.")
    text: str = Field(min_length=1, max_length=4000, description="The answer.")
    document_ids: list[DocumentId] = attached_ids("More plans or photos", most=30)


class ArcRequestVoteInput(ApiModel):
    """A committee member's vote (mode vote): once per member and review round."""

    id: ArcRequestId = Field(description="The request.")
    vote: ArcVoteChoice = Field(description="Approve, approve with conditions, or deny.")
    conditions: str | None = Field(None, max_length=4000, description="The conditions (approve_with_conditions).")
    note: str | None = Field(None, max_length=4000, description="Reasons (a denial's become the decision's reasons).")


class ArcRequestDecideInput(ApiModel):
    """The chair's decision (mode chair), or the board's on an appeal."""

    id: ArcRequestId = Field(description="The request.")
    outcome: ArcVoteChoice = Field(description="Approve, approve with conditions, or deny.")
    conditions: str | None = Field(None, max_length=4000, description="The conditions (approve_with_conditions).")
    reasons: str | None = Field(None, max_length=4000, description="The reasons (required for a denial).")


class ArcRequestAppealInput(ApiModel):
    """The owner's appeal of a denial, where one is offered."""

    id: ArcRequestId = Field(description="The request.")
    reason: str = Field(min_length=1, max_length=4000, description="Why the denial should be reconsidered.")


class ArcRequestStepInput(ApiModel):
    """A step with only a note: the work completed, the inspection passed, the request voided."""

    id: ArcRequestId = Field(description="The request.")
    note: str | None = Field(None, max_length=4000, description="A note kept with the step.")


class ArcRequestGetInput(ApiModel):
    """Which request to read."""

    id: ArcRequestId = Field(description="The request.")


class ArcRequestListInput(ApiModel):
    """An association's requests, latest submitted first."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's.")
    status: ArcStatus | None = Field(None, description="Only requests in this status.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ArcRequestConnection = connection_model(ArcRequestRead)

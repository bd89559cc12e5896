"""API models of the collections domain, derived from its tables where a table has the fields."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Optional, Self

from pydantic import Field, model_validator

from domains.associations.models import AssociationId, UnitId
from domains.collections.models import (
    CollectionCase,
    CollectionCaseId,
    CollectionCaseStatus,
    CollectionExclusion,
    CollectionPolicy,
    CollectionStep,
    CollectionStepKind,
)
from graph.schemas import ApiModel, Money, connection_model, derive

_FEE = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Fee charged with this step (0: none).")

# --- policies -----------------------------------------------------------------------


class CollectionExclusionInput(ApiModel):
    """A unit the policy leaves alone."""

    unit_id: UnitId = Field(description="The unit.")
    reason: str = Field(min_length=1, max_length=200, description="Why (a dispute, a bankruptcy stay, …).")


class CollectionPolicySetInput(ApiModel):
    """The association's collection policy, replacing the current one (a new
    version; cases follow it from their next step). Refused where it is
    looser than the jurisdiction's rules."""

    association_id: AssociationId = Field(description="The association.")
    reminder_after_days: int = Field(
        15, ge=0, le=3650, description="Days past due of the oldest unpaid assessment before the friendly reminder."
    )
    late_notice_after_days: int = Field(15, ge=0, le=3650, description="Days after the reminder before the late notice.")
    intent_after_days: int = Field(
        30,
        ge=0,
        le=3650,
        description="Days after the late notice before the notice of intent to lien (at least the jurisdiction's).",
    )
    lien_wait_days: int = Field(
        30,
        ge=0,
        le=3650,
        description="Days after the notice of intent before a lien may be recorded (at least the jurisdiction's).",
    )
    referral_after_days: int = Field(90, ge=0, le=3650, description="Days after the lien before attorney referral.")
    min_balance: Decimal = Field(
        Decimal("25.00"), ge=0, max_digits=14, decimal_places=2, description="Balances under this are not pursued."
    )
    reminder_fee: Decimal = _FEE
    late_notice_fee: Decimal = _FEE
    intent_fee: Decimal = _FEE
    lien_fee: Decimal = _FEE
    referral_fee: Decimal = _FEE
    lien_needs_board_approval: bool = Field(True, description="Whether the board approves each lien.")
    referral_needs_board_approval: bool = Field(True, description="Whether the board approves each attorney referral.")
    offers_meet_and_confer: bool = Field(
        True, description="Whether the notice of intent offers to meet and confer with the board."
    )
    offers_payment_plan: bool = Field(True, description="Whether the notice of intent offers a payment plan.")
    exclusions: list[CollectionExclusionInput] = Field(
        default_factory=list, max_length=500, description="Units left alone, each with why (each unit once)."
    )

    @model_validator(mode="after")
    def _each_unit_once(self) -> Self:
        units = [e.unit_id for e in self.exclusions]
        if len(set(units)) != len(units):
            raise ValueError("a unit is excluded once")
        return self


class CollectionPolicyGetInput(ApiModel):
    """Whose policy."""

    association_id: AssociationId = Field(description="The association.")


CollectionExclusionRead = derive(CollectionExclusion, "CollectionExclusion", ["unit_id", "reason"])

CollectionPolicyRead = derive(
    CollectionPolicy,
    "CollectionPolicy",
    [
        "id",
        "association_id",
        "version",
        "reminder_after_days",
        "late_notice_after_days",
        "intent_after_days",
        "lien_wait_days",
        "referral_after_days",
        "min_balance",
        "reminder_fee",
        "late_notice_fee",
        "intent_fee",
        "lien_fee",
        "referral_fee",
        "lien_needs_board_approval",
        "referral_needs_board_approval",
        "offers_meet_and_confer",
        "offers_payment_plan",
        "rules_used",
        "created_by",
        "created_at",
    ],
    node=True,
    extra={
        "exclusions": (list[CollectionExclusionRead], Field(default_factory=list, description="Units the policy leaves alone.")),
    },
)

# --- cases -------------------------------------------------------------------------------

CollectionStepRead = derive(
    CollectionStep,
    "CollectionStep",
    [
        "id",
        "seq",
        "kind",
        "from_status",
        "to_status",
        "night",
        "balance",
        "fee",
        "fee_entry_id",
        "letters",
        "delivery",
        "details",
        "actor",
        "occurred_at",
    ],
    node=True,
)

CollectionCaseRead = derive(
    CollectionCase,
    "CollectionCase",
    [
        "id",
        "association_id",
        "unit_id",
        "policy_id",
        "status",
        "resume_status",
        "opened_on",
        "last_night",
        "step_at",
        "due_at",
        "lien_amount",
        "lien_recorded_on",
        "closed_reason",
        "workflow_id",
        "created_at",
        "updated_at",
    ],
    node=True,
    extra={"steps": (list[CollectionStepRead], Field(default_factory=list, description="Every step, in order."))},
)


class CollectionCaseGetInput(ApiModel):
    """Which case."""

    id: CollectionCaseId = Field(description="The collection case.")


class CollectionCaseListInput(ApiModel):
    """An association's collection cases, newest first."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's cases.")
    status: CollectionCaseStatus | None = Field(None, description="Only cases in this status.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


CollectionCaseConnection = connection_model(CollectionCaseRead)


class CollectionRunInput(ApiModel):
    """Run collections for one association and night now (the nightly schedule does it for every association)."""

    association_id: AssociationId = Field(description="The association.")
    night: date | None = Field(None, description="The night the run is for (default today, UTC): one run per night.")


class CollectionRunStarted(ApiModel):
    """The run's workflow: a second start for the same night joins the first."""

    workflow_id: str = Field(description="The run's workflow id, one per association and night.")
    night: date = Field(description="The night it runs for.")


class CollectionPreviewInput(ApiModel):
    """Who the run for a night would move."""

    association_id: AssociationId = Field(description="The association.")
    night: date | None = Field(None, description="The night (default today, UTC).")


class CollectionPreviewRow(ApiModel):
    """One unit the run visits, and what it would do."""

    unit_id: UnitId = Field(description="The unit.")
    case_id: Optional[CollectionCaseId] = Field(None, description="Its open case, if any.")  # noqa: UP045
    status: CollectionCaseStatus | None = Field(None, description="The case's status now (none: no open case).")
    action: CollectionStepKind | None = Field(None, description="The step the run would take (none: no move tonight).")
    reason: str = Field(description="Why it moves, or why not.")
    waits_until: datetime | None = Field(None, description="When the current wait ends, where one holds it back.")
    balance: Money = Field(description="The unit's balance on the night.")


class CollectionPreview(ApiModel):
    """What a run would do, unit by unit; nothing is changed."""

    night: date = Field(description="The night previewed.")
    policy_version: int = Field(description="The policy version the run follows.")
    moving: int = Field(description="How many units would move.")
    rows: list[CollectionPreviewRow] = Field(description="Each unit the run visits.")


class CollectionApprovalAction(StrEnum):
    """What the board approves."""

    LIEN = "lien"
    """Recording a lien (after the notice of intent's statutory wait)."""
    ATTORNEY_REFERRAL = "attorney_referral"
    """Referring the account to the association's attorney."""


class CollectionApproveInput(ApiModel):
    """The board's decision to go on with a case: a lien, or an attorney referral (with or without foreclosure)."""

    id: CollectionCaseId = Field(description="The collection case.")
    action: CollectionApprovalAction = Field(description="What the board approves.")
    reference: str = Field(min_length=1, max_length=200, description="Where the board decided it (e.g. the meeting's minutes).")
    foreclose: bool = Field(False, description="For a referral: whether the attorney may foreclose the lien.")

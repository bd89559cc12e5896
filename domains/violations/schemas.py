"""API models of the violations domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from domains.associations.models import AssociationId, PartyId, UnitId
from domains.documents.models import DocumentId
from domains.documents.schemas import attached_ids
from domains.violations.models import (
    HearingOutcome,
    NoticeReview,
    Violation,
    ViolationEvent,
    ViolationFine,
    ViolationId,
    ViolationObservation,
    ViolationObservationId,
    ViolationRule,
    ViolationRuleId,
    ViolationStatus,
)
from graph.schemas import ApiModel, connection_model, derive

_FINE: dict[str, Any] = {"gt": 0, "max_digits": 14, "decimal_places": 2}
_TRIMMED = {"pattern": r"^\S(.*\S)?$"}
Method = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
_METHOD = "How it was delivered: one of the jurisdiction's notice_delivery_methods (e.g. first_class_mail, email)."

# --- the rule library ---------------------------------------------------------

_RULE = [
    "code",
    "title",
    "document_reference",
    "notice_text",
    "action_to_resolve",
    "curable",
    "cure_days",
    "fine_first",
    "fine_repeat",
    "fine_continuing",
    "continuing_period",
    "fine_cap",
]
_RULE_LIMITS: dict[str, dict[str, Any]] = {
    "code": {"pattern": r"^[A-Z0-9][A-Z0-9._-]{0,19}$"},
    "title": _TRIMMED,
    "cure_days": {"ge": 1, "le": 365},
    "fine_first": _FINE,
    "fine_repeat": _FINE,
    "fine_continuing": _FINE,
    "fine_cap": _FINE,
    "repeat_window_days": {"ge": 0, "le": 3650},
}
ViolationRuleRead = derive(
    ViolationRule,
    "ViolationRule",
    ["id", "association_id", *_RULE, "repeat_window_days", "notice_review_required", "is_active", "created_at", "updated_at"],
    node=True,
)
ViolationRuleCreateInput = derive(
    ViolationRule,
    "ViolationRuleCreateInput",
    ["association_id", *_RULE],
    doc="A rule of the association's governing documents for its violation library. A curable rule gives cure days; "
    "a continuing fine gives its period.",
    constraints=_RULE_LIMITS,
    extra={
        "repeat_window_days": (
            int,
            Field(
                365,
                ge=0,
                le=3650,
                description="A violation of this rule at the same unit within this many days is a repeat (default 365).",
            ),
        ),
        "notice_review_required": (
            bool,
            Field(False, description="Notices citing this rule go out only once the board has approved them (default false)."),
        ),
    },
    examples=[
        {
            "associationId": "asn_…",
            "code": "LND-01",
            "title": "Lawn maintenance",
            "documentReference": "CC&Rs §7.3",
            "noticeText": "Your lawn is not maintained as §7.3 of the CC&Rs requires.",
            "actionToResolve": "Mow and edge the lawn and remove weeds.",
            "curable": True,
            "cureDays": 14,
            "fineFirst": "100.00",
            "fineRepeat": "200.00",
            "fineContinuing": "25.00",
            "continuingPeriod": "week",
            "fineCap": "1000.00",
        }
    ],
)
ViolationRuleUpdateInput = derive(
    ViolationRule,
    "ViolationRuleUpdateInput",
    ["id", *[f for f in _RULE if f != "code"], "repeat_window_days", "notice_review_required", "is_active"],
    doc="Changes to a rule; only the fields given change (null clears a fine). Violations already decided keep their "
    "decided fine; retiring a rule (isActive false) stops new notices citing it.",
    optional=(*[f for f in _RULE if f != "code"], "repeat_window_days", "notice_review_required", "is_active"),
    constraints=_RULE_LIMITS,
)


class ViolationRuleGetInput(ApiModel):
    """Which rule to read."""

    id: ViolationRuleId = Field(description="The rule.")


class ViolationRuleListInput(ApiModel):
    """An association's rule library, by code."""

    association_id: AssociationId = Field(description="The association.")
    active: bool | None = Field(None, description="Only active (true) or retired (false) rules.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ViolationRuleConnection = connection_model(ViolationRuleRead)

# --- violations ---------------------------------------------------------------

ViolationObservationRead = derive(
    ViolationObservation,
    "ViolationObservation",
    ["id", "violation_id", "unit_id", "observed_on", "observed_by", "description", "location", "is_duplicate"],
    extra={"document_ids": (list[DocumentId], Field(default_factory=list, description="Its photos, by id (see `documents`)."))},
    node=True,
)
ViolationEventRead = derive(
    ViolationEvent,
    "ViolationEvent",
    ["id", "violation_id", "kind", "from_status", "to_status", "occurred_on", "actor_id", "note", "details", "created_at"],
    node=True,
)
ViolationFineRead = derive(
    ViolationFine,
    "ViolationFine",
    ["id", "violation_id", "unit_id", "kind", "fined_on", "amount", "owner_ledger_entry_id", "created_at"],
    node=True,
)
ViolationRead = derive(
    Violation,
    "Violation",
    [
        "id",
        "association_id",
        "unit_id",
        "rule_id",
        "status",
        "description",
        "observed_on",
        "is_repeat",
        "repeat_of_id",
        "jurisdiction",
        "rules_used",
        "cure_by",
        "hearing_on",
        "outcome",
        "fine_amount",
        "decision_due_by",
        "resolution",
        "notice_review",
        "owner_responded_at",
        "workflow_id",
        "created_at",
        "updated_at",
    ],
    node=True,
    extra={
        "events": (list[ViolationEventRead], Field(default_factory=list, description="Every step so far, oldest first.")),
        "observations": (
            list[ViolationObservationRead],
            Field(default_factory=list, description="Every sighting, oldest first."),
        ),
        "fines": (list[ViolationFineRead], Field(default_factory=list, description="Fines posted, oldest first.")),
    },
)


class ViolationObserveInput(ApiModel):
    """A sighting of a rule violated at a unit (a drive-by inspection, a
    complaint). An open violation of the same rule at the same unit takes it
    as a further observation instead of opening a duplicate."""

    unit_id: UnitId = Field(description="The unit.")
    rule_id: ViolationRuleId = Field(description="The rule violated, from the unit's association's library.")
    observed_on: date = Field(description="Day of the sighting (not in the future).")
    description: str = Field(min_length=1, max_length=2000, description="What was seen.")
    location: str | None = Field(None, max_length=200, description="Where exactly (front yard, GPS position).")
    document_ids: list[DocumentId] = attached_ids("Photos of the sighting")


class ViolationObserveResult(ApiModel):
    """The violation a sighting was logged on, and what the log found."""

    violation: ViolationRead = Field(description="The violation: a new one, or the open one the sighting was added to.")
    observation_id: ViolationObservationId = Field(description="The observation logged.")
    duplicate: bool = Field(description="True when the violation was already open and the sighting was added to it.")
    repeat: bool = Field(description="True when the unit violated the rule within the rule's repeat window before.")


class ViolationNoticeCheckInput(ApiModel):
    """A notice to check before it goes out (the same checks sending it runs)."""

    id: ViolationId = Field(description="The violation.")
    method: Method = Field(description=_METHOD)


class NoticeCheck(ApiModel):
    """One check before a notice goes out."""

    check: str = Field(
        description="What is checked: rule_active, status, unit_active, owners_known, mailing_address, "
        "email_consent, delivery_method or (where the rule needs it) board_review."
    )
    ok: bool = Field(description="Whether it passes.")
    code: str | None = Field(None, description="The error code sending would be refused with, when it fails.")
    message: str = Field(description="What was found.")


class NoticeRecipient(ApiModel):
    """A current owner the notice is addressed to."""

    party_id: PartyId = Field(description="The owner.")
    name: str = Field(description="The owner's name.")
    address: str | None = Field(
        None,
        description="Where the notice goes: the owner's mailing address, the unit's "
        "address for an owner living there, or the email address; null when unknown.",
    )


class NoticeChecks(ApiModel):
    """Whether a notice may go out, check by check, and to whom."""

    ok: bool = Field(description="True when every check passes.")
    checks: list[NoticeCheck] = Field(description="Every check, in order.")
    recipients: list[NoticeRecipient] = Field(description="The unit's current owners, primary first.")


class ViolationNoticeInput(ApiModel):
    """A notice of the violation, sent to the unit's current owners with a cure date."""

    id: ViolationId = Field(description="The violation.")
    method: Method = Field(description=_METHOD)
    sent_on: date = Field(description="Day the notice was sent (not in the future); the cure period runs from it.")
    cure_days: int | None = Field(
        None, ge=1, le=365, description="Days to cure (default: the rule's cure days; a curable rule only)."
    )
    note: str | None = Field(None, max_length=4000, description="Text added to the rule's default notice text.")


class ViolationNoticeQueueInput(ApiModel):
    """A notice for the board to approve before it goes out; sent later (sendNotice) as approved."""

    id: ViolationId = Field(description="The violation.")
    method: Method = Field(description=_METHOD)
    cure_days: int | None = Field(
        None, ge=1, le=365, description="Days to cure (default: the rule's cure days; a curable rule only)."
    )
    note: str | None = Field(None, max_length=4000, description="Text added to the rule's default notice text.")


class ViolationNoticeReviewInput(ApiModel):
    """The board's answer to a notice queued for its review."""

    id: ViolationId = Field(description="The violation whose queued notice is reviewed.")
    approved: bool = Field(description="True: the notice may go out as queued; false: rejected (reasons in `note`).")
    note: str | None = Field(None, max_length=4000, description="The board's remarks; required when rejecting.")


class ViolationReinspectInput(ApiModel):
    """What a re-inspection found."""

    id: ViolationId = Field(description="The violation.")
    inspected_on: date = Field(description="Day of the re-inspection (not in the future).")
    cured: bool = Field(description="True when the violation is cured; false (only after the cure date) when not.")
    note: str | None = Field(None, max_length=4000, description="What was found.")
    document_ids: list[DocumentId] = attached_ids("Photos of the re-inspection")


class ViolationHearingInput(ApiModel):
    """A hearing before the board, and its notice to the owners."""

    id: ViolationId = Field(description="The violation.")
    hearing_on: date = Field(description="Day of the hearing; at least the jurisdiction's hearing_notice_days after the notice.")
    notice_sent_on: date = Field(description="Day the hearing notice was sent (not in the future).")
    method: Method = Field(description=_METHOD)
    note: str | None = Field(None, max_length=4000, description="Time, place and anything else the notice says.")


class ViolationDecideInput(ApiModel):
    """The board's decision at the hearing."""

    id: ViolationId = Field(description="The violation.")
    held_on: date = Field(description="Day the hearing was held: on or after its scheduled day, not in the future.")
    outcome: HearingOutcome = Field(description="Fine (the rule's scheduled amount), no fine, or more time to cure.")
    fine_amount: Decimal | None = Field(
        None,
        description="Only where the jurisdiction does not require a published schedule: an amount other than the schedule's.",
        **_FINE,
    )
    cure_days: int | None = Field(None, ge=1, le=365, description="Days to cure from the decision's delivery (more_time).")
    note: str | None = Field(None, max_length=4000, description="The board's reasons.")


class ViolationDeliverInput(ApiModel):
    """The written decision, delivered to the owners."""

    id: ViolationId = Field(description="The violation.")
    delivered_on: date = Field(description="Day the decision was delivered: by the decision's due date, not in the future.")
    method: Method = Field(description=_METHOD)


class ViolationRespondInput(ApiModel):
    """The owner's written response, which the board sees with the violation's events."""

    id: ViolationId = Field(description="The violation.")
    text: str = Field(min_length=1, max_length=4000, description="The response.")


class ViolationAppealInput(ApiModel):
    """The owner's appeal of a fine; continuing fines pause until the board decides it."""

    id: ViolationId = Field(description="The violation.")
    reason: str = Field(min_length=1, max_length=4000, description="Why the fine should not stand.")


class ViolationAppealDecideInput(ApiModel):
    """The board's decision on an appeal."""

    id: ViolationId = Field(description="The violation.")
    upheld: bool = Field(description="True: the fine stands (continuing fines resume); false: overturned, fines credited.")
    note: str | None = Field(None, max_length=4000, description="The board's reasons.")


class ViolationDismissInput(ApiModel):
    """Dismiss a violation (observed in error, waived): it closes and continuing fines stop."""

    id: ViolationId = Field(description="The violation.")
    reason: str = Field(min_length=1, max_length=4000, description="Why.")


class ViolationGetInput(ApiModel):
    """Which violation to read."""

    id: ViolationId = Field(description="The violation.")


class ViolationListInput(ApiModel):
    """An association's violations, latest observed first."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's.")
    rule_id: ViolationRuleId | None = Field(None, description="Only violations of this rule.")
    status: ViolationStatus | None = Field(None, description="Only violations in this status.")
    open: bool | None = Field(None, description="Only open (true) or ended (false) violations.")
    notice_review: NoticeReview | None = Field(
        None, description="Only violations whose queued notice stands so (pending: the board's review queue)."
    )
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ViolationConnection = connection_model(ViolationRead)

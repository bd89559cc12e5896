"""API models of the compliance domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from domains.associations.models import AssociationId
from domains.compliance.models import (
    ComplianceSettings,
    ComplianceTask,
    ComplianceTaskId,
    EvidenceKind,
    Requirement,
    TaskStatus,
)
from graph.schemas import ApiModel, Money, connection_model, derive

_SETTINGS = [
    "annual_meeting_month",
    "insurance_renews_on",
    "fidelity_bond_amount",
    "fidelity_bond_expires_on",
    "fidelity_bond_assessment_months",
]
_CONSTRAINTS: dict[str, dict[str, Any]] = {
    "annual_meeting_month": {"ge": 1, "le": 12},
    "fidelity_bond_amount": {"ge": 0, "max_digits": 14, "decimal_places": 2},
    "fidelity_bond_assessment_months": {"ge": 0, "le": 24},
}

ComplianceSettingsRead = derive(
    ComplianceSettings,
    "ComplianceSettings",
    ["association_id", *_SETTINGS, "updated_at", "updated_by"],
    doc="An association's compliance settings (all null, and 3 months, until some are set).",
    optional=("updated_at", "updated_by"),
)
ComplianceSettingsSetInput = derive(
    ComplianceSettings,
    "ComplianceSettingsSetInput",
    ["association_id", *_SETTINGS],
    doc="An association's compliance settings; only the fields given change.",
    optional=tuple(_SETTINGS),
    constraints=_CONSTRAINTS,
    examples=[
        {
            "associationId": "asn_…",
            "annualMeetingMonth": 3,
            "insuranceRenewsOn": "2027-07-01",
            "fidelityBondAmount": "250000.00",
            "fidelityBondExpiresOn": "2027-07-01",
        }
    ],
)


class ComplianceSettingsGetInput(ApiModel):
    """Whose settings to read."""

    association_id: AssociationId = Field(description="The association.")


ComplianceTaskRead = derive(
    ComplianceTask,
    "ComplianceTask",
    [
        "id",
        "association_id",
        "requirement",
        "subject",
        "vendor_id",
        "period_start",
        "due_on",
        "assigned_role",
        "title",
        "citation",
        "finding",
        "status",
        "escalation_level",
        "escalated_at",
        "evidence_kind",
        "evidence_reference",
        "completed_at",
        "completed_by",
        "created_at",
    ],
    node=True,
    constraints={"subject": {"min_length": 0}},  # empty where a requirement has one obligation per period
)


class ComplianceCalendarGenerateInput(ApiModel):
    """Whose calendar to generate now (the daily run does it for every association with settings)."""

    association_id: AssociationId = Field(description="The association.")


class ComplianceCalendarGenerated(ApiModel):
    """What a run of the calendar did."""

    association_id: AssociationId = Field(description="The association.")
    created: list[ComplianceTaskRead] = Field(description="Tasks that did not exist yet.")
    resolved: list[ComplianceTaskRead] = Field(
        description="Vendor tasks closed because payables now has the W-9 or a renewed certificate (their evidence)."
    )
    escalated: int = Field(description="Overdue tasks raised a level.")


class ComplianceTaskListInput(ApiModel):
    """Tasks by due date, soonest first: one association's or, without it, every association's of the organization."""

    association_id: AssociationId | None = Field(None, description="Only this association.")
    status: TaskStatus | None = Field(None, description="Only open, done or waived tasks.")
    requirement: Requirement | None = Field(None, description="Only this obligation.")
    overdue: bool | None = Field(None, description="Only open tasks past due (true), or the others (false).")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ComplianceTaskConnection = connection_model(ComplianceTaskRead)


class ComplianceTaskCompleteInput(ApiModel):
    """Close a task as done, with its evidence."""

    id: ComplianceTaskId = Field(description="The task.")
    evidence_kind: EvidenceKind = Field(description="What kind of record closes it.")
    evidence_reference: str = Field(
        min_length=1,
        max_length=300,
        description="The record: the public id of a reserve study (rst_…), certificate (icf_…) or vendor with its W-9 "
        "(vnd_…), checked; a meeting's or document's id or name; a filing's confirmation number.",
    )
    note: str | None = Field(None, max_length=500, description="Anything to add (kept with the task's history).")


class ComplianceTaskWaiveInput(ApiModel):
    """Close a task that does not apply (e.g. the board chose an audit over a review), with the reason."""

    id: ComplianceTaskId = Field(description="The task.")
    reason: str = Field(min_length=1, max_length=500, description="Why it does not apply.")


class FidelityBondCheckInput(ApiModel):
    """Whose fidelity bond to check, and when."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date | None = Field(None, description="The day to check (default: today, UTC).")


class FidelityBondCheck(ApiModel):
    """The fidelity bond against what it must cover: the reserves (from the general
    ledger) plus the settings' months of regular assessments (from the schedules)."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(description="The day checked.")
    reserve_balance: Money = Field(description="Reserve funds' assets less liabilities in the books that day.")
    monthly_assessments: Money = Field(description="Regular assessments per month in force that day.")
    months: int = Field(description="Months of assessments to cover.")
    required: Money = Field(description="reserves + months × monthly assessments.")
    coverage: Decimal | None = Field(description="The bond's coverage on file; null without one.")
    expires_on: date | None = Field(description="When the bond expires.")
    shortfall: Money = Field(description="How much coverage is missing (0 when it passes).")
    passes: bool = Field(description="A bond in force that day covers at least the required amount.")
    citation: str = Field(description="The rule requiring the bond.")

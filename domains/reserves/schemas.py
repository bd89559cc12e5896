"""API models of the reserves domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field

from domains.accounting.models import FundId, GlAccountId
from domains.associations.models import AssociationId
from domains.receivables.models import AssessmentKind, Frequency
from domains.reserves.models import (
    ComponentStatus,
    ReserveComponent,
    ReserveComponentId,
    ReserveStudy,
    ReserveStudyComponent,
    ReserveStudyId,
    StudyLevel,
)
from domains.reserves.service.projection import Scenario
from graph.schemas import ApiModel, Money, connection_model, derive

CENT = Decimal("0.01")
_MONEY: dict[str, Any] = {"ge": 0, "max_digits": 14, "decimal_places": 2}
_RATE: dict[str, Any] = {"ge": 0, "le": 1, "max_digits": 6, "decimal_places": 4}
_LIFE: dict[str, Any] = {"ge": 1, "le": 100}
_REMAINING: dict[str, Any] = {"ge": 0, "le": 100}
_TRIMMED = {"pattern": r"^\S(.*\S)?$"}
_AS_OF = "The day to read the books for (default: today, UTC)."

# --- components -------------------------------------------------------------

_FOUR_PART = ["association_responsibility", "limited_useful_life", "predictable_remaining_life", "above_threshold"]
_COMPONENT = [
    "category",
    "name",
    "quantity",
    "unit",
    "unit_cost",
    "useful_life_years",
    "remaining_life_years",
    "remaining_life_as_of",
    "inflation_rate",
    *_FOUR_PART,
    "notes",
]
_COMPONENT_CONSTRAINTS: dict[str, dict[str, Any]] = {
    "category": _TRIMMED,
    "name": _TRIMMED,
    "unit": _TRIMMED,
    "quantity": {"gt": 0, "max_digits": 12, "decimal_places": 2},
    "unit_cost": _MONEY,
    "useful_life_years": _LIFE,
    "remaining_life_years": _REMAINING,
    "inflation_rate": _RATE,
}
_ACCOUNT_IDS = "The expense accounts where spending on it is posted (e.g. 6010 Roof Replacement)."

ReserveComponentRead = derive(
    ReserveComponent,
    "ReserveComponent",
    [
        "id",
        "association_id",
        *_COMPONENT,
        "replacement_cost",
        "qualifies",
        "status",
        "created_at",
        "updated_at",
    ],
    node=True,
    extra={"account_ids": (list[GlAccountId] | None, Field(None, description=_ACCOUNT_IDS))},
)
ReserveComponentCreateInput = derive(
    ReserveComponent,
    "ReserveComponentCreateInput",
    ["association_id", *_COMPONENT],
    doc="A new reserve component, with the four-part test as the preparer judged it.",
    constraints=_COMPONENT_CONSTRAINTS,
    extra={"account_ids": (list[GlAccountId], Field(default_factory=list, max_length=20, description=_ACCOUNT_IDS))},
    examples=[
        {
            "associationId": "asn_…",
            "category": "Roofing",
            "name": "Clubhouse roof, composition shingle",
            "quantity": "4000.00",
            "unit": "sq ft",
            "unitCost": "11.25",
            "usefulLifeYears": 25,
            "remainingLifeYears": 7,
            "remainingLifeAsOf": "2026-01-01",
            "associationResponsibility": True,
            "limitedUsefulLife": True,
            "predictableRemainingLife": True,
            "aboveThreshold": True,
            "accountIds": ["gla_…"],
        }
    ],
)
ReserveComponentUpdateInput = derive(
    ReserveComponent,
    "ReserveComponentUpdateInput",
    ["id", *_COMPONENT, "status"],
    doc="Changes to a component; only the fields given change. Studies already recorded keep their copy.",
    optional=tuple(f for f in [*_COMPONENT, "status"]),
    constraints=_COMPONENT_CONSTRAINTS,
    extra={
        "account_ids": (
            list[GlAccountId] | None,
            Field(None, max_length=20, description=_ACCOUNT_IDS + " Given, it replaces the list."),
        )
    },
)


class ReserveComponentGetInput(ApiModel):
    """Which component to read."""

    id: ReserveComponentId = Field(description="The component.")


class ReserveComponentListInput(ApiModel):
    """An association's reserve components, by name."""

    association_id: AssociationId = Field(description="The association.")
    category: str | None = Field(None, max_length=60, description="Only this category.")
    status: ComponentStatus | None = Field(None, description="Only active or only retired components.")
    qualifies: bool | None = Field(None, description="Only those that pass (true) or fail (false) the four-part test.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ReserveComponentConnection = connection_model(ReserveComponentRead)

# --- studies ----------------------------------------------------------------

ReserveStudyComponentRead = derive(
    ReserveStudyComponent,
    "ReserveStudyComponent",
    [
        "id",
        "study_id",
        "component_id",
        "category",
        "name",
        "replacement_cost",
        "useful_life_years",
        "remaining_life_years",
        "inflation_rate",
    ],
    node=True,
)

_ASSUMPTIONS = [
    "interest_rate",
    "inflation_rate",
    "horizon_years",
    "current_annual_contribution",
    "contribution_increase_rate",
    "threshold_balance",
    "threshold_percent_funded",
    "replacement_completion_ratio",
]
ReserveStudyRead = derive(
    ReserveStudy,
    "ReserveStudy",
    [
        "id",
        "association_id",
        "version",
        "study_date",
        "level",
        "prepared_by",
        *_ASSUMPTIONS,
        "starting_balance",
        "notes",
        "created_at",
        "created_by",
    ],
    node=True,
    extra={
        "components": (
            list[ReserveStudyComponentRead],
            Field(default_factory=list, description="The components it studied, as they were on its date, by category and name."),
        )
    },
)


class ReserveStudyCreateInput(ApiModel):
    """A new version of an association's reserve study. Its starting balance is read
    from the general ledger (the reserve funds' assets less liabilities) on its date,
    and it copies every active component that passes the four-part test."""

    association_id: AssociationId = Field(description="The association.")
    study_date: date = Field(description="The day the study is as of; year 1 of its projections starts then.")
    level: StudyLevel = Field(StudyLevel.FULL, description="Level of service (default full).")
    prepared_by: str = Field(min_length=1, max_length=200, description="Who prepared it (a reserve specialist, the board).")
    interest_rate: Decimal = Field(description="Yearly interest earned on the reserve balance (0.0150 is 1.5%).", **_RATE)
    inflation_rate: Decimal = Field(description="Yearly cost inflation of components without their own (0.0300 is 3%).", **_RATE)
    horizon_years: int = Field(30, ge=1, le=40, description="Years projected, 1–40 (default 30).")
    current_annual_contribution: Decimal = Field(description="What the budget contributes to reserves now, per year.", **_MONEY)
    contribution_increase_rate: Decimal = Field(
        Decimal(0), description="Yearly increase of contributions in every scenario (default 0).", **_RATE
    )
    threshold_balance: Decimal = Field(Decimal(0), description="Threshold funding: the least cash balance to keep.", **_MONEY)
    threshold_percent_funded: Decimal = Field(
        Decimal(0), description="Threshold funding: the least percent funded to keep (0.7000 is 70%; default 0).", **_RATE
    )
    replacement_completion_ratio: Decimal = Field(
        Decimal("0.8"),
        description="Live status: the share of a due replacement's cost that, once spent on the component's "
        "accounts, marks it done (default 0.8).",
        gt=0,
        le=1,
        max_digits=6,
        decimal_places=4,
    )
    notes: str | None = Field(None, max_length=2000, description="The preparer's notes and disclosures.")


class ReserveStudyGetInput(ApiModel):
    """Which study to read."""

    id: ReserveStudyId = Field(description="The study.")


class ReserveStudyListInput(ApiModel):
    """An association's studies, newest version first."""

    association_id: AssociationId = Field(description="The association.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ReserveStudyConnection = connection_model(ReserveStudyRead)


class ReserveProjectionInput(ApiModel):
    """Which study to project, and under which funding scenarios."""

    id: ReserveStudyId = Field(description="The study.")
    scenarios: list[Scenario] | None = Field(
        None, description="The scenarios to compute (current, baseline, threshold, full); default all four."
    )


class ProjectionYear(ApiModel):
    """One year of a projection. Year 1 starts on the study date."""

    year: int = Field(description="The study year, from 1.")
    starts_on: date = Field(description="The first day of the study year.")
    opening_balance: Money = Field(description="The reserve balance at the start of the year.")
    contribution: Money = Field(description="What is contributed during the year.")
    interest: Money = Field(description="Interest earned on the opening balance (none on a deficit).")
    expenditures: Money = Field(description="Replacements due this year, at inflated cost.")
    closing_balance: Money = Field(description="Opening + contribution + interest − expenditures.")
    fully_funded_balance: Money = Field(description="Σ inflated cost × effective age / useful life, at the start of the year.")
    percent_funded: Decimal | None = Field(
        description="Opening balance / fully funded balance (0.6500 is 65%); null when that is 0."
    )


class SuggestedAssessment(ApiModel):
    """A special assessment that keeps the balance from going negative: the
    shortfall of a year that would close below zero (after the assessments before
    it), due at its start. Its fields are those of a one-time special assessment
    schedule in receivables, levied into the reserve fund."""

    year: int = Field(description="The study year it is needed in.")
    due_on: date = Field(description="The first day of that year.")
    amount: Money = Field(description="The total to levy across the association.")
    fund_id: FundId | None = Field(description="The reserve fund to levy it into (assessment schedules' `fundId`).")
    kind: AssessmentKind = Field(AssessmentKind.SPECIAL, description="The assessment kind to schedule: special.")
    frequency: Frequency = Field(Frequency.ONCE, description="How often: once.")


class ScenarioProjection(ApiModel):
    """One funding scenario over the study's horizon."""

    scenario: Scenario = Field(description="current, baseline, threshold or full.")
    annual_contribution: Money = Field(description="Year 1's contribution under this scenario.")
    contribution_increase_rate: Decimal = Field(description="Yearly increase of the contribution after year 1 (not for full).")
    lowest_balance: Money = Field(description="The lowest closing balance over the horizon.")
    special_assessments: list[SuggestedAssessment] = Field(
        description="Needed where the balance would go negative, earliest first; empty otherwise."
    )
    years: list[ProjectionYear] = Field(description="The year-by-year table.")


class ReserveProjection(ApiModel):
    """A study's projections: its expenditures and fully funded balance per year,
    and the table of each scenario asked for (formulas: domains/reserves/service/projection.py)."""

    study_id: ReserveStudyId = Field(description="The study.")
    horizon_years: int = Field(description="Years projected.")
    starting_balance: Money = Field(description="The reserve balance on the study date, from the general ledger.")
    scenarios: list[ScenarioProjection] = Field(description="One per scenario asked for.")


class ReserveStatusInput(ApiModel):
    """Whose reserves to read, and when."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date | None = Field(None, description=_AS_OF)


class ComponentStatusRow(ApiModel):
    """A studied component as of the day: its fully funded balance and what its accounts show spent."""

    component_id: ReserveComponentId = Field(description="The component.")
    name: str = Field(description="What it is.")
    current_cost: Money = Field(description="Its replacement cost inflated to the study year of the day.")
    effective_age: int = Field(description="Years of its life used up.")
    useful_life_years: int = Field(description="Years a new one lasts.")
    fully_funded_balance: Money = Field(description="current cost × effective age / useful life.")
    spent_since_study: Money = Field(description="Posted to its accounts in the reserve funds since the study date.")
    due_in_year: int | None = Field(description="The study year its latest replacement came due, if one has.")
    replaced: bool = Field(description="True when spending since it came due reached the study's completion ratio of its cost.")
    deferred: bool = Field(description="True when it came due and not enough was spent: it counts as fully used up.")


class ReserveStatus(ApiModel):
    """Percent funded now: the reserve balance read from the general ledger at
    query time against the fully funded balance of the latest study, its
    components' ages corrected by what their accounts show was spent."""

    association_id: AssociationId = Field(description="The association.")
    study_id: ReserveStudyId = Field(description="The study used (the latest version).")
    study_version: int = Field(description="Its version.")
    as_of: date = Field(description="The day read.")
    study_year: int = Field(description="The study year the day falls in, from 1.")
    reserve_balance: Money = Field(description="Reserve funds' assets less liabilities in the books on the day.")
    fully_funded_balance: Money = Field(description="Σ of the components' fully funded balances.")
    percent_funded: Decimal | None = Field(description="Reserve balance / fully funded balance (0.6500 is 65%).")
    components: list[ComponentStatusRow] = Field(description="Per component.")


class ReserveDashboardInput(ApiModel):
    """When to read every association's reserves."""

    as_of: date | None = Field(None, description=_AS_OF)


class ReserveDashboardRow(ApiModel):
    """One association's reserve strength on the day."""

    association_id: AssociationId = Field(description="The association.")
    study_id: ReserveStudyId = Field(description="Its latest study.")
    study_date: date = Field(description="That study's date.")
    reserve_balance: Money = Field(description="Reserve funds' assets less liabilities in the books on the day.")
    fully_funded_balance: Money = Field(description="Σ of the components' fully funded balances.")
    percent_funded: Decimal | None = Field(description="Reserve balance / fully funded balance.")


class ReserveDashboard(ApiModel):
    """Percent funded of every association with a study, weakest first."""

    as_of: date = Field(description="The day read.")
    associations: list[ReserveDashboardRow] = Field(description="One row per association with a study, weakest first.")

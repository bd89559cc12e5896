"""API models of the portfolio domain: assignments (derived from their table)
and the dashboard's rows, counted from other domains' tables."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from domains.associations.models import AssociationId
from domains.identity.models import UserId
from domains.portfolio.models import PortfolioAssignment, PortfolioAssignmentId
from graph.schemas import ApiModel, Money, connection_model, derive

PortfolioAssignmentRead = derive(
    PortfolioAssignment,
    "PortfolioAssignment",
    ["id", "association_id", "user_id", "starts_on", "ends_on", "assigned_by", "ended_by", "created_at"],
    node=True,
)
PortfolioAssignmentCreateInput = derive(
    PortfolioAssignment,
    "PortfolioAssignmentCreateInput",
    ["association_id", "user_id"],
    doc="Assign a member of the organization to run an association as its portfolio manager.",
    extra={"starts_on": (date | None, Field(None, description="First day they run it (default today)."))},
)


class PortfolioAssignmentEndInput(ApiModel):
    """The assignment to end, and the day it ends."""

    id: PortfolioAssignmentId = Field(description="The assignment.")
    ends_on: date | None = Field(None, description="The day it ends (default today).")


class PortfolioAssignmentListInput(ApiModel):
    """Assignments, current first by association."""

    association_id: AssociationId | None = Field(None, description="Only this association's.")
    user_id: UserId | None = Field(None, description="Only this portfolio manager's.")
    include_ended: bool = Field(False, description="Also list ended assignments.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


PortfolioAssignmentConnection = connection_model(PortfolioAssignmentRead)


class PortfolioDashboardInput(ApiModel):
    """Which associations, and the horizons of "nearing" and "due"."""

    portfolio_manager_id: UserId | None = Field(None, description="Only the associations this user currently runs.")
    as_of: date | None = Field(None, description="The day read (default today, UTC).")
    arc_within_days: int = Field(
        14, ge=0, le=365, description="ARC requests deemed approved if undecided within this many days count as nearing."
    )
    compliance_within_days: int = Field(
        30, ge=0, le=365, description="Open compliance tasks due within this many days count as due."
    )
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


class PortfolioDashboardRow(ApiModel):
    """One association's morning: what is late, due or waiting, each counted as
    the domain's own list counts it for the caller."""

    id: AssociationId = Field(description="The association.")
    code: str = Field(description="Its short code.")
    legal_name: str = Field(description="Its legal name.")
    portfolio_manager_ids: list[UserId] = Field(description="The users currently assigned to run it.")
    units_over_60_days: int = Field(
        description="Units owing charges more than 60 days past due (as the delinquency list at 60 days)."
    )
    amount_over_60_days: Money = Field(description="What those units owe more than 60 days past due.")
    units_over_90_days: int = Field(description="Units owing charges more than 90 days past due.")
    amount_over_90_days: Money = Field(description="What they owe more than 90 days past due.")
    work_orders_open: int = Field(description="Open work orders (received to work done).")
    work_orders_on_track: int = Field(description="Open, no deadline passed.")
    work_orders_past_deadline: int = Field(
        description="Open, the response deadline (still undecided) or the completion deadline passed, not escalated yet."
    )
    work_orders_escalated: int = Field(description="Open and escalated: a deadline passed unmet (the `escalated` filter).")
    arc_nearing_deemed_approval: int = Field(
        description="Undecided ARC requests deemed approved if still undecided by a deadline within `arcWithinDays`."
    )
    arc_past_decision_deadline: int = Field(description="Undecided ARC requests whose decision deadline has passed.")
    violations_awaiting_hearing: int = Field(description="Violations with a hearing scheduled.")
    compliance_due: int = Field(description="Open compliance tasks due from today to `complianceWithinDays` ahead.")
    compliance_overdue: int = Field(description="Open compliance tasks past due (the `overdue` filter).")
    unreconciled_bank_months: int = Field(
        description="Months, from each active bank account's opening to last month, without a finished reconciliation."
    )
    invoices_awaiting_manager: int = Field(description="Invoices waiting for the manager's approval.")
    invoices_awaiting_board: int = Field(description="Invoices waiting for the board's approval.")
    invoices_awaiting_amount: Money = Field(description="The total of the invoices waiting for approval.")


PortfolioDashboardConnection = connection_model(PortfolioDashboardRow)

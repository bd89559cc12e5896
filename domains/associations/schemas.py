"""API models of the associations domain, derived from its table."""

from __future__ import annotations

from domains.associations.models import AssociationProfile
from graph.schemas import ApiModel, derive

AssociationProfileRead = derive(
    AssociationProfile,
    "AssociationProfile",
    ["id", "organization_id", "legal_name", "tax_id", "fiscal_year_start_month", "accounting_basis", "updated_at"],
    node=True,
)

AssociationProfileUpdateInput = derive(
    AssociationProfile,
    "AssociationProfileUpdateInput",
    ["legal_name", "tax_id", "fiscal_year_start_month", "accounting_basis"],
    doc="The association's legal and accounting facts; replaces the current profile.",
    constraints={"fiscal_year_start_month": {"ge": 1, "le": 12}, "tax_id": {"pattern": r"^\d{2}-\d{7}$"}},
    examples=[{"legalName": "Maple Grove Homeowners Association, Inc.", "taxId": "12-3456789", "fiscalYearStartMonth": 1, "accountingBasis": "accrual"}],
)


class AssociationProfileGetInput(ApiModel):
    """No input: reads the active association's profile."""


"""complianceSettings/v1/{set,get}, fidelityBond/v1/check."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.associations.models import Association
from domains.compliance.schemas import (
    ComplianceSettingsGetInput,
    ComplianceSettingsRead,
    ComplianceSettingsSetInput,
    FidelityBondCheck,
    FidelityBondCheckInput,
)
from domains.compliance.service import calendar
from graph.handlers import OperationContext, actor, org, require
from graph.ids import encode
from graph.operations import operation


@operation(
    "complianceSettings/v1/set",
    input=ComplianceSettingsSetInput,
    output=ComplianceSettingsRead,
    kind="compliance_settings",
    action="update",
    summary="Set an association's compliance settings",
)
async def set_settings(ctx: OperationContext, data: ComplianceSettingsSetInput) -> ComplianceSettingsRead:
    """Set what the compliance calendar needs beyond the books and the jurisdiction's
    rules: the annual meeting month, the master policy's renewal date, the fidelity
    bond's coverage and expiry, and the months of assessments it must cover besides
    the reserves (3 until set, after CA Civil Code §5806). Only the fields given
    change; the daily run picks them up (or complianceCalendarGenerate at once)."""
    row, changed = await calendar.set_settings(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {"changed": changed}
    ctx.audit_targets = [encode("asn", data.association_id)]
    return ComplianceSettingsRead.model_validate(row)


@operation(
    "complianceSettings/v1/get",
    input=ComplianceSettingsGetInput,
    output=ComplianceSettingsRead,
    kind="compliance_settings",
    action="read",
    mutates=False,
    summary="Read an association's compliance settings",
)
async def get_settings(ctx: OperationContext, data: ComplianceSettingsGetInput) -> ComplianceSettingsRead:
    """The association's compliance settings (nothing set, 3 months of assessments, until some are)."""
    row = await calendar.settings_of(ctx.session, data.association_id)
    if row is None:
        return ComplianceSettingsRead(
            association_id=data.association_id, fidelity_bond_assessment_months=calendar.DEFAULT_BOND_MONTHS
        )
    return ComplianceSettingsRead.model_validate(row)


@operation(
    "fidelityBond/v1/check",
    input=FidelityBondCheckInput,
    output=FidelityBondCheck,
    kind="compliance_settings",
    action="read",
    mutates=False,
    graphql_name="fidelityBondCheck",
    summary="Check an association's fidelity bond against the reserves and assessments",
)
async def check_bond(ctx: OperationContext, data: FidelityBondCheckInput) -> FidelityBondCheck:
    """Whether the fidelity bond covers what it must on a day: the reserves read
    from the general ledger plus the settings' months of regular assessments
    (schedules in force in receivables). Fails without a bond in force, or with
    one smaller than that."""
    association: Association = await require(ctx.session, Association, data.association_id, "associationId")
    as_of = data.as_of or datetime.now(UTC).date()
    check = await calendar.fidelity_bond(ctx.session, org(ctx), association, as_of)
    return FidelityBondCheck(association_id=association.id, as_of=as_of, **vars(check))

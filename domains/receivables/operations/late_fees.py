"""lateFeeRule/v1/{set,get,apply}."""

from __future__ import annotations

from domains.associations.models import Association
from domains.receivables.schemas import (
    LateFeeRuleApplyInput,
    LateFeeRuleGetInput,
    LateFeeRuleRead,
    LateFeeRuleSetInput,
    LateFeeRun,
)
from domains.receivables.service import late_fees, owner_ledger
from graph.handlers import OperationContext, org, require
from graph.operations import operation


@operation(
    "lateFeeRule/v1/set",
    input=LateFeeRuleSetInput,
    output=LateFeeRuleRead,
    kind="late_fee_rule",
    action="set",
    summary="Set an association's late-fee rule",
)
async def set_rule(ctx: OperationContext, data: LateFeeRuleSetInput) -> LateFeeRuleRead:
    """Set (or replace) the association's late-fee rule: a flat fee or a
    percentage of what is still open, charged once per assessment charge still
    open more than `graceDays` after its due date, at most `cap`. A daily
    workflow applies it; lateFeeRuleApply runs it now."""
    rule = await late_fees.set_rule(ctx.session, org(ctx), data)
    ctx.audit_summary = {
        "graceDays": rule.grace_days,
        "method": rule.method.value,
        "amount": str(rule.amount),
        "active": rule.is_active,
    }
    return LateFeeRuleRead.model_validate(rule)


@operation(
    "lateFeeRule/v1/get",
    input=LateFeeRuleGetInput,
    output=LateFeeRuleRead,
    kind="late_fee_rule",
    action="read",
    mutates=False,
    nullable=True,
    graphql_name="lateFeeRule",
    summary="Read an association's late-fee rule",
)
async def get_rule(ctx: OperationContext, data: LateFeeRuleGetInput) -> LateFeeRuleRead | None:
    """The association's late-fee rule: null in GraphQL if it has none, NOT_FOUND over RPC."""
    rule = await late_fees.rule_of(ctx.session, data.association_id)
    return LateFeeRuleRead.model_validate(rule) if rule else None


@operation(
    "lateFeeRule/v1/apply",
    input=LateFeeRuleApplyInput,
    output=LateFeeRun,
    kind="late_fee_rule",
    action="apply",
    result_field="run",
    summary="Charge late fees now",
)
async def apply_rule(ctx: OperationContext, data: LateFeeRuleApplyInput) -> LateFeeRun:
    """Run the association's late-fee rule as of a date, now rather than at the
    daily run: each assessment charge still open that day and more than the
    grace days past due gets its fee — once; running again charges nothing
    twice. Fees use any credit the owner has."""
    await require(ctx.session, Association, data.association_id, "associationId")
    fees = await late_fees.apply(
        ctx.session, org(ctx), data.association_id, data.as_of, ctx.principal.id if ctx.principal else None
    )
    total = sum((f.amount for f in fees), start=0)
    ctx.audit_summary = {"asOf": str(data.as_of), "count": len(fees), "total": str(total)}
    return LateFeeRun(
        association_id=data.association_id,
        as_of=data.as_of,
        count=len(fees),
        total=total,
        fees=await owner_ledger.entry_reads(ctx.session, fees),
    )

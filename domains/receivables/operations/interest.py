"""interestPolicy/v1/{set,get,accrue}."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.associations.models import Association
from domains.receivables.schemas import (
    InterestAccrualRead,
    InterestAccrueInput,
    InterestPolicyGetInput,
    InterestPolicyRead,
    InterestPolicySetInput,
    InterestRun,
)
from domains.receivables.service import interest
from graph.handlers import OperationContext, actor, org, require
from graph.operations import operation


@operation(
    "interestPolicy/v1/set",
    input=InterestPolicySetInput,
    output=InterestPolicyRead,
    kind="interest_policy",
    action="set",
    summary="Set the interest on delinquent assessments",
)
async def set_policy(ctx: OperationContext, data: InterestPolicySetInput) -> InterestPolicyRead:
    """Set the association's interest on delinquent assessments, separate from
    late fees: an annual rate (simple interest on assessment charges only), the
    days after the due date before a charge bears it, and the least delinquent
    balance charged. It becomes a new version (the old ones stay), checked
    against the jurisdiction's interest limit in force today (a rate above the
    cap, or an earlier start, is INTEREST_POLICY_BELOW_STATUTE with the
    citation). The chart gets its income account (4140, Interest on Delinquent
    Assessments) if it lacks one. The first day of every month a workflow
    charges the month before; interestPolicyAccrue charges a month now."""
    policy = await interest.set_policy(ctx.session, org(ctx), data, datetime.now(UTC).date(), actor(ctx))
    ctx.audit_summary = {
        "version": policy.version,
        "annualRate": str(policy.annual_rate),
        "graceDays": policy.grace_days,
        "active": policy.is_active,
    }
    return InterestPolicyRead.model_validate(policy)


@operation(
    "interestPolicy/v1/get",
    input=InterestPolicyGetInput,
    output=InterestPolicyRead,
    kind="interest_policy",
    action="read",
    mutates=False,
    nullable=True,
    graphql_name="interestPolicy",
    summary="Read the interest on delinquent assessments",
)
async def get_policy(ctx: OperationContext, data: InterestPolicyGetInput) -> InterestPolicyRead | None:
    """The association's current interest policy with the jurisdiction's limit
    it was checked against: null in GraphQL if it has none, NOT_FOUND over RPC."""
    policy = await interest.current(ctx.session, data.association_id)
    return InterestPolicyRead.model_validate(policy) if policy else None


@operation(
    "interestPolicy/v1/accrue",
    input=InterestAccrueInput,
    output=InterestRun,
    kind="interest_policy",
    action="accrue",
    result_field="run",
    summary="Charge a month's interest now",
)
async def accrue(ctx: OperationContext, data: InterestAccrueInput) -> InterestRun:
    """Charge a past month's interest now rather than at the monthly run: each
    unit with assessments more than the grace days past due during the month is
    charged simple interest for the days they were open, on the month's last
    day, at the policy's rate capped by the jurisdiction's limit then in force.
    A unit is charged once per month: running again charges nobody twice
    (INTEREST_PERIOD_NOT_OVER for a month not yet over, PERIOD_CLOSED for a
    closed one)."""
    await require(ctx.session, Association, data.association_id, "associationId")
    month = data.month.replace(day=1)
    _, accruals = await interest.accrue(
        ctx.session,
        org(ctx),
        data.association_id,
        month,
        datetime.now(UTC).date(),
        ctx.principal.id if ctx.principal else None,
    )
    total = sum((a.amount for a in accruals), start=0)
    ctx.audit_summary = {"month": str(month), "count": len(accruals), "total": str(total)}
    return InterestRun(
        association_id=data.association_id,
        month=month,
        count=len(accruals),
        total=total,
        accruals=[InterestAccrualRead.model_validate(a) for a in accruals],
    )

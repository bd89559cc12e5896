"""paymentPlan/v1/{create,get,list,cancel,review}."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.receivables.models import PaymentPlan
from domains.receivables.schemas import (
    PaymentPlanCancelInput,
    PaymentPlanConnection,
    PaymentPlanCreateInput,
    PaymentPlanGetInput,
    PaymentPlanListInput,
    PaymentPlanRead,
    PaymentPlanReview,
    PaymentPlanReviewInput,
)
from domains.receivables.service import payment_plans
from graph.handlers import OperationContext, actor, as_connection, org, with_nodes
from graph.operations import operation


@operation(
    "paymentPlan/v1/create",
    input=PaymentPlanCreateInput,
    output=PaymentPlanRead,
    kind="payment_plan",
    action="create",
    summary="Agree a payment plan",
)
async def create_plan(ctx: OperationContext, data: PaymentPlanCreateInput) -> PaymentPlanRead:
    """Record an owner's agreement to pay the unit's balance (or part of it) in
    equal instalments. The unit must owe at least the amount on the day
    (NOTHING_OWED); one active plan per unit (PAYMENT_PLAN_EXISTS). Payments on
    the unit from `startsOn` count toward it; while it is active, collection
    steps are suspended."""
    plan = await payment_plans.create(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {"amount": str(plan.amount), "instalments": data.instalments}
    return (await payment_plans.reads(ctx.session, [plan], data.starts_on))[0]


@operation(
    "paymentPlan/v1/get",
    input=PaymentPlanGetInput,
    output=PaymentPlanRead,
    kind="payment_plan",
    action="read",
    target=PaymentPlan,
    mutates=False,
    summary="Read a payment plan",
)
async def get_plan(ctx: OperationContext, data: PaymentPlanGetInput) -> PaymentPlanRead:
    """A plan with its schedule and where each instalment stands on `asOf`
    (paid, open or missed). Owners read their own units' plans."""
    as_of = data.as_of or datetime.now(UTC).date()
    return (await payment_plans.reads(ctx.session, [ctx.target], as_of))[0]


@operation(
    "paymentPlan/v1/list",
    input=PaymentPlanListInput,
    output=PaymentPlanConnection,
    kind="payment_plan",
    action="list",
    mutates=False,
    graphql_name="paymentPlans",
    summary="List payment plans",
)
async def list_plans(ctx: OperationContext, data: PaymentPlanListInput) -> PaymentPlanConnection:
    """An association's payment plans, newest first, with their standing today.
    Owners see their own units' plans only."""
    rows, page = await payment_plans.page(ctx.session, data, await ctx.visible("payment_plan", "read", PaymentPlan))
    connection = as_connection(PaymentPlanConnection, rows, page)
    return with_nodes(connection, await payment_plans.reads(ctx.session, rows[: page.first], datetime.now(UTC).date()))


@operation(
    "paymentPlan/v1/cancel",
    input=PaymentPlanCancelInput,
    output=PaymentPlanRead,
    kind="payment_plan",
    action="cancel",
    target=PaymentPlan,
    summary="Cancel a payment plan",
)
async def cancel_plan(ctx: OperationContext, data: PaymentPlanCancelInput) -> PaymentPlanRead:
    """Cancel an active plan, with the reason (PAYMENT_PLAN_NOT_ACTIVE otherwise)."""
    plan = await payment_plans.cancel(ctx.session, ctx.target, data.reason, actor(ctx))
    ctx.audit_summary = {"reason": data.reason}
    return (await payment_plans.reads(ctx.session, [plan], datetime.now(UTC).date()))[0]


@operation(
    "paymentPlan/v1/review",
    input=PaymentPlanReviewInput,
    output=PaymentPlanReview,
    kind="payment_plan",
    action="review",
    summary="Review payment plans",
)
async def review_plans(ctx: OperationContext, data: PaymentPlanReviewInput) -> PaymentPlanReview:
    """Move the association's active plans on a day: paid off → completed, an
    instalment uncovered past its grace days → defaulted (collection resumes).
    The nightly run does the same for every association."""
    completed, defaulted = await payment_plans.review(ctx.session, data.association_id, data.as_of, actor(ctx))
    ctx.audit_summary = {"as_of": data.as_of.isoformat(), "completed": completed, "defaulted": defaulted}
    return PaymentPlanReview(completed=completed, defaulted=defaulted)

"""violationRule/v1/{create,update,get,list}: the association's rule library."""

from __future__ import annotations

from domains.violations.models import ViolationRule
from domains.violations.schemas import (
    ViolationRuleConnection,
    ViolationRuleCreateInput,
    ViolationRuleGetInput,
    ViolationRuleListInput,
    ViolationRuleRead,
    ViolationRuleUpdateInput,
)
from domains.violations.service import rules
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "violationRule/v1/create",
    input=ViolationRuleCreateInput,
    output=ViolationRuleRead,
    kind="violation_rule",
    action="create",
    summary="Add a rule to the violation library",
)
async def create_rule(ctx: OperationContext, data: ViolationRuleCreateInput) -> ViolationRuleRead:
    """Add a rule of the governing documents to the association's violation
    library: its code, title and document reference, the notice's default text
    and the action that resolves it, whether and in how many days it can be
    cured, and its fine schedule (first, repeat, continuing per day or week,
    cap). Refused: a code already in the library (RULE_CODE_TAKEN); fields that
    disagree (INVALID_FINE_SCHEDULE)."""
    rule = await rules.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"code": rule.code, "title": rule.title}
    return ViolationRuleRead.model_validate(rule)


@operation(
    "violationRule/v1/update",
    input=ViolationRuleUpdateInput,
    output=ViolationRuleRead,
    kind="violation_rule",
    action="update",
    target=ViolationRule,
    summary="Change a violation rule",
)
async def update_rule(ctx: OperationContext, data: ViolationRuleUpdateInput) -> ViolationRuleRead:
    """Change a rule of the library; only the fields given change. A fine
    already decided keeps its amount. Setting `isActive` false retires the
    rule: no new sighting or notice may cite it."""
    rule: ViolationRule = ctx.target
    ctx.audit_summary = {"changed": await rules.update(ctx.session, rule, data)}
    return ViolationRuleRead.model_validate(rule)


@operation(
    "violationRule/v1/get",
    input=ViolationRuleGetInput,
    output=ViolationRuleRead,
    kind="violation_rule",
    action="read",
    target=ViolationRule,
    mutates=False,
    summary="Read a violation rule",
)
async def get_rule(ctx: OperationContext, data: ViolationRuleGetInput) -> ViolationRuleRead:
    """One rule of the library with its fine schedule."""
    return ViolationRuleRead.model_validate(ctx.target)


@operation(
    "violationRule/v1/list",
    input=ViolationRuleListInput,
    output=ViolationRuleConnection,
    kind="violation_rule",
    action="list",
    mutates=False,
    graphql_name="violationRules",
    summary="List the violation library",
)
async def list_rules(ctx: OperationContext, data: ViolationRuleListInput) -> ViolationRuleConnection:
    """An association's rule library, by code; optionally only active or retired rules."""
    rows, page = await rules.rule_page(ctx.session, data, await ctx.visible("violation_rule", "read", ViolationRule))
    return as_connection(ViolationRuleConnection, rows, page)

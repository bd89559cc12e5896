"""jurisdictionRuleOverride/v1/{set,clear}."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.associations.models import Association
from domains.jurisdictions.schemas import (
    EffectiveRule,
    JurisdictionRuleOverrideClearInput,
    JurisdictionRuleOverrideSetInput,
)
from domains.jurisdictions.service import rules
from graph.handlers import OperationContext, actor, org
from graph.ids import encode
from graph.operations import operation


@operation(
    "jurisdictionRuleOverride/v1/set",
    input=JurisdictionRuleOverrideSetInput,
    output=EffectiveRule,
    kind="jurisdiction_rule",
    action="override",
    target=Association,
    result_field="rule",
    summary="Set a stricter rule from the governing documents",
)
async def set_override(ctx: OperationContext, data: JurisdictionRuleOverrideSetInput) -> EffectiveRule:
    """Record that the association's governing documents make a rule stricter
    (a longer hearing notice, a shorter ARC deadline, fewer delivery methods),
    replacing any earlier value for that rule. A value looser than the statute
    in force today is LOOSER_THAN_STATUTE, citing the statute; a value of the
    wrong kind is RULE_VALUE_MISMATCH; an unknown key UNKNOWN_RULE."""
    before = await rules.effective_rule(ctx.session, ctx.target, data.key, datetime.now(UTC).date())
    after = await rules.set_override(ctx.session, org(ctx), ctx.target, data, datetime.now(UTC).date(), actor(ctx))
    field = rules.VALUE_FIELDS[after.kind]
    ctx.audit_summary = {
        "key": data.key,
        field: {"from": rules.shown(getattr(before, field)), "to": rules.shown(getattr(after, field))},
        "documentReference": data.document_reference,
    }
    ctx.audit_targets = [encode("asn", data.id)]
    return after


@operation(
    "jurisdictionRuleOverride/v1/clear",
    input=JurisdictionRuleOverrideClearInput,
    output=EffectiveRule,
    kind="jurisdiction_rule",
    action="override",
    target=Association,
    result_field="rule",
    summary="Remove a rule's governing-document value",
)
async def clear_override(ctx: OperationContext, data: JurisdictionRuleOverrideClearInput) -> EffectiveRule:
    """Remove the association's value for a rule, so the statute's (or the
    default's) applies again; answers the rule as it now applies. Clearing a
    rule with no value set changes nothing."""
    association: Association = ctx.target
    removed, rule = await rules.clear_override(ctx.session, association, data.key, datetime.now(UTC).date())
    ctx.audit_summary = {"key": data.key, "removed": removed}
    ctx.audit_targets = [encode("asn", association.id)]
    return rule

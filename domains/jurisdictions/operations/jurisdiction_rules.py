"""jurisdictionRule/v1/{list,effective}."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.associations.models import Association
from domains.jurisdictions.schemas import (
    EffectiveRules,
    EffectiveRulesInput,
    JurisdictionRuleListInput,
    JurisdictionRuleSet,
)
from domains.jurisdictions.service import rules
from graph.handlers import OperationContext
from graph.operations import operation


@operation(
    "jurisdictionRule/v1/list",
    input=JurisdictionRuleListInput,
    output=JurisdictionRuleSet,
    kind="jurisdiction_rule",
    action="list",
    mutates=False,
    graphql_name="jurisdictionRules",
    summary="Read a jurisdiction's rules",
)
async def list_rules(ctx: OperationContext, data: JurisdictionRuleListInput) -> JurisdictionRuleSet:
    """The statutory rules of a jurisdiction in force on a day, each with its
    citation, effective date and the direction in which governing documents may
    be stricter; with `includeHistory`, every version up to that day. Only the
    jurisdiction's own rules: keys it has none for follow `default`."""
    as_of = data.as_of or datetime.now(UTC).date()
    found = await rules.versions(ctx.session, [data.jurisdiction], as_of, history=data.include_history)
    return JurisdictionRuleSet(jurisdiction=data.jurisdiction, as_of=as_of, rules=found)


@operation(
    "jurisdictionRule/v1/effective",
    input=EffectiveRulesInput,
    output=EffectiveRules,
    kind="jurisdiction_rule",
    action="read",
    mutates=False,
    target=Association,
    graphql_name="effectiveJurisdictionRules",
    summary="Read an association's effective rules",
)
async def effective_rules(ctx: OperationContext, data: EffectiveRulesInput) -> EffectiveRules:
    """The rules an association works under on a day: for each key, the rule of
    its jurisdiction (its country and region; `default` where none is on file)
    in force that day, or the stricter value its governing documents set, with
    the citation and where the value comes from."""
    association: Association = ctx.target
    as_of = data.as_of or datetime.now(UTC).date()
    jurisdiction, found = await rules.effective(ctx.session, association, as_of)
    return EffectiveRules(association_id=association.id, jurisdiction=jurisdiction, as_of=as_of, rules=found)

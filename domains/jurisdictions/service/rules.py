"""Jurisdiction rules and overrides: resolving the rules in force on a day, an
association's effective rules, and setting an override no looser than the statute."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import delete, exists, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association
from domains.jurisdictions.errors import LooserThanStatute, RuleValueMismatch, UnknownRule
from domains.jurisdictions.models import (
    DEFAULT_JURISDICTION,
    JurisdictionRule,
    JurisdictionRuleOverride,
    RuleValueKind,
    StricterDirection,
)
from domains.jurisdictions.schemas import (
    EffectiveRule,
    JurisdictionRuleOverrideSetInput,
    JurisdictionRuleRead,
    RuleSource,
)

VALUE_FIELDS = {
    RuleValueKind.DAYS: "days",
    RuleValueKind.FLAG: "flag",
    RuleValueKind.MONEY: "amount",
    RuleValueKind.METHODS: "methods",
}


def _read(rule: JurisdictionRule, superseded_on: date | None) -> JurisdictionRuleRead:
    return JurisdictionRuleRead.model_validate(rule).model_copy(update={"superseded_on": superseded_on})


async def versions(
    session: AsyncSession, jurisdictions: Sequence[str], as_of: date, *, history: bool = False
) -> list[JurisdictionRuleRead]:
    """The rules of `jurisdictions` in force on `as_of` (the latest version
    effective by then), or with `history` every version effective by then;
    each knows the day a later version (effective by `as_of`) superseded it."""
    superseded = (
        func.lead(JurisdictionRule.effective_on)
        .over(partition_by=(JurisdictionRule.jurisdiction, JurisdictionRule.key), order_by=JurisdictionRule.effective_on)
        .label("superseded_on")
    )
    inner = (
        select(JurisdictionRule.id, superseded)
        .where(JurisdictionRule.jurisdiction.in_(jurisdictions), JurisdictionRule.effective_on <= as_of)
        .subquery()
    )
    statement = (
        select(JurisdictionRule, inner.c.superseded_on)
        .join(inner, inner.c.id == JurisdictionRule.id)
        .order_by(JurisdictionRule.jurisdiction, JurisdictionRule.key, JurisdictionRule.effective_on)
    )
    if not history:
        statement = statement.where(inner.c.superseded_on.is_(None))
    return [_read(rule, until) for rule, until in (await session.execute(statement)).all()]


async def jurisdiction_of(session: AsyncSession, association: Association) -> str:
    """The association's jurisdiction: its country and region where rules for
    them are on file, else the default."""
    code = f"{association.country}-{association.region}"
    known = await session.scalar(select(exists().where(JurisdictionRule.jurisdiction == code)))
    return code if known else DEFAULT_JURISDICTION


async def _statutes(session: AsyncSession, jurisdiction: str, as_of: date) -> dict[str, JurisdictionRuleRead]:
    """Each key's rule in force: the jurisdiction's own, else the default's."""
    by_key: dict[str, JurisdictionRuleRead] = {}
    for rule in await versions(session, sorted({DEFAULT_JURISDICTION, jurisdiction}), as_of):
        if rule.jurisdiction == jurisdiction or rule.key not in by_key:
            by_key[rule.key] = rule
    return by_key


def looser(statute: JurisdictionRuleRead, value: Any) -> bool:
    """Whether `value` (of the statute's kind) is looser than the statute allows."""
    bound = getattr(statute, VALUE_FIELDS[statute.kind])
    match statute.stricter:
        case StricterDirection.MORE:
            return bool(value < bound)
        case StricterDirection.FEWER:
            return bound is not None and (value is None or value > bound)
        case StricterDirection.TRUE:
            return bool(bound) and not value
        case StricterDirection.SUBSET:
            return not set(value) <= set(bound)


def _effective(statute: JurisdictionRuleRead, override: JurisdictionRuleOverride | None) -> EffectiveRule:
    field = VALUE_FIELDS[statute.kind]
    common = {"key": statute.key, "kind": statute.kind, "citation": statute.citation, "statute": statute}
    # An override a later statute made looser no longer counts: the statute wins.
    if override is not None and override.kind == statute.kind and not looser(statute, getattr(override, field)):
        return EffectiveRule(
            **common,
            **{field: getattr(override, field)},
            source=RuleSource.GOVERNING_DOCUMENTS,
            document_reference=override.document_reference,
        )
    source = RuleSource.DEFAULT if statute.jurisdiction == DEFAULT_JURISDICTION else RuleSource.STATUTE
    return EffectiveRule(**common, **{field: getattr(statute, field)}, source=source)


async def effective(session: AsyncSession, association: Association, as_of: date) -> tuple[str, list[EffectiveRule]]:
    """The association's jurisdiction and its rules on `as_of`, overrides applied."""
    jurisdiction = await jurisdiction_of(session, association)
    statutes = await _statutes(session, jurisdiction, as_of)
    overrides = {
        o.key: o
        for o in await session.scalars(
            select(JurisdictionRuleOverride).where(JurisdictionRuleOverride.association_id == association.id)
        )
    }
    return jurisdiction, [_effective(statutes[key], overrides.get(key)) for key in sorted(statutes)]


async def effective_rule(session: AsyncSession, association: Association, key: str, as_of: date) -> EffectiveRule:
    """One of the association's effective rules (UNKNOWN_RULE if there is none by that key)."""
    for rule in (await effective(session, association, as_of))[1]:
        if rule.key == key:
            return rule
    raise UnknownRule(f"No rule {key!r} is in force for this association.", field=["key"])


async def set_override(
    session: AsyncSession,
    organization_id: UUID,
    association: Association,
    data: JurisdictionRuleOverrideSetInput,
    as_of: date,
    by: UUID,
) -> EffectiveRule:
    """Record the governing documents' value of a rule: of the rule's kind and
    no looser than the statute in force on `as_of`."""
    statute = (await effective_rule(session, association, data.key, as_of)).statute
    field = VALUE_FIELDS[statute.kind]
    value = getattr(data, field)
    if value is None:
        raise RuleValueMismatch(f"{data.key} is a {statute.kind.value} rule: give {field}.", field=[field])
    if looser(statute, value):
        raise LooserThanStatute(
            f"{data.key} can't be looser than the statute: {statute.citation}",
            field=[field],
            details={"key": data.key, "citation": statute.citation, "jurisdiction": statute.jurisdiction},
        )
    values: dict[str, Any] = {
        "kind": statute.kind,
        **dict.fromkeys(VALUE_FIELDS.values()),
        field: value,
        "document_reference": data.document_reference,
        "updated_by": by,
    }
    statement = (
        insert(JurisdictionRuleOverride)
        .values(organization_id=organization_id, association_id=association.id, key=data.key, **values)
        .on_conflict_do_update(
            index_elements=["organization_id", "association_id", "key"], set_=values | {"updated_at": func.now()}
        )
        .returning(JurisdictionRuleOverride)
        .execution_options(populate_existing=True)
    )
    return _effective(statute, (await session.scalars(statement)).one())


async def clear_override(session: AsyncSession, association: Association, key: str, as_of: date) -> tuple[bool, EffectiveRule]:
    """Remove the association's override of `key`, if any; the statute's value applies again."""
    rule = await effective_rule(session, association, key, as_of)
    removed = await session.scalar(
        delete(JurisdictionRuleOverride)
        .where(JurisdictionRuleOverride.association_id == association.id, JurisdictionRuleOverride.key == key)
        .returning(JurisdictionRuleOverride.id)
    )
    return removed is not None, _effective(rule.statute, None)


def shown(value: Any) -> Any:
    """A value as the audit summary keeps it (money as a string)."""
    return str(value) if isinstance(value, Decimal) else value


def snapshot(jurisdiction: str, as_of: date, effective_rules: Sequence[EffectiveRule]) -> dict[str, Any]:
    """Effective rules as a workflow keeps them: the rule-set version it works
    under — each rule's value, where it comes from, its citation, and the
    statute version (jurisdiction and effective date) in force on `as_of`."""
    kept: dict[str, Any] = {}
    for rule in effective_rules:
        value = getattr(rule, VALUE_FIELDS[rule.kind])
        kept[rule.key] = {
            "kind": rule.kind.value,
            "value": shown(value),
            "source": rule.source.value,
            "citation": rule.citation,
            "documentReference": rule.document_reference,
            "jurisdiction": rule.statute.jurisdiction,
            "effectiveOn": rule.statute.effective_on.isoformat(),
        }
    return {"jurisdiction": jurisdiction, "asOf": as_of.isoformat(), "rules": kept}

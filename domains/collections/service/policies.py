"""Collection policies: an association's steps, waits, fees, exclusions and
approvals, checked against its jurisdiction's collection rules (the data of
migration 0030 and the association's stricter overrides) when set. A policy
is never edited: setting it adds a version, and cases follow the latest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association, Unit
from domains.collections.errors import PolicyBelowStatute, PolicyMissing
from domains.collections.models import CollectionExclusion, CollectionPolicy
from domains.jurisdictions.schemas import EffectiveRule
from domains.jurisdictions.service import rules as jurisdiction_rules
from graph.errors import InvalidReference
from graph.handlers import require

PREFIX = "collection_"
FEES = ("reminder_fee", "late_notice_fee", "intent_fee", "lien_fee", "referral_fee")
# (policy field, rule key): the policy's days are at least the rule's.
AT_LEAST = (
    ("intent_after_days", "collection_late_notice_days"),
    ("lien_wait_days", "collection_lien_notice_days"),
)
# (policy field, rule key): where the rule requires it, the policy must say yes.
REQUIRED = (
    ("offers_meet_and_confer", "collection_meet_and_confer_offer_required"),
    ("offers_payment_plan", "collection_payment_plan_offer_required"),
    ("lien_needs_board_approval", "collection_lien_board_approval_required"),
)


class Rules(dict[str, EffectiveRule]):
    """An association's collection rules in force, by key."""

    def value(self, key: str) -> Any:
        rule = self[key]
        return getattr(rule, jurisdiction_rules.VALUE_FIELDS[rule.kind])


async def rules_for(session: AsyncSession, association: Association, as_of: date) -> tuple[str, Rules]:
    """The association's jurisdiction and its collection rules on `as_of`."""
    jurisdiction, effective = await jurisdiction_rules.effective(session, association, as_of)
    return jurisdiction, Rules({r.key: r for r in effective if r.key.startswith(PREFIX)})


def violations(data: Any, rules: Rules) -> list[dict[str, Any]]:
    """Where a policy is looser than the rules: one entry per field, with the rule's value and citation."""
    found = []

    def refuse(field: str, key: str, required: Any) -> None:
        found.append(
            {"field": field, "key": key, "required": jurisdiction_rules.shown(required), "citation": rules[key].citation}
        )

    for field, key in AT_LEAST:
        if getattr(data, field) < rules.value(key):
            refuse(field, key, rules.value(key))
    for field, key in REQUIRED:
        if rules.value(key) and not getattr(data, field):
            refuse(field, key, True)
    cap = rules.value("collection_fee_cap")
    for field in FEES:
        if cap is not None and getattr(data, field) > cap:
            refuse(field, "collection_fee_cap", cap)
    return found


async def set_policy(session: AsyncSession, organization_id: UUID, data: Any, as_of: date, by: UUID) -> CollectionPolicy:
    """Add the association's next policy version, refused where it is looser
    than its jurisdiction's rules on `as_of` (COLLECTION_POLICY_BELOW_STATUTE)."""
    association = await require(session, Association, data.association_id, "associationId", lock=True)
    jurisdiction, rules = await rules_for(session, association, as_of)
    found = violations(data, rules)
    if found:
        raise PolicyBelowStatute(
            f"The policy is looser than {jurisdiction}'s rules: " + "; ".join(f"{v['field']} ({v['citation']})" for v in found),
            field=[found[0]["field"]],
            details={"jurisdiction": jurisdiction, "violations": found},
        )
    units = {e.unit_id for e in data.exclusions}
    known = set(await session.scalars(select(Unit.id).where(Unit.association_id == association.id, Unit.id.in_(units))))
    for i, exclusion in enumerate(data.exclusions):
        if exclusion.unit_id not in known:
            raise InvalidReference("`unitId` names no unit of this association.", field=["exclusions", str(i), "unitId"])
    version = await session.scalar(
        select(func.coalesce(func.max(CollectionPolicy.version), 0)).where(CollectionPolicy.association_id == association.id)
    )
    values = data.model_dump(exclude={"association_id", "exclusions"})
    policy = CollectionPolicy(
        organization_id=organization_id,
        association_id=association.id,
        version=int(version or 0) + 1,
        rules_used=jurisdiction_rules.snapshot(jurisdiction, as_of, list(rules.values())),
        created_by=by,
        **values,
    )
    session.add(policy)
    await session.flush()
    session.add_all(
        CollectionExclusion(
            organization_id=organization_id,
            association_id=association.id,
            policy_id=policy.id,
            unit_id=e.unit_id,
            reason=e.reason,
        )
        for e in data.exclusions
    )
    await session.flush()
    return policy


async def current(session: AsyncSession, association_id: UUID) -> CollectionPolicy | None:
    return await session.scalar(
        select(CollectionPolicy)
        .where(CollectionPolicy.association_id == association_id)
        .order_by(CollectionPolicy.version.desc())
        .limit(1)
    )


async def required(session: AsyncSession, association_id: UUID) -> CollectionPolicy:
    policy = await current(session, association_id)
    if policy is None:
        raise PolicyMissing("This association has no collection policy (collectionPolicy/v1/set).", field=["associationId"])
    return policy


async def exclusions_of(session: AsyncSession, policy_ids: Sequence[UUID]) -> dict[UUID, list[CollectionExclusion]]:
    """Each policy version's exclusions, one statement."""
    out: dict[UUID, list[CollectionExclusion]] = {p: [] for p in policy_ids}
    rows = await session.scalars(
        select(CollectionExclusion).where(CollectionExclusion.policy_id.in_(policy_ids)).order_by(CollectionExclusion.id)
    )
    for row in rows:
        out[row.policy_id].append(row)
    return out


def zero_is_none(amount: Decimal) -> Decimal | None:
    return amount if amount > 0 else None

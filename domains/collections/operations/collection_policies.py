"""collectionPolicy/v1/{set,get}."""

from __future__ import annotations

from datetime import UTC, datetime

from domains.collections.models import CollectionPolicy
from domains.collections.schemas import (
    CollectionExclusionRead,
    CollectionPolicyGetInput,
    CollectionPolicyRead,
    CollectionPolicySetInput,
)
from domains.collections.service import policies
from graph.handlers import OperationContext, actor, org
from graph.operations import operation


async def _read(ctx: OperationContext, policy: CollectionPolicy) -> CollectionPolicyRead:
    exclusions = (await policies.exclusions_of(ctx.session, [policy.id]))[policy.id]
    return CollectionPolicyRead.model_validate(policy).model_copy(
        update={"exclusions": [CollectionExclusionRead.model_validate(e) for e in exclusions]}
    )


@operation(
    "collectionPolicy/v1/set",
    input=CollectionPolicySetInput,
    output=CollectionPolicyRead,
    kind="collection_policy",
    action="set",
    summary="Set the collection policy",
)
async def set_policy(ctx: OperationContext, data: CollectionPolicySetInput) -> CollectionPolicyRead:
    """Set the association's collection policy: the days before the reminder
    and between steps, each step's fee, the balance under which nobody is
    pursued, the units left alone, and what needs the board. It becomes a new
    version (the old ones stay); cases follow it from their next step. It is
    checked against the jurisdiction's collection rules in force today, with
    the association's stricter overrides: a wait shorter than the statute's,
    an offer or approval the statute requires left out, or a fee over its cap
    is refused (COLLECTION_POLICY_BELOW_STATUTE, each rule and its citation in
    `details.violations`); an excluded unit of another association is
    INVALID_REFERENCE."""
    policy = await policies.set_policy(ctx.session, org(ctx), data, datetime.now(UTC).date(), actor(ctx))
    ctx.audit_summary = {"version": policy.version, "exclusions": len(data.exclusions)}
    return await _read(ctx, policy)


@operation(
    "collectionPolicy/v1/get",
    input=CollectionPolicyGetInput,
    output=CollectionPolicyRead,
    kind="collection_policy",
    action="read",
    mutates=False,
    nullable=True,
    graphql_name="collectionPolicy",
    summary="Read the collection policy",
)
async def get_policy(ctx: OperationContext, data: CollectionPolicyGetInput) -> CollectionPolicyRead | None:
    """The association's current collection policy with its exclusions and the
    jurisdiction rules it was checked against: null in GraphQL if it has
    none, NOT_FOUND over RPC."""
    policy = await policies.current(ctx.session, data.association_id)
    if policy is None:
        return None
    return await _read(ctx, policy)

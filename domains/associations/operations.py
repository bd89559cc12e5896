"""Operations of the associations domain."""

from __future__ import annotations

from domains.associations import service
from domains.associations.schemas import (
    AssociationProfileGetInput,
    AssociationProfileRead,
    AssociationProfileUpdateInput,
)
from graph.execution import OperationContext
from graph.operations import operation


@operation(
    "associationProfile/v1/get",
    input=AssociationProfileGetInput,
    output=AssociationProfileRead,
    kind="association_profile",
    action="read",
    mutates=False,
    nullable=True,
    summary="Read the association's profile",
    graphql_name="associationProfile",
)
async def get_association_profile(ctx: OperationContext, data: AssociationProfileGetInput) -> AssociationProfileRead | None:  # type: ignore[valid-type]
    """The active association's legal and accounting profile; null until one is saved."""
    assert ctx.organization_id is not None
    profile = await service.get_profile(ctx.session, ctx.organization_id)
    return AssociationProfileRead.model_validate(profile) if profile else None


@operation(
    "associationProfile/v1/update",
    input=AssociationProfileUpdateInput,
    output=AssociationProfileRead,
    kind="association_profile",
    action="update",
    summary="Save the association's profile",
)
async def update_association_profile(ctx: OperationContext, data: AssociationProfileUpdateInput) -> AssociationProfileRead:  # type: ignore[valid-type]
    """Create or replace the active association's profile (legal name, tax id,
    fiscal year start, accounting basis). Admins, managers and board members only."""
    assert ctx.organization_id is not None
    profile, changed = await service.put_profile(ctx.session, ctx.organization_id, data.model_dump())
    ctx.audit_summary = {"changed": changed}
    return AssociationProfileRead.model_validate(profile)

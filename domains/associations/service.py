"""Use cases of the associations domain. Nothing commits here."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.errors import NotAnAssociation
from domains.associations.models import AssociationProfile
from domains.organizations.models import Organization, OrganizationType


async def _require_association(session: AsyncSession, organization_id: UUID) -> Organization:
    org = await session.get(Organization, organization_id)
    if org is None or org.type is not OrganizationType.ASSOCIATION:
        raise NotAnAssociation("Only an association has an association profile.")
    return org


async def get_profile(session: AsyncSession, organization_id: UUID) -> AssociationProfile | None:
    await _require_association(session, organization_id)
    return await session.scalar(select(AssociationProfile).where(AssociationProfile.organization_id == organization_id))


async def put_profile(session: AsyncSession, organization_id: UUID, values: dict[str, object]) -> tuple[AssociationProfile, dict[str, object]]:
    """Create or replace the profile; returns it and the fields that changed."""
    await _require_association(session, organization_id)
    before = await get_profile(session, organization_id)
    old = {k: getattr(before, k) for k in values} if before else {}
    stmt = (
        insert(AssociationProfile)
        .values(organization_id=organization_id, **values)
        .on_conflict_do_update(index_elements=["organization_id"], set_=values)
        .returning(AssociationProfile)
    )
    profile = (await session.scalars(stmt, execution_options={"populate_existing": True})).one()
    changed = {k: {"from": str(old.get(k)) if k in old else None, "to": str(v)} for k, v in values.items() if old.get(k) != v}
    return profile, changed

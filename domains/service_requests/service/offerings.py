"""The categories of work a service provider offers (its own rows), which
posted service requests of those categories are sent by."""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.organizations.models import Organization, OrganizationType
from domains.service_requests.errors import NotAServiceProvider
from domains.service_requests.models import ServiceOffering
from graph.db import new_id


async def of(session: AsyncSession) -> Sequence[ServiceOffering]:
    """The organization's offerings, by category."""
    return (await session.scalars(select(ServiceOffering).order_by(ServiceOffering.category))).all()


async def set_(session: AsyncSession, organization_id: UUID, categories: Sequence[str]) -> tuple[list[str], list[str]]:
    """Offer exactly `categories`: those no longer offered go, the new ones are
    added (an offering kept keeps its date, its place in the queue of posted
    requests). Returns (added, removed)."""
    wanted = set(categories)
    held = {row.category for row in await of(session)}
    removed = sorted(held - wanted)
    added = sorted(wanted - held)
    if removed:
        await session.execute(delete(ServiceOffering).where(ServiceOffering.category.in_(removed)))
    if added:
        await session.execute(
            insert(ServiceOffering).on_conflict_do_nothing(),
            [{"id": new_id(), "organization_id": organization_id, "category": c} for c in added],
        )
    return added, removed


async def check_provider(session: AsyncSession, organization_id: UUID) -> None:
    """Only a service provider offers categories of work."""
    kind = await session.scalar(select(Organization.type).where(Organization.id == organization_id))
    if kind is not OrganizationType.SERVICE_PROVIDER:
        raise NotAServiceProvider("Only a service-provider organization offers categories of work.")

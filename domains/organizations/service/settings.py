"""What an organization allows (organization_settings): one row, or the defaults."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.organizations.models import OrganizationSettings
from graph.db import new_id


async def agent_mutations_allowed(session: AsyncSession, organization_id: UUID) -> bool:
    allowed = await session.scalar(
        select(OrganizationSettings.agent_mutations_allowed).where(OrganizationSettings.organization_id == organization_id)
    )
    return bool(allowed)


async def _row(session: AsyncSession, organization_id: UUID) -> OrganizationSettings | None:
    return await session.scalar(
        select(OrganizationSettings)
        .where(OrganizationSettings.organization_id == organization_id)
        .execution_options(populate_existing=True)
    )


async def get(session: AsyncSession, organization_id: UUID) -> OrganizationSettings:
    row = await _row(session, organization_id)
    return row or OrganizationSettings(organization_id=organization_id, agent_mutations_allowed=False)


async def set_agent_mutations(session: AsyncSession, organization_id: UUID, allowed: bool, actor: UUID) -> OrganizationSettings:
    statement = insert(OrganizationSettings).values(
        id=new_id(), organization_id=organization_id, agent_mutations_allowed=allowed, updated_by=actor
    )
    statement = statement.on_conflict_do_update(
        index_elements=[OrganizationSettings.organization_id],
        set_={"agent_mutations_allowed": allowed, "updated_by": actor, "updated_at": func.now()},
    )
    await session.execute(statement)
    row = await _row(session, organization_id)
    assert row is not None
    return row

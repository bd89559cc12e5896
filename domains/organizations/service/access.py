"""What the platform asks of organizations: a principal's roles in the active
organization (read from the membership on every request, so removing a member
takes effect at once), and who an API key stands for."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.organizations.models import Membership
from domains.organizations.service import api_keys
from graph import hooks
from graph.auth.principal import RELATIONS, ROLE_GRANTS, Principal, PrincipalKind
from graph.errors import Forbidden


@hooks.principal_roles.provide
async def load_roles(session: AsyncSession, principal: Principal, organization_id: UUID) -> None:
    """Set a user's roles, and the relations other domains registered, from their
    membership in `organization_id`, in one statement (a service account's roles
    come with its key). A role another domain grants from its own rows (a board
    seat) joins the membership's while its condition holds. No membership: FORBIDDEN."""
    if principal.kind is PrincipalKind.SERVICE_ACCOUNT:
        return
    relations = list(RELATIONS.items())
    grants = list(ROLE_GRANTS.items())
    row = (
        await session.execute(
            select(
                Membership.roles,
                *(fn(principal.id).label(name) for name, fn in relations),
                *(fn(principal.id).label(f"grant_{name}") for name, fn in grants),
            ).where(Membership.organization_id == organization_id, Membership.user_id == principal.id)
        )
    ).first()
    if row is None:
        raise Forbidden("You are not a member of the active organization.")
    roles = list(row[0])
    granted = row[1 + len(relations) :]
    roles += [name for (name, _), held in zip(grants, granted, strict=True) if held and name not in roles]
    principal.roles = roles
    principal.relations = {name: [str(v) for v in row[i + 1] or ()] for i, (name, _) in enumerate(relations)}


@hooks.api_key_principal.provide
async def api_key_principal(sessions: async_sessionmaker[AsyncSession], token: str) -> Principal | None:
    if not token.startswith(api_keys.PREFIX):
        return None
    return await api_keys.authenticate(sessions, token)

"""What the platform asks of organizations: a principal's roles in the active
organization (read from the membership on every request, so removing a member
takes effect at once), and who an API key stands for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.organizations.models import Membership
from domains.organizations.service import api_keys
from graph import hooks
from graph.auth.principal import RELATIONS, ROLE_GRANTS, Principal


@hooks.principal_roles.provide
def roles_statement(user_id: Any, organization_id: Any) -> Select[Any]:
    """A user's roles, the relations other domains registered, and whether each
    role another domain grants from its own rows (a board seat) holds, from their
    membership in `organization_id` (a service account's roles come with its key)."""
    return select(
        Membership.roles,
        *(fn(user_id).label(name) for name, fn in RELATIONS.items()),
        *(fn(user_id).label(f"grant_{name}") for name, fn in ROLE_GRANTS.items()),
    ).where(Membership.organization_id == organization_id, Membership.user_id == user_id)


@hooks.api_key_principal.provide
async def api_key_principal(sessions: async_sessionmaker[AsyncSession], token: str) -> Principal | None:
    if not token.startswith(api_keys.PREFIX):
        return None
    return await api_keys.authenticate(sessions, token)

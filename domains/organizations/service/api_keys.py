"""API keys of service accounts: `hsk_<organization><account>_<secret>`.

The key names its organization, so authenticating it is an ordinary RLS-scoped
lookup in that organization; only a SHA-256 of the secret is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.organizations.models import ServiceAccount
from graph.auth.principal import Principal, PrincipalKind
from graph.db import scoped_transaction
from graph.errors import Unauthenticated

PREFIX = "hsk_"


def _b32(value: UUID) -> str:
    return base64.b32encode(value.bytes).decode().rstrip("=").lower()


def _unb32(text: str) -> UUID:
    return UUID(bytes=base64.b32decode(text.upper() + "======"))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_key(organization_id: UUID, account_id: UUID) -> tuple[str, str]:
    """(the key to hand out once, the digest to store)."""
    secret = secrets.token_urlsafe(32)
    return f"{PREFIX}{_b32(organization_id)}{_b32(account_id)}_{secret}", digest(secret)


def parse(key: str) -> tuple[UUID, UUID, str]:
    try:
        body, secret = key[len(PREFIX) :].split("_", 1)
        if len(body) != 52 or not secret:
            raise ValueError
        return _unb32(body[:26]), _unb32(body[26:]), secret
    except ValueError:
        raise Unauthenticated("Malformed API key.", code="TOKEN_INVALID") from None


async def authenticate(sessions: async_sessionmaker[AsyncSession], key: str) -> Principal:
    organization_id, account_id, secret = parse(key)
    async with scoped_transaction(sessions, organization_id, None) as session:
        account = await session.scalar(
            select(ServiceAccount).where(ServiceAccount.id == account_id, ServiceAccount.revoked_at.is_(None))
        )
    if account is None or not hmac.compare_digest(account.key_hash, digest(secret)):
        raise Unauthenticated("Unknown or revoked API key.", code="TOKEN_INVALID")
    return Principal(
        kind=PrincipalKind.SERVICE_ACCOUNT,
        id=account.id,
        active_organization_id=organization_id,
        roles=list(account.roles),
    )

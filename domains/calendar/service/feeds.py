"""Calendar feeds: `hcal_<organization><feed>_<secret>`.

The token names its organization and feed, so finding it is an ordinary
RLS-scoped lookup in that organization (as API keys are); only a SHA-256 of
the secret is stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from domains.calendar.errors import CalendarFeedRevoked
from domains.calendar.models import CalendarFeed
from domains.organizations.models import Membership
from graph.db import scoped_transaction
from graph.pages import Page, page_statement

PREFIX = "hcal_"


def _b32(value: UUID) -> str:
    return base64.b32encode(value.bytes).decode().rstrip("=").lower()


def _unb32(text: str) -> UUID:
    return UUID(bytes=base64.b32decode(text.upper() + "======"))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def path(token: str) -> str:
    return f"/calendar/{token}.ics"


async def create(session: AsyncSession, organization_id: UUID, user_id: UUID, label: str) -> tuple[CalendarFeed, str]:
    """A new feed and its token (to hand out once)."""
    secret = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        organization_id=organization_id, user_id=user_id, label=label, token_hash=digest(secret), token_hint=secret[-6:]
    )
    session.add(feed)
    await session.flush()
    return feed, f"{PREFIX}{_b32(organization_id)}{_b32(feed.id)}_{secret}"


async def revoke(session: AsyncSession, feed: CalendarFeed, by: UUID) -> CalendarFeed:
    if feed.revoked_at is not None:
        raise CalendarFeedRevoked("This calendar feed is already revoked.")
    feed.revoked_at, feed.revoked_by = datetime.now(UTC), by
    await session.flush()
    return feed


async def page(
    session: AsyncSession, user_id: UUID, data: Any, visible: ColumnElement[bool]
) -> tuple[Sequence[CalendarFeed], Page]:
    """The caller's own feeds, newest first."""
    p = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, CalendarFeed.user_id == user_id]
    if not data.include_revoked:
        where.append(CalendarFeed.revoked_at.is_(None))
    return (await session.scalars(page_statement(CalendarFeed, p, where))).all(), p


def parse(token: str) -> tuple[UUID, UUID, str] | None:
    if not token.startswith(PREFIX):
        return None
    try:
        body, secret = token[len(PREFIX) :].split("_", 1)
        if len(body) != 52 or not secret:
            return None
        return _unb32(body[:26]), _unb32(body[26:]), secret
    except ValueError:
        return None


async def authenticate(sessions: async_sessionmaker[AsyncSession], token: str) -> tuple[UUID, list[UUID]] | None:
    """The feed's user and the organizations they belong to today (the feed's
    own first), or None for a forged, unknown or revoked token, or a user no
    longer a member of the feed's organization."""
    parsed = parse(token)
    if parsed is None:
        return None
    organization_id, feed_id, secret = parsed
    async with scoped_transaction(sessions, organization_id, None) as session:
        feed = await session.scalar(select(CalendarFeed).where(CalendarFeed.id == feed_id, CalendarFeed.revoked_at.is_(None)))
    if feed is None or not hmac.compare_digest(feed.token_hash, digest(secret)):
        return None
    # Memberships are visible to their own user: read them in the user's scope alone.
    async with scoped_transaction(sessions, None, feed.user_id) as session:
        organizations = (
            await session.scalars(
                select(Membership.organization_id)
                .where(Membership.user_id == feed.user_id)
                .order_by(Membership.created_at, Membership.organization_id)
            )
        ).all()
    if organization_id not in organizations:
        return None
    return feed.user_id, [organization_id, *(o for o in organizations if o != organization_id)]

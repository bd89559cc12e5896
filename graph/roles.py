"""Membership roles kept between requests, until the organization changes.

Every request needs its caller's roles and relations in the active organization
(`hooks.principal_roles`). Read in the scope's own statement they cost no round
trip, but they cost Postgres the most of that statement: several joins under RLS,
0.3–1 ms of a small query's database time. So a process keeps each (user,
organization)'s row for up to a minute under the organization's roles version, a
counter in Redis that the request reads with its session in the same round trip
(graph/http.admit) and that every mutation the organization commits bumps after
its commit (graph/runner.py). Any mutation, not only memberships: relations
(owner_of, resident_of, committee seats…) follow ownerships, residents and seats
in several domains.

Why it is safe: a request reads the version before it reads roles from the
database, so a row is never older than the version it is kept under; a change
bumps the version after it commits, so no request admitted after the bump uses a
row read before the change.

Not kept: a non-member's answer (refused; joining takes effect at once), a
service account's roles (they come with its key), and nothing a mutation checks
(its claim's transaction reads them fresh). The minute bounds what a crash
between a commit and its bump (the workflow bumps again when DBOS recovers it) or
a Redis restart (versions start over) could leave; the date is in the key, so
roles granted for a term (a board seat) end with their day.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from redis.exceptions import RedisError

from graph.clock import today
from graph.lru import LRU

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

TTL_SECONDS = 60.0
_KEPT: LRU[tuple[UUID, UUID], tuple[Any, date, float, Any]] = LRU(10_000)


def version_prefix(redis_prefix: str) -> str:
    """Where an organization's roles version lives: this prefix + its id."""
    return f"{redis_prefix}:roles-version:"


def kept(user_id: UUID, organization_id: UUID, version: Any) -> Any:
    """The roles row kept for this user and organization under `version`, if any."""
    if version is None:
        return None
    hit = _KEPT.get((user_id, organization_id))
    if hit is None or hit[0] != version or hit[1] != today() or hit[2] < time.monotonic():
        return None
    return hit[3]


def keep(user_id: UUID, organization_id: UUID, version: Any, row: Any) -> None:
    if version is not None and row is not None and row[0] is not None:
        _KEPT.put((user_id, organization_id), (version, today(), time.monotonic() + TTL_SECONDS, row))


async def changed(redis: Redis, redis_prefix: str, organization_id: UUID) -> None:
    """The organization committed a change: no kept row of it is used from now on.
    With Redis away no request is admitted either; the minute bounds what is kept."""
    try:
        await redis.incr(version_prefix(redis_prefix) + str(organization_id))
    except (RedisError, OSError, TimeoutError) as exc:
        log.warning("roles version of %s not bumped: %r", organization_id, exc)

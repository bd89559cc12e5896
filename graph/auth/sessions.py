"""Server-side sessions in Redis, with rotating refresh tokens (RFC 9700).

A refresh token is `rt_<session id>.<secret>`; Redis keeps only the SHA-256 of
the current secret and of every secret already rotated away. Presenting a
rotated-away secret means two parties hold the token, so the session dies.

Any Redis failure becomes `ServiceUnavailable`: without the store nobody is
authenticated (fail closed), and the client gets a 503 it may retry, not a 500.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

import redis.exceptions
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.typing import EncodableT, FieldT

from graph.auth.principal import PrincipalKind
from graph.errors import ErrorCode, ServiceUnavailable, Unauthenticated

logger = logging.getLogger(__name__)

REFRESH_TOKEN_PREFIX = "rt_"
# secrets.token_urlsafe(18) is always 24 URL-safe characters. Checking the shape
# keeps a forged token from addressing some other key (e.g. "<sid>:used").
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{24}")

_ROTATE = """
local current = redis.call('HGET', KEYS[1], 'rt')
if not current then
  return {'revoked'}
end
if current == ARGV[1] then
  redis.call('HSET', KEYS[1], 'rt', ARGV[2])
  redis.call('SADD', KEYS[2], ARGV[1])
  for _, key in ipairs(KEYS) do
    redis.call('EXPIRE', key, ARGV[3])
  end
  return {'rotated', redis.call('HGETALL', KEYS[1])}
end
if redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1 then
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('SREM', KEYS[3], ARGV[4])
  return {'reused'}
end
return {'invalid'}
"""

# HSET on a missing key would create it: a revoked session must stay revoked.
_SET_ORGANIZATION = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('HSET', KEYS[1], 'org', ARGV[1])
return 1
"""


@dataclass(frozen=True, slots=True)
class Session:
    id: str
    user_id: UUID
    principal_kind: PrincipalKind
    active_organization_id: UUID | None
    created_at: datetime


class SessionStore:
    def __init__(self, redis: Redis, prefix: str, refresh_ttl_seconds: int) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = refresh_ttl_seconds
        self._rotate = redis.register_script(_ROTATE)
        self._set_organization = redis.register_script(_SET_ORGANIZATION)

    async def create(self, user_id: UUID, principal_kind: str) -> tuple[Session, str]:
        session = Session(
            id=secrets.token_urlsafe(18),
            user_id=user_id,
            principal_kind=PrincipalKind(principal_kind),
            active_organization_id=None,
            created_at=datetime.now(UTC),
        )
        secret = secrets.token_urlsafe(32)
        fields: dict[FieldT, EncodableT] = {
            "user_id": str(user_id),
            "pk": session.principal_kind.value,
            "org": "",
            "created_at": session.created_at.isoformat(),
            "rt": _digest(secret),
        }
        user_key = self._user_key(user_id)
        async with _store_errors(), self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(self._session_key(session.id), mapping=fields)
            pipe.expire(self._session_key(session.id), self._ttl)
            pipe.sadd(user_key, session.id)
            # The index lives as long as its newest session, so it can't
            # outlive all of them even when none is ever revoked.
            pipe.expire(user_key, self._ttl)
            await pipe.execute()
        return session, _refresh_token(session.id, secret)

    async def get(self, session_id: str) -> Session | None:
        key = self.key(session_id)
        if key is None:
            return None
        async with _store_errors():
            fields = await self._redis.hgetall(key)
        return _session(session_id, fields) if fields else None

    def key(self, session_id: str) -> str | None:
        """The session's hash, for a caller reading it in its own script (the rate
        limiter's); None for an id no session could have."""
        return self._session_key(session_id) if _SESSION_ID.fullmatch(session_id) else None

    @staticmethod
    def parse(session_id: str, flat: list[bytes | str]) -> Session | None:
        """A session from its hash's fields as a script returns them (flat)."""
        return _session(session_id, _pairs(flat)) if flat else None

    async def set_active_organization(self, session_id: str, org_id: UUID | None) -> None:
        """Switch the session's organization; `SESSION_REVOKED` if the session is gone."""
        async with _store_errors():
            found = await self._set_organization(
                keys=[self._session_key(session_id)],
                args=["" if org_id is None else str(org_id)],
            )
        if not found:
            raise _revoked()

    async def rotate(self, refresh_token: str) -> tuple[Session, str]:
        """Exchange a refresh token for a new one; replaying an old one kills the session."""
        session_id, secret = _parse_refresh_token(refresh_token)
        new_secret = secrets.token_urlsafe(32)
        session_key = self._session_key(session_id)
        async with _store_errors():
            # The user index is named by the session's user, so it is read first
            # (a user id never changes) and the script then touches only the
            # keys it is given: the expiry of the index and the removal on
            # reuse happen atomically with the rotation itself.
            user_id = await self._redis.hget(session_key, "user_id")
            if user_id is None:
                raise _revoked()
            outcome, *rest = await self._rotate(
                keys=[
                    session_key,
                    self._used_key(session_id),
                    self._user_key(_text(user_id)),
                ],
                args=[_digest(secret), _digest(new_secret), self._ttl, session_id],
            )
        match _text(outcome):
            case "rotated":
                session = _session(session_id, _pairs(rest[0]))
                return session, _refresh_token(session_id, new_secret)
            case "reused":
                raise Unauthenticated(
                    "Refresh token was already used; the session has been revoked",
                    code=ErrorCode.REFRESH_TOKEN_REUSED,
                )
            case "revoked":
                raise _revoked()
            case _:
                raise _invalid_refresh_token()

    async def revoke(self, session_id: str) -> None:
        async with _store_errors():
            user_id = await self._redis.hget(self._session_key(session_id), "user_id")
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.delete(self._session_key(session_id), self._used_key(session_id))
                if user_id is not None:
                    pipe.srem(self._user_key(_text(user_id)), session_id)
                await pipe.execute()

    async def revoke_all_for_user(self, user_id: UUID) -> int:
        """Revoke every session of the user; returns how many were listed."""
        user_key = self._user_key(user_id)

        async def revoke_listed(pipe: Pipeline) -> int:
            session_ids = [_text(sid) for sid in await pipe.smembers(user_key)]
            pipe.multi()
            for sid in session_ids:
                pipe.delete(self._session_key(sid), self._used_key(sid))
            pipe.delete(user_key)
            return len(session_ids)

        # WATCH on the index: a session created meanwhile retries the whole
        # transaction instead of surviving with its index entry deleted.
        async with _store_errors():
            revoked: int = await self._redis.transaction(revoke_listed, user_key, value_from_callable=True)
        return revoked

    def _session_key(self, session_id: str) -> str:
        return f"{self._prefix}:sess:{session_id}"

    def _used_key(self, session_id: str) -> str:
        return f"{self._prefix}:sess:{session_id}:used"

    def _user_key(self, user_id: UUID | str) -> str:
        return f"{self._prefix}:user-sessions:{user_id}"


@asynccontextmanager
async def _store_errors() -> AsyncIterator[None]:
    try:
        yield
    except (redis.exceptions.RedisError, ConnectionError, TimeoutError) as exc:
        logger.warning("Session store call failed: %r", exc)
        raise ServiceUnavailable("Session store unavailable; try again") from exc


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _refresh_token(session_id: str, secret: str) -> str:
    return f"{REFRESH_TOKEN_PREFIX}{session_id}.{secret}"


def _parse_refresh_token(token: str) -> tuple[str, str]:
    session_id, dot, secret = token.removeprefix(REFRESH_TOKEN_PREFIX).partition(".")
    if not token.startswith(REFRESH_TOKEN_PREFIX) or not dot or not secret or not _SESSION_ID.fullmatch(session_id):
        raise _invalid_refresh_token()
    return session_id, secret


def _session(session_id: str, raw: Mapping[bytes | str, bytes | str]) -> Session:
    fields = {_text(k): _text(v) for k, v in raw.items()}
    return Session(
        id=session_id,
        user_id=UUID(fields["user_id"]),
        principal_kind=PrincipalKind(fields["pk"]),
        active_organization_id=UUID(fields["org"]) if fields["org"] else None,
        created_at=datetime.fromisoformat(fields["created_at"]),
    )


def _pairs(flat: list[bytes | str]) -> dict[bytes | str, bytes | str]:
    # Lua returns HGETALL as a flat [field, value, ...] list.
    return dict(zip(flat[::2], flat[1::2], strict=True))


def _text(value: bytes | str) -> str:
    # The store works with clients made with or without decode_responses.
    return value.decode() if isinstance(value, bytes) else value


def _revoked() -> Unauthenticated:
    return Unauthenticated("Session has been revoked", code=ErrorCode.SESSION_REVOKED)


def _invalid_refresh_token() -> Unauthenticated:
    return Unauthenticated("Refresh token is invalid", code=ErrorCode.TOKEN_INVALID)

"""Password hashing with argon2id.

Hashing is CPU- and memory-bound, so it runs in a worker thread (the event loop
keeps serving) behind a semaphore: each hash holds `MEMORY_COST_KIB` of RAM, and
an unbounded burst of logins could otherwise exhaust the machine's memory.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from graph.errors import ValidationFailed
from graph.settings import get_settings

logger = logging.getLogger(__name__)

# OWASP Password Storage Cheat Sheet minimum for argon2id: 19 MiB, 2 passes, 1 lane.
MEMORY_COST_KIB = 19456
TIME_COST = 2
PARALLELISM = 1

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 256

_hasher = PasswordHasher(
    time_cost=TIME_COST,
    memory_cost=MEMORY_COST_KIB,
    parallelism=PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)

# Computed at import rather than on first use, so the first unknown-email login
# doesn't take twice as long as the others (which would itself be an oracle).
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(32))


@cache
def _hash_slots() -> asyncio.Semaphore:
    # Created lazily so importing this module neither reads settings nor needs a loop.
    return asyncio.Semaphore(get_settings().max_concurrent_password_hashes)


def check_password_policy(password: str) -> None:
    """Raise `ValidationFailed` unless the password is 10–256 characters long."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Password must be between {MIN_PASSWORD_LENGTH} and {MAX_PASSWORD_LENGTH} characters",
            field=["password"],
        )


async def hash_password(password: str) -> str:
    """Check the policy, then return the encoded argon2id hash."""
    check_password_policy(password)
    async with _hash_slots():
        return await asyncio.to_thread(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches `password_hash`."""
    async with _hash_slots():
        return await asyncio.to_thread(_verify, password_hash, password)


async def verify_dummy(password: str) -> None:
    """Spend as long as a real verification, for logins whose user doesn't exist."""
    await verify_password(_DUMMY_HASH, password)


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except InvalidHashError:
        # A corrupt stored hash must deny the login, not turn it into a 500.
        logger.warning("Stored password hash is malformed")
        return False
    except VerificationError:
        return False

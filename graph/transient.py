"""Transient database failures: which errors are worth another try, and the loop
that gives it.

A failover, a minor-version restart or a connection storm makes Postgres refuse
for a moment. A transaction that failed that way rolled back whole, so running it
again is safe; answering with a 500 is not, since a durable operation would keep
that failure as the key's outcome. Everything else (a constraint, a bug) is not
transient and is raised at once.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
from sqlalchemy import exc as sa_exc

from graph.db import libpq_url
from graph.errors import ServiceUnavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATE classes and codes after which the same transaction may simply run again:
# connection exceptions, insufficient resources (too many connections), operator
# intervention (admin/crash shutdown, cannot connect now), and the rollbacks
# Postgres asks the client to retry (serialization failure, deadlock).
_CLASSES = ("08", "53")
_CODES = {"57P01", "57P02", "57P03", "40001", "40P01", "25P03"}


# Work (by workflow id) whose database has been failing since the monotonic time
# given; a request waiting on it reads this to answer 503 early (`failing_for`).
_failing_since: dict[str, float] = {}


class DatabaseUnavailable(Exception):
    """The database kept failing transiently for longer than the retry budget.

    Not an AppError on purpose: it must never be stored as an idempotency key's
    outcome. Transports answer it with 503 SERVICE_UNAVAILABLE."""


def _sqlstate(error: BaseException | None) -> str | None:
    while error is not None:
        code = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
        if isinstance(code, str):
            return code
        error = error.__cause__
    return None


def _retryable(code: str) -> bool:
    return code in _CODES or code.startswith(_CLASSES)


def is_transient(error: BaseException) -> bool:
    """True for a failure that says nothing about the request: running it again
    once the database answers normally is correct."""
    if isinstance(error, DatabaseUnavailable | ConnectionError | sa_exc.TimeoutError):
        return True  # TimeoutError: no pooled connection free in time
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        code = _sqlstate(error.orig)
        if code is not None:
            return _retryable(code)
        # asyncpg reports a connection lost mid-statement without a SQLSTATE.
        return isinstance(error, sa_exc.InterfaceError | sa_exc.OperationalError)
    return isinstance(error, OSError)  # refused or reset while connecting


def database_unavailable() -> ServiceUnavailable:
    """What a client is told while the database can't be reached. A change may
    still be under way: retried with its idempotency key it completes exactly once."""
    return ServiceUnavailable(
        "The database is briefly unavailable. Retry shortly; a change retried with "
        "the same idempotency key is applied exactly once.",
        headers={"Retry-After": "1"},
    )


def failing_for(key: str) -> float:
    """Seconds the work named `key` has been retrying a failing database (0 if not)."""
    since = _failing_since.get(key)
    return 0.0 if since is None else time.monotonic() - since


async def retry_transient(attempt: Callable[[], Awaitable[T]], *, budget: float, key: str) -> T:
    """Run `attempt` until it succeeds, retrying transient database failures with
    exponential backoff (50 ms doubling to 2 s) for up to `budget` seconds; then
    raise DatabaseUnavailable. `attempt` must be one whole transaction; `key`
    names the work for logs and `failing_for`."""
    deadline = time.monotonic() + budget
    delay = 0.05
    try:
        while True:
            try:
                return await attempt()
            except Exception as error:
                if not is_transient(error):
                    raise
                if time.monotonic() + delay > deadline:
                    raise DatabaseUnavailable(f"the database stayed unavailable for {budget:.0f}s") from error
                _failing_since.setdefault(key, time.monotonic())
                log.warning("%s: transient database failure, retrying in %.2fs: %s", key, delay, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
    finally:
        _failing_since.pop(key, None)


class Reachability:
    """Whether a database accepts connections now: one connection attempt at most
    every `every` seconds, shared by every caller asking meanwhile.

    DBOS retries its own system-database calls (starting a workflow, recording a
    step, reading a result) until they succeed, with no deadline. A request
    waiting on one of those learns of an outage only by asking."""

    def __init__(self, url: str, *, every: float = 0.5, timeout: float = 1.0) -> None:
        self._dsn = libpq_url(url)
        self._every = every
        self._timeout = timeout
        self._asked = -math.inf
        self._answer: asyncio.Future[bool] | None = None

    async def __call__(self) -> bool:
        now = time.monotonic()
        if self._answer is None or now - self._asked >= self._every:
            self._asked = now
            self._answer = asyncio.ensure_future(self._connect())
        return await asyncio.shield(self._answer)

    async def _connect(self) -> bool:
        try:
            connection = await asyncpg.connect(self._dsn, timeout=self._timeout)
        except (OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.PostgresError) as error:
            # Refused, timed out, shutting down, too many connections: unavailable.
            # Anything else (a wrong password) is a misconfiguration to surface.
            code = getattr(error, "sqlstate", None)
            if code is None or _retryable(code):
                return False
            raise
        await connection.close()
        return True

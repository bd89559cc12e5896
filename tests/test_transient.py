"""Which database failures `graph.transient` retries: those after which the same
transaction may run again, and nothing that says something about the request."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import exc as sa_exc

from graph import runner
from graph.errors import ServiceUnavailable
from graph.transient import DatabaseUnavailable, Reachability, is_transient, retry_transient
from tests.live import free_port


class _DriverError(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def _dbapi(sqlstate: str | None, cls: type[sa_exc.DBAPIError] = sa_exc.DBAPIError) -> sa_exc.DBAPIError:
    return cls("SELECT 1", {}, _DriverError(sqlstate))


@pytest.mark.parametrize(
    ("sqlstate", "transient"),
    [
        ("57P01", True),  # admin shutdown: "terminating connection due to administrator command"
        ("57P03", True),  # cannot connect now: "the database system is shutting down"
        ("08006", True),  # connection failure
        ("53300", True),  # too many connections
        ("40001", True),  # serialization failure
        ("40P01", True),  # deadlock detected
        ("23505", False),  # unique violation: about the request
        ("23503", False),  # foreign key violation
        ("HA001", False),  # the books don't balance (our own trigger)
        ("57014", False),  # query canceled (a statement timeout): running it again would undo it
        ("42501", False),  # insufficient privilege
    ],
)
def test_sqlstates(sqlstate: str, transient: bool) -> None:
    assert is_transient(_dbapi(sqlstate)) is transient


def test_connection_level_failures_are_transient() -> None:
    assert is_transient(ConnectionRefusedError())
    assert is_transient(sa_exc.TimeoutError())  # no pooled connection in time
    assert is_transient(_dbapi(None, sa_exc.InterfaceError))  # connection lost mid-statement
    invalidated = _dbapi(None)
    invalidated.connection_invalidated = True
    assert is_transient(invalidated)
    assert not is_transient(_dbapi(None, sa_exc.ProgrammingError))
    assert not is_transient(RuntimeError("a bug"))


async def test_retry_gives_up_after_its_budget_and_never_retries_a_refusal() -> None:
    attempts = 0

    async def always_down() -> None:
        nonlocal attempts
        attempts += 1
        raise ConnectionRefusedError()

    with pytest.raises(DatabaseUnavailable):
        await retry_transient(always_down, budget=0.3, key="t")
    assert attempts >= 3

    attempts = 0

    async def refused() -> None:
        nonlocal attempts
        attempts += 1
        raise _dbapi("23505", sa_exc.IntegrityError)

    with pytest.raises(sa_exc.IntegrityError):
        await retry_transient(refused, budget=5, key="t")
    assert attempts == 1


def _waiting_platform(system_database: Reachability) -> Any:
    return SimpleNamespace(settings=SimpleNamespace(database_unavailable_after_seconds=0.3), system_database=system_database)


async def test_a_request_held_by_dbos_retrying_its_system_database_is_told_503(platform: Any) -> None:
    """DBOS retries a failing system-database call (starting the workflow, say)
    without a deadline; the request waiting on it asks whether that database
    answers, and tells its client 503 when it does not, leaving the start to
    finish on its own."""
    held = asyncio.get_running_loop().create_future()  # a start DBOS is still retrying
    closed = Reachability(f"postgresql+psycopg://hestami@127.0.0.1:{free_port()}/hestami")
    with pytest.raises(ServiceUnavailable) as told:
        await runner._await_result(_waiting_platform(closed), held, "a-workflow")
    assert told.value.headers == {"Retry-After": "1"}
    assert not held.cancelled()

    # Slow, with the database answering: the wait goes on.
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(runner._await_result(_waiting_platform(platform.system_database), held, "a-workflow"), 1.0)
    assert not held.cancelled()
    held.cancel()

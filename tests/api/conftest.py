"""Fixtures for the API tests that need the real server process."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import live


@pytest.fixture(scope="session")
def live_server(database: str, platform) -> Iterator[str]:
    """Base URL of one `hestami serve` subprocess shared by the session.

    Depends on `platform` so the in-process DBOS is launched first: tests read
    workflow status from the shared system database."""
    with live.live_server() as server:
        yield server.url

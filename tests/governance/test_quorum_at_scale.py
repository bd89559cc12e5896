"""A 2,000-unit annual meeting: a check-in keeps the quorum as a running tally,
so the 2,000th arrival costs the statements the first one did."""

from __future__ import annotations

import asyncio
import time
import uuid
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from dbos import DBOS
from sqlalchemy import event

from graph.db import libpq_url
from graph.ids import decode, encode
from tests.associations import community
from tests.governance.meetings import schedule

UNITS = 2000


def raw(public_id: str) -> uuid.UUID:
    return decode(public_id)[1]


async def _owned_units(api, owner, c) -> None:
    """Each unit's owner, written straight into the database (the API would take minutes for 2,000)."""
    org = raw(c.org)
    parties = [uuid.uuid4() for _ in c.units]
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.org_id', $1, true)", str(org))
        await owner.executemany(
            "INSERT INTO parties (id, organization_id, kind, name, delivery_preference) VALUES ($1, $2, 'person', $3, 'postal')",
            [(p, org, f"Owner {i + 1}") for i, p in enumerate(parties)],
        )
        await owner.executemany(
            "INSERT INTO ownerships (id, organization_id, unit_id, party_id, interest, starts_on, is_primary) "
            "VALUES ($1, $2, $3, $4, 1, '2020-01-01', true)",
            [(uuid.uuid4(), org, raw(u), p) for u, p in zip(c.units, parties, strict=True)],
        )
    c.parties = [encode("pty", p) for p in parties]


async def _present_already(owner, c, meeting: str, units: range) -> None:
    """Units `units` checked in as a check-in would leave them: attendance, presence, the meeting's tally."""
    org, association, mid = raw(c.org), raw(c.association), raw(meeting)
    rows = [(raw(c.units[i]), raw(c.parties[i]), f"Owner {i + 1}") for i in units]
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.org_id', $1, true)", str(org))
        await owner.executemany(
            "INSERT INTO meeting_attendance (id, organization_id, association_id, meeting_id, voter_id, unit_id, party_id, "
            "attendee_name, weight, checked_in_by) VALUES (gen_random_uuid(), $1, $2, $3, $4, $4, $5, $6, 0.0005, $5)",
            [(org, association, mid, unit, party, name) for unit, party, name in rows],
        )
        await owner.executemany(
            "INSERT INTO meeting_presence (id, organization_id, association_id, meeting_id, voter_id, weight, attendees) "
            "VALUES (gen_random_uuid(), $1, $2, $3, $4, 0.0005, 1)",
            [(org, association, mid, unit) for unit, _, _ in rows],
        )
        await owner.execute(
            "UPDATE meetings SET present_weight = present_weight + $2, present_voters = present_voters + $3 WHERE id = $1",
            mid,
            Decimal("0.0005") * len(rows),
            len(rows),
        )


async def _workflow_ended(workflow_id: str, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while (status := await DBOS.get_workflow_status_async(workflow_id)) is None or status.status != "SUCCESS":
        assert asyncio.get_running_loop().time() < deadline, status
        await asyncio.sleep(0.05)


_MEASURED: ContextVar[bool] = ContextVar("measured_check_in", default=False)


@pytest.fixture
def every_statement(platform):
    """Every statement the application engine sends for the measured call, its
    workflow's steps included (they run in tasks that copy the caller's context);
    not those of the notice's 2,000 deliveries or of timers that earlier tests left,
    which may wake at any moment. The `statements` fixture counts the request's read
    transaction only."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if _MEASURED.get():
            seen.append(statement)

    event.listen(platform.engine.sync_engine, "before_cursor_execute", record)
    yield seen
    event.remove(platform.engine.sync_engine, "before_cursor_execute", record)


async def test_the_2000th_check_in_costs_what_the_first_did(api, settings, every_statement) -> None:
    statements = every_statement
    admin, org = await api.admin_of_new_org()
    association = (await api.call("association/v1/create", community.ASSOCIATION | {"code": "BIG"}, admin))["id"]
    rows = [community.unit_fields(str(i + 1), "0.0005") for i in range(UNITS)]
    units = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
    c = community.Community(admin, org, association, units)
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        await _owned_units(api, owner, c)
        m = await schedule(api, c)
        assert (m["quorumTotal"], m["quorumRequired"]) == ("1.00000000", "0.25000000")
        assert (await api.call("meeting/v1/sendNotice", {"id": m["id"]}, admin))["recipients"] == UNITS
        await api.call("meeting/v1/open", {"id": m["id"]}, admin)
        # Once open, the meeting's workflow reads it one last time and ends: not part of a check-in.
        await _workflow_ended(m["workflowId"])

        async def arrive(i: int) -> tuple[int, float, dict[str, Any]]:
            body = {"id": m["id"], "unitId": c.units[i], "partyId": c.parties[i]}
            statements.clear()
            started = time.perf_counter()
            measured = _MEASURED.set(True)
            try:
                result = await api.call("meeting/v1/checkIn", body, admin)
            finally:
                _MEASURED.reset(measured)
            return len(statements), time.perf_counter() - started, result

        first, first_seconds, r = await arrive(0)
        assert (r["counted"], r["quorum"]["presentVoters"], r["quorum"]["present"]) == (True, 1, False)
        await _present_already(owner, c, m["id"], range(1, UNITS - 1))
        last, last_seconds, r = await arrive(UNITS - 1)
        assert (r["quorum"]["presentVoters"], r["quorum"]["presentWeight"], r["quorum"]["present"]) == (UNITS, "1.00000000", True)
        print(f"check-in: {first} statements, {first_seconds * 1000:.1f} ms first; {last}, {last_seconds * 1000:.1f} ms 2,000th")
        assert first == last and first > 5  # the whole check-in: claim, step, audit row, stored response
    finally:
        await owner.close()

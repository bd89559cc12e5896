"""A 500-unit election whose server is SIGKILLed in the middle of the count,
recovered by DBOS, certifies the same result, counted once.

The election is called through a real server process (tests/live.py) with its
own DBOS executor id, so its workflow runs there: it closes nominations and,
when the window ends, the ballot box. The 500 ballots are put in the box as a
vote leaves them (a who-voted row and the sealed ballot, written straight into
the database: the API would take minutes for 500). The inspector asks that
server for the count; the test holds a lock on the candidates, so the count's
step blocks on writing the results, and the server is killed there. DBOS's
recovery (in the test process, as tests/api/test_crash_recovery.py does it)
replays the workflow: it counts again, in one transaction, and the results are
those the ballots give — each candidate's once, one audit row for the count —
and they certify.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest
from dbos import DBOS

from domains.governance.service.elections import sealed_ballot
from graph.db import libpq_url
from graph.ids import decode
from graph.telemetry import set_scope
from tests import live
from tests.api.test_crash_recovery import _status, _until, _wf_done
from tests.associations import community
from tests.governance.board import day
from tests.governance.elections import inspector, soon
from tests.governance.test_quorum_at_scale import _owned_units

pytestmark = pytest.mark.slow

UNITS = 500
WEIGHT = Decimal("0.00200000")


def raw(public_id: str) -> uuid.UUID:
    return decode(public_id)[1]


# Ballots by unit, in turn: the candidates marked (by position), some blank.
MARKS = [(0, 2), (1,), (2,), (0,), (0, 2), (2,), ()]


def _marks(i: int, candidates: list[str]) -> dict[str, int]:
    return {str(raw(candidates[k])): 1 for k in MARKS[i % len(MARKS)]}


async def _cast_all(owner: asyncpg.Connection, platform: Any, c: Any, election: str, candidates: list[str]) -> Counter[str]:
    """Every unit's vote as `election/v1/vote` leaves it; answers the expected count per candidate id."""
    org, association, eid = raw(c.org), raw(c.association), raw(election)
    expected: Counter[str] = Counter()
    voters, box = [], []
    for i, (unit, party) in enumerate(zip(c.units, c.parties, strict=True)):
        marks = _marks(i, candidates)
        for candidate in marks:
            expected[candidate] += 1
        voters.append((uuid.uuid4(), org, association, eid, raw(unit), raw(party), WEIGHT, raw(c.admin.user_id)))
        box.append((uuid.uuid4(), org, association, eid, sealed_ballot(platform.sealer, WEIGHT, marks)))
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.org_id', $1, true)", str(org))
        await owner.executemany(
            "INSERT INTO election_voters (id, organization_id, association_id, election_id, unit_id, party_id, weight, cast_by) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            voters,
        )
        await owner.executemany(
            "INSERT INTO election_ballot_box (id, organization_id, association_id, election_id, sealed) "
            "VALUES ($1, $2, $3, $4, $5)",
            box,
        )
        await owner.execute(
            "UPDATE elections SET ballots_cast = $2, weight_cast = $3 WHERE id = $1", eid, len(voters), WEIGHT * len(voters)
        )
    return expected


async def test_a_500_unit_election_killed_during_the_count_certifies_the_same_result(api, settings, platform) -> None:
    admin, org = await api.admin_of_new_org()
    association = (await api.call("association/v1/create", community.ASSOCIATION | {"code": "ELECT"}, admin))["id"]
    rows = [community.unit_fields(str(i + 1), str(WEIGHT)) for i in range(UNITS)]
    units = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
    c = community.Community(admin, org, association, units)
    owner = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    await _owned_units(api, owner, c)
    board = {"associationId": association, "kind": "board", "name": "Board of Directors", "seatCount": 5}
    c.board = (await api.call("governingBody/v1/create", board, admin))["id"]
    the_inspector = await inspector(api, c)

    executor = f"election-crash-{uuid.uuid4().hex[:8]}"
    server = await asyncio.to_thread(live.start_server, executor_id=executor)
    blocker = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:

            async def remote(name: str, body: dict[str, Any], caller: Any) -> Any:
                r = await client.post(
                    f"/api/v1/rpc/{name}", json=body, headers=caller.headers | {"Idempotency-Key": uuid.uuid4().hex}
                )
                assert r.status_code == 200, r.text
                return r.json()

            e = await remote(
                "election/v1/call",
                {
                    "associationId": association,
                    "bodyId": c.board,
                    "title": "2027 Board Election",
                    "seatsToFill": 2,
                    "termStartsOn": day(0),
                    "termEndsOn": day(730),
                    "nominationsCloseAt": soon(4),
                    "votingClosesAt": soon(12),
                    "inspectorPartyId": c.inspector_party,
                },
                admin,
            )
            candidates = [
                (await api.call("election/v1/nominate", {"id": e["id"], "partyId": party}, admin))["id"]
                for party in c.parties[:3]
            ]

            async def status_is(status: str) -> bool:
                return (await api.call("election/v1/get", {"id": e["id"]}, admin))["status"] == status

            await _until(lambda: status_is("voting"), 60, "voting to open", 0.2)
            expected = await _cast_all(owner, platform, c, e["id"], candidates)
            await _until(lambda: status_is("closed"), 60, "the box to close", 0.2)

            # Hold the candidates: the count's results wait on them.
            holding = blocker.transaction()
            await holding.start()
            await blocker.execute("SELECT set_config('app.org_id', $1, true)", str(raw(org)))
            await blocker.execute("SELECT id FROM election_candidates WHERE election_id = $1 FOR UPDATE", raw(e["id"]))
            await remote("election/v1/tally", {"id": e["id"]}, the_inspector)

            async def counting_blocked() -> bool:
                waits = await owner.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted "
                    "AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
                )
                return waits > 0

            try:
                await _until(counting_blocked, 60, "the count to block on the candidates", 0.1)
            except AssertionError as timed_out:
                raise AssertionError(f"{timed_out}; the server's log:\n{server.log()}") from None
            server.kill()
            await holding.rollback()
    finally:
        server.kill()
        server.cleanup()
        await blocker.close()

    async def backend_gone() -> bool:
        return not await owner.fetchval(
            "SELECT count(*) FROM pg_locks WHERE NOT granted "
            "AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())"
        )

    await _until(backend_gone, 10, "the killed server's transaction to end")
    eid = raw(e["id"])
    assert await owner.fetchval("SELECT status::text FROM elections WHERE id = $1", eid) == "tallying"
    assert await owner.fetchval("SELECT count(*) FROM election_results WHERE election_id = $1", eid) == 0
    workflow_id = e["workflowId"]
    assert await _status(workflow_id) == "PENDING"

    # Recovered with no request around it, the ambient scope pointing elsewhere.
    set_scope(uuid.uuid4(), None)
    try:
        handles = await asyncio.to_thread(DBOS._recover_pending_workflows, [executor])
        assert workflow_id in [h.get_workflow_id() for h in handles]
    finally:
        set_scope(None, None)

    async def tallied() -> bool:
        return await owner.fetchval("SELECT status::text FROM elections WHERE id = $1", eid) == "tallied"

    await _until(tallied, 60, "the recovered count", 0.1)
    counted = await api.call("election/v1/results", {"id": e["id"]}, the_inspector)
    assert {r["candidateId"]: Decimal(r["votes"]) for r in counted["results"]} == {
        str(candidate): WEIGHT * expected[str(raw(candidate))] for candidate in candidates
    }
    assert len(counted["results"]) == 3
    assert (
        await owner.fetchval(
            "SELECT count(*) FROM audit_events WHERE operation = 'election/tallied' AND $1 = ANY(target_ids)", e["id"]
        )
        == 1
    )
    assert await owner.fetchval("SELECT count(*) FROM election_ballots WHERE election_id = $1", eid) > UNITS
    recount = await api.call("election/v1/recount", {"id": e["id"]}, the_inspector)
    assert recount["matches"] and recount["weightCounted"] == str(WEIGHT * UNITS)

    certified = await api.call("election/v1/certify", {"id": e["id"]}, the_inspector)
    assert certified["status"] == "certified"
    winners = [r for r in (await api.call("election/v1/results", {"id": e["id"]}, admin))["results"] if r["elected"]]
    assert len(winners) == 2 and all(w["seatId"] for w in winners)
    await _until(lambda: _wf_done(workflow_id), 30, "the election's workflow to end", 0.1)
    await owner.close()

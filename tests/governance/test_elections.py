"""Elections: nominations, secret weighted ballots (plurality and cumulative,
owners and proxy holders, one per unit), the inspector's count and
certification filling the board's seats, and the secrecy itself: nothing an
admin or the application's database role can read links a ballot to a voter."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
from dbos import DBOS

from graph.db import libpq_url
from graph.ids import decode, encode
from tests.governance.board import error, with_board
from tests.governance.elections import call, inspector, logins, soon, wait_status
from tests.governance.meetings import schedule

# Each unit's voting weight: none a power of two of the weight's smallest step.
WEIGHTS = ["0.30000000", "0.25000000", "0.20000000", "0.15000000", "0.10000000"]


def raw(public_id: str) -> uuid.UUID:
    return decode(public_id)[1]


@pytest.fixture
async def owner(settings) -> Any:
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    yield conn
    await conn.close()


@pytest.fixture
async def app_role(settings) -> Any:
    """The application's own database role, as any code of the app (or anyone with its password) could use it."""
    conn = await asyncpg.connect(libpq_url(settings.app_url()))
    yield conn
    await conn.close()


async def _weigh(owner: asyncpg.Connection, c: Any) -> None:
    org = raw(c.org)
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.org_id', $1, true)", str(org))
        for unit, weight in zip(c.units, WEIGHTS, strict=False):
            await owner.execute("UPDATE units SET voting_weight = $2 WHERE id = $1", raw(unit), Decimal(weight))


async def _community(api, owner, units: int = 5) -> Any:
    c = await with_board(api, units=units, seats=3)
    await _weigh(owner, c)
    c.voters = await logins(api, c, units)
    c.inspector = await inspector(api, c)
    return c


async def _nominated(api, c, count: int = 3, **more: Any) -> tuple[dict[str, Any], list[str]]:
    e = await call(api, c, **more)
    candidates = [
        (await api.call("election/v1/nominate", {"id": e["id"], "partyId": party}, c.admin))["id"] for party in c.parties[:count]
    ]
    await wait_status(api, c, e["id"], "voting")
    return e, candidates


async def _vote(api, c, e: dict[str, Any], unit: int, marks: list[tuple[str, int]], **more: Any) -> Any:
    body = {"id": e["id"], "unitId": c.units[unit], "marks": [{"candidateId": m, "votes": v} for m, v in marks]} | more
    return await api.call("election/v1/vote", body, c.voters[unit])


async def test_an_election_from_the_call_to_the_seats(api, owner) -> None:
    c = await _community(api, owner)
    e, (a, b, x) = await _nominated(api, c)
    voting = await api.call("election/v1/get", {"id": e["id"]}, c.admin)
    assert (voting["eligibleUnits"], voting["eligibleWeight"]) == (5, "1.00000000")
    # The inspector (a plain member, owning nothing) lists the election they inspect.
    assert [x["id"] for x in (await api.call("election/v1/list", {}, c.inspector))["nodes"]] == [e["id"]]

    # Units 1–4 vote (unit 5 abstains): A 0.30+0.25+0.15, B 0.30+0.20, X 0.25+0.20.
    receipt = await _vote(api, c, e, 0, [(a, 1), (b, 1)])
    assert receipt == {"electionId": e["id"], "unitId": c.units[0], "weight": "0.30000000"}
    await _vote(api, c, e, 1, [(a, 1), (x, 1)])
    await _vote(api, c, e, 2, [(b, 1), (x, 1)])
    await _vote(api, c, e, 3, [(a, 1)])
    assert await error(api, "election/v1/vote", {"id": e["id"], "unitId": c.units[0], "marks": []}, c.voters[0]) == (
        409,
        "ALREADY_VOTED",
        ["unitId"],
    )

    closed = await wait_status(api, c, e["id"], "closed")
    assert (closed["ballotsCast"], closed["weightCast"]) == (4, "0.90000000")
    assert await error(api, "election/v1/vote", {"id": e["id"], "unitId": c.units[4], "marks": []}, c.voters[4]) == (
        409,
        "ELECTION_NOT_OPEN",
        ["id"],
    )
    # Only the inspector has it counted and certifies: not the admin, not the board.
    assert (await error(api, "election/v1/tally", {"id": e["id"]}, c.admin))[1] == "FORBIDDEN"
    await api.call("election/v1/tally", {"id": e["id"]}, c.inspector)
    await wait_status(api, c, e["id"], "tallied")
    # Before certification an owner sees no results; the inspector does.
    assert (await api.call("election/v1/results", {"id": e["id"]}, c.voters[4]))["results"] == []
    counted = await api.call("election/v1/results", {"id": e["id"]}, c.inspector)
    assert [(r["candidateId"], r["votes"], r["place"], r["elected"]) for r in counted["results"]] == [
        (a, "0.70000000", 1, True),
        (b, "0.50000000", 2, True),
        (x, "0.45000000", 3, False),
    ]
    certified = await api.call("election/v1/certify", {"id": e["id"]}, c.inspector)
    assert certified["status"] == "certified"
    results = await api.call("election/v1/results", {"id": e["id"]}, c.voters[4])
    assert results["certified"] and [r["seatId"] is not None for r in results["results"]] == [True, True, False]

    # The winners hold elected terms on the board, from the election's dates: the board role follows.
    seats = await api.call("seat/v1/list", {"bodyId": c.board}, c.admin)
    elected = {s["partyId"]: s for s in seats["nodes"]}
    assert set(elected) == {c.parties[0], c.parties[1]}
    assert all(s["filledBy"] == "elected" and s["endsOn"] == e["termEndsOn"] for s in elected.values())
    # The recount from the stored ballots equals the certified count.
    recount = await api.call("election/v1/recount", {"id": e["id"]}, c.inspector)
    assert recount["matches"] and recount["weightCounted"] == "0.90000000"
    assert [(r["candidateId"], r["votes"]) for r in recount["counts"]] == [
        (a, "0.70000000"),
        (b, "0.50000000"),
        (x, "0.45000000"),
    ]
    # Who voted is the turnout record: the four units, never how.
    turnout = await api.call("election/v1/voters", {"id": e["id"], "first": 10}, c.inspector)
    assert sorted(v["unitId"] for v in turnout["nodes"]) == sorted(c.units[:4])
    assert "marks" not in json.dumps(turnout) and a not in json.dumps(turnout)


async def test_cumulative_voting_only_where_the_settings_allow_it(api, owner) -> None:
    c = await _community(api, owner, units=3)
    code = await error(
        api,
        "election/v1/call",
        {
            "associationId": c.association,
            "bodyId": c.board,
            "title": "Cumulative",
            "seatsToFill": 2,
            "termStartsOn": "2030-01-01",
            "termEndsOn": "2032-01-01",
            "method": "cumulative",
            "nominationsCloseAt": soon(60),
            "votingClosesAt": soon(120),
            "inspectorPartyId": c.inspector_party,
        },
        c.admin,
    )
    assert code == (422, "CUMULATIVE_VOTING_NOT_ALLOWED", ["method"])
    await api.call("meetingSettings/v1/set", {"associationId": c.association, "cumulativeVoting": True}, c.admin)
    e, (a, b, x) = await _nominated(api, c, method="cumulative")
    # Two seats, two votes: piled on one candidate, or spread.
    await _vote(api, c, e, 0, [(x, 2)])
    await _vote(api, c, e, 1, [(a, 1), (b, 1)])
    body = {"id": e["id"], "unitId": c.units[2], "marks": [{"candidateId": a, "votes": 3}]}
    assert await error(api, "election/v1/vote", body, c.voters[2]) == (422, "INVALID_BALLOT", ["marks"])
    body["marks"] = [{"candidateId": a, "votes": 1}, {"candidateId": a, "votes": 1}]
    assert await error(api, "election/v1/vote", body, c.voters[2]) == (422, "INVALID_BALLOT", ["marks"])
    await wait_status(api, c, e["id"], "closed")
    await api.call("election/v1/tally", {"id": e["id"]}, c.inspector)
    await wait_status(api, c, e["id"], "tallied")
    counted = await api.call("election/v1/results", {"id": e["id"]}, c.inspector)
    # Unit 1 (0.30) piled 2 votes on X: 0.60; unit 2 (0.25) one each on A and B.
    first = counted["results"][0]
    assert (first["candidateId"], first["votes"], first["elected"]) == (x, "0.60000000", True)
    # A and B tie for the second seat: the count elects neither, and certification waits for the tie-break.
    assert [r["elected"] for r in counted["results"]] == [True, False, False]
    assert await error(api, "election/v1/certify", {"id": e["id"]}, c.inspector) == (409, "TALLY_TIED", ["id"])


async def test_a_proxy_holder_votes_for_the_unit_once(api, owner) -> None:
    c = await _community(api, owner, units=3)
    meeting = await schedule(api, c, days=30)
    proxy = await api.call(
        "meetingProxy/v1/grant",
        {
            "meetingId": meeting["id"],
            "unitId": c.units[2],
            "grantorPartyId": c.parties[2],
            "holderPartyId": c.parties[0],
            "kind": "general",
        },
        c.admin,
    )
    e, (a, _, _) = await _nominated(api, c, meetingId=meeting["id"])
    # Owner 1 holds unit 3's proxy: votes for unit 3 with it, and for unit 1 as its owner.
    body = {"id": e["id"], "unitId": c.units[2], "marks": [{"candidateId": a, "votes": 1}]}
    assert await error(api, "election/v1/vote", body, c.voters[0]) == (403, "NOT_ENTITLED_TO_VOTE", ["unitId"])
    assert await error(api, "election/v1/vote", body | {"proxyId": proxy["id"]}, c.voters[1]) == (
        403,
        "NOT_ENTITLED_TO_VOTE",
        ["proxyId"],
    )
    await api.call("election/v1/vote", body | {"proxyId": proxy["id"]}, c.voters[0])
    await _vote(api, c, e, 0, [(a, 1)])
    # Unit 3 has voted, by proxy: its owner votes no more.
    assert await error(api, "election/v1/vote", body, c.voters[2]) == (409, "ALREADY_VOTED", ["unitId"])
    turnout = await api.call("election/v1/voters", {"id": e["id"]}, c.admin)
    by_unit = {v["unitId"]: v for v in turnout["nodes"]}
    assert by_unit[c.units[2]]["proxyId"] == proxy["id"] and by_unit[c.units[2]]["partyId"] == c.parties[0]


async def test_refusals(api, owner) -> None:
    c = await _community(api, owner, units=2)
    body = {
        "associationId": c.association,
        "bodyId": c.board,
        "title": "Election",
        "seatsToFill": 1,
        "termStartsOn": "2030-01-01",
        "termEndsOn": "2032-01-01",
        "nominationsCloseAt": soon(-5),
        "votingClosesAt": soon(60),
        "inspectorPartyId": c.inspector_party,
    }
    assert await error(api, "election/v1/call", body, c.admin) == (422, "INVALID_ELECTION_WINDOW", ["nominationsCloseAt"])
    body |= {"nominationsCloseAt": soon(60), "votingClosesAt": soon(30)}
    assert await error(api, "election/v1/call", body, c.admin) == (422, "INVALID_ELECTION_WINDOW", ["votingClosesAt"])
    no_login = await api.call("party/v1/create", {"kind": "person", "name": "Nolan", "deliveryPreference": "postal"}, c.admin)
    body |= {"votingClosesAt": soon(120), "inspectorPartyId": no_login["id"]}
    assert await error(api, "election/v1/call", body, c.admin) == (422, "INSPECTOR_NOT_ELIGIBLE", ["inspectorPartyId"])
    body |= {"inspectorPartyId": c.inspector_party, "bodyId": encode("gvb", uuid.uuid4())}
    assert (await error(api, "election/v1/call", body, c.admin))[1] == "INVALID_REFERENCE"
    e = await call(api, c, nominations=60, seats=1)
    nominate = {"id": e["id"], "partyId": c.parties[0]}
    await api.call("election/v1/nominate", nominate, c.admin)
    assert await error(api, "election/v1/nominate", nominate, c.admin) == (409, "ALREADY_NOMINATED", ["partyId"])
    assert await error(api, "election/v1/nominate", nominate | {"partyId": c.inspector_party}, c.admin) == (
        422,
        "INSPECTOR_NOT_ELIGIBLE",
        ["partyId"],
    )
    # Not voting yet; not a tally before the close; an owner doesn't nominate.
    vote = {"id": e["id"], "unitId": c.units[0], "marks": []}
    assert await error(api, "election/v1/vote", vote, c.voters[0]) == (409, "ELECTION_NOT_OPEN", ["id"])
    assert await error(api, "election/v1/tally", {"id": e["id"]}, c.inspector) == (409, "ILLEGAL_ELECTION_TRANSITION", ["id"])
    assert (await error(api, "election/v1/nominate", nominate, c.voters[0]))[1] == "FORBIDDEN"
    canceled = await api.call("election/v1/cancel", {"id": e["id"], "reason": "Bylaws amended."}, c.admin)
    assert canceled["status"] == "canceled"
    # Nobody stood: the workflow cancels the election when nominations close.
    empty = await call(api, c, nominations=1)
    await wait_status(api, c, empty["id"], "canceled")


async def test_no_one_can_link_a_ballot_to_its_voter(api, owner, app_role) -> None:
    """An admin with every permission, and the application's database role
    reading raw SQL, look for the link between who voted and how: there is none."""
    c = await _community(api, owner)
    e, (a, b, x) = await _nominated(api, c, window=10)
    candidate_ids = {str(raw(i)) for i in (a, b, x)} | {a, b, x}
    marks = [[(a, 1), (b, 1)], [(x, 1)], [(b, 1), (x, 1)], [(a, 1)], []]
    keys = []
    for unit, chosen in enumerate(marks):
        key = uuid.uuid4().hex
        body = {"id": e["id"], "unitId": c.units[unit], "marks": [{"candidateId": m, "votes": v} for m, v in chosen]}
        r = await api.rpc("election/v1/vote", body, token=c.voters[unit].token, key=key)
        assert r.status_code == 200, r.text
        keys.append(key)
    org = raw(c.org)
    await app_role.execute("BEGIN")
    await app_role.execute("SELECT set_config('app.org_id', $1, true)", str(org))

    # While the window is open: the box row written with each who-voted row (same
    # transaction id) is sealed; nothing in it names a candidate.
    paired = await app_role.fetch(
        "SELECT v.unit_id, b.sealed FROM election_voters v JOIN election_ballot_box b "
        "ON b.xmin = v.xmin AND b.election_id = v.election_id WHERE v.election_id = $1",
        raw(e["id"]),
    )
    assert len(paired) == 5
    assert all(p["sealed"].startswith("sealed:v1:") and not any(i in p["sealed"] for i in candidate_ids) for p in paired)

    # What else was stored with each voter: the request's checkpoint (DBOS keeps
    # its input and result), the idempotency key's record and the audit row.
    records = await owner.fetch(
        "SELECT fingerprint, response_body, workflow_id FROM idempotency_keys WHERE key = ANY($1::text[])", keys
    )
    assert len(records) == 5
    workflows = [r["workflow_id"] for r in records]
    # DBOS's own reading of its checkpoints (its system database stores them serialized).
    checkpoints = await DBOS.list_workflows_async(workflow_ids=workflows, load_input=True, load_output=True)
    steps = [step for wf in workflows for step in await DBOS.list_workflow_steps_async(wf)]
    audits = await owner.fetch(
        "SELECT summary::text AS summary FROM audit_events WHERE organization_id = $1 AND operation = 'election/v1/vote'", org
    )
    assert len(checkpoints) == 5 and len(steps) >= 5 and len(audits) == 5
    # (The marks are in the checkpoint, sealed: a step recovered after a crash can still cast them.)
    assert all("sealed:json:v1:" in str(w.input) for w in checkpoints)
    stored = [str(r["response_body"]) for r in records] + [str(w.input) + str(w.output) for w in checkpoints]
    stored += [str(step) for step in steps] + [a["summary"] for a in audits]
    for text in stored:
        assert not any(i in text for i in candidate_ids), text
    # The fingerprint is keyed: hashing every possible ballot finds nothing.
    assert all(len(r["fingerprint"]) == 64 for r in records)

    await app_role.execute("ROLLBACK")
    await wait_status(api, c, e["id"], "closed")
    await app_role.execute("BEGIN")
    await app_role.execute("SELECT set_config('app.org_id', $1, true)", str(org))
    assert await app_role.fetchval("SELECT count(*) FROM election_ballot_box WHERE election_id = $1", raw(e["id"])) == 0
    ballots = await app_role.fetch(
        "SELECT xmin::text AS xmin, weight, choices FROM election_ballots WHERE election_id = $1 ORDER BY ctid", raw(e["id"])
    )
    voters = await app_role.fetch(
        "SELECT xmin::text AS xmin, unit_id, weight FROM election_voters WHERE election_id = $1", raw(e["id"])
    )
    # The ballots carry no time, no voter, no unit: only the election, a weight and the marks.
    columns = await app_role.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'election_ballots' ORDER BY ordinal_position"
    )
    assert [r["column_name"] for r in columns] == ["id", "organization_id", "association_id", "election_id", "weight", "choices"]
    # One transaction wrote them all, none of the voters' transactions.
    assert len({b["xmin"] for b in ballots}) == 1 and not {b["xmin"] for b in ballots} & {v["xmin"] for v in voters}
    # No ballot row carries a voter's weight: each unit's weight is split into binary pieces.
    assert not {b["weight"] for b in ballots} & {v["weight"] for v in voters}
    # Yet the pieces add up: every unit's weight is there, with its marks.
    weight_by_marks: dict[str, Decimal] = {}
    for ballot in ballots:
        marks_key = json.dumps(json.loads(ballot["choices"]), sort_keys=True)
        weight_by_marks[marks_key] = weight_by_marks.get(marks_key, Decimal(0)) + ballot["weight"]
    assert sum(weight_by_marks.values()) == Decimal("1.00000000")
    await app_role.execute("ROLLBACK")

    # The admin, with every permission, reads what the API offers: the election,
    # the turnout, the counts — none of which has a ballot in it.
    full = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Election { title ballotsCast candidates { name } "
        "transitions { toStatus } } } }",
        {"id": e["id"]},
        token=c.admin.token,
    )
    assert "errors" not in full, full
    turnout = await api.call("election/v1/voters", {"id": e["id"]}, c.admin)
    assert len(turnout["nodes"]) == 5 and not any(i in json.dumps(turnout) for i in candidate_ids)


async def test_nested_reads_are_flat_from_2_to_20_elections(api, owner, statements) -> None:
    query = """query($a: ID!) { elections(associationId: $a, first: 50) { nodes { title body { name }
      association { code } candidates { name } transitions { toStatus } } } }"""

    async def count(n: int) -> int:
        c = await with_board(api, units=2)
        c.inspector = await inspector(api, c)
        for _ in range(n):
            e = await call(api, c, nominations=3600)
            await api.call("election/v1/nominate", {"id": e["id"], "partyId": c.parties[0]}, c.admin)
        statements.clear()
        result = await api.gql(query, {"a": c.association}, token=c.admin.token)
        assert "errors" not in result, result
        assert len(result["data"]["elections"]["nodes"]) == n
        return len(statements)

    assert await count(2) == await count(20)

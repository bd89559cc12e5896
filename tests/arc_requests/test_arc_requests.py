"""Architectural requests end to end: submission, the committee's votes (no
vote on a member's own unit) or its chair's decision, requests for more
information and the clock, denials with or without an appeal, completion and
inspection, what owners and tenants see — and the decision deadline kept by a
durable workflow that deems a request approved where the rules say so."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest

from graph.db import libpq_url
from graph.ids import decode
from tests.arc_requests.committee import seat_on_committee
from tests.documents.library import file
from tests.receivables.books import raw
from tests.violations.enforcement import code, day, member, open_enforcement

FENCE = {"projectType": "fence", "description": "Cedar fence, 6 ft, along the back lot line.", "contractor": "Ace Fencing #8812"}


async def _owner(api, e, unit: int = 0):
    owner, _ = await api.add_member(e.admin, ["member"])
    await api.call("party/v1/update", {"id": e.parties[unit], "userId": owner.user_id}, e.admin)
    await api.select(owner, e.org)
    return owner


async def _seat(api, e, role: str = "member", user=None, party: str | None = None):
    """A user seated on the association's architectural committee (governance's body), as a member or its chair."""
    user = user or await member(api, e.admin, e.org, ["member"])
    await seat_on_committee(api, e.admin, e.association, user, chair=role == "chair", party=party)
    # Seats count from the next request: the roles are read per request.
    return user


async def _get(api, e, request: str):
    return await api.call("arcRequest/v1/get", {"id": request}, e.manager)


async def _wait(api, e, request: str, status: str, timeout: float = 20):
    deadline = asyncio.get_running_loop().time() + timeout
    while (r := await _get(api, e, request))["status"] != status:
        assert asyncio.get_running_loop().time() < deadline, (status, r["status"], [x["kind"] for x in r["events"]])
        await asyncio.sleep(0.05)
    return r


@pytest.fixture
async def short_days(platform):
    """A day of the workflows' timers lasts 0.05 s for requests submitted meanwhile.
    Their workflows keep that day for good, so they are canceled afterwards: left
    running, they look again every 1.5 s for the rest of the suite, and their
    statements land in other tests' statement counts."""
    from dbos import DBOS

    from domains.arc_requests.service.requests import WORKFLOW

    before = platform.settings.workflow_day_seconds
    platform.settings.workflow_day_seconds = 0.05
    yield
    platform.settings.workflow_day_seconds = before
    for running in await DBOS.list_workflows_async(name=WORKFLOW, status=["PENDING", "ENQUEUED"]):
        await DBOS.cancel_workflow_async(running.workflow_id)


async def test_the_committee_votes_and_a_member_never_votes_on_their_own_unit(api) -> None:
    e = await open_enforcement(api, "CA", units=2)
    owner = await _owner(api, e, 0)
    await api.call("arcSettings/v1/set", {"associationId": e.association, "decisionMode": "vote", "votesRequired": 2}, e.board)
    first, second = await _seat(api, e), await _seat(api, e)
    conflicted = await _owner(api, e, 1)
    await _seat(api, e, user=conflicted, party=e.parties[1])
    outsider = await member(api, e.admin, e.org, ["member"])

    submitted = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, owner)
    assert (submitted["status"], submitted["decisionDueBy"], submitted["deemedApproval"]) == ("submitted", day(60), False)
    assert submitted["rulesUsed"]["rules"]["arc_decision_days"]["source"] == "default"
    r = await api.rpc("arcRequest/v1/submit", {"unitId": e.units[1], **FENCE}, token=owner.token, key="not-mine")
    assert code(r) == (403, "FORBIDDEN")
    request = submitted["id"]
    r = await api.rpc("arcRequest/v1/vote", {"id": request, "vote": "approve"}, token=first.token, key="early")
    assert code(r) == (409, "INVALID_ARC_TRANSITION")
    await api.call("arcRequest/v1/accept", {"id": request}, e.manager)

    once = await api.call("arcRequest/v1/vote", {"id": request, "vote": "approve", "note": "Fine by me"}, first)
    assert once["status"] == "under_review" and len(once["votes"]) == 1
    r = await api.rpc("arcRequest/v1/vote", {"id": request, "vote": "deny", "note": "changed"}, token=first.token, key="twice")
    assert code(r) == (409, "ALREADY_VOTED")
    r = await api.rpc("arcRequest/v1/vote", {"id": request, "vote": "approve"}, token=outsider.token, key="outsider")
    assert code(r) == (404, "NOT_FOUND")  # not on the committee: the request isn't even theirs to see
    # On the committee, but submitting for their own unit: no vote on it.
    own = await api.call("arcRequest/v1/submit", {"unitId": e.units[1], **FENCE}, conflicted)
    await api.call("arcRequest/v1/accept", {"id": own["id"]}, e.manager)
    r = await api.rpc("arcRequest/v1/vote", {"id": own["id"], "vote": "approve"}, token=conflicted.token, key="own")
    assert code(r) == (403, "FORBIDDEN")

    decided = await api.call(
        "arcRequest/v1/vote",
        {"id": request, "vote": "approve_with_conditions", "conditions": "Stain to match the house."},
        second,
    )
    assert (decided["status"], decided["conditions"], decided["decidedOn"]) == (
        "approved_with_conditions",
        "Stain to match the house.",
        day(0),
    )
    assert decided["events"][-1]["details"]["tally"] == {"approve": 1, "approve_with_conditions": 1}
    seen = await api.call("arcRequest/v1/get", {"id": request}, owner)
    assert seen["status"] == "approved_with_conditions"
    done = await api.call("arcRequest/v1/complete", {"id": request, "note": "Built"}, owner)
    assert done["status"] == "completed"


async def test_the_chair_decides_and_a_denial_carries_the_appeal_the_rules_give(api) -> None:
    ca = await open_enforcement(api, "CA")
    owner = await _owner(api, ca, 0)
    await api.call("arcSettings/v1/set", {"associationId": ca.association, "decisionMode": "chair"}, ca.admin)
    chair = await _seat(api, ca, "chair")
    plain = await _seat(api, ca)
    request = (await api.call("arcRequest/v1/submit", {"unitId": ca.units[0], **FENCE}, owner))["id"]
    await api.call("arcRequest/v1/accept", {"id": request}, chair)
    r = await api.rpc("arcRequest/v1/vote", {"id": request, "vote": "approve"}, token=plain.token, key="vote")
    assert code(r) == (409, "WRONG_DECISION_MODE")
    r = await api.rpc("arcRequest/v1/decide", {"id": request, "outcome": "approve"}, token=plain.token, key="member")
    assert code(r) == (403, "NOT_COMMITTEE_MEMBER")
    r = await api.rpc("arcRequest/v1/decide", {"id": request, "outcome": "deny"}, token=chair.token, key="no-reason")
    assert code(r) == (422, "CONDITIONS_REQUIRED")
    denied = await api.call(
        "arcRequest/v1/decide", {"id": request, "outcome": "deny", "reasons": "Too tall: 5 ft at most."}, chair
    )
    assert (denied["status"], denied["reasons"], denied["appealAvailable"]) == ("denied", "Too tall: 5 ft at most.", True)
    assert denied["events"][-1]["details"]["appealRule"]["citation"].startswith("CA Civil Code §4765(a)(5)")
    appealed = await api.call("arcRequest/v1/appeal", {"id": request, "reason": "Neighbours agree."}, owner)
    assert appealed["status"] == "appealed"
    r = await api.rpc("arcRequest/v1/decideAppeal", {"id": request, "outcome": "approve"}, token=chair.token, key="chair")
    assert code(r) == (403, "FORBIDDEN")
    final = await api.call("arcRequest/v1/decideAppeal", {"id": request, "outcome": "approve"}, ca.board)
    assert final["status"] == "approved"

    # Where no rule requires an appeal (Nevada: the default), a denial offers none.
    nv = await open_enforcement(api, "NV")
    nv_owner = await _owner(api, nv, 0)
    await api.call("arcSettings/v1/set", {"associationId": nv.association, "decisionMode": "chair"}, nv.admin)
    nv_chair = await _seat(api, nv, "chair")
    other = (await api.call("arcRequest/v1/submit", {"unitId": nv.units[0], **FENCE}, nv_owner))["id"]
    await api.call("arcRequest/v1/accept", {"id": other}, nv.manager)
    denied = await api.call("arcRequest/v1/decide", {"id": other, "outcome": "deny", "reasons": "No fences."}, nv_chair)
    assert denied["appealAvailable"] is False
    r = await api.rpc("arcRequest/v1/appeal", {"id": other, "reason": "please"}, token=nv_owner.token, key="appeal")
    assert code(r) == (422, "NO_APPEAL")


@pytest.mark.parametrize(("clock", "due_after_reply"), [("pause", 65), ("restart", 60)])
async def test_more_information_pauses_or_restarts_the_clock(api, settings, clock, due_after_reply) -> None:
    e = await open_enforcement(api, "CA")
    owner = await _owner(api, e, 0)
    await api.call(
        "arcSettings/v1/set", {"associationId": e.association, "decisionMode": "vote", "moreInfoClock": clock}, e.admin
    )
    voter = await _seat(api, e)
    request = (await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, owner))["id"]
    asked = await api.call("arcRequest/v1/requestInfo", {"id": request, "missing": "A site plan with setbacks."}, e.manager)
    assert (asked["status"], asked["pausedOn"], asked["reasons"]) == ("more_info_requested", day(0), "A site plan with setbacks.")
    # The owner takes five days to answer.
    conn = await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))
    await conn.execute("UPDATE arc_requests SET paused_on = paused_on - 5 WHERE id = $1", raw(request))
    await conn.close()
    # The site plan the owner sent, filed in the library by the manager.
    plan = await file(api, e.manager, e.association, category="plans", title="Site plan with setbacks")
    replied = await api.call("arcRequest/v1/reply", {"id": request, "text": "Attached.", "documentIds": [plan["id"]]}, owner)
    assert (replied["status"], replied["reviewRound"], replied["decisionDueBy"]) == ("under_review", 2, day(due_after_reply))
    assert replied["documentIds"] == [plan["id"]]
    assert (await api.call("arcRequest/v1/vote", {"id": request, "vote": "approve"}, voter))["status"] == "approved"


async def test_deemed_approval_fires_when_the_deadline_passes_undecided(api, short_days) -> None:
    # California solar: 45 days by statute (CA Civil Code §714(g)), deemed approved.
    ca = await open_enforcement(api, "CA")
    owner = await _owner(api, ca, 0)
    solar = await api.call(
        "arcRequest/v1/submit", {"unitId": ca.units[0], "projectType": "solar", "description": "12 rooftop panels"}, owner
    )
    assert (solar["decisionDueBy"], solar["deemedApproval"]) == (day(45), True)
    assert solar["rulesUsed"]["rules"]["solar_arc_decision_days"]["effectiveOn"] == "2015-01-01"
    await api.call("arcRequest/v1/accept", {"id": solar["id"]}, ca.manager)
    deemed = await _wait(api, ca, solar["id"], "deemed_approved")
    event = deemed["events"][-1]
    assert (event["kind"], event["actorId"]) == ("deemed_approved", None)
    assert event["details"]["deemedApprovalRule"]["citation"].startswith("CA Civil Code §714(g)")
    assert "deemed approved" in event["details"]["letter"] and day(45) in event["details"]["letter"]
    # The letter-ready record, kept: why, under which rule and which version of it.
    record = deemed["deemedApprovalRecord"]
    assert (record["eventId"], record["submittedOn"], record["decisionDueBy"], record["deemedOn"]) == (
        event["id"],
        solar["submittedOn"],
        day(45),
        event["occurredOn"],
    )
    assert (record["jurisdiction"], record["rulesAsOf"]) == ("US-CA", solar["rulesUsed"]["asOf"])
    assert record["deadlineRule"]["key"] == "solar_arc_decision_days" and record["deadlineRule"]["value"] == 45
    cited = record["deemedApprovalRule"]
    assert cited["citation"].startswith("CA Civil Code §714(g)") and cited["effectiveOn"] == "2015-01-01"
    assert record["letter"] == event["details"]["letter"] and "in force from 2015-01-01" in record["letter"]
    # The owner reads it with their request; GraphQL serves it from the list too.
    assert (await api.call("arcRequest/v1/get", {"id": solar["id"]}, owner))["deemedApprovalRecord"] == record
    body = await api.gql(
        "query($a: ID!) { arcRequests(associationId: $a) { nodes { id deemedApprovalRecord { id letter rulesAsOf } } } }",
        {"a": ca.association},
        token=ca.manager.token,
    )
    (listed,) = [n for n in body["data"]["arcRequests"]["nodes"] if n["id"] == solar["id"]]
    assert listed["deemedApprovalRecord"] == {"id": record["id"], "letter": record["letter"], "rulesAsOf": record["rulesAsOf"]}
    # A fence in California: no statute deems it approved; the deadline's passing is recorded, nothing more.
    fence = await api.call("arcRequest/v1/submit", {"unitId": ca.units[1], **FENCE}, ca.manager)
    assert fence["deemedApproval"] is False


async def test_governing_documents_can_deem_approval_and_shorten_the_deadline(api, short_days) -> None:
    e = await open_enforcement(
        api,
        "NV",
        units=2,
        overrides=(
            {"key": "arc_decision_days", "days": 10, "documentReference": "CC&Rs §8.4"},
            {"key": "arc_deemed_approval", "flag": True, "documentReference": "CC&Rs §8.4"},
        ),
    )
    quick = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, e.manager)
    assert (quick["decisionDueBy"], quick["deemedApproval"]) == (day(10), True)
    # Waiting on the owner: the clock is paused, nothing is deemed.
    paused = await api.call("arcRequest/v1/submit", {"unitId": e.units[1], **FENCE}, e.manager)
    await api.call("arcRequest/v1/requestInfo", {"id": paused["id"], "missing": "Colour sample"}, e.manager)
    deemed = await _wait(api, e, quick["id"], "deemed_approved")
    assert deemed["events"][-1]["details"]["deemedApprovalRule"]["source"] == "governing_documents"
    await asyncio.sleep(1.0)  # 20 "days" more
    assert (await _get(api, e, paused["id"]))["status"] == "more_info_requested"


async def test_without_deemed_approval_a_missed_deadline_is_recorded_once(api, short_days) -> None:
    e = await open_enforcement(api, "NV", overrides=({"key": "arc_decision_days", "days": 5, "documentReference": "Rules §1"},))
    request = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, e.manager)
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        current = await _get(api, e, request["id"])
        if any(x["kind"] == "deadline_passed" for x in current["events"]):
            break
        assert asyncio.get_running_loop().time() < deadline, current["events"]
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    current = await _get(api, e, request["id"])
    assert current["status"] == "submitted" and current["deemedApprovalRecord"] is None
    assert [x["kind"] for x in current["events"]] == ["submitted", "deadline_passed"]


async def test_owners_tenants_and_the_committee_see_what_is_theirs(api) -> None:
    e = await open_enforcement(api, "CA", units=2)
    owner = await _owner(api, e, 0)
    neighbour = await _owner(api, e, 1)
    seat = await _seat(api, e)
    mine = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, owner)
    theirs = await api.call("arcRequest/v1/submit", {"unitId": e.units[1], **FENCE}, neighbour)
    listed = lambda caller: api.call("arcRequest/v1/list", {"associationId": e.association}, caller)  # noqa: E731
    assert [r["id"] for r in (await listed(owner))["nodes"]] == [mine["id"]]
    assert {r["id"] for r in (await listed(seat))["nodes"]} == {mine["id"], theirs["id"]}
    r = await api.rpc("arcRequest/v1/get", {"id": theirs["id"]}, token=owner.token)
    assert code(r) == (404, "NOT_FOUND")
    r = await api.rpc("arcRequest/v1/reply", {"id": mine["id"], "text": "x"}, token=seat.token, key="seat")
    assert code(r) == (403, "FORBIDDEN")
    withdrawn = await api.call("arcRequest/v1/void", {"id": mine["id"], "note": "Changed my mind"}, owner)
    assert withdrawn["status"] == "void"


async def test_neighbour_acknowledgements_and_inspection_where_the_settings_require_them(api) -> None:
    e = await open_enforcement(api, "CA")
    await api.call(
        "arcSettings/v1/set",
        {
            "associationId": e.association,
            "decisionMode": "vote",
            "neighborAcknowledgementsRequired": True,
            "inspectionRequired": True,
        },
        e.admin,
    )
    settings = await api.call("arcSettings/v1/get", {"associationId": e.association}, e.manager)
    assert settings["neighborAcknowledgementsRequired"] and settings["updatedAt"]
    r = await api.rpc("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, token=e.manager.token, key="bare")
    assert code(r) == (422, "NEIGHBOR_ACKNOWLEDGEMENTS_REQUIRED")
    acks = [{"name": "Nina Neighbour", "unitNumber": "2", "acknowledgedOn": day(-2)}]
    request = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE, "neighborAcknowledgements": acks}, e.manager)
    assert request["neighborAcknowledgements"][0]["name"] == "Nina Neighbour"
    await api.call("arcRequest/v1/accept", {"id": request["id"]}, e.manager)
    voter = await _seat(api, e)
    await api.call("arcRequest/v1/vote", {"id": request["id"], "vote": "approve"}, voter)
    built = await api.call("arcRequest/v1/complete", {"id": request["id"]}, e.manager)
    assert built["status"] == "pending_inspection"
    inspected = await api.call("arcRequest/v1/inspect", {"id": request["id"], "note": "As approved"}, voter)
    assert inspected["status"] == "completed"
    assert [x["kind"] for x in inspected["events"]] == ["submitted", "accepted", "decided", "work_completed", "inspected"]


async def test_the_committee_is_a_governing_body_and_its_current_terms_make_the_members(api) -> None:
    """One committee, governance's: the settings name the body, a term on it makes a
    member (the committee_member role, from the next request), its chair office the
    chair; a term that ends takes the role with it; a board is no committee."""
    e = await open_enforcement(api, "CA", units=2)
    board = {"associationId": e.association, "kind": "board", "name": "Board of Directors", "seatCount": 5}
    board_id = (await api.call("governingBody/v1/create", board, e.admin))["id"]
    body = {"associationId": e.association, "decisionMode": "vote", "committeeBodyId": board_id}
    r = await api.rpc("arcSettings/v1/set", body, token=e.admin.token, key="board")
    assert code(r) == (422, "NOT_A_COMMITTEE")

    voter = await member(api, e.admin, e.org, ["member"])
    term = await seat_on_committee(api, e.admin, e.association, voter)
    settings = await api.call("arcSettings/v1/get", {"associationId": e.association}, e.manager)
    assert settings["committeeBodyId"] == term["bodyId"]
    # Changing the other settings keeps the committee.
    await api.call("arcSettings/v1/set", {"associationId": e.association, "decisionMode": "vote", "votesRequired": 2}, e.admin)
    assert (await api.call("arcSettings/v1/get", {"associationId": e.association}, e.admin))["committeeBodyId"] == term["bodyId"]
    body = await api.gql(
        "query($a: ID!) { arcSettings(associationId: $a) { committeeBody { name kind } } }",
        {"a": e.association},
        token=e.admin.token,
    )
    assert body["data"]["arcSettings"]["committeeBody"] == {"name": "Architectural Review Committee", "kind": "COMMITTEE"}

    request = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, e.manager)
    await api.call("arcRequest/v1/accept", {"id": request["id"]}, e.manager)
    voted = await api.call("arcRequest/v1/vote", {"id": request["id"], "vote": "approve"}, voter)
    assert voted["votes"][0]["voterId"] == str(decode(voter.user_id)[1])
    # The term ends today: from the next request the user is no member.
    await api.call("seat/v1/end", {"id": term["id"], "endsOn": day(0), "reason": "resigned"}, e.admin)
    second = await api.call("arcRequest/v1/submit", {"unitId": e.units[1], **FENCE}, e.manager)
    r = await api.rpc("arcRequest/v1/get", {"id": second["id"]}, token=voter.token)
    assert code(r) == (404, "NOT_FOUND")

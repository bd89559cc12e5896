"""Meetings: notice under the jurisdiction's rules, proxies, live quorum by
voting weight (each unit once), motions with votes by name or by weight,
minutes that are permanent once approved at a later meeting."""

from __future__ import annotations

import uuid

from tests.associations import community
from tests.governance.board import day, error, seat, with_board
from tests.governance.meetings import AGENDA, at, check_in, opened, schedule, settled


async def test_an_annual_meeting_from_notice_to_approved_minutes(api) -> None:
    c = await with_board(api, units=4)
    await api.call("meetingSettings/v1/set", {"associationId": c.association, "membershipQuorumShare": "0.5"}, c.admin)
    m = await schedule(api, c)
    rule = m["rulesUsed"]["rules"]["membership_meeting_notice_days"]
    assert (m["status"], m["noticeDays"], m["noticeBy"], m["noticeNotBefore"]) == ("scheduled", 10, day(10), day(-70))
    assert (rule["value"], rule["jurisdiction"]) == (10, "US-CA") and rule["citation"].startswith("CA Corporations Code §7511")
    assert (m["quorumTotal"], m["quorumRequired"], m["presentWeight"]) == ("0.04000000", "0.02000000", "0.00000000")

    sent = await api.call("meeting/v1/sendNotice", {"id": m["id"]}, c.admin)
    assert (sent["meeting"]["status"], sent["recipients"], sent["byEmail"]) == ("noticed", 4, 0)
    notices = (await api.call("meeting/v1/notices", {"id": m["id"]}, c.admin))["nodes"]
    assert sorted(n["partyId"] for n in notices) == sorted(c.parties)
    assert {(n["method"], n["sentOn"]) for n in notices} == {("first_class_mail", day(0))}
    assert all("Maple Grove Ln" in n["address"] for n in notices)

    agenda = (
        await api.gql(
            "query($id: ID!) { node(id: $id) { ... on Meeting { agendaItems { id title requiresVote } } } }",
            {"id": m["id"]},
            token=c.admin.token,
        )
    )["data"]["node"]["agendaItems"]
    assert [(a["title"], a["requiresVote"]) for a in agenda] == [("Approval of the budget", True), ("Owners' forum", False)]
    budget = agenda[0]["id"]
    # Unit 3's owner gives a general proxy to owner 1; unit 4's a directed one to a named person.
    general = {"meetingId": m["id"], "unitId": c.units[2], "grantorPartyId": c.parties[2], "holderPartyId": c.parties[0]}
    general = await api.call("meetingProxy/v1/grant", general | {"kind": "general"}, c.admin)
    directed = {
        "meetingId": m["id"],
        "unitId": c.units[3],
        "grantorPartyId": c.parties[3],
        "holderName": "Pat Proxy",
        "kind": "directed",
        "directions": [{"agendaItemId": budget, "choice": "yes"}],
    }
    directed = await api.call("meetingProxy/v1/grant", directed, c.admin)
    assert directed["directions"] == [{"agendaItemId": budget, "choice": "yes"}]

    await api.call("meeting/v1/open", {"id": m["id"]}, c.admin)
    assert (await error(api, "meetingProxy/v1/revoke", {"id": general["id"]}, c.admin))[:2] == (409, "PROXY_LOCKED")

    first = await check_in(api, c, m["id"], 0)
    assert (first["counted"], first["quorum"]["present"], first["quorum"]["presentWeight"]) == (True, False, "0.01000000")
    motion = await api.call(
        "meetingMotion/v1/move",
        {
            "meetingId": m["id"],
            "agendaItemId": budget,
            "text": "Adopt the budget",
            "movedBy": "Owner MGV 1",
            "secondedBy": "Owner MGV 2",
        },
        c.admin,
    )
    vote = {"id": motion["id"], "unitId": c.units[0], "choice": "yes"}
    assert (await error(api, "meetingMotion/v1/vote", vote, c.admin))[:2] == (409, "QUORUM_NOT_PRESENT")

    await check_in(api, c, m["id"], 1)
    held = await check_in(api, c, m["id"], 2, partyId=None, proxyId=general["id"])
    assert (held["attendance"]["attendeeName"], held["attendance"]["proxyId"]) == ("Owner MGV 1", general["id"])
    pat = await check_in(api, c, m["id"], 3, partyId=None, proxyId=directed["id"])
    assert (pat["attendance"]["attendeeName"], pat["quorum"]["presentWeight"], pat["quorum"]["sharePresent"]) == (
        "Pat Proxy",
        "0.04000000",
        "1.0000",
    )

    await api.call("meetingMotion/v1/vote", vote, c.admin)
    await api.call("meetingMotion/v1/vote", vote | {"unitId": c.units[1], "choice": "no"}, c.admin)
    by_proxy = await api.call("meetingMotion/v1/vote", vote | {"unitId": c.units[2], "choice": "yes"}, c.admin)
    assert (by_proxy["voterName"], by_proxy["proxyId"], by_proxy["weight"]) == ("Owner MGV 1", general["id"], "0.01000000")
    against_direction = vote | {"unitId": c.units[3], "choice": "no"}
    assert (await error(api, "meetingMotion/v1/vote", against_direction, c.admin))[:2] == (422, "PROXY_DIRECTION_MISMATCH")
    await api.call("meetingMotion/v1/vote", vote | {"unitId": c.units[3]}, c.admin)
    assert (await error(api, "meetingMotion/v1/vote", vote, c.admin))[:2] == (409, "ALREADY_VOTED")
    closed = await api.call("meetingMotion/v1/close", {"id": motion["id"]}, c.admin)
    assert (closed["status"], closed["votesFor"], closed["votesAgainst"], closed["presentAtClose"]) == (
        "carried",
        "0.03000000",
        "0.01000000",
        "0.04000000",
    )

    await api.call("meeting/v1/adjourn", {"id": m["id"]}, c.admin)
    v1 = await api.call("meetingMinutes/v1/draft", {"meetingId": m["id"], "text": "Draft."}, c.admin)
    v2 = await api.call("meetingMinutes/v1/draft", {"meetingId": m["id"], "text": "Called to order; budget adopted."}, c.admin)
    assert (v1["version"], v2["version"], v2["approvedAtMeetingId"]) == (1, 2, None)
    assert (await error(api, "meetingMinutes/v1/approve", {"id": v2["id"], "atMeetingId": m["id"]}, c.admin))[:2] == (
        422,
        "MINUTES_NOT_APPROVABLE",
    )

    later = await opened(api, c, "special_membership", days=30)
    approve = {"id": v2["id"], "atMeetingId": later["id"]}
    assert (await error(api, "meetingMinutes/v1/approve", approve, c.admin))[:2] == (409, "QUORUM_NOT_PRESENT")
    await check_in(api, c, later["id"], 0)
    await check_in(api, c, later["id"], 1)
    approved = await api.call("meetingMinutes/v1/approve", approve, c.admin)
    assert approved["approvedAtMeetingId"] == later["id"] and approved["approvedAt"] is not None
    assert (await error(api, "meetingMinutes/v1/draft", {"meetingId": m["id"], "text": "Again."}, c.admin))[:2] == (
        409,
        "MINUTES_LOCKED",
    )
    assert (await error(api, "meetingMinutes/v1/approve", {"id": v1["id"], "atMeetingId": later["id"]}, c.admin))[:2] == (
        409,
        "MINUTES_LOCKED",
    )
    listed = (await api.call("meeting/v1/minutes", {"id": m["id"]}, c.admin))["nodes"]
    assert [(x["version"], x["approvedAtMeetingId"]) for x in listed] == [(2, later["id"]), (1, None)]

    transitions = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Meeting { status motions { status votes { voterName choice weight } } } } }",
        {"id": m["id"]},
        token=c.admin.token,
    )
    node = transitions["data"]["node"]
    assert node["status"] == "ADJOURNED"
    assert [(v["voterName"], v["choice"]) for v in node["motions"][0]["votes"]] == [
        ("Owner MGV 1", "YES"),
        ("Owner MGV 2", "NO"),
        ("Owner MGV 1", "YES"),
        ("Pat Proxy", "YES"),
    ]


async def _co_owned_unit(api, c) -> tuple[str, list[str]]:
    """A unit with 5% of the votes and two owners (half each)."""
    unit = await api.call("unit/v1/create", community.unit_fields("99", "0.05") | {"associationId": c.association}, c.admin)
    owners: list[str] = []
    for name in ("Casey Co-owner", "Drew Co-owner"):
        party = await api.call("party/v1/create", {"kind": "person", "name": name, "deliveryPreference": "postal"}, c.admin)
        ownership = {
            "unitId": unit["id"],
            "partyId": party["id"],
            "interest": "0.5",
            "startsOn": "2020-01-01",
            "isPrimary": not owners,
        }
        await api.call("ownership/v1/create", ownership, c.admin)
        owners.append(party["id"])
    return unit["id"], owners


async def test_quorum_counts_a_co_owned_unit_once_and_is_lost_when_its_last_owner_leaves(api) -> None:
    c = await with_board(api, units=3)
    unit, (casey, drew) = await _co_owned_unit(api, c)
    await api.call("meetingSettings/v1/set", {"associationId": c.association, "membershipQuorumShare": "0.5"}, c.admin)
    m = await opened(api, c)
    assert (m["quorumTotal"], m["quorumRequired"]) == ("0.08000000", "0.04000000")

    a = await api.call("meeting/v1/checkIn", {"id": m["id"], "unitId": unit, "partyId": casey}, c.admin)
    b = await api.call("meeting/v1/checkIn", {"id": m["id"], "unitId": unit, "partyId": drew}, c.admin)
    assert (a["counted"], b["counted"]) == (True, False)
    assert (b["quorum"]["presentWeight"], b["quorum"]["presentVoters"], b["quorum"]["present"]) == ("0.05000000", 1, True)
    again = {"id": m["id"], "unitId": unit, "partyId": drew}
    assert (await error(api, "meeting/v1/checkIn", again, c.admin))[:2] == (409, "ALREADY_CHECKED_IN")

    motion = await api.call("meetingMotion/v1/move", {"meetingId": m["id"], "text": "Adjourn early", "movedBy": "Casey"}, c.admin)
    assert motion["status"] == "moved"
    vote = {"id": motion["id"], "unitId": unit, "choice": "yes"}
    assert (await error(api, "meetingMotion/v1/vote", vote, c.admin))[:2] == (409, "MOTION_NOT_OPEN")
    await api.call("meetingMotion/v1/second", {"id": motion["id"], "secondedBy": "Drew"}, c.admin)

    # Casey leaves: Drew still holds the unit's weight in the room.
    q = await api.call("meeting/v1/checkOut", {"id": m["id"], "attendanceId": a["attendance"]["id"]}, c.admin)
    assert (q["presentWeight"], q["present"]) == ("0.05000000", True)
    # Drew leaves too: the quorum is lost mid-meeting and the vote waits.
    q = await api.call("meeting/v1/checkOut", {"id": m["id"], "attendanceId": b["attendance"]["id"]}, c.admin)
    assert (q["presentWeight"], q["presentVoters"], q["present"]) == ("0.00000000", 0, False)
    empty = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Meeting { presentWeight } } }", {"id": m["id"]}, token=c.admin.token
    )
    assert empty["data"]["node"]["presentWeight"] == "0.00000000"  # not "0E-8"
    assert (await error(api, "meetingMotion/v1/vote", vote, c.admin))[:2] == (409, "QUORUM_NOT_PRESENT")
    assert (await error(api, "meetingMotion/v1/close", {"id": motion["id"]}, c.admin))[:2] == (409, "QUORUM_NOT_PRESENT")
    # Back with three ordinary units and the co-owner: quorum again.
    for i in range(3):
        await check_in(api, c, m["id"], i)
    assert (await api.call("meeting/v1/quorum", {"id": m["id"]}, c.admin))["presentWeight"] == "0.03000000"
    await api.call("meeting/v1/checkIn", {"id": m["id"], "unitId": unit, "partyId": drew}, c.admin)
    await api.call("meetingMotion/v1/vote", vote, c.admin)
    closed = await api.call("meetingMotion/v1/close", {"id": motion["id"]}, c.admin)
    assert (closed["status"], closed["votesFor"]) == ("carried", "0.05000000")
    attendance = (await api.call("meeting/v1/attendance", {"id": m["id"]}, c.admin))["nodes"]
    assert [(x["attendeeName"], x["leftAt"] is not None) for x in attendance][:2] == [
        ("Casey Co-owner", True),
        ("Drew Co-owner", True),
    ]
    assert len(attendance) == 6


async def test_board_meetings_take_votes_by_name_with_a_majority_of_seats(api) -> None:
    c = await with_board(api, units=4, seats=3)
    seats = [(await seat(api, c, p))["id"] for p in c.parties[:3]]
    too_soon = await error(
        api,
        "meeting/v1/schedule",
        {
            "associationId": c.association,
            "kind": "board_open",
            "bodyId": c.board,
            "title": "Board",
            "startsAt": at(2),
            "videoLink": "https://meet.example.org/board",
            "agenda": AGENDA,
        },
        c.admin,
    )
    assert too_soon == (422, "NOTICE_PERIOD_TOO_SHORT", ["startsAt"])
    r = await api.rpc(
        "meeting/v1/schedule",
        {
            "associationId": c.association,
            "kind": "board_open",
            "bodyId": c.board,
            "title": "B",
            "startsAt": at(2),
            "place": "x",
            "agenda": AGENDA,
        },
        token=c.admin.token,
        key=uuid.uuid4().hex,
    )
    details = r.json()["error"]["details"]
    assert details["rule"]["key"] == "board_meeting_notice_days" and details["rule"]["citation"].startswith(
        "CA Civil Code §4920(a)"
    )
    # An executive session needs only two days' notice.
    executive = await schedule(api, c, "board_executive", days=2)
    sent = await api.call("meeting/v1/sendNotice", {"id": executive["id"]}, c.admin)
    assert sent["recipients"] == 3  # the board's members, not every owner

    m = await opened(api, c, "board_open", days=5)
    assert (m["quorumTotal"], m["quorumRequired"]) == ("3.00000000", "2.00000000")
    assert (await error(api, "meeting/v1/checkIn", {"id": m["id"], "unitId": c.units[0], "partyId": c.parties[0]}, c.admin))[
        :2
    ] == (422, "NOT_ENTITLED_TO_ATTEND")
    for s in seats[:2]:
        await api.call("meeting/v1/checkIn", {"id": m["id"], "seatId": s}, c.admin)
    motion = await api.call(
        "meetingMotion/v1/move",
        {"meetingId": m["id"], "text": "Hire a landscaper", "movedBy": "Owner MGV 1", "secondedBy": "Owner MGV 2"},
        c.admin,
    )
    await api.call("meetingMotion/v1/vote", {"id": motion["id"], "seatId": seats[0], "choice": "yes"}, c.admin)
    await api.call("meetingMotion/v1/vote", {"id": motion["id"], "seatId": seats[1], "choice": "no"}, c.admin)
    absent = {"id": motion["id"], "seatId": seats[2], "choice": "yes"}
    assert (await error(api, "meetingMotion/v1/vote", absent, c.admin))[:2] == (422, "VOTER_NOT_PRESENT")
    closed = await api.call("meetingMotion/v1/close", {"id": motion["id"]}, c.admin)
    assert (closed["status"], closed["votesFor"], closed["votesAgainst"]) == ("failed", "1.00000000", "1.00000000")
    motions = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Meeting { motions { votes { voterName choice } } } } }",
        {"id": m["id"]},
        token=c.admin.token,
    )
    votes = motions["data"]["node"]["motions"][0]["votes"]
    assert [(v["voterName"], v["choice"]) for v in votes] == [("Owner MGV 1", "YES"), ("Owner MGV 2", "NO")]


async def test_the_workflow_lapses_an_unsent_notice_and_a_meeting_never_opened(api, platform) -> None:
    c = await with_board(api, units=2)
    before = platform.settings.workflow_day_seconds
    platform.settings.workflow_day_seconds = 0.1
    try:
        unsent = await schedule(api, c, "board_open", days=5)
        unopened = await schedule(api, c, "board_open", days=4)
        await api.call("meeting/v1/sendNotice", {"id": unopened["id"]}, c.admin)
    finally:
        platform.settings.workflow_day_seconds = before
    from tests.governance.meetings import wait_status

    lapsed = await wait_status(api, c, unsent["id"], "notice_lapsed")
    assert lapsed["noticeBy"] == day(1)
    await wait_status(api, c, unopened["id"], "not_held")
    refused = await error(api, "meeting/v1/sendNotice", {"id": unsent["id"]}, c.admin)
    assert refused[:2] == (409, "ILLEGAL_MEETING_TRANSITION")
    query = "query($op: String!) { auditEvents(first: 5, operation: $op) { nodes { summary actorKind } } }"
    body = await api.gql(query, {"op": "meeting/notice_lapsed"}, token=c.admin.token)
    [event] = body["data"]["auditEvents"]["nodes"]
    assert event["summary"]["due"] == day(2)


async def test_refusals_and_bad_input(api) -> None:
    c = await with_board(api, units=3)
    other = await with_board(api)
    base = {
        "associationId": c.association,
        "kind": "annual_membership",
        "title": "AGM",
        "startsAt": at(20),
        "place": "Hall",
        "agenda": AGENDA,
    }
    assert (await error(api, "meeting/v1/schedule", base | {"bodyId": c.board}, c.admin))[:2] == (422, "MEETING_BODY_MISMATCH")
    assert (await error(api, "meeting/v1/schedule", base | {"kind": "committee", "bodyId": c.board}, c.admin))[:2] == (
        422,
        "MEETING_BODY_MISMATCH",
    )
    assert (await error(api, "meeting/v1/schedule", base | {"kind": "board_open", "bodyId": other.board}, c.admin))[:3] == (
        422,
        "INVALID_REFERENCE",
        ["bodyId"],
    )
    assert (await error(api, "meeting/v1/schedule", base | {"associationId": other.association}, c.admin))[:3] == (
        422,
        "INVALID_REFERENCE",
        ["associationId"],
    )
    assert (await error(api, "meeting/v1/schedule", base | {"place": None}, c.admin))[:2] == (422, "INVALID_REFERENCE")
    assert (await error(api, "meeting/v1/schedule", base | {"kind": "picnic"}, c.admin))[:2] == (400, "VALIDATION_FAILED")
    assert (await error(api, "meeting/v1/schedule", base | {"agenda": []}, c.admin))[:2] == (400, "VALIDATION_FAILED")
    assert (await error(api, "meeting/v1/schedule", base | {"videoLink": "ftp://x"}, c.admin))[:2] == (400, "VALIDATION_FAILED")
    # Too far ahead for a membership meeting's notice to go out yet.
    far = await api.call("meeting/v1/schedule", base | {"startsAt": at(120)}, c.admin)
    assert (await error(api, "meeting/v1/sendNotice", {"id": far["id"]}, c.admin))[:2] == (422, "NOTICE_TOO_EARLY")
    assert (await error(api, "meeting/v1/open", {"id": far["id"]}, c.admin))[:2] == (409, "ILLEGAL_MEETING_TRANSITION")
    assert (await api.call("meeting/v1/cancel", {"id": far["id"], "reason": "Moved"}, c.admin))["status"] == "canceled"

    m = await schedule(api, c)
    proxy = {
        "meetingId": m["id"],
        "unitId": c.units[0],
        "grantorPartyId": c.parties[0],
        "holderPartyId": c.parties[1],
        "kind": "general",
    }
    assert (await error(api, "meetingProxy/v1/grant", proxy | {"grantorPartyId": c.parties[2]}, c.admin))[:2] == (
        422,
        "NOT_ENTITLED_TO_ATTEND",
    )
    bad_directions = proxy | {"kind": "directed", "directions": []}
    assert (await error(api, "meetingProxy/v1/grant", bad_directions, c.admin))[:2] == (422, "INVALID_PROXY_DIRECTIONS")
    first = await api.call("meetingProxy/v1/grant", proxy, c.admin)
    assert (await error(api, "meetingProxy/v1/grant", proxy | {"holderPartyId": c.parties[2]}, c.admin))[:2] == (
        409,
        "PROXY_ALREADY_GIVEN",
    )
    revoked = await api.call("meetingProxy/v1/revoke", {"id": first["id"]}, c.admin)
    assert revoked["revokedAt"] is not None
    await api.call("meetingProxy/v1/grant", proxy | {"holderPartyId": c.parties[2]}, c.admin)  # the unit is free again
    await api.call("meetingSettings/v1/set", {"associationId": c.association, "proxiesAllowed": False}, c.admin)
    unit2 = proxy | {"unitId": c.units[1], "grantorPartyId": c.parties[1], "holderPartyId": c.parties[0]}
    assert (await error(api, "meetingProxy/v1/grant", unit2, c.admin))[:2] == (422, "PROXIES_NOT_ALLOWED")
    settings = await api.call("meetingSettings/v1/get", {"associationId": c.association}, c.admin)
    assert (settings["proxiesAllowed"], settings["membershipQuorumShare"]) == (False, "0.2500")
    assert (await error(api, "meetingSettings/v1/set", {"associationId": c.association, "boardQuorumShare": "1"}, c.admin))[
        :2
    ] == (400, "VALIDATION_FAILED")

    assert (await error(api, "meeting/v1/get", {"id": m["id"]}, other.admin))[:2] == (404, "NOT_FOUND")
    foreign = {"id": m["id"], "unitId": other.units[0], "partyId": other.parties[0]}
    await api.call("meeting/v1/sendNotice", {"id": m["id"]}, c.admin)
    assert (await error(api, "meeting/v1/checkIn", foreign, c.admin))[:2] == (422, "INVALID_REFERENCE")
    # Nothing half-written: the refused check-ins left no attendance.
    assert (await api.call("meeting/v1/attendance", {"id": m["id"]}, c.admin))["nodes"] == []


async def test_owners_see_their_meetings_and_proxies_and_give_their_own(api) -> None:
    c = await with_board(api, units=3)
    await community.add_people(api, c)  # owner: of unit 1; tenant: rents unit 2
    annual = await schedule(api, c)
    executive = await schedule(api, c, "board_executive", days=5)
    listed = await api.call("meeting/v1/list", {"associationId": c.association}, c.owner)
    assert [x["id"] for x in listed["nodes"]] == [annual["id"]]
    # The agenda of a meeting they may see comes with it.
    query = "query($a: ID!) { meetings(associationId: $a) { nodes { id agendaItems { title } motions { text } } } }"
    body = await api.gql(query, {"a": c.association}, token=c.owner.token)
    assert "errors" not in body, body
    assert [(n["id"], len(n["agendaItems"])) for n in body["data"]["meetings"]["nodes"]] == [(annual["id"], 2)]
    assert (await api.call("meeting/v1/list", {}, c.nobody))["nodes"] == []
    assert (await error(api, "meeting/v1/get", {"id": executive["id"]}, c.owner))[:2] == (404, "NOT_FOUND")
    assert (await error(api, "meeting/v1/notices", {"id": annual["id"]}, c.owner))[:2] == (403, "FORBIDDEN")

    mine = {
        "meetingId": annual["id"],
        "unitId": c.units[0],
        "grantorPartyId": c.parties[0],
        "holderName": "Sam Neighbor",
        "kind": "general",
    }
    given = await api.call("meetingProxy/v1/grant", mine, c.owner)
    theirs = mine | {"unitId": c.units[2], "grantorPartyId": c.parties[2]}
    assert (await error(api, "meetingProxy/v1/grant", theirs, c.owner))[:2] == (403, "FORBIDDEN")
    assert (await error(api, "meetingProxy/v1/grant", mine | {"unitId": c.units[1], "grantorPartyId": c.parties[1]}, c.tenant))[
        :2
    ] == (403, "FORBIDDEN")
    await api.call("meetingProxy/v1/grant", theirs, c.admin)
    seen = await api.call("meeting/v1/proxies", {"id": annual["id"]}, c.owner)
    assert [p["id"] for p in seen["nodes"]] == [given["id"]]
    assert len((await api.call("meeting/v1/proxies", {"id": annual["id"]}, c.admin))["nodes"]) == 2
    assert (await api.call("meetingProxy/v1/revoke", {"id": given["id"]}, c.owner))["revokedAt"] is not None
    assert (await error(api, "meeting/v1/schedule", {"associationId": c.association}, c.owner))[:2] in (
        (403, "FORBIDDEN"),
        (400, "VALIDATION_FAILED"),
    )


async def test_nested_reads_are_flat_from_2_to_20_meetings(api, statements) -> None:
    query = """query($a: ID!) { meetings(associationId: $a, first: 50) { nodes { title body { name }
      association { code } agendaItems { title } motions { text votes { voterName } } } } }"""

    async def count(n: int) -> int:
        c = await with_board(api, units=2)
        for i in range(n):
            await settled(await schedule(api, c, "board_open" if i % 2 else "annual_membership", days=20 + i))
        statements.clear()
        result = await api.gql(query, {"a": c.association}, token=c.admin.token)
        assert "errors" not in result, result
        assert len(result["data"]["meetings"]["nodes"]) == n
        return len(statements)

    assert await count(2) == await count(20)

"""Boards and committees with seats, terms and offices; the board role follows
from a current seat and ends the day the term does."""

from __future__ import annotations

import uuid

from tests.associations import community
from tests.governance.board import day, error, seat, with_board

BOARD_ONLY = "payablesSettings/v1/set"  # the board (or an admin) sets it; a plain member may not


async def _member_with_party(api, c, party: str):
    """A `member` user linked to `party`, with the organization selected."""
    user, _ = await api.add_member(c.admin, ["member"])
    await api.call("party/v1/update", {"id": party, "userId": user.user_id}, c.admin)
    await api.select(user, c.org)
    return user


async def _acts_as_board(api, c, user) -> bool:
    body = {"associationId": c.association, "boardApprovalThreshold": "2500.00"}
    r = await api.rpc(BOARD_ONLY, body, token=user.token, key=uuid.uuid4().hex)
    assert r.status_code in (200, 403), r.text
    return r.status_code == 200


async def test_a_current_board_seat_grants_the_board_role_until_its_term_ends(api) -> None:
    c = await with_board(api)
    user = await _member_with_party(api, c, c.parties[0])
    assert not await _acts_as_board(api, c, user)

    term = await seat(api, c, c.parties[0], starts=-30, ends=1)  # powers until tomorrow
    assert await _acts_as_board(api, c, user)
    # A term read back says who and when.
    assert (term["partyId"], term["bodyId"], term["endsOn"], term["endedEarly"]) == (c.parties[0], c.board, day(1), None)

    # Resigning today: the powers end today, with nothing else to revoke.
    ended = await api.call("seat/v1/end", {"id": term["id"], "endsOn": day(0), "reason": "resigned"}, c.admin)
    assert (ended["endsOn"], ended["scheduledEndsOn"], ended["endedEarly"]) == (day(0), day(1), "resigned")
    assert not await _acts_as_board(api, c, user)


async def test_a_term_ending_today_gives_no_powers_today_and_one_starting_tomorrow_none_yet(api) -> None:
    c = await with_board(api)
    ended_today = await _member_with_party(api, c, c.parties[0])
    starts_tomorrow = await _member_with_party(api, c, c.parties[1])
    current = await _member_with_party(api, c, c.parties[2])
    await seat(api, c, c.parties[0], starts=-365, ends=0)
    await seat(api, c, c.parties[1], starts=1, ends=365)
    await seat(api, c, c.parties[2], starts=0, ends=365)
    assert [await _acts_as_board(api, c, u) for u in (ended_today, starts_tomorrow, current)] == [False, False, True]


async def test_committee_seats_and_dissolved_boards_grant_nothing(api) -> None:
    c = await with_board(api)
    user = await _member_with_party(api, c, c.parties[0])
    committee = {"associationId": c.association, "kind": "committee", "name": "Architectural Review Committee", "seatCount": 3}
    arc = (await api.call("governingBody/v1/create", committee, c.admin))["id"]
    await seat(api, c, c.parties[0], body=arc)
    assert not await _acts_as_board(api, c, user)

    await seat(api, c, c.parties[0])
    assert await _acts_as_board(api, c, user)
    await api.call("governingBody/v1/update", {"id": c.board, "status": "dissolved"}, c.admin)
    assert not await _acts_as_board(api, c, user)


async def test_in_a_management_company_a_seat_grants_no_organization_wide_role(api) -> None:
    c = await with_board(api, org_type="management_company")
    user = await _member_with_party(api, c, c.parties[0])
    await seat(api, c, c.parties[0])
    # The role would reach every association the company runs: the seat is recorded, the role is not granted.
    assert not await _acts_as_board(api, c, user)


async def test_bodies_seats_and_offices_read_back(api) -> None:
    c = await with_board(api, units=4, seats=3)
    terms = [await seat(api, c, p) for p in c.parties[:3]]
    president = await api.call("office/v1/assign", {"seatId": terms[0]["id"], "title": "president", "startsOn": day(0)}, c.admin)
    assert (president["title"], president["endsOn"], president["bodyId"]) == ("president", terms[0]["endsOn"], c.board)
    # A new president from tomorrow ends the first one's holding then.
    second = await api.call("office/v1/assign", {"seatId": terms[1]["id"], "title": "president", "startsOn": day(1)}, c.admin)
    offices = await api.call("office/v1/list", {"bodyId": c.board}, c.admin)
    assert [(o["id"], o["endsOn"]) for o in offices["nodes"]] == [(second["id"], terms[1]["endsOn"]), (president["id"], day(1))]
    today = await api.call("office/v1/list", {"bodyId": c.board, "currentOn": day(0)}, c.admin)
    assert [o["id"] for o in today["nodes"]] == [president["id"]]

    listed = await api.call("seat/v1/list", {"bodyId": c.board, "currentOn": day(0)}, c.admin)
    assert {s["id"] for s in listed["nodes"]} == {t["id"] for t in terms}
    got = await api.call("governingBody/v1/get", {"id": c.board}, c.admin)
    assert (got["name"], got["kind"], got["seatCount"], got["status"]) == ("Board of Directors", "board", 3, "active")
    bodies = await api.call("governingBody/v1/list", {"associationId": c.association}, c.admin)
    assert [b["id"] for b in bodies["nodes"]] == [c.board]

    query = """query($id: ID!) { node(id: $id) { ... on GoverningBody { name association { code }
      currentSeats { filledBy party { name } currentOffices { title } }
      currentOffices { title seat { party { name } } } } } }"""
    body = await api.gql(query, {"id": c.board}, token=c.admin.token)
    assert "errors" not in body, body
    node = body["data"]["node"]
    assert node["association"]["code"] == "MGV"
    assert sorted(s["party"]["name"] for s in node["currentSeats"]) == ["Owner MGV 1", "Owner MGV 2", "Owner MGV 3"]
    assert [o["title"] for s in node["currentSeats"] for o in s["currentOffices"]] == ["PRESIDENT"]
    assert node["currentOffices"] == [{"title": "PRESIDENT", "seat": {"party": {"name": "Owner MGV 1"}}}]


async def test_refusals(api) -> None:
    c = await with_board(api, units=4, seats=2)
    first = await seat(api, c, c.parties[0])
    await seat(api, c, c.parties[1], starts=-30, ends=10)

    fill = {"bodyId": c.board, "partyId": c.parties[2], "filledBy": "appointed", "startsOn": day(0), "endsOn": day(30)}
    assert await error(api, "seat/v1/fill", fill, c.admin) == (422, "SEATS_FULL", ["startsOn"])
    # After the second term ends there is a free seat.
    assert (await api.call("seat/v1/fill", fill | {"startsOn": day(10)}, c.admin))["startsOn"] == day(10)
    again = fill | {"partyId": c.parties[0], "startsOn": day(400), "endsOn": day(800)}
    assert (await error(api, "seat/v1/fill", again, c.admin))[:2] == (422, "ALREADY_SEATED")
    empty = fill | {"startsOn": day(50), "endsOn": day(50)}
    assert (await error(api, "seat/v1/fill", empty, c.admin))[:2] == (422, "INVALID_TERM")

    create = {"associationId": c.association, "kind": "board", "name": "Board of Directors", "seatCount": 5}
    assert (await error(api, "governingBody/v1/create", create, c.admin))[:2] == (409, "GOVERNING_BODY_NAME_TAKEN")
    assert (await error(api, "governingBody/v1/update", {"id": c.board, "seatCount": 1}, c.admin))[:2] == (
        422,
        "SEAT_COUNT_BELOW_TERMS",
    )

    end = {"id": first["id"], "endsOn": day(-1), "reason": "resigned"}
    assert (await error(api, "seat/v1/end", end, c.admin))[:2] == (422, "INVALID_EARLY_END")
    assert (await error(api, "seat/v1/end", end | {"endsOn": day(900)}, c.admin))[:2] == (422, "INVALID_EARLY_END")
    await api.call("seat/v1/end", end | {"endsOn": day(0)}, c.admin)
    assert (await error(api, "seat/v1/end", end | {"endsOn": day(0)}, c.admin))[:2] == (409, "TERM_ENDED")

    office = {"seatId": first["id"], "title": "treasurer", "startsOn": day(0)}
    assert (await error(api, "office/v1/assign", office, c.admin))[:2] == (422, "OFFICE_OUTSIDE_TERM")

    await api.call("governingBody/v1/update", {"id": c.board, "status": "dissolved"}, c.admin)
    late = fill | {"partyId": c.parties[3], "startsOn": day(900), "endsOn": day(1000)}
    assert (await error(api, "seat/v1/fill", late, c.admin))[:2] == (422, "GOVERNING_BODY_DISSOLVED")


async def test_bad_input_and_foreign_ids(api) -> None:
    c = await with_board(api)
    other = await with_board(api)
    fill = {"bodyId": c.board, "partyId": c.parties[0], "filledBy": "elected", "startsOn": day(0), "endsOn": day(30)}
    assert (await error(api, "seat/v1/fill", fill | {"bodyId": other.board}, c.admin))[:3] == (
        422,
        "INVALID_REFERENCE",
        ["bodyId"],
    )
    assert (await error(api, "seat/v1/fill", fill | {"partyId": other.parties[0]}, c.admin))[:3] == (
        422,
        "INVALID_REFERENCE",
        ["partyId"],
    )
    assert (await error(api, "seat/v1/fill", fill | {"filledBy": "inherited"}, c.admin))[:2] == (400, "VALIDATION_FAILED")
    assert (await error(api, "seat/v1/fill", fill | {"endsOn": "soon"}, c.admin))[:2] == (400, "VALIDATION_FAILED")
    body = {"associationId": c.association, "kind": "board", "name": "Zero", "seatCount": 0}
    assert (await error(api, "governingBody/v1/create", body, c.admin))[:2] == (400, "VALIDATION_FAILED")
    assert (await error(api, "governingBody/v1/get", {"id": other.board}, c.admin))[:2] == (404, "NOT_FOUND")
    # Nothing half-written.
    listed = await api.call("seat/v1/list", {"bodyId": c.board}, c.admin)
    assert listed["nodes"] == []


async def test_owners_and_tenants_see_their_associations_bodies_only(api) -> None:
    c = await with_board(api)
    await community.add_people(api, c)
    await seat(api, c, c.parties[1])
    other = (await api.call("association/v1/create", community.ASSOCIATION | {"code": "OTH"}, c.admin))["id"]
    elsewhere = {"associationId": other, "kind": "board", "name": "Other Board", "seatCount": 3}
    await api.call("governingBody/v1/create", elsewhere, c.admin)
    for caller in (c.owner, c.tenant):
        bodies = await api.call("governingBody/v1/list", {}, caller)
        assert [b["id"] for b in bodies["nodes"]] == [c.board]
        seats = await api.call("seat/v1/list", {"bodyId": c.board}, caller)
        assert len(seats["nodes"]) == 1
    assert (await api.call("governingBody/v1/list", {}, c.nobody))["nodes"] == []
    assert (
        await error(
            api,
            "seat/v1/fill",
            {"bodyId": c.board, "partyId": c.parties[0], "filledBy": "elected", "startsOn": day(0), "endsOn": day(9)},
            c.owner,
        )
    )[:2] == (403, "FORBIDDEN")


async def test_audit_rows(api) -> None:
    c = await with_board(api)
    term = await seat(api, c, c.parties[0])
    await api.call("seat/v1/end", {"id": term["id"], "endsOn": day(5), "reason": "removed"}, c.admin)
    query = "query($op: String!) { auditEvents(first: 5, operation: $op) { nodes { summary targetIds } } }"
    body = await api.gql(query, {"op": "seat/v1/end"}, token=c.admin.token)
    summary = body["data"]["auditEvents"]["nodes"][0]["summary"]
    assert summary["reason"] == "removed" and summary["endsOn"]["to"] == day(5)


async def test_nested_reads_are_flat_from_2_to_20_bodies(api, statements) -> None:
    query = """query($a: ID!) { governingBodies(associationId: $a, first: 50) { nodes { name
      currentSeats { party { name } body { name } currentOffices { title } } currentOffices { title seat { startsOn } } } } }"""

    async def count(n: int) -> int:
        c = await with_board(api, units=2, seats=2)
        for i in range(n - 1):
            body = {"associationId": c.association, "kind": "committee", "name": f"Committee {i}", "seatCount": 2}
            committee = (await api.call("governingBody/v1/create", body, c.admin))["id"]
            term = await seat(api, c, c.parties[i % 2], body=committee)
            await api.call("office/v1/assign", {"seatId": term["id"], "title": "chair", "startsOn": day(0)}, c.admin)
        statements.clear()
        result = await api.gql(query, {"a": c.association}, token=c.admin.token)
        assert "errors" not in result, result
        assert len(result["data"]["governingBodies"]["nodes"]) == n
        return len(statements)

    assert await count(2) == await count(20)

"""Opening work orders and who sees them: staff and the board every one, an
owner or tenant their unit's and their own, through the list, `get`, `node`
and nested fields alike."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.associations.community import ASSOCIATION
from tests.documents.library import file
from tests.work_orders.site import attempt, open_site

DETAIL = """query($id: ID!) { node(id: $id) { ... on WorkOrder { id title unit { id } association { id }
  requesterParty { id } transitions { fromStatus toStatus actorKind } lastTransition { toStatus } } } }"""

LIST = (
    """{ workOrders(first: 100) { nodes { id unit { id } requesterParty { id } vendor { id } lastTransition { toStatus } } } }"""
)


async def test_staff_open_a_unit_work_order_linked_to_its_owners_and_residents(api) -> None:
    s = await open_site(api)
    leak = await file(api, s.manager, s.association, category="photos", title="Leak", visibility="board")
    wo = await api.call("workOrder/v1/create", s.request(1, priority="emergency", documentIds=[leak["id"]]), s.manager)
    assert (wo["status"], wo["requesterKind"], wo["priority"], wo["escalated"]) == ("received", "staff", "emergency", False)
    assert wo["documentIds"] == [leak["id"]] and wo["id"].startswith("wo_")
    # Deadlines from the (default) settings: an emergency is answered in an hour, done in a day.
    created = datetime.fromisoformat(wo["createdAt"])
    assert abs(datetime.fromisoformat(wo["respondBy"]) - created - timedelta(hours=1)) < timedelta(seconds=5)
    assert abs(datetime.fromisoformat(wo["completeBy"]) - created - timedelta(days=1)) < timedelta(seconds=5)
    settings = await api.call("workOrderSettings/v1/get", {"associationId": s.association}, s.manager)
    assert settings["emergencyResponseMinutes"] == "60.00" and settings["updatedBy"] is None
    # Unit 2 is owned by its owner party and rented by the tenant: both linked (audit summary says how many).
    events = await api.gql(
        '{ auditEvents(first: 5, operation: "workOrder/v1/create") { nodes { targetIds summary } } }', token=s.admin.token
    )
    [event] = [e for e in events["data"]["auditEvents"]["nodes"] if wo["id"] in e["targetIds"]]
    assert event["summary"]["linkedParties"] == 2
    detail = await api.gql(DETAIL, {"id": wo["id"]}, token=s.manager.token)
    node = detail["data"]["node"]
    assert node["unit"]["id"] == s.c.units[1] and node["association"]["id"] == s.association
    assert node["transitions"] == [{"fromStatus": None, "toStatus": "RECEIVED", "actorKind": "USER"}]
    assert node["lastTransition"] == {"toStatus": "RECEIVED"}


async def test_who_may_open_what(api) -> None:
    s = await open_site(api)
    # The owner of unit 1, for it and for a common area; the tenant of unit 2, for it and a common area.
    own = await api.call("workOrder/v1/create", s.request(0), s.owner)
    assert own["requesterKind"] == "owner" and own["requesterPartyId"] == s.c.parties[0]
    assert (await api.call("workOrder/v1/create", s.request(None), s.owner))["requesterKind"] == "owner"
    rented = await api.call("workOrder/v1/create", s.request(1), s.tenant)
    assert rented["requesterKind"] == "tenant" and rented["requesterPartyId"] == s.c.tenant_party
    assert (await api.call("workOrder/v1/create", s.request(None), s.tenant))["requesterKind"] == "tenant"
    assert (await api.call("workOrder/v1/create", s.request(2), s.board))["requesterKind"] == "board"
    # Not for someone else's unit, not without a unit of one's own; auditors only read.
    assert await attempt(api, "workOrder/v1/create", s.request(1), s.owner) == (403, "FORBIDDEN")
    assert await attempt(api, "workOrder/v1/create", s.request(0), s.tenant) == (403, "FORBIDDEN")
    assert await attempt(api, "workOrder/v1/create", s.request(None), s.nobody) == (403, "FORBIDDEN")
    assert await attempt(api, "workOrder/v1/create", s.request(0), s.auditor) == (403, "FORBIDDEN")


async def test_bad_input_is_refused_and_nothing_is_written(api) -> None:
    s = await open_site(api)
    other = await api.call("association/v1/create", ASSOCIATION | {"code": "OTHERWO"}, s.admin)
    stranger_admin, _ = await api.admin_of_new_org()
    cases = [
        ({"location": None, "unitId": None}, (422, "LOCATION_REQUIRED")),
        ({"associationId": other["id"]}, (422, "INVALID_REFERENCE")),  # unit of another association
        ({"priority": "whenever"}, (400, "VALIDATION_FAILED")),
        ({"title": " padded "}, (400, "VALIDATION_FAILED")),
        ({"unitId": "unt_nope"}, (400, "VALIDATION_FAILED")),
        ({"documentIds": ["doc_" + "a" * 26] * 21}, (400, "VALIDATION_FAILED")),
        ({"documentIds": ["s3://photos/leak.jpg"]}, (400, "VALIDATION_FAILED")),
    ]
    for change, expected in cases:
        assert await attempt(api, "workOrder/v1/create", s.request(0) | change, s.admin) == expected, change
    category = await api.call(
        "workOrderCategory/v1/create", {"associationId": other["id"], "level": "place", "name": "Lobby"}, s.admin
    )
    assert await attempt(api, "workOrder/v1/create", s.request(0, categoryId=category["id"]), s.admin) == (
        422,
        "INVALID_REFERENCE",
    )
    # Another organization's admin names this association: it does not exist for them.
    assert await attempt(api, "workOrder/v1/create", s.request(0), stranger_admin) == (422, "INVALID_REFERENCE")
    listed = await api.call("workOrder/v1/list", {"associationId": s.association}, s.admin)
    assert listed["nodes"] == []


async def test_owners_and_tenants_see_their_units_and_their_own_requests(api, read_path) -> None:
    s = await open_site(api)
    unit1 = await api.call("workOrder/v1/create", s.request(0), s.manager)
    unit2 = await api.call("workOrder/v1/create", s.request(1), s.manager)
    unit3 = await api.call("workOrder/v1/create", s.request(2), s.manager)
    common_staff = await api.call("workOrder/v1/create", s.request(None), s.manager)
    common_owner = await api.call("workOrder/v1/create", s.request(None, title="Gate latch"), s.owner)
    everything = {w["id"] for w in (unit1, unit2, unit3, common_staff, common_owner)}

    async def listed(caller) -> set[str]:
        page = await api.call("workOrder/v1/list", {"first": 100}, caller)
        return {n["id"] for n in page["nodes"]}

    async def listed_in_graphql(caller) -> set[str]:
        body = await api.gql(LIST, {}, token=caller.token)
        nodes = body["data"]["workOrders"]["nodes"]
        # An owner or tenant sees no vendor record, and only their own party.
        if caller in (s.owner, s.tenant):
            assert all(n["vendor"] is None for n in nodes), body
            assert {n["requesterParty"]["id"] for n in nodes if n["requesterParty"]} <= {s.c.parties[0], s.c.tenant_party}
        return {n["id"] for n in nodes}

    for caller in (s.admin, s.manager, s.owner, s.tenant, s.nobody):
        assert await listed_in_graphql(caller) == await listed(caller)
    for staff in (s.admin, s.manager, s.board, s.auditor):
        assert await listed(staff) == everything
    assert await listed(s.owner) == {unit1["id"], common_owner["id"]}
    assert await listed(s.tenant) == {unit2["id"]}
    assert await listed(s.nobody) == set()
    # Single reads agree with the lists: a hidden work order is not found, through RPC and `node`.
    for caller, hidden in ((s.owner, unit2), (s.tenant, common_owner), (s.nobody, unit1)):
        assert await attempt(api, "workOrder/v1/get", {"id": hidden["id"]}, caller) == (404, "NOT_FOUND")
        body = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": hidden["id"]}, token=caller.token)
        assert body["data"]["node"] is None
    got = await api.call("workOrder/v1/get", {"id": unit1["id"]}, s.owner)
    assert got["status"] == "received"
    # Filters.
    page = await api.call("workOrder/v1/list", {"unitId": s.c.units[0]}, s.manager)
    assert [n["id"] for n in page["nodes"]] == [unit1["id"]]
    page = await api.call("workOrder/v1/list", {"associationId": s.association, "open": False}, s.manager)
    assert page["nodes"] == []


async def test_another_organization_sees_nothing(api) -> None:
    s = await open_site(api)
    wo = await api.call("workOrder/v1/create", s.request(0), s.manager)
    stranger, _ = await api.admin_of_new_org()
    assert (await api.call("workOrder/v1/list", {}, stranger))["nodes"] == []
    assert await attempt(api, "workOrder/v1/get", {"id": wo["id"]}, stranger) == (404, "NOT_FOUND")
    assert await attempt(api, "workOrder/v1/transition", {"id": wo["id"], "to": "review"}, stranger) == (404, "NOT_FOUND")
    r = await attempt(
        api, "workOrderComment/v1/create", {"workOrderId": wo["id"], "body": "x", "visibility": "internal"}, stranger
    )
    assert r == (422, "INVALID_REFERENCE")


async def test_comments_internal_or_for_the_requester(api) -> None:
    s = await open_site(api)
    wo = await api.call("workOrder/v1/create", s.request(0), s.owner)
    await api.call(
        "workOrderComment/v1/create", {"workOrderId": wo["id"], "body": "Call plumber", "visibility": "internal"}, s.manager
    )
    await api.call(
        "workOrderComment/v1/create", {"workOrderId": wo["id"], "body": "We are on it", "visibility": "requester"}, s.manager
    )
    await api.call("workOrderComment/v1/create", {"workOrderId": wo["id"], "body": "Thanks", "visibility": "requester"}, s.owner)
    body = {"workOrderId": wo["id"], "body": "psst", "visibility": "internal"}
    assert await attempt(api, "workOrderComment/v1/create", body, s.owner) == (403, "FORBIDDEN")
    assert await attempt(api, "workOrderComment/v1/create", body, s.auditor) == (403, "FORBIDDEN")
    assert await attempt(api, "workOrderComment/v1/create", body | {"visibility": "requester"}, s.tenant) == (
        404,
        "NOT_FOUND",
    )
    staff = await api.call("workOrderComment/v1/list", {"workOrderId": wo["id"]}, s.manager)
    assert [c["body"] for c in staff["nodes"]] == ["Call plumber", "We are on it", "Thanks"]
    mine = await api.call("workOrderComment/v1/list", {"workOrderId": wo["id"]}, s.owner)
    assert [c["body"] for c in mine["nodes"]] == ["We are on it", "Thanks"]
    nested = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on WorkOrder { comments { body visibility } } } }",
        {"id": wo["id"]},
        token=s.owner.token,
    )
    assert [c["body"] for c in nested["data"]["node"]["comments"]] == ["We are on it", "Thanks"]
    internal = staff["nodes"][0]["id"]
    hidden = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": internal}, token=s.owner.token)
    assert hidden["data"]["node"] is None


async def test_classifier_defaults_and_own_nodes(api) -> None:
    s = await open_site(api)
    first = await api.call("workOrderCategory/v1/installDefaults", {"associationId": s.association}, s.manager)
    assert first["added"] == first["total"] > 40
    again = await api.call("workOrderCategory/v1/installDefaults", {"associationId": s.association}, s.manager)
    assert again == first | {"added": 0}
    places = await api.call("workOrderCategory/v1/list", {"associationId": s.association, "level": "place"}, s.owner)
    names = {p["name"]: p["id"] for p in places["nodes"]}
    assert set(names) == {"Common area", "Building exterior", "Unit"}
    own = await api.call(
        "workOrderCategory/v1/create",
        {"associationId": s.association, "parentId": names["Common area"], "level": "category", "name": "Tennis court"},
        s.manager,
    )
    problem = await api.call(
        "workOrderCategory/v1/create",
        {"associationId": s.association, "parentId": own["id"], "level": "problem", "name": "Net torn"},
        s.manager,
    )
    for body, expected in (
        ({"parentId": names["Common area"], "level": "problem", "name": "x"}, (422, "INVALID_CLASSIFIER_PARENT")),
        ({"level": "category", "name": "x"}, (422, "INVALID_CLASSIFIER_PARENT")),
        ({"parentId": names["Common area"], "level": "category", "name": "Tennis court"}, (409, "CATEGORY_EXISTS")),
        ({"level": "place", "name": "Unit"}, (409, "CATEGORY_EXISTS")),
    ):
        assert await attempt(api, "workOrderCategory/v1/create", {"associationId": s.association} | body, s.manager) == expected
    assert await attempt(
        api, "workOrderCategory/v1/create", {"associationId": s.association, "level": "place", "name": "Gym"}, s.owner
    ) == (403, "FORBIDDEN")
    wo = await api.call("workOrder/v1/create", s.request(None, categoryId=problem["id"]), s.owner)
    detail = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on WorkOrder { category { name level parent { name parent { name } } } } } }",
        {"id": wo["id"]},
        token=s.owner.token,
    )
    assert detail["data"]["node"]["category"] == {
        "name": "Net torn",
        "level": "PROBLEM",
        "parent": {"name": "Tennis court", "parent": {"name": "Common area"}},
    }

"""Deadlines from the association's settings, escalated by each work order's
workflow on a durable timer: an audit row, a notice for staff and the
`escalated` flag lists filter on — once per deadline, and only when it passed unmet."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.work_orders.site import attempt, move, open_site, until

NOTICES = "query($id: ID!) { node(id: $id) { ... on WorkOrder { escalated notices { event audience message } } } }"


async def test_missed_deadlines_escalate_once_met_ones_never(api) -> None:
    s = await open_site(api, units=2)
    # Seconds, for the test: 1.2 s to respond and 3.6 s to complete an emergency; 3 s to respond to an urgent one.
    settings = await api.call(
        "workOrderSettings/v1/set",
        {
            "associationId": s.association,
            "emergencyResponseMinutes": "0.02",
            "emergencyCompletionMinutes": "0.06",
            "urgentResponseMinutes": "0.05",
        },
        s.manager,
    )
    assert settings["urgentCompletionMinutes"] == "4320.00" and settings["updatedBy"]
    late = await api.call("workOrder/v1/create", s.request(0, priority="emergency"), s.owner)
    answered = await api.call("workOrder/v1/create", s.request(0, priority="urgent"), s.owner)
    await move(api, s.manager, answered["id"], "review")
    await move(api, s.manager, answered["id"], "estimates_requested")

    async def escalations() -> list[dict[str, Any]]:
        body = await api.gql(
            '{ auditEvents(first: 20, operation: "workOrder/escalated") { nodes { actorKind targetIds summary } } }',
            token=s.admin.token,
        )
        nodes = [n for n in body["data"]["auditEvents"]["nodes"] if late["id"] in n["targetIds"]]
        return nodes if len(nodes) == 2 else []

    events = await until(escalations, timeout=30, what="both escalations")
    assert {(e["actorKind"], e["summary"]["deadline"]) for e in events} == {("workflow", "response"), ("workflow", "completion")}
    staff = (await api.gql(NOTICES, {"id": late["id"]}, token=s.manager.token))["data"]["node"]
    assert staff["escalated"] is True
    assert [(n["event"], n["audience"]) for n in staff["notices"]] == [
        ("RESPONSE_OVERDUE", "STAFF"),
        ("COMPLETION_OVERDUE", "STAFF"),
    ]
    # Staff notices are for staff: the requester sees the flag, not them.
    mine = (await api.gql(NOTICES, {"id": late["id"]}, token=s.owner.token))["data"]["node"]
    assert mine == {"escalated": True, "notices": []}
    flagged = await api.call("workOrder/v1/list", {"associationId": s.association, "escalated": True}, s.manager)
    assert [n["id"] for n in flagged["nodes"]] == [late["id"]]
    got = await api.call("workOrder/v1/get", {"id": late["id"]}, s.manager)
    assert got["responseEscalatedAt"] and got["completionEscalatedAt"]
    # The urgent one was answered within 3 s; after its deadline it is still not escalated.
    await asyncio.sleep(3.5)
    calm = await api.call("workOrder/v1/get", {"id": answered["id"]}, s.manager)
    assert (calm["escalated"], calm["responseEscalatedAt"]) == (False, None)
    # Escalation happens once: later wake-ups (events) add nothing.
    await move(api, s.manager, late["id"], "review")
    await asyncio.sleep(0.5)
    assert len(await escalations()) == 2


async def test_settings_are_the_staffs_and_boards(api) -> None:
    s = await open_site(api, units=2)
    body = {"associationId": s.association, "routineResponseMinutes": "120"}
    for caller in (s.owner, s.auditor):
        assert await attempt(api, "workOrderSettings/v1/set", body, caller) in {(403, "FORBIDDEN")}
    assert await attempt(api, "workOrderSettings/v1/set", body | {"routineResponseMinutes": "0"}, s.board) == (
        400,
        "VALIDATION_FAILED",
    )
    assert await attempt(api, "workOrderSettings/v1/get", {"associationId": s.association}, s.owner) == (403, "FORBIDDEN")
    defaults = await api.call("workOrderSettings/v1/get", {"associationId": s.association}, s.auditor)
    assert (defaults["routineResponseMinutes"], defaults["reopenWindowDays"], defaults["updatedAt"]) == ("2880.00", 14, None)
    changed = await api.call("workOrderSettings/v1/set", body, s.board)
    assert changed["routineResponseMinutes"] == "120.00" and changed["routineCompletionMinutes"] == "20160.00"

"""The lifecycle: every arrow of the state map taken through the API, a sample
of missing ones refused with ILLEGAL_TRANSITION, the workflow's own moves
(telling the requester, closing), reopening within the window, feedback, and
the workflow that follows each work order to its end."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any

import pytest

from domains.work_orders.service.lifecycle import AUTOMATIC, STATE_MAP
from tests.work_orders.site import Site, attempt, move, open_site, until, workflow_state

RECEIVED = "received"
EDGES = sorted((a.value, b.value) for a, nexts in STATE_MAP.items() for b in nexts if b not in AUTOMATIC)


def _path(to: str) -> list[str]:
    """The shortest walk from `received` to `to` through the moves a caller makes."""
    seen, queue = {RECEIVED: [RECEIVED]}, deque([RECEIVED])
    while queue:
        here = queue.popleft()
        for there in sorted(s.value for s in STATE_MAP[type(next(iter(STATE_MAP)))(here)] if s not in AUTOMATIC):
            if there not in seen:
                seen[there] = [*seen[here], there]
                queue.append(there)
    return seen[to]


@pytest.fixture(scope="module")
async def site(app) -> Site:
    import httpx

    from tests.helpers import Api

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        s = await open_site(Api(client), units=2)
        vendor = await Api(client).call("vendor/v1/create", {"name": "Ace Plumbing", "is1099": False}, s.admin)
        s.c.vendor = vendor["id"]
        return s


async def _walk(api, s: Site, states: list[str]) -> dict[str, Any]:
    wo = await api.call("workOrder/v1/create", s.request(0), s.manager)
    for to in states[1:]:
        wo = await move(api, s.manager, wo["id"], to, **({"vendorId": s.c.vendor} if to == "vendor_chosen" else {}))
        assert wo["status"] == to
    return wo


async def test_every_arrow_of_the_state_map(api, site) -> None:
    assert len(EDGES) == 24  # and the workflow's two: not_responsible → requester_told → closed
    covered: set[tuple[str, str]] = set()
    for edge in EDGES:
        if edge in covered:
            continue
        walk = [*_path(edge[0]), edge[1]]
        wo = await _walk(api, site, walk)
        covered |= set(itertools.pairwise(walk))
        history = await api.gql(
            "query($id: ID!) { node(id: $id) { ... on WorkOrder { transitions { fromStatus toStatus } } } }",
            {"id": wo["id"]},
            token=site.manager.token,
        )
        steps = [(t["fromStatus"], t["toStatus"]) for t in history["data"]["node"]["transitions"]]
        # (after not_responsible the workflow's own two moves may already follow)
        assert steps[: len(walk)] == [(None, "RECEIVED"), *((a.upper(), b.upper()) for a, b in itertools.pairwise(walk))]
    assert covered >= set(EDGES)


@pytest.mark.parametrize(
    ("walk", "to"),
    [
        (["received"], "assigned"),
        (["received"], "completed"),
        (["received", "review"], "received"),
        (["received", "review"], "requester_told"),  # only the workflow tells the requester
        (["received", "review"], "closed"),
        (["received", "review", "vendor_chosen", "assigned", "in_progress"], "canceled"),
        (["received", "canceled"], "review"),
    ],
)
async def test_moves_the_map_lacks_are_refused(api, site, walk, to) -> None:
    wo = await _walk(api, site, walk)
    r = await api.rpc("workOrder/v1/transition", {"id": wo["id"], "to": to}, token=site.manager.token, key=f"x-{wo['id']}")
    assert (r.status_code, r.json()["error"]["code"]) == (409, "ILLEGAL_TRANSITION")
    details = r.json()["error"]["details"]
    assert (details["from"], details["to"]) == (walk[-1], to)
    assert details["allowed"] == sorted(s.value for s in STATE_MAP[type(next(iter(STATE_MAP)))(walk[-1])] if s not in AUTOMATIC)
    assert (await api.call("workOrder/v1/get", {"id": wo["id"]}, site.manager))["status"] == walk[-1]


async def test_choosing_a_vendor_names_it(api, site) -> None:
    wo = await _walk(api, site, ["received", "review"])
    assert await attempt(api, "workOrder/v1/transition", {"id": wo["id"], "to": "vendor_chosen"}, site.manager) == (
        422,
        "VENDOR_REQUIRED",
    )
    chosen = await move(api, site.manager, wo["id"], "vendor_chosen", vendorId=site.c.vendor)
    assert chosen["vendorId"] == site.c.vendor
    listed = await api.call("workOrder/v1/list", {"vendorId": site.c.vendor, "first": 100}, site.manager)
    assert wo["id"] in {n["id"] for n in listed["nodes"]}


async def test_who_runs_the_lifecycle(api, site) -> None:
    wo = await api.call("workOrder/v1/create", site.request(0), site.owner)
    for caller in (site.board, site.auditor, site.owner):
        assert await attempt(api, "workOrder/v1/transition", {"id": wo["id"], "to": "review"}, caller) == (403, "FORBIDDEN")
    assert await attempt(api, "workOrder/v1/transition", {"id": wo["id"], "to": "review"}, site.tenant) == (404, "NOT_FOUND")


async def test_not_the_associations_responsibility_the_workflow_tells_the_requester_and_closes(api, site) -> None:
    wo = await api.call("workOrder/v1/create", site.request(0), site.owner)
    await move(api, site.manager, wo["id"], "review")
    await move(api, site.manager, wo["id"], "not_responsible", note="Inside the unit: the owner's to fix")

    async def closed():
        return (await api.call("workOrder/v1/get", {"id": wo["id"]}, site.owner))["status"] == "closed"

    await until(closed, what="the workflow to close it")
    await until(lambda: _ended(api, site, wo), what="the workflow to end")
    detail = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on WorkOrder { transitions { toStatus actorKind }
           notices { event audience } } } }""",
        {"id": wo["id"]},
        token=site.owner.token,
    )
    node = detail["data"]["node"]
    assert [(t["toStatus"], t["actorKind"]) for t in node["transitions"]][-2:] == [
        ("REQUESTER_TOLD", "WORKFLOW"),
        ("CLOSED", "WORKFLOW"),
    ]
    assert node["notices"] == [{"event": "NOT_RESPONSIBLE", "audience": "REQUESTER"}]


async def _ended(api, s: Site, wo: dict[str, Any]) -> bool:
    return await workflow_state(api, s.admin, wo["workflowId"]) == "SUCCESS"


async def test_cancel_ends_the_workflow(api, site) -> None:
    wo = await api.call("workOrder/v1/create", site.request(0), site.manager)
    await until(lambda: _pending(api, site, wo), what="the workflow to start")
    await move(api, site.manager, wo["id"], "canceled", note="Duplicate")
    await until(lambda: _ended(api, site, wo), what="the workflow to end")


async def _pending(api, s: Site, wo: dict[str, Any]) -> bool:
    return await workflow_state(api, s.admin, wo["workflowId"]) == "PENDING"


async def test_reopen_within_the_window_then_feedback(api, site) -> None:
    walk = ["received", "review", "vendor_chosen", "assigned", "in_progress", "work_done", "completed"]
    wo = await api.call("workOrder/v1/create", site.request(0), site.owner)
    for to in walk[1:]:
        wo = await move(api, site.manager, wo["id"], to, **({"vendorId": site.c.vendor} if to == "vendor_chosen" else {}))
    assert wo["completedAt"]
    # Feedback only from the requester; reopening by the requester too.
    body = {"id": wo["id"], "score": 4, "note": "Quick"}
    assert await attempt(api, "workOrder/v1/feedback", body, site.manager) == (403, "FORBIDDEN")
    reopened = await api.call("workOrder/v1/reopen", {"id": wo["id"], "reason": "Still dripping"}, site.owner)
    assert reopened["status"] == "review"
    assert await attempt(api, "workOrder/v1/feedback", body, site.owner) == (409, "WORK_ORDER_NOT_COMPLETED")
    assert await attempt(api, "workOrder/v1/reopen", {"id": wo["id"], "reason": "x"}, site.owner) == (409, "ILLEGAL_TRANSITION")
    for to in [*walk[2:-1], "completed_no_bill"]:
        wo = await move(api, site.manager, wo["id"], to, **({"vendorId": site.c.vendor} if to == "vendor_chosen" else {}))
    scored = await api.call("workOrder/v1/feedback", body, site.owner)
    assert (scored["feedbackScore"], scored["feedbackNote"]) == (4, "Quick")
    assert await attempt(api, "workOrder/v1/feedback", body, site.owner) == (409, "FEEDBACK_ALREADY_GIVEN")
    assert await attempt(api, "workOrder/v1/feedback", body | {"score": 6}, site.owner) == (400, "VALIDATION_FAILED")
    # The window closes: with 0 days, reopening is refused and the workflow ends.
    await api.call("workOrderSettings/v1/set", {"associationId": site.association, "reopenWindowDays": 0}, site.board)
    try:
        r = await attempt(api, "workOrder/v1/reopen", {"id": wo["id"], "reason": "x"}, site.owner)
        assert r == (409, "REOPEN_WINDOW_CLOSED")
        # The workflow learns of it at its next wake-up (here: the next event).
        late = await api.call("workOrder/v1/create", site.request(0), site.manager)
        assert late["status"] == "received"
    finally:
        await api.call("workOrderSettings/v1/set", {"associationId": site.association, "reopenWindowDays": 14}, site.board)

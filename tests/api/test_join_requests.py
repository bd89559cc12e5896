"""A long-running workflow end to end: a join request waits for an admin's
decision (an event) or its deadline (a durable timer); `workflow(id:)` shows it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

WORKFLOW = "query($id: String!) { workflow(id: $id) { id name state } }"


async def _wait_state(api, token: str, workflow_id: str, state: str, timeout: float = 15) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        body = await api.gql(WORKFLOW, {"id": workflow_id}, token=token)
        wf = body["data"]["workflow"]
        if wf and wf["state"] == state:
            return wf
        assert asyncio.get_running_loop().time() < deadline, body
        await asyncio.sleep(0.1)


async def _request(api, org: str):
    applicant = await api.register()
    r = await api.rpc(
        "joinRequest/v1/create", {"organizationId": org, "message": "Unit 12B"}, token=applicant.token, key=uuid.uuid4().hex
    )
    assert r.status_code == 200, r.text
    return applicant, r.json()


async def test_approval_admits_the_user(api) -> None:
    admin, org = await api.admin_of_new_org()
    applicant, request = await _request(api, org)
    assert request["status"] == "pending" and request["workflowId"]
    assert (await _wait_state(api, admin.token, request["workflowId"], "PENDING"))["name"] == "review_join_request_workflow"
    mutation = """mutation($input: JoinRequestDecideInput!, $key: String!) {
      joinRequestDecide(input: $input, idempotencyKey: $key) { joinRequest { status } userErrors { code } } }"""
    body = await api.gql(mutation, {"input": {"id": request["id"], "approve": True}, "key": uuid.uuid4().hex}, token=admin.token)
    assert body["data"]["joinRequestDecide"]["joinRequest"]["status"] == "APPROVED", body
    await _wait_state(api, admin.token, request["workflowId"], "SUCCESS")
    memberships = (await api.rpc("organization/v1/list", token=applicant.token)).json()["items"]
    assert [(m["organizationId"], m["roles"]) for m in memberships] == [(org, ["member"])]
    # Deciding twice is refused with a stable code.
    again = await api.rpc(
        "joinRequest/v1/decide", {"id": request["id"], "approve": False}, token=admin.token, key=uuid.uuid4().hex
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "JOIN_REQUEST_NOT_PENDING"


async def test_decline_leaves_no_membership(api) -> None:
    admin, org = await api.admin_of_new_org()
    applicant, request = await _request(api, org)
    r = await api.rpc("joinRequest/v1/decide", {"id": request["id"], "approve": False}, token=admin.token, key=uuid.uuid4().hex)
    assert r.json()["status"] == "declined"
    await _wait_state(api, admin.token, request["workflowId"], "SUCCESS")
    assert (await api.rpc("organization/v1/list", token=applicant.token)).json()["items"] == []


@pytest.fixture
def short_review(platform):
    before = platform.settings.join_request_ttl_seconds
    platform.settings.join_request_ttl_seconds = 1.0
    yield
    platform.settings.join_request_ttl_seconds = before


async def test_undecided_request_expires_on_its_durable_timer(api, short_review) -> None:
    admin, org = await api.admin_of_new_org()
    _, request = await _request(api, org)
    await _wait_state(api, admin.token, request["workflowId"], "SUCCESS")
    late = await api.rpc("joinRequest/v1/decide", {"id": request["id"], "approve": True}, token=admin.token, key=uuid.uuid4().hex)
    assert late.json()["error"]["code"] == "JOIN_REQUEST_NOT_PENDING"
    events = await api.gql(
        '{ auditEvents(first: 10, operation: "joinRequest/expire") { nodes { actorKind targetIds } } }', token=admin.token
    )
    assert events["data"]["auditEvents"]["nodes"][0]["actorKind"] == "workflow"


async def test_workflow_of_another_organization_reads_as_null(api) -> None:
    _, org = await api.admin_of_new_org()
    _, request = await _request(api, org)
    stranger, _ = await api.admin_of_new_org()
    body = await api.gql(WORKFLOW, {"id": request["workflowId"]}, token=stranger.token)
    assert body["data"]["workflow"] is None
    body = await api.gql(WORKFLOW, {"id": "no-such-workflow"}, token=stranger.token)
    assert body["data"]["workflow"] is None


async def test_members_and_service_accounts_cannot_join_again(api) -> None:
    admin, org = await api.admin_of_new_org()
    r = await api.rpc("joinRequest/v1/create", {"organizationId": org, "message": "hi"}, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ALREADY_MEMBER"
    unknown = "org_" + "a" * 26
    applicant = await api.register()
    r = await api.rpc(
        "joinRequest/v1/create", {"organizationId": unknown, "message": "hi"}, token=applicant.token, key=uuid.uuid4().hex
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "ORGANIZATION_NOT_FOUND"

"""An unreachable Cerbos PDP fails closed: 503 with a stable code, never allowed."""

from __future__ import annotations

import uuid

import pytest

from graph.authz import Authorizer


@pytest.fixture
async def pdp_down(platform):
    real = platform.authorizer
    dead = Authorizer("127.0.0.1:1", timeout_seconds=0.5)
    await dead.start()
    platform.authorizer = dead
    yield
    platform.authorizer = real
    await dead.close()


async def test_operations_fail_closed_when_the_pdp_is_unreachable(api, pdp_down) -> None:
    caller = await api.register()  # public: checked before authentication, no PDP needed
    r = await api.rpc("organization/v1/create", {"type": "association", "name": "X"}, token=caller.token, key=uuid.uuid4().hex)
    assert r.status_code == 503 and r.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
    body = await api.gql(
        'mutation($k: String!) { organizationCreate(input: {type: ASSOCIATION, name: "X"}, idempotencyKey: $k) '
        "{ organization { id } } }",
        {"k": uuid.uuid4().hex},
        token=caller.token,
    )
    assert body["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE" and body["data"] is None
    assert (await api.rpc("organization/v1/list", token=caller.token)).json()["error"]["code"] == "SERVICE_UNAVAILABLE"

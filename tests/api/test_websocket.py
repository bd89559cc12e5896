"""GraphQL over a websocket (graphql-transport-ws) against the live server goes
through the same authentication, scope and guards as HTTP."""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

PROTOCOL = "graphql-transport-ws"


async def _run(url: str, query: str, headers: dict[str, str]) -> dict:  # type: ignore[type-arg]
    ws_url = url.replace("http://", "ws://") + "/graphql"
    async with connect(ws_url, subprotocols=[PROTOCOL], additional_headers=headers) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {"query": query}}))
        return json.loads(await ws.recv())


async def test_websocket_operations_are_authenticated(live_server, api) -> None:
    caller, org = await api.admin_of_new_org()
    message = await _run(live_server, "{ viewer { activeOrganization { id } } }", {"Authorization": f"Bearer {caller.token}"})
    assert message["payload"]["data"]["viewer"]["activeOrganization"]["id"] == org
    anonymous = await _run(live_server, "{ viewer { principalKind } }", {})
    assert anonymous["payload"]["data"]["viewer"] is None
    refused = await _run(
        live_server, "{ auditEvents(first: 1000) { nodes { id } } }", {"Authorization": f"Bearer {caller.token}"}
    )
    assert refused["type"] == "error" or refused["payload"].get("errors"), refused


async def test_websocket_with_a_bad_token_is_refused(live_server) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await _run(live_server, "{ viewer { principalKind } }", {"Authorization": "Bearer nope"})
    assert refused.value.response.status_code == 403

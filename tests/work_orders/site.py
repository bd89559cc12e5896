"""An association with three units, an owner (unit 1), a tenant (unit 2), a
member with no unit, and a manager, a board member and an auditor, for the
work-order tests."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

from tests.associations import community
from tests.associations.community import Community
from tests.helpers import Api, Caller
from tests.payables.desk import member

WORKFLOW = "query($id: String!) { workflow(id: $id) { id name state } }"


@dataclass
class Site:
    c: Community
    manager: Caller
    board: Caller
    auditor: Caller

    @property
    def admin(self) -> Caller:
        return self.c.admin

    @property
    def association(self) -> str:
        return self.c.association

    @property
    def owner(self) -> Caller:
        return self.c.owner

    @property
    def tenant(self) -> Caller:
        return self.c.tenant

    @property
    def nobody(self) -> Caller:
        return self.c.nobody

    def request(self, unit: int | None = 0, **more: Any) -> dict[str, Any]:
        """A work order for unit `unit` (index) or, with None, a common area."""
        body: dict[str, Any] = {"associationId": self.association, "title": "Leak under the sink", "priority": "routine"}
        if unit is None:
            body["location"] = "Pool gate"
        else:
            body["unitId"] = self.c.units[unit]
        return body | more


async def open_site(api: Api, units: int = 3) -> Site:
    c = await community.build(api, units, code=f"W{uuid.uuid4().hex[:6].upper()}")
    await community.add_people(api, c)
    manager = await member(api, c.admin, c.org, ["manager"])
    board = await member(api, c.admin, c.org, ["board_member"])
    auditor = await member(api, c.admin, c.org, ["auditor"])
    return Site(c, manager, board, auditor)


def code(response: Any) -> tuple[int, str | None]:
    body = response.json()
    return response.status_code, (body.get("error") or {}).get("code")


async def attempt(api: Api, name: str, body: dict[str, Any], caller: Caller) -> tuple[int, str | None]:
    return code(await api.rpc(name, body, token=caller.token, key=uuid.uuid4().hex))


async def move(api: Api, caller: Caller, wo: str, to: str, **more: Any) -> dict[str, Any]:
    return await api.call("workOrder/v1/transition", {"id": wo, "to": to, **more}, caller)


async def until(probe: Any, timeout: float = 20, what: str = "") -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await probe()
        if value:
            return value
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.05)


async def workflow_state(api: Api, caller: Caller, workflow_id: str) -> str | None:
    body = await api.gql(WORKFLOW, {"id": workflow_id}, token=caller.token)
    workflow = body["data"]["workflow"]
    return workflow["state"] if workflow else None

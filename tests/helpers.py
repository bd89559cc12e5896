"""A small client for tests: register, log in, select organizations, call both transports.

Every refusal an RPC call through it meets is checked against the codes the
OpenAPI document declares for that operation (graph/refusals.py): the whole suite
then shows that `x-error-codes` holds for each refusal it provokes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from graph import refusals
from graph.operations import REGISTRY

PASSWORD = "correct horse battery staple"


@dataclass
class Caller:
    token: str
    refresh: str
    user_id: str
    email: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def assert_declared(name: str, response: httpx.Response) -> None:
    """A refusal of operation `name` carries a code its OpenAPI entry declares."""
    op = REGISTRY.get(name)
    if op is None or response.status_code < 400:
        return
    code = response.json()["error"]["code"]
    assert code in refusals.codes(op), f"{name} answered {code}, which its x-error-codes do not declare: {response.text}"


class Api:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def gql(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
        body = response.json()
        body["_status"] = response.status_code
        return body

    async def rpc(
        self,
        name: str,
        body: Any = None,
        *,
        token: str | None = None,
        key: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"Bearer {token}"
        if key is not None:
            h["Idempotency-Key"] = key
        response = await self.client.post(f"/api/v1/rpc/{name}", json=body if body is not None else {}, headers=h)
        assert_declared(name, response)
        return response

    async def call(self, name: str, body: Any, caller: Caller) -> Any:
        """Call an operation that must succeed (a fresh idempotency key for
        mutations); returns the JSON result."""
        r = await self.rpc(name, body, token=caller.token, key=uuid.uuid4().hex)
        assert r.status_code == 200, (name, r.text)
        return r.json()

    async def register(self, email: str | None = None) -> Caller:
        email = email or f"user-{uuid.uuid4().hex[:12]}@example.org"
        r = await self.rpc("auth/v1/register", {"email": email, "displayName": "Test User", "password": PASSWORD})
        assert r.status_code == 200, r.text
        data = r.json()
        return Caller(data["accessToken"], data["refreshToken"], data["user"]["id"], email)

    async def create_org(self, caller: Caller, type_: str = "association", name: str | None = None) -> str:
        r = await self.rpc(
            "organization/v1/create",
            {"type": type_, "name": name or f"Org {uuid.uuid4().hex[:6]}"},
            token=caller.token,
            key=uuid.uuid4().hex,
        )
        assert r.status_code == 200, r.text
        return r.json()["id"]

    async def select(self, caller: Caller, org_id: str) -> httpx.Response:
        r = await self.rpc("organization/v1/select", {"organizationId": org_id}, token=caller.token, key=uuid.uuid4().hex)
        assert r.status_code == 200, r.text
        return r

    async def add_member(self, admin: Caller, roles: list[str], member: Caller | None = None) -> tuple[Caller, str]:
        """Register a user (unless given) and add them to the admin's active
        organization; returns them and their membership id."""
        member = member or await self.register()
        r = await self.rpc("membership/v1/add", {"email": member.email, "roles": roles}, token=admin.token, key=uuid.uuid4().hex)
        assert r.status_code == 200, r.text
        return member, r.json()["id"]

    async def admin_of_new_org(self, type_: str = "association") -> tuple[Caller, str]:
        caller = await self.register()
        org = await self.create_org(caller, type_)
        await self.select(caller, org)
        return caller, org

"""An association with books, a manager and a board member, an approval
threshold and a payable vendor, for the payables tests."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.accounting.books import Books, open_books
from tests.helpers import Api, Caller

WORKFLOW = "query($id: String!) { workflow(id: $id) { id name state } }"


@dataclass
class Desk:
    b: Books
    manager: Caller
    board: Caller
    vendor: str

    @property
    def admin(self) -> Caller:
        return self.b.c.admin

    @property
    def association(self) -> str:
        return self.b.c.association

    def line(self, number: str = "5100", amount: str = "300.00", fund: str = "OPER", **more: Any) -> dict[str, Any]:
        return {"accountId": self.b.accounts[number], "fundId": self.b.funds[fund], "amount": amount, **more}

    def invoice(self, number: str | None = None, lines: list[dict[str, Any]] | None = None, **more: Any) -> dict[str, Any]:
        return {
            "associationId": self.association,
            "vendorId": self.vendor,
            "invoiceNumber": number or uuid.uuid4().hex[:10],
            "invoiceDate": "2026-03-02",
            "dueDate": "2026-04-01",
            "memo": "Grounds maintenance",
            "lines": [self.line()] if lines is None else lines,
        } | more


async def member(api: Api, d_admin: Caller, org: str, roles: list[str]) -> Caller:
    user, _ = await api.add_member(d_admin, roles)
    await api.select(user, org)
    return user


async def new_vendor(api: Api, caller: Caller, *, released: bool = True, **fields: Any) -> str:
    body = {"name": f"Vendor {uuid.uuid4().hex[:6]}", "taxId": "12-3456789", "is1099": True} | fields
    vendor = await api.call("vendor/v1/create", body, caller)
    if released:
        await api.call("vendor/v1/releaseHold", {"id": vendor["id"], "note": "W-9 and COI on file"}, caller)
    return vendor["id"]


async def open_desk(api: Api, threshold: str = "1000.00") -> Desk:
    b = await open_books(api, units=1)
    manager = await member(api, b.c.admin, b.c.org, ["manager"])
    board = await member(api, b.c.admin, b.c.org, ["board_member"])
    await api.call("payablesSettings/v1/set", {"associationId": b.c.association, "boardApprovalThreshold": threshold}, b.c.admin)
    return Desk(b, manager, board, await new_vendor(api, b.c.admin))


async def enter(api: Api, d: Desk, **invoice: Any) -> dict[str, Any]:
    return await api.call("invoice/v1/create", d.invoice(**invoice), d.admin)


async def approved(api: Api, d: Desk, **invoice: Any) -> dict[str, Any]:
    """An invoice below the threshold, approved by the manager."""
    entered = await enter(api, d, **invoice)
    result = await api.call("invoice/v1/approve", {"id": entered["id"]}, d.manager)
    assert result["status"] == "approved", result
    return result


def code(response: Any) -> tuple[int, str | None]:
    body = response.json()
    return response.status_code, (body.get("error") or {}).get("code")


async def wait_workflow(api: Api, caller: Caller, workflow_id: str, state: str, timeout: float = 15) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        body = await api.gql(WORKFLOW, {"id": workflow_id}, token=caller.token)
        workflow = body["data"]["workflow"]
        if workflow and workflow["state"] == state:
            return
        assert asyncio.get_running_loop().time() < deadline, body
        await asyncio.sleep(0.05)


async def every(api: Api, operation: str, body: dict[str, Any], caller: Caller) -> list[dict[str, Any]]:
    """All pages of a list operation."""
    nodes, after = [], None
    while True:
        page = await api.call(operation, body | {"first": 100, "after": after}, caller)
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def entries(api: Api, d: Desk, source: str | None = None) -> list[dict[str, Any]]:
    body = {"associationId": d.association} | ({"source": source} if source else {})
    return await every(api, "journalEntry/v1/list", body, d.admin)


async def balances(api: Api, d: Desk) -> dict[str, dict[tuple[str, str], Decimal]]:
    """Per view (accrual, cash): balance (debit − credit) per (account number, fund
    code), after checking every view balances per fund (a zero trial balance)."""
    numbers = {v: k for k, v in d.b.accounts.items()}
    codes = {v: k for k, v in d.b.funds.items()}
    views: dict[str, dict[tuple[str, str], Decimal]] = {"accrual": defaultdict(Decimal), "cash": defaultdict(Decimal)}
    for entry in await entries(api, d):
        for line in entry["lines"]:
            for view, totals in views.items():
                if line["basis"] in ("both", view):
                    totals[(numbers[line["accountId"]], codes[line["fundId"]])] += Decimal(line["debit"]) - Decimal(
                        line["credit"]
                    )
    for view, totals in views.items():
        for fund in codes.values():
            assert sum(v for (_, f), v in totals.items() if f == fund) == 0, (view, fund, dict(totals))
    return {view: {k: v for k, v in totals.items() if v} for view, totals in views.items()}

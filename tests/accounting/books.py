"""An association with the standard chart of accounts, for the accounting tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.associations.community import Community, build
from tests.helpers import Api


@dataclass
class Books:
    c: Community
    funds: dict[str, str]  # code → id
    accounts: dict[str, str]  # number → id

    def line(self, number: str, fund: str = "OPER", *, debit: str = "0", credit: str = "0", **more: Any) -> dict[str, Any]:
        return {"accountId": self.accounts[number], "fundId": self.funds[fund], "debit": debit, "credit": credit, **more}


async def open_books(api: Api, units: int = 2) -> Books:
    c = await build(api, units)
    result = await api.call("chartOfAccounts/v1/install", {"associationId": c.association}, c.admin)
    return Books(
        c,
        {f["code"]: f["id"] for f in result["funds"]},
        {a["number"]: a["id"] for a in result["accounts"]},
    )

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


def sample_budget(b: Books, fiscal_year: int = 2025) -> dict[str, Any]:
    """budget/v1/set input: assessments 3600 a year (300 a month), landscaping
    100 a month, utilities 1000 a year (83.33 a month, 83.37 the last), reserve
    spending 200 in the second month."""
    return {
        "associationId": b.c.association,
        "fiscalYear": fiscal_year,
        "lines": [
            {"accountId": b.accounts["4000"], "fundId": b.funds["OPER"], "annual": "3600.00"},
            {"accountId": b.accounts["5100"], "fundId": b.funds["OPER"], "months": ["100.00"] * 12},
            {"accountId": b.accounts["5200"], "fundId": b.funds["OPER"], "annual": "1000.00"},
            {"accountId": b.accounts["6000"], "fundId": b.funds["RESV"], "months": ["0", "200.00"] + ["0"] * 10},
        ],
    }

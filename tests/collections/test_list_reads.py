"""The collection cases list reads flat: the same number of statements for 2
and for 20 cases, each with its unit, its steps and each step's fee entry."""

from __future__ import annotations

from typing import Any

from tests.collections.test_collections import charge, policy, run
from tests.receivables.books import open_receivables

LIST = """query($id: ID!) {
  collectionCases(associationId: $id, first: 100) {
    nodes { status unit { unitNumber } steps { kind fee feeEntry { amount } } }
  }
}"""


async def _count(api, r, statements) -> tuple[int, list[Any]]:
    statements.clear()
    body = await api.gql(LIST, {"id": r.c.association}, token=r.c.admin.token)
    assert "errors" not in body, body
    return len(statements), body["data"]["collectionCases"]["nodes"]


async def test_the_list_costs_the_same_for_2_and_20_cases(api, statements) -> None:
    r = await open_receivables(api, 20)
    await api.call("collectionPolicy/v1/set", policy(r, reminderFee="5.00"), r.c.admin)
    for unit in range(2):
        await charge(api, r, unit, "400.00", "2026-01-05")
    assert await run(api, r, "2026-11-01") == {"reminder": 2}
    n2, two = await _count(api, r, statements)
    for unit in range(2, 20):
        await charge(api, r, unit, "400.00", "2026-01-05")
    assert await run(api, r, "2026-11-02") == {"reminder": 18, "late_notice": 2}
    n20, twenty = await _count(api, r, statements)
    assert (len(two), len(twenty)) == (2, 20)
    assert all(c["unit"]["unitNumber"] and c["steps"][0]["feeEntry"]["amount"] == "5.00" for c in twenty)
    assert n2 == n20, statements

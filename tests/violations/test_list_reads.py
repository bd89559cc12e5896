"""The violations list reads flat: the same number of statements for 2 and for
20 violations, each with its unit, the unit's current owners, its rule, its
current stage, history and fines."""

from __future__ import annotations

from typing import Any

from tests.violations.enforcement import day, observe, open_enforcement

LIST = """query($id: ID!) {
  violations(associationId: $id, first: 100) {
    nodes {
      status observedOn cureBy
      unit { unitNumber currentOwners { party { name } } }
      rule { code title }
      events { kind occurredOn }
      observations { description }
      fines { amount }
    }
  }
}"""


async def _count(api, e, statements) -> tuple[int, list[Any]]:
    statements.clear()
    body = await api.gql(LIST, {"id": e.association}, token=e.manager.token)
    assert "errors" not in body, body
    return len(statements), body["data"]["violations"]["nodes"]


async def test_the_list_costs_the_same_for_2_and_20_violations(api, statements) -> None:
    e = await open_enforcement(api, "CA", units=20)
    for unit in range(2):
        await observe(api, e, unit, observed=day(-unit))
    n2, two = await _count(api, e, statements)
    for unit in range(2, 20):
        await observe(api, e, unit, observed=day(-unit))
    n20, twenty = await _count(api, e, statements)
    assert (len(two), len(twenty)) == (2, 20)
    assert all(v["unit"]["currentOwners"][0]["party"]["name"].startswith("Owner") for v in twenty)
    assert {v["rule"]["code"] for v in twenty} == {"LND-01"}
    assert all(v["events"][0]["kind"] == "OBSERVED" for v in twenty)
    assert n2 == n20, statements

"""Late fees once per charge (on demand and by the daily workflow); AR aging,
delinquency list and owner statements from the owner ledger, in a fixed
number of statements; an owner reads only their own unit's statement."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from dbos import DBOS

from tests.receivables.books import (
    Receivables,
    check_books,
    levy,
    open_receivables,
    pay,
)

STATEMENT = """query($id: ID!, $from: Date!, $to: Date!) { ownerStatement(id: $id, fromDate: $from, toDate: $to) {
  unitNumber ownerNames openingBalance closingBalance lines { entryDate kind amount balance } } }"""


async def _fees(api, r: Receivables) -> list[tuple[str, str]]:
    rows = await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association, "kind": "late_fee"}, r.c.admin)
    return sorted((e["unitId"], e["amount"]) for e in rows["nodes"])


async def test_late_fees_once_per_charge(api, platform) -> None:
    from domains.receivables.service.late_fees import LATE_FEE_SCHEDULE
    from domains.receivables.workflows import apply_late_fees_workflow

    schedule = await DBOS.get_schedule_async(LATE_FEE_SCHEDULE)
    assert schedule is not None and schedule["schedule"] == "30 6 * * *"

    r = await open_receivables(api, 3, method="fixed", amount="100.00")
    apply = {"associationId": r.c.association, "asOf": "2026-01-12"}
    x = await api.rpc("lateFeeRule/v1/apply", apply, token=r.c.admin.token, key=uuid.uuid4().hex)
    assert x.status_code == 404 and x.json()["error"]["code"] == "LATE_FEE_RULE_MISSING"
    rule = {"associationId": r.c.association, "graceDays": 10, "method": "flat", "amount": "25.00"}
    await api.call("lateFeeRule/v1/set", rule, r.c.admin)
    await levy(api, r, "2026-01-01")
    await pay(api, r, 0, "100.00", "2026-01-05")
    await pay(api, r, 1, "60.00", "2026-01-05")
    assert (await api.call("lateFeeRule/v1/apply", apply | {"asOf": "2026-01-11"}, r.c.admin))["count"] == 0  # day 10: in grace
    run = await api.call("lateFeeRule/v1/apply", apply, r.c.admin)
    assert (run["count"], run["total"]) == (2, "50.00")
    assert await _fees(api, r) == sorted([(r.c.units[1], "25.00"), (r.c.units[2], "25.00")])
    assert (await api.call("lateFeeRule/v1/apply", apply | {"asOf": "2026-01-20"}, r.c.admin))["count"] == 0
    # Percentage of what is open, capped; the daily workflow runs it.
    await api.call("lateFeeRule/v1/set", rule | {"method": "percent", "amount": "10.00", "cap": "8.00"}, r.c.admin)
    got = await api.call("lateFeeRule/v1/get", {"associationId": r.c.association}, r.c.admin)
    assert (got["method"], got["amount"], got["cap"]) == ("percent", "10.00", "8.00")
    await levy(api, r, "2026-02-01")
    await pay(api, r, 0, "50.00", "2026-02-03")  # unit 1 owes 50 of February: 10% = 5.00
    await apply_late_fees_workflow(datetime(2026, 2, 20, 6, 30, tzinfo=UTC), None)
    fees = await _fees(api, r)
    assert (r.c.units[0], "5.00") in fees and fees.count((r.c.units[2], "8.00")) == 1 and len(fees) == 5
    await apply_late_fees_workflow(datetime(2026, 2, 21, 6, 30, tzinfo=UTC), None)
    assert len(await _fees(api, r)) == 5
    await check_books(platform, r)


async def test_reports(api, platform, statements) -> None:
    r = await open_receivables(api, 3, method="fixed", amount="100.00")
    for month in ("2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"):
        await levy(api, r, month)
    await pay(api, r, 0, "500.00", "2026-05-02")  # all paid
    await pay(api, r, 1, "250.00", "2026-03-10")  # Jan, Feb paid, 50 of March
    await pay(api, r, 2, "600.00", "2026-01-03")  # 100 ahead
    aging = await api.call("arAging/v1/get", {"associationId": r.c.association, "asOf": "2026-05-15"}, r.c.admin)
    by_unit = {row["unitNumber"]: row for row in aging["rows"]}
    assert set(by_unit) == {"2", "3"}
    two = by_unit["2"]
    assert (two["current"], two["days1To30"], two["days31To60"], two["days61To90"], two["over90"]) == (
        "0.00",
        "100.00",
        "100.00",
        "50.00",
        "0.00",
    )
    assert two["ownerNames"] == ["Owner MGV 2"] and two["balance"] == "250.00"
    assert (by_unit["3"]["credit"], by_unit["3"]["balance"]) == ("100.00", "-100.00")
    assert (aging["totals"]["balance"], aging["totals"]["credit"]) == ("150.00", "100.00")
    # As of an earlier date, the books as they were then.
    march = await api.call("arAging/v1/get", {"associationId": r.c.association, "asOf": "2026-03-05"}, r.c.admin)
    assert {row["unitNumber"]: row["balance"] for row in march["rows"]} == {"1": "300.00", "2": "300.00", "3": "-300.00"}
    late = await api.call(
        "delinquencyList/v1/get", {"associationId": r.c.association, "asOf": "2026-05-15", "minDaysPastDue": 30}, r.c.admin
    )
    assert [(u["unitNumber"], u["pastDue"], u["oldestDueDate"], u["daysPastDue"], u["ownerNames"]) for u in late["rows"]] == [
        ("2", "150.00", "2026-03-01", 75, ["Owner MGV 2"])
    ]
    assert late["totalPastDue"] == "150.00"

    statement = await api.call(
        "ownerStatement/v1/get", {"id": r.c.units[1], "fromDate": "2026-03-01", "toDate": "2026-04-30"}, r.c.admin
    )
    assert (statement["openingBalance"], statement["closingBalance"]) == ("200.00", "150.00")
    assert [(ln["entryDate"], ln["kind"], ln["amount"], ln["balance"]) for ln in statement["lines"]] == [
        ("2026-03-01", "charge", "100.00", "300.00"), ("2026-03-10", "payment", "-250.00", "50.00"),
        ("2026-04-01", "charge", "100.00", "150.00"),
    ]  # fmt: skip
    assert (statement["charges"], statement["credits"]) == ("200.00", "-250.00")

    # A homeowner checks their own balance; other units are not found.
    owner, _ = await api.add_member(r.c.admin, ["member"])
    await api.call("party/v1/update", {"id": r.c.parties[1], "userId": owner.user_id}, r.c.admin)
    await api.select(owner, r.c.org)
    variables = {"id": r.c.units[1], "from": "2026-01-01", "to": "2026-05-31"}
    mine = await api.gql(STATEMENT, variables, token=owner.token)
    assert mine["data"]["ownerStatement"]["closingBalance"] == "250.00", mine
    other = await api.gql(STATEMENT, variables | {"id": r.c.units[0]}, token=owner.token)
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    rows = await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association, "first": 100}, owner)
    assert {e["unitId"] for e in rows["nodes"]} == {r.c.units[1]}
    x = await api.rpc("arAging/v1/get", {"associationId": r.c.association, "asOf": "2026-05-15"}, token=owner.token)
    assert x.status_code == 403

    # A fixed number of statements, whatever the number of rows.
    async def count(query: str, variables: dict) -> int:  # type: ignore[type-arg]
        statements.clear()
        body = await api.gql(query, variables, token=r.c.admin.token)
        assert "errors" not in body, body
        return len(statements)

    aging_query = """query($a: ID!, $d: Date!) { arAging(associationId: $a, asOf: $d) { rows { unitNumber ownerNames balance }
      totals { balance } } }"""
    small = await count(aging_query, {"a": r.c.association, "d": "2026-01-15"})
    large = await count(aging_query, {"a": r.c.association, "d": "2026-05-15"})
    assert small == large <= 4, statements
    short = await count(STATEMENT, {"id": r.c.units[1], "from": "2026-03-01", "to": "2026-03-31"})
    full = await count(STATEMENT, {"id": r.c.units[1], "from": "2026-01-01", "to": "2026-05-31"})
    assert short == full <= 5, statements
    listed = """query($a: ID!) { ownerLedgerEntries(associationId: $a, first: 100) { nodes { amount unit { unitNumber }
      allocations { amount chargeEntry { dueDate } } } } }"""
    assert await count(listed, {"a": r.c.association}) <= 8, statements
    assert sum((await check_books(platform, r)).values()) == Decimal("150.00")

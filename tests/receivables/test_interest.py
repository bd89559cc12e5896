"""Interest on delinquent assessments: the policy checked against the
jurisdiction's limit (data, migration 0037), the rate capped by the limit in
force when a month is charged, simple interest on assessment charges only,
charged once per unit and month by the operation, the monthly workflow and a
re-run after a crash; shown on the owner's statement, to its owner alone."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from dbos import DBOS

from graph.db import scoped_transaction
from tests.receivables.books import Receivables, check_books, levy, open_receivables, pay, raw

POLICY = {"annualRate": "12.00", "graceDays": 30}
STATEMENT = """query($id: ID!, $from: Date!, $to: Date!) { ownerStatement(id: $id, fromDate: $from, toDate: $to) {
  closingBalance lines { entryDate kind memo amount } } }"""


def _interest(days: int, open_: str, rate: str = "12.00") -> str:
    """Simple interest, actual/365, to the cent."""
    return str((Decimal(open_) * days * Decimal(rate) / 100 / 365).quantize(Decimal("0.01")))


async def _delinquent(api) -> Receivables:
    """Three units charged 100 on January 1 and February 1: the first pays on
    time, the second never, the third pays January's on February 15."""
    r = await open_receivables(api, 3, method="fixed", amount="100.00")
    await levy(api, r, "2026-01-01")
    await levy(api, r, "2026-02-01")
    await pay(api, r, 0, "200.00", "2026-01-02")
    await pay(api, r, 2, "100.00", "2026-02-15")
    return r


async def _interest_rows(api, r: Receivables, who=None) -> list[tuple[str, str, str]]:
    rows = await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association, "first": 100}, who or r.c.admin)
    return sorted((e["unitId"], e["entryDate"], e["amount"]) for e in rows["nodes"] if e["memo"].startswith("Interest"))


async def test_policy_is_checked_against_the_statute(api) -> None:
    r = await open_receivables(api, 1)
    policy = {"associationId": r.c.association, **POLICY}
    missing = await api.rpc("interestPolicy/v1/get", {"associationId": r.c.association}, token=r.c.admin.token)
    assert missing.status_code == 404
    # California: at most 12% a year, from 30 days after the due date (Civil Code §5650(b)(3)).
    for change, field in (({"annualRate": "12.50"}, "annualRate"), ({"graceDays": 29}, "graceDays")):
        x = await api.rpc("interestPolicy/v1/set", policy | change, token=r.c.admin.token, key=uuid.uuid4().hex)
        assert x.status_code == 422, x.text
        error = x.json()["error"]
        assert (error["code"], error["details"]["field"]) == ("INTEREST_POLICY_BELOW_STATUTE", [field])
        assert "§5650" in error["details"]["citation"]
    for bad in ({"annualRate": "0"}, {"annualRate": "12.345"}, {"graceDays": -1}, {"minBalance": "-1.00"}):
        x = await api.rpc("interestPolicy/v1/set", policy | bad, token=r.c.admin.token, key=uuid.uuid4().hex)
        assert x.status_code == 400 and x.json()["error"]["code"] == "VALIDATION_FAILED", x.text
    first = await api.call("interestPolicy/v1/set", policy | {"annualRate": "10.00"}, r.c.admin)
    second = await api.call("interestPolicy/v1/set", policy, r.c.admin)
    assert (first["version"], second["version"]) == (1, 2)
    got = await api.call("interestPolicy/v1/get", {"associationId": r.c.association}, r.c.admin)
    assert (got["id"], got["annualRate"], got["graceDays"], got["minBalance"]) == (second["id"], "12.00", 30, "0.00")
    assert (got["limitUsed"]["jurisdiction"], got["limitUsed"]["maxAnnualRate"]) == ("US-CA", "12.00")
    # The chart gained its income account.
    accounts = await api.call("glAccount/v1/list", {"associationId": r.c.association, "first": 100}, r.c.admin)
    assert "4140" in {a["number"] for a in accounts["nodes"]}


async def test_a_month_is_charged_once(api, platform) -> None:
    from domains.receivables.service.interest import INTEREST_SCHEDULE
    from domains.receivables.workflows import accrue_interest_workflow

    schedule = await DBOS.get_schedule_async(INTEREST_SCHEDULE)
    assert schedule is not None and schedule["schedule"] == "45 6 1 * *"
    r = await _delinquent(api)
    run = {"associationId": r.c.association, "month": "2026-02-01"}
    x = await api.rpc("interestPolicy/v1/accrue", run, token=r.c.admin.token, key=uuid.uuid4().hex)
    assert x.status_code == 404 and x.json()["error"]["code"] == "INTEREST_POLICY_MISSING"
    await api.call("interestPolicy/v1/set", {"associationId": r.c.association, **POLICY}, r.c.admin)
    future = datetime.now(UTC).date().replace(day=1).isoformat()
    x = await api.rpc("interestPolicy/v1/accrue", run | {"month": future}, token=r.c.admin.token, key=uuid.uuid4().hex)
    assert x.status_code == 422 and x.json()["error"]["code"] == "INTEREST_PERIOD_NOT_OVER"
    # January: every charge still inside its 30 days.
    assert (await api.call("interestPolicy/v1/accrue", run | {"month": "2026-01-01"}, r.c.admin))["count"] == 0
    # February: January's 100 bears interest from February 1 (the 31st day after
    # it fell due); February's own charge is still in its grace days; unit 3
    # paid January's on the 15th (14 days of interest); late fees never bear any.
    charged = await api.call("interestPolicy/v1/accrue", run | {"month": "2026-02-17"}, r.c.admin)
    expected = {r.c.units[1]: _interest(28, "100.00"), r.c.units[2]: _interest(14, "100.00")}
    assert {a["unitId"]: a["amount"] for a in charged["accruals"]} == expected
    assert charged["month"] == "2026-02-01" and charged["count"] == 2
    assert {a["unitId"]: a["principal"] for a in charged["accruals"]} == {r.c.units[1]: "100.00", r.c.units[2]: "50.00"}
    assert all(a["annualRate"] == "12.00" and a["days"] == 28 for a in charged["accruals"])
    assert await _interest_rows(api, r) == sorted((u, "2026-02-28", amount) for u, amount in expected.items())
    # Again by hand, and by the monthly workflow on March 1: nobody twice.
    assert (await api.call("interestPolicy/v1/accrue", run, r.c.admin))["count"] == 0
    # (The workflow runs every association of the test database: count this one's rows.)
    await accrue_interest_workflow(datetime(2026, 3, 1, 6, 45, tzinfo=UTC), None)
    assert len(await _interest_rows(api, r)) == 2
    # March: both months' charges bear interest (February's from March 4, its 31st day).
    await accrue_interest_workflow(datetime(2026, 4, 1, 6, 45, tzinfo=UTC), None)
    march = [row for row in await _interest_rows(api, r) if row[1] == "2026-03-31"]
    assert march == sorted(
        [(r.c.units[1], "2026-03-31", _interest(31 + 28, "100.00")), (r.c.units[2], "2026-03-31", _interest(28, "100.00"))]
    )
    await check_books(platform, r)


async def test_crash_before_commit_and_rerun_without_checkpoint(api, platform) -> None:
    """A run whose transaction died before committing charged nothing; a run
    whose checkpoint was lost after committing finds every unit charged."""
    from domains.receivables.service import interest
    from domains.receivables.workflows import accrue_interest_step, accrue_interest_workflow

    r = await _delinquent(api)
    await api.call("interestPolicy/v1/set", {"associationId": r.c.association, **POLICY}, r.c.admin)
    org, association = raw(r.c.org), raw(r.c.association)

    class Crash(Exception):
        pass

    with pytest.raises(Crash):
        async with scoped_transaction(platform.sessions, org, None) as session:
            assert await interest.accrue_monthly(session, org, association, date(2026, 2, 1), date(2026, 3, 1)) == 2
            raise Crash
    assert await _interest_rows(api, r) == []
    # The step committed, then the process died before DBOS checkpointed it:
    # the whole workflow runs again, under a new id, and charges nobody twice.
    assert await accrue_interest_step(str(org), str(association), "2026-02-01", "2026-03-01") == 2
    await accrue_interest_workflow(datetime(2026, 3, 1, 6, 45, tzinfo=UTC), None)
    assert len(await _interest_rows(api, r)) == 2
    await check_books(platform, r)


async def test_cap_follows_the_statute_in_force(api, platform) -> None:
    """A policy set where no statute caps interest keeps its rate there; the
    association's jurisdiction turning out to be California caps it at 12%."""
    r = await _delinquent(api)
    await api.call("association/v1/update", {"id": r.c.association, "region": "NV"}, r.c.admin)
    policy = await api.call(
        "interestPolicy/v1/set", {"associationId": r.c.association, "annualRate": "18.00", "graceDays": 0}, r.c.admin
    )
    assert policy["limitUsed"]["jurisdiction"] == "default" and policy["limitUsed"]["maxAnnualRate"] is None
    await api.call("association/v1/update", {"id": r.c.association, "region": "CA"}, r.c.admin)
    run = await api.call("interestPolicy/v1/accrue", {"associationId": r.c.association, "month": "2026-02-01"}, r.c.admin)
    # Capped at 12%, and from the 31st day (February's own charge not yet).
    assert {a["unitId"]: (a["annualRate"], a["amount"]) for a in run["accruals"]} == {
        r.c.units[1]: ("12.00", _interest(28, "100.00")),
        r.c.units[2]: ("12.00", _interest(14, "100.00")),
    }
    await check_books(platform, r)


async def test_statement_shows_interest_to_its_owner_alone(api, platform) -> None:
    r = await _delinquent(api)
    await api.call("interestPolicy/v1/set", {"associationId": r.c.association, **POLICY, "minBalance": "60.00"}, r.c.admin)
    run = await api.call("interestPolicy/v1/accrue", {"associationId": r.c.association, "month": "2026-02-01"}, r.c.admin)
    # Unit 3 averaged 50 delinquent over February: under the minimum.
    assert [a["unitId"] for a in run["accruals"]] == [r.c.units[1]]
    owner, _ = await api.add_member(r.c.admin, ["member"])
    await api.call("party/v1/update", {"id": r.c.parties[1], "userId": owner.user_id}, r.c.admin)
    await api.select(owner, r.c.org)
    variables = {"id": r.c.units[1], "from": "2026-02-01", "to": "2026-02-28"}
    mine = await api.gql(STATEMENT, variables, token=owner.token)
    lines = mine["data"]["ownerStatement"]["lines"]
    assert [(ln["entryDate"], ln["memo"], ln["amount"]) for ln in lines if ln["memo"].startswith("Interest")] == [
        ("2026-02-28", "Interest, February 2026: 12.00% a year on delinquent assessments", _interest(28, "100.00"))
    ]
    assert mine["data"]["ownerStatement"]["closingBalance"] == str(Decimal("200.00") + Decimal(_interest(28, "100.00")))
    # The owner sees their own interest, nobody else's, and not the policy.
    assert await _interest_rows(api, r, owner) == [(r.c.units[1], "2026-02-28", _interest(28, "100.00"))]
    other = await api.gql(STATEMENT, variables | {"id": r.c.units[2]}, token=owner.token)
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    x = await api.rpc("interestPolicy/v1/get", {"associationId": r.c.association}, token=owner.token)
    assert x.status_code == 403

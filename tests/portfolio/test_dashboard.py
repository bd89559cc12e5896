"""The manager's morning on the demo portfolio: each figure equals what the
owning domain's own list or report says for the same caller; the portfolio
manager filter follows current assignments; one statement for the page
whether the company runs 2 associations or 20; owners and other
organizations don't read it."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from devtools.seed import MANAGER, MANAGER_LOGIN, OWNER_LOGIN, PASSWORD, seed, seed_associations
from graph.ids import decode
from tests.test_seed import _call

DASHBOARD = """query($manager: ID, $first: Int!) {
  portfolioDashboard(portfolioManagerId: $manager, first: $first) {
    nodes {
      id code legalName portfolioManagerIds
      unitsOver60Days amountOver60Days unitsOver90Days amountOver90Days
      workOrdersOpen workOrdersOnTrack workOrdersPastDeadline workOrdersEscalated
      arcNearingDeemedApproval arcPastDecisionDeadline violationsAwaitingHearing
      complianceDue complianceOverdue unreconciledBankMonths
      invoicesAwaitingManager invoicesAwaitingBoard invoicesAwaitingAmount
    }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _login(api, email: str, organization: str) -> str:
    """A demo user's fresh session in their organization (a fresh key: every test logs in anew)."""
    token = (await api.rpc("auth/v1/login", {"email": email, "password": PASSWORD})).json()["accessToken"]
    memberships = (await api.gql("{ viewer { memberships { organization { id name } } } }", token=token))["data"]
    org = next(m["organization"]["id"] for m in memberships["viewer"]["memberships"] if m["organization"]["name"] == organization)
    r = await api.rpc("organization/v1/select", {"organizationId": org}, token=token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    return token


async def _all(api, name: str, body: dict[str, Any], token: str) -> list[dict[str, Any]]:
    nodes, after = [], None
    while True:
        page = await _call(api, name, body | {"first": 100, "after": after}, token)
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def _months(opened: date, today: date) -> list[date]:
    month, last, out = opened.replace(day=1), (today.replace(day=1) - timedelta(days=1)).replace(day=1), []
    while month <= last:
        out.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


async def _expected(api, association: str, token: str) -> dict[str, Any]:
    """The dashboard's figures for one association, from the domains' own operations."""
    today = datetime.now(UTC).date()
    out: dict[str, Any] = {}
    for days in (60, 90):
        report = await _call(
            api, "delinquencyList/v1/get", {"associationId": association, "asOf": str(today), "minDaysPastDue": days}, token
        )
        rows = [r for r in report["rows"] if Decimal(r["pastDue"]) > 0]
        out[f"unitsOver{days}Days"] = len(rows)
        out[f"amountOver{days}Days"] = str(sum((Decimal(r["pastDue"]) for r in rows), Decimal("0.00")))
    opened = await _all(api, "workOrder/v1/list", {"associationId": association, "open": True}, token)
    escalated = await _all(api, "workOrder/v1/list", {"associationId": association, "open": True, "escalated": True}, token)
    now = datetime.now(UTC)
    late = [
        w
        for w in opened
        if not w["escalated"]
        and (
            (w["status"] in ("received", "review") and datetime.fromisoformat(w["respondBy"]) < now)
            or datetime.fromisoformat(w["completeBy"]) < now
        )
    ]
    out |= {
        "workOrdersOpen": len(opened),
        "workOrdersEscalated": len(escalated),
        "workOrdersPastDeadline": len(late),
        "workOrdersOnTrack": len(opened) - len(escalated) - len(late),
    }
    undecided = [
        r
        for r in await _all(api, "arcRequest/v1/list", {"associationId": association}, token)
        if r["status"] in ("submitted", "under_review", "more_info_requested")
    ]
    out["arcNearingDeemedApproval"] = len(
        [r for r in undecided if r["deemedApproval"] and today <= date.fromisoformat(r["decisionDueBy"]) <= today + timedelta(14)]
    )
    out["arcPastDecisionDeadline"] = len([r for r in undecided if date.fromisoformat(r["decisionDueBy"]) < today])
    hearings = await _all(api, "violation/v1/list", {"associationId": association, "status": "hearing_scheduled"}, token)
    out["violationsAwaitingHearing"] = len(hearings)
    tasks = await _all(api, "complianceTask/v1/list", {"associationId": association, "status": "open"}, token)
    overdue = await _all(api, "complianceTask/v1/list", {"associationId": association, "overdue": True}, token)
    out["complianceOverdue"] = len(overdue)
    out["complianceDue"] = len([t for t in tasks if today <= date.fromisoformat(t["dueOn"]) <= today + timedelta(30)])
    months = 0
    for account in await _all(api, "bankAccount/v1/list", {"associationId": association}, token):
        if not account["isActive"]:
            continue
        done = {
            r["month"]
            for r in await _all(api, "bankReconciliation/v1/list", {"bankAccountId": account["id"]}, token)
            if r["status"] == "finished"
        }
        months += len([m for m in _months(date.fromisoformat(account["openedOn"]), today) if str(m) not in done])
    out["unreconciledBankMonths"] = months
    waiting = {
        s: await _all(api, "invoice/v1/list", {"associationId": association, "status": s}, token)
        for s in ("awaiting_manager", "awaiting_board")
    }
    out["invoicesAwaitingManager"] = len(waiting["awaiting_manager"])
    out["invoicesAwaitingBoard"] = len(waiting["awaiting_board"])
    out["invoicesAwaitingAmount"] = str(sum((Decimal(i["total"]) for v in waiting.values() for i in v), Decimal("0.00")))
    return out


async def test_the_dashboard_equals_the_domains_own_lists(settings, database, api, capsys) -> None:
    await seed(settings, associations=2, units=15)  # idempotent: whatever ran before
    capsys.readouterr()
    manager = await _login(api, MANAGER_LOGIN, MANAGER)
    body = await api.gql(DASHBOARD, {"first": 100}, token=manager)
    assert "errors" not in body, body
    rows = body["data"]["portfolioDashboard"]["nodes"]
    associations = (await _call(api, "association/v1/list", {"first": 100}, manager))["nodes"]
    assert [r["id"] for r in rows] == [a["id"] for a in sorted(associations, key=lambda a: (a["code"], decode(a["id"])[1]))]
    lively = 0
    for row in rows:
        expected = await _expected(api, row["id"], manager)
        assert {k: row[k] for k in expected} == expected, row["code"]
        lively += any(v not in (0, "0.00") for v in expected.values())
    assert lively >= 1, "the demo portfolio should give the dashboard something to show"
    # The seeded world has something late in each column the demo tells a manager about.
    totals = {k: sum(Decimal(str(r[k])) for r in rows) for k in ("unitsOver90Days", "workOrdersEscalated", "complianceOverdue")}
    assert all(v > 0 for v in totals.values()), totals


async def test_the_portfolio_manager_filter_follows_current_assignments(settings, database, api, capsys) -> None:
    await seed(settings, associations=2, units=15)
    capsys.readouterr()
    manager = await _login(api, MANAGER_LOGIN, MANAGER)
    me = (await api.gql("{ viewer { user { id } } }", token=manager))["data"]["viewer"]["user"]["id"]
    associations = (await _call(api, "association/v1/list", {"first": 100}, manager))["nodes"]
    target = associations[-1]["id"]
    existing = (await _call(api, "portfolioAssignment/v1/list", {"userId": me}, manager))["nodes"]
    assert existing, "the seed makes the demo manager the portfolio manager of two associations"
    for row in existing:  # start from none: the seed's, or a rerun's on the same database
        await api.rpc("portfolioAssignment/v1/end", {"id": row["id"]}, token=manager, key=uuid.uuid4().hex)
    made = await api.rpc(
        "portfolioAssignment/v1/create", {"associationId": target, "userId": me}, token=manager, key=uuid.uuid4().hex
    )
    assert made.status_code == 200, made.text
    again = await api.rpc(
        "portfolioAssignment/v1/create", {"associationId": target, "userId": me}, token=manager, key=uuid.uuid4().hex
    )
    assert (again.status_code, again.json()["error"]["code"]) == (409, "PORTFOLIO_ALREADY_ASSIGNED")
    stranger = (await api.register()).user_id
    r = await api.rpc(
        "portfolioAssignment/v1/create", {"associationId": target, "userId": stranger}, token=manager, key=uuid.uuid4().hex
    )
    assert (r.status_code, r.json()["error"]["code"]) == (422, "PORTFOLIO_MANAGER_NOT_MEMBER")
    mine = (await api.gql(DASHBOARD, {"first": 100, "manager": me}, token=manager))["data"]["portfolioDashboard"]["nodes"]
    assert [r["id"] for r in mine] == [target] and me in mine[0]["portfolioManagerIds"]
    ended = await api.rpc("portfolioAssignment/v1/end", {"id": made.json()["id"]}, token=manager, key=uuid.uuid4().hex)
    assert ended.status_code == 200 and ended.json()["endsOn"] == str(datetime.now(UTC).date())
    assert (await api.gql(DASHBOARD, {"first": 100, "manager": me}, token=manager))["data"]["portfolioDashboard"]["nodes"] == []
    r = await api.rpc("portfolioAssignment/v1/end", {"id": made.json()["id"]}, token=manager, key=uuid.uuid4().hex)
    assert (r.status_code, r.json()["error"]["code"]) == (409, "PORTFOLIO_ASSIGNMENT_ENDED")
    # An owner doesn't read the dashboard; another organization's admin reads only its own (empty) one.
    owner = await _login(api, OWNER_LOGIN, MANAGER)
    body = await api.gql(DASHBOARD, {"first": 10}, token=owner)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin, _ = await api.admin_of_new_org("management_company")
    assert (await api.gql(DASHBOARD, {"first": 10}, token=admin.token))["data"]["portfolioDashboard"]["nodes"] == []


async def test_one_statement_for_2_associations_or_20(settings, database, api, statements) -> None:
    counts = []
    for size in (2, 20):
        admin, org = await api.admin_of_new_org("management_company")
        await seed_associations(settings, decode(org)[1], size, 3)
        statements.clear()
        body = await api.gql(DASHBOARD, {"first": 100}, token=admin.token)
        assert "errors" not in body, body
        assert len(body["data"]["portfolioDashboard"]["nodes"]) == size
        counts.append(len(statements))
    assert counts[0] == counts[1], statements

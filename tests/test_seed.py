"""`hestami seed`: a consistent portfolio (shares summing to exactly 1, every
active unit owned, owners reachable), idempotent, and demo logins that find
their units through the API."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from devtools.seed import (
    BOARD_LOGIN,
    INDIVIDUAL,
    INDIVIDUAL_LOGIN,
    MANAGER,
    MANAGER_LOGIN,
    MAPLE_GROVE,
    OWNER_LOGIN,
    PASSWORD,
    TENANT_LOGIN,
    VENDOR,
    VENDOR_LOGIN,
    seed,
    start_workflows,
)
from graph.db import libpq_url


async def test_seed_builds_a_consistent_portfolio_once(settings, database, api, capsys) -> None:
    conn = await asyncpg.connect(libpq_url(settings.admin_database_url.get_secret_value()).rsplit("/", 1)[0] + f"/{database}")
    try:
        # Other tests seed this database too (the portfolio dashboard's): ask for two more than are there.
        there = await conn.fetchval(
            "SELECT count(*) FROM associations a JOIN organizations o ON o.id = a.organization_id WHERE o.name = $1", MANAGER
        )
        first = await seed(settings, associations=there + 2, units=15)
        assert first is not None and first.created == 2
        again = await seed(settings, associations=there + 2, units=15)
        assert again is not None and again.created == 0 and again.skipped == there + 2
        capsys.readouterr()

        # Other tests share this database: look at the demo company's associations only.
        org = await conn.fetchval("SELECT id FROM organizations WHERE name = $1", MANAGER)
        shares = await conn.fetch(
            "SELECT association_id, sum(assessment_share) AS a, sum(voting_weight) AS v, count(*) AS n "
            "FROM units WHERE status = 'active' AND organization_id = $1 GROUP BY association_id",
            org,
        )
        assert len(shares) >= 2 and all(r["a"] == 1 and r["v"] == 1 for r in shares), shares
        unowned = await conn.fetchval(
            """SELECT count(*) FROM units u WHERE u.status = 'active' AND u.organization_id = $1 AND NOT EXISTS (
                 SELECT 1 FROM ownerships o WHERE o.organization_id = u.organization_id AND o.unit_id = u.id
                   AND o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on > current_date))""",
            org,
        )
        assert unowned == 0
        assert await conn.fetchval("SELECT count(*) FROM contact_points WHERE organization_id = $1", org) > 0
        assert await conn.fetchval("SELECT count(*) FROM residents WHERE kind = 'tenant' AND organization_id = $1", org) > 0
    finally:
        await conn.close()

    for login in (OWNER_LOGIN, TENANT_LOGIN):
        token = (await api.rpc("auth/v1/login", {"email": login, "password": PASSWORD})).json()["accessToken"]
        memberships = (await api.rpc("organization/v1/list", {}, token=token)).json()["items"]
        for m in memberships:
            await api.rpc("organization/v1/select", {"organizationId": m["organizationId"]}, token=token, key=m["id"])
            body = await api.gql("{ viewer { myUnits { unitNumber association { code } } } }", token=token)
            if body["data"]["viewer"]["myUnits"]:
                break
        else:
            raise AssertionError(f"{login} finds no unit of theirs in any organization")


async def _login(api, email: str, organization: str) -> str:
    """Log in as a demo user and select their organization by name, as a new user would."""
    token = (await api.rpc("auth/v1/login", {"email": email, "password": PASSWORD})).json()["accessToken"]
    memberships = (await api.gql("{ viewer { memberships { organization { id name } } } }", token=token))["data"]["viewer"][
        "memberships"
    ]
    org = next(m["organization"]["id"] for m in memberships if m["organization"]["name"] == organization)
    r = await api.rpc("organization/v1/select", {"organizationId": org}, token=token, key=f"select-{email}-{org}")
    assert r.status_code == 200, r.text
    return token


# What a violation's sightings and an ARC request name from the library.
ATTACHED = """query($id: ID!) {
  violations(associationId: $id, first: 100) { nodes { observations { documents { title } } } }
  arcRequests(associationId: $id, first: 100) { nodes { documents { title } } }
}"""


async def _call(api, name: str, body: dict[str, Any], token: str) -> Any:
    r = await api.rpc(name, body, token=token)
    assert r.status_code == 200, (name, r.text)
    return r.json()


async def _moved_in(api: Any, who: Any, association: str) -> None:
    """Opening balances posted, last month's bank reconciliation finished, one
    owner on an active payment plan and one in collections."""
    opening = await _call(api, "openingBalance/v1/get", {"associationId": association}, who)
    assert opening["unitItems"] == 4, (association, opening)
    (bank,) = (await _call(api, "bankAccount/v1/list", {"associationId": association}, who))["nodes"]
    (reconciled,) = (await _call(api, "bankReconciliation/v1/list", {"bankAccountId": bank["id"]}, who))["nodes"]
    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    assert (reconciled["status"], reconciled["month"]) == ("finished", str(last_month)), association
    plans = (await _call(api, "paymentPlan/v1/list", {"associationId": association}, who))["nodes"]
    assert [p["status"] for p in plans] == ["active"], association
    cases = (await _call(api, "collectionCase/v1/list", {"associationId": association}, who))["nodes"]
    assert len(cases) == 1 and cases[0]["status"] != "closed", association
    assert cases[0]["unitId"] != plans[0]["unitId"]


async def test_each_demo_login_finds_its_world(settings, database, api, capsys) -> None:
    """Issue 9 item 11: every demo login, once its organization is selected, finds
    non-empty lists — a manager their associations, units, vendors and books; the
    board member their association, its units and books; the homeowner and tenant
    their units and only their association; the vendor its place in its customers'
    vendor lists."""
    await seed(settings, associations=2, units=15)  # idempotent: whatever ran before
    capsys.readouterr()

    manager = await _login(api, MANAGER_LOGIN, MANAGER)
    associations = (await _call(api, "association/v1/list", {}, manager))["nodes"]
    assert len(associations) >= 2
    assert (await _call(api, "unit/v1/list", {}, manager))["nodes"]
    ace = [v for v in (await _call(api, "vendor/v1/list", {}, manager))["nodes"] if v["name"] == VENDOR]
    assert len(ace) == 1 and not ace[0]["paymentHold"] and ace[0]["providerOrganizationId"]
    booked = [a for a in associations if (await _call(api, "fund/v1/list", {"associationId": a["id"]}, manager))["nodes"]]
    assert booked, "no association of the management company has books"
    entries = await _call(api, "journalEntry/v1/list", {"associationId": booked[0]["id"]}, manager)
    assert entries["nodes"], "the books hold no entry"
    opening = await _call(api, "openingBalance/v1/get", {"associationId": booked[0]["id"]}, manager)
    assert opening["unitItems"] == 4 and opening["prepaid"] == "100.00"
    aging = await _call(api, "arAging/v1/get", {"associationId": booked[0]["id"], "asOf": str(date.today())}, manager)
    assert Decimal(aging["totals"]["over90"]) >= Decimal("250.00") and Decimal(aging["totals"]["credit"]) > 0
    (bank,) = (await _call(api, "bankAccount/v1/list", {"associationId": booked[0]["id"]}, manager))["nodes"]
    (reconciled,) = (await _call(api, "bankReconciliation/v1/list", {"bankAccountId": bank["id"]}, manager))["nodes"]
    assert reconciled["status"] == "finished"
    (plan,) = (await _call(api, "paymentPlan/v1/list", {"associationId": booked[0]["id"]}, manager))["nodes"]
    assert plan["status"] == "active" and plan["amount"] == "500.00" and len(plan["instalments"]) == 4
    # The third owner, three months behind, is in collections: last night's friendly reminder.
    policy = await _call(api, "collectionPolicy/v1/get", {"associationId": booked[0]["id"]}, manager)
    assert policy["version"] == 1 and policy["lienWaitDays"] == 45
    (case,) = (await _call(api, "collectionCase/v1/list", {"associationId": booked[0]["id"]}, manager))["nodes"]
    assert case["status"] == "reminded" and [s["kind"] for s in case["steps"]] == ["reminder"]
    # Where the demo homeowner lives: interest on delinquent assessments (last month's
    # accrued, once), and this year's payments to Ace on its 1099-NEC report.
    with_interest = [
        a
        for a in associations
        if (await api.rpc("interestPolicy/v1/get", {"associationId": a["id"]}, token=manager)).status_code == 200
    ]
    (theirs,) = with_interest
    policy = await _call(api, "interestPolicy/v1/get", {"associationId": theirs["id"]}, manager)
    assert (policy["annualRate"], policy["graceDays"]) == ("10.00", 30)
    ledger = await _call(api, "ownerLedgerEntry/v1/list", {"associationId": theirs["id"], "first": 100}, manager)
    # Last month's, once (other tests run the monthly workflow over every association of this database for other months).
    last_month = date.today().replace(day=1) - timedelta(days=1)
    accrued = [e for e in ledger["nodes"] if e["memo"].startswith("Interest") and e["entryDate"][:7] == f"{last_month:%Y-%m}"]
    assert len(accrued) == 1
    report = await _call(api, "form1099Report/v1/get", {"associationId": theirs["id"], "taxYear": date.today().year}, manager)
    (ace_row,) = [r for r in report["rows"] if r["vendorName"] == VENDOR]
    assert (ace_row["total"], ace_row["voided"], ace_row["reportable"]) == ("2300.00", "300.00", True)
    assert (ace_row["tinStatus"], ace_row["taxClassification"], ace_row["flags"]) == ("on_file", "llc", [])
    # Every association with books moved in alike (issue 17 §6), the board's own included.
    board = await _login(api, BOARD_LOGIN, MAPLE_GROVE)
    (own,) = (await _call(api, "association/v1/list", {}, board))["nodes"]
    for who, association in [(manager, a["id"]) for a in booked] + [(board, own["id"])]:
        await _moved_in(api, who, association)
    # One owner is on autopay, their bank numbers masked.
    (autopay,) = (await _call(api, "achAuthorization/v1/list", {"associationId": booked[0]["id"]}, manager))["nodes"]
    assert (autopay["status"], autopay["accountLast4"], autopay["routingLast4"]) == ("active", "4417", "0015")
    # Each booked association has a reserve study of twenty components; the dashboard reads them all.
    (study,) = (await _call(api, "reserveStudy/v1/list", {"associationId": booked[0]["id"]}, manager))["nodes"]
    assert len(study["components"]) == 20 and Decimal(study["startingBalance"]) > 0
    dashboard = await _call(api, "reserveFunding/v1/dashboard", {}, manager)
    assert {r["associationId"] for r in dashboard["associations"]} >= {a["id"] for a in booked}
    assert all(r["percentFunded"] is not None for r in dashboard["associations"])

    # Work orders at several states, one escalated.
    orders = (await _call(api, "workOrder/v1/list", {"first": 100}, manager))["nodes"]
    assert len({o["status"] for o in orders}) >= 6 and any(o["escalated"] for o in orders), orders
    assert {"closed", "canceled", "completed", "in_progress", "received"} <= {o["status"] for o in orders}

    # Enforcement in the demo homeowner's association: violations at several stages, two ARC
    # requests, and the committee (a governing body) the manager chairs.
    stages: set[str] = set()
    for a in associations:
        listed = (await _call(api, "violation/v1/list", {"associationId": a["id"]}, manager))["nodes"]
        if listed:
            enforced, stages = a["id"], {v["status"] for v in listed}
            break
    assert {"observed", "notice_sent", "hearing_scheduled", "fined", "closed"} <= stages, stages
    requests = (await _call(api, "arcRequest/v1/list", {"associationId": enforced}, manager))["nodes"]
    assert sorted(r["status"] for r in requests) == ["approved_with_conditions", "under_review"]
    arc = await _call(api, "arcSettings/v1/get", {"associationId": enforced}, manager)
    (chair,) = (await _call(api, "office/v1/list", {"bodyId": arc["committeeBodyId"], "currentOn": str(date.today())}, manager))[
        "nodes"
    ]
    assert chair["title"] == "chair"

    assert (await _call(api, "workOrder/v1/list", {}, board))["nodes"]
    assert own["legalName"].startswith("Maple Grove") and own["taxId"] is not None
    assert (await _call(api, "unit/v1/list", {"associationId": own["id"]}, board))["nodes"]
    assert (await _call(api, "fund/v1/list", {"associationId": own["id"]}, board))["nodes"]
    balance = await _call(api, "financialReport/v1/trialBalance", {"associationId": own["id"], "asOf": str(date.today())}, board)
    assert any(Decimal(line["debit"]) > 0 for line in balance["lines"]), balance
    assert [v["name"] for v in (await _call(api, "vendor/v1/list", {}, board))["nodes"]] == [VENDOR]
    status = await _call(api, "reserveStudy/v1/status", {"associationId": own["id"]}, board)
    assert len(status["components"]) == 20 and Decimal(status["reserveBalance"]) > 0
    # The compliance calendar: one overdue task (last month's annual meeting), several upcoming.
    tasks = (await _call(api, "complianceTask/v1/list", {"associationId": own["id"], "first": 100}, board))["nodes"]
    overdue = [t for t in tasks if t["status"] == "open" and t["dueOn"] < str(date.today())]
    assert [t["requirement"] for t in overdue] == ["annual_meeting"], overdue
    assert len([t for t in tasks if t["dueOn"] >= str(date.today())]) >= 3
    assert any(t["requirement"] == "tax_filing" and t["subject"] == "US" and t["dueOn"] >= str(date.today()) for t in tasks)
    # Bailey is a plain member of Maple Grove: the board role above comes from their seat.
    bodies = (await _call(api, "governingBody/v1/list", {"associationId": own["id"]}, board))["nodes"]
    assert sorted(b["kind"] for b in bodies) == ["board", "committee"]
    (the_board,) = [b for b in bodies if b["kind"] == "board"]
    officers = await _call(api, "office/v1/list", {"bodyId": the_board["id"], "currentOn": str(date.today())}, board)
    assert sorted(o["title"] for o in officers["nodes"]) == ["president", "secretary", "treasurer"]
    # Meetings: the board's last two (the first's minutes approved at the second) and an annual meeting ahead.
    held = (await _call(api, "meeting/v1/list", {"associationId": own["id"], "status": "adjourned"}, board))["nodes"]
    assert [m["kind"] for m in held] == ["board_open", "board_open"]
    first_minutes = (await _call(api, "meeting/v1/minutes", {"id": held[0]["id"]}, board))["nodes"]
    assert [(m["version"], m["approvedAtMeetingId"]) for m in first_minutes] == [(1, held[1]["id"])]
    [motion] = (await _call(api, "meeting/v1/motions", {"id": held[0]["id"]}, board))["nodes"]
    assert (motion["status"], motion["votesFor"], motion["votesAgainst"]) == ("carried", "2.00000000", "1.00000000")
    ahead = (await _call(api, "meeting/v1/list", {"associationId": own["id"], "upcoming": True}, board))["nodes"]
    assert [(m["kind"], m["status"]) for m in ahead] == [("annual_membership", "noticed")]
    assert len((await _call(api, "meeting/v1/proxies", {"id": ahead[0]["id"]}, board))["nodes"]) == 2
    # The library: CC&Rs, minutes (the board's executive session's too), the budget, each with its file;
    # and the photos and plans the violations, ARC requests and work orders name.
    library = (await _call(api, "document/v1/list", {"associationId": own["id"], "first": 100}, board))["nodes"]
    # Last month's board package: ready, made by the month's close, its PDF and ZIP filed for the board only.
    [package] = (await _call(api, "boardPackage/v1/list", {"associationId": own["id"]}, board))["nodes"]
    assert (package["status"], package["trigger"], package["version"]) == ("ready", "month_close", 1)
    assert (await _call(api, "boardPackageSettings/v1/get", {"associationId": own["id"]}, board))["generateOnClose"] is True
    package_files = {package["pdfDocumentId"], package["zipDocumentId"]}
    assert sorted(d["visibility"] for d in library if d["id"] in package_files) == ["board", "board"]
    records = [d for d in library if d["category"] not in ("photos", "plans") and d["id"] not in package_files]
    assert sorted(d["visibility"] for d in records) == ["board", "owners", "public", "residents"]
    assert all([v["number"] for v in d["versions"]] == [1] for d in library)
    attached = await api.gql(ATTACHED, {"id": own["id"]}, token=board)
    assert "errors" not in attached, attached
    photos = [d["title"] for v in attached["data"]["violations"]["nodes"] for o in v["observations"] for d in o["documents"]]
    assert sorted(photos) == ["Pergola from the street", "Pergola, side view", "Trash bins at the curb, drive-by"]
    assert sorted(len(r["documents"]) for r in attached["data"]["arcRequests"]["nodes"]) == [0, 2]

    tokens = {}
    for login, units in ((OWNER_LOGIN, 2), (TENANT_LOGIN, 1)):
        token = await _login(api, login, MANAGER)
        mine = (await api.gql("{ viewer { myUnits { unitNumber association { id } } } }", token=token))["data"]["viewer"][
            "myUnits"
        ]
        assert len(mine) == units, (login, mine)
        (theirs,) = (await _call(api, "association/v1/list", {}, token))["nodes"]
        assert theirs["id"] == mine[0]["association"]["id"] and theirs["taxId"] is None
        # Their own requests and their units' work orders, never all of the company's.
        visible = (await _call(api, "workOrder/v1/list", {"first": 100}, token))["nodes"]
        assert visible and len(visible) < len(orders), (login, visible)
        # Their association's annual meeting ahead, noticed.
        [annual] = (await _call(api, "meeting/v1/list", {"upcoming": True}, token))["nodes"]
        assert (annual["kind"], annual["associationId"]) == ("annual_membership", theirs["id"])
        # The homeowner finds a violation and an architectural request of their own; the tenant neither.
        own_units = {u["id"] for u in (await _call(api, "unit/v1/list", {"associationId": theirs["id"]}, token))["nodes"]}
        # This year's dues ahead on the calendar, not levied yet: the homeowner's units', none of the tenant's landlord's.
        calendar = (await _call(api, "calendarItem/v1/list", {"first": 100}, token))["nodes"]
        projected = [i for i in calendar if i["kind"] == "charge_projected"]
        if login == OWNER_LOGIN:
            assert projected and {(i["unitId"] in own_units, i["amount"]) for i in projected} == {(True, "250.00")}, projected
        else:
            assert projected == []
        noticed = (await _call(api, "violation/v1/list", {"associationId": theirs["id"]}, token))["nodes"]
        requested = (await _call(api, "arcRequest/v1/list", {"associationId": theirs["id"]}, token))["nodes"]
        if login == OWNER_LOGIN:
            assert noticed and {v["unitId"] for v in noticed} <= own_units, noticed
            assert requested and {r["unitId"] for r in requested} <= own_units, requested
            assert noticed[0]["status"] == "notice_sent" and requested[0]["projectType"] == "solar"
            # Its plans, filed by the homeowner for the board and the committee, nested on the request.
            plans = await api.gql(ATTACHED, {"id": theirs["id"]}, token=token)
            (solar,) = plans["data"]["arcRequests"]["nodes"]
            assert [d["title"] for d in solar["documents"]] == ["Solar roof layout", "South roof, before"], plans
        else:
            assert (noticed, requested) == ([], [])
        # Their association's library: owners read the owners' minutes (and the homeowner the plans they filed
        # for the board), tenants only residents' and public documents.
        library = (await _call(api, "document/v1/list", {"associationId": theirs["id"]}, token))["nodes"]
        expected = {"public", "owners", "residents", "board"} if login == OWNER_LOGIN else {"public", "residents"}
        assert {d["visibility"] for d in library} == expected, (login, library)
        pdf = next(d for d in library if d["category"] != "photos")
        link = await _call(api, "document/v1/download", {"id": pdf["id"]}, token)
        got = await api.client.get(link["url"])
        assert got.status_code == 200 and got.content.startswith(b"%PDF-")
        requests = (await _call(api, "recordsRequest/v1/list", {"associationId": theirs["id"]}, token))["nodes"]
        assert [(r["status"], len(r["documentIds"])) for r in requests] == ([("fulfilled", 2)] if login == OWNER_LOGIN else [])
        # The homeowner's certificate (ordered by a title company through the manager): theirs to read, not the tenant's.
        issued = (await _call(api, "estoppelCertificate/v1/list", {"associationId": theirs["id"]}, token))["nodes"]
        if login == OWNER_LOGIN:
            (certificate,) = issued
            assert certificate["unitId"] in own_units and certificate["requesterName"] == "Coastal Title & Escrow"
            assert certificate["status"] == "current" and certificate["feeEntryId"] and certificate["figures"]["violations"]
            link = await _call(api, "estoppelCertificate/v1/download", {"id": certificate["id"]}, token)
            assert (await api.client.get(link["url"])).content.startswith(b"%PDF-")
        else:
            assert issued == []
        # Their association's elections: last year's certified (its results public), this year's open to vote in.
        elections = (await _call(api, "election/v1/list", {}, token))["nodes"]
        assert sorted(e["status"] for e in elections) == ["certified", "voting"], elections
        (past,) = [e for e in elections if e["status"] == "certified"]
        results = await _call(api, "election/v1/results", {"id": past["id"]}, token)
        assert [r["elected"] for r in results["results"]] == [True, True, False]
        tokens[login] = token
    # The homeowner casts a ballot for one of their units in the election ahead.
    token = tokens[OWNER_LOGIN]
    query = "{ elections(status: VOTING) { nodes { id candidates { id } } } viewer { myUnits { id } } }"
    data = (await api.gql(query, token=token))["data"]
    (open_election,) = data["elections"]["nodes"]
    ballot = {
        "id": open_election["id"],
        "unitId": data["viewer"]["myUnits"][0]["id"],
        "marks": [{"candidateId": open_election["candidates"][0]["id"]}],
    }
    r = await api.rpc("election/v1/vote", ballot, token=token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text

    # A provider has no view of its customers' books yet: it finds its organization,
    # and that organization in the vendor lists of the management company and Maple Grove.
    vendor = await _login(api, VENDOR_LOGIN, VENDOR)
    body = await api.gql("{ viewer { memberships { roles } activeOrganization { id name type } } }", token=vendor)
    assert body["data"]["viewer"]["memberships"] == [{"roles": ["admin"]}]
    active = body["data"]["viewer"]["activeOrganization"]
    assert (active["name"], active["type"]) == (VENDOR, "SERVICE_PROVIDER")
    # The vendor relationship lives in each customer's books: their managers see this organization there.
    assert ace[0]["providerOrganizationId"] == active["id"]
    # Its jobs from the customers' work orders waiting for estimates, each with its estimate;
    # the customer's manager sees the same estimate (its own copy) to approve.
    query = """{ jobs { nodes { title customerName status estimates { revision status total }
      invoices { invoiceNumber status total } } } }"""
    every = (await api.gql(query, token=vendor))["data"]["jobs"]["nodes"]
    jobs = [j for j in every if j["customerName"] != INDIVIDUAL]
    estimating = [j for j in jobs if j["status"] == "RECEIVED"]
    assert estimating and all(
        j["estimates"] == [{"revision": 1, "status": "SUBMITTED", "total": "382.50"}] for j in estimating
    ), jobs
    waiting = [o for o in orders if o["status"] == "estimates_received"]
    estimates = await _call(api, "workOrderEstimate/v1/list", {"workOrderId": waiting[0]["id"]}, manager)
    assert [(e["total"], e["status"]) for e in estimates["nodes"]] == [("382.50", "submitted")]
    # `hestami seed` starts the seeded work's workflows (the server recovers them), so the
    # manager's approval reaches the provider: its copy of the estimate is approved.
    assert await start_workflows(settings) >= len(waiting)
    decision = {"id": estimates["nodes"][0]["id"]}
    r = await api.rpc("workOrderEstimate/v1/approve", decision, token=manager, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    for _ in range(400):
        every_now = (await api.gql(query, token=vendor))["data"]["jobs"]["nodes"]
        if any(e["status"] == "APPROVED" for j in every_now for e in j["estimates"]):
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the approval never reached the provider's estimate")
    # Besides those, one job finished and invoiced from its price book (89 + 150 + 1.5 × 325); in the
    # management company the invoice waits for the manager's approval, and its work order is completed.
    [invoiced] = [j for j in jobs if j["status"] != "RECEIVED"]
    assert invoiced["status"] == "WORK_DONE" and invoiced["estimates"] == []
    [(number, status, total)] = [(i["invoiceNumber"], i["status"], i["total"]) for i in invoiced["invoices"]]
    assert (status, total) == ("ENTERED", "726.50")
    book = await _call(api, "priceBookItem/v1/list", {"active": True}, vendor)
    assert len(book["nodes"]) == 5
    visits = await _call(api, "jobVisit/v1/list", {"status": "scheduled"}, vendor)
    assert len(visits["nodes"]) == 1
    summit = {o["title"]: o for o in orders}["Laundry room floor drain backing up"]
    assert summit["status"] == "completed"
    payables = await _call(
        api, "invoice/v1/list", {"associationId": summit["associationId"], "status": "awaiting_manager"}, manager
    )
    [entered] = [i for i in payables["nodes"] if i["invoiceNumber"] == number]
    assert (entered["total"], entered["holdCode"]) == ("726.50", None)
    # The seed ran no workflow: the first decision starts the invoice's approval workflow.
    r = await api.rpc("invoice/v1/approve", {"id": entered["id"]}, token=manager, key=uuid.uuid4().hex)
    after_manager = "awaiting_board" if entered["boardApprovalRequired"] else "approved"
    assert r.status_code == 200 and r.json()["status"] == after_manager, r.text
    # And the homeowner in no association's water heater, done, with its estimate.
    (heater,) = [j for j in every if j["customerName"] == INDIVIDUAL]
    assert (heater["title"], heater["status"], heater["estimates"]) == (
        "Water heater leaking",
        "WORK_DONE",
        [{"revision": 1, "status": "SUBMITTED", "total": "213.00"}],
    )
    offered = await _call(api, "serviceOffering/v1/list", {}, vendor)
    assert [o["category"] for o in offered["offerings"]] == ["Electrical", "Plumbing"]

    # That homeowner: her request, the provider's answers on it, and Ace among the plumbers.
    ivy = await _login(api, INDIVIDUAL_LOGIN, INDIVIDUAL)
    query = """{ serviceRequests { nodes { id title status dispatches { providerName status }
      estimates { total } transitions { toStatus } } } }"""
    (mine,) = (await api.gql(query, token=ivy))["data"]["serviceRequests"]["nodes"]
    assert (mine["title"], mine["status"], mine["dispatches"], mine["estimates"]) == (
        "Water heater leaking",
        "WORK_DONE",
        [{"providerName": VENDOR, "status": "WORK_DONE"}],
        [{"total": "213.00"}],
    )
    assert [t["toStatus"] for t in mine["transitions"]][-2:] == ["IN_PROGRESS", "WORK_DONE"]
    plumbers = await _call(api, "serviceRequest/v1/providers", {"category": "Plumbing"}, ivy)
    assert VENDOR in {p["name"] for p in plumbers["nodes"]}

"""Reserve components, study versions and percent funded read live from the
general ledger, through the API."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tests.accounting.books import Books, open_books
from tests.associations.community import ASSOCIATION
from tests.helpers import Api

D = Decimal


def component(b: Books, name: str, cost: str, useful: int, remaining: int, **more: Any) -> dict[str, Any]:
    return {
        "associationId": b.c.association,
        "category": more.pop("category", "Buildings"),
        "name": name,
        "quantity": "1.00",
        "unit": "lump sum",
        "unitCost": cost,
        "usefulLifeYears": useful,
        "remainingLifeYears": remaining,
        "remainingLifeAsOf": "2026-01-01",
        "associationResponsibility": True,
        "limitedUsefulLife": True,
        "predictableRemainingLife": True,
        "aboveThreshold": True,
        **more,
    }


def study(b: Books, **more: Any) -> dict[str, Any]:
    return {
        "associationId": b.c.association,
        "studyDate": "2026-01-01",
        "preparedBy": "Summit Reserve Consultants",
        "interestRate": "0.0100",
        "inflationRate": "0.0300",
        "currentAnnualContribution": "12000.00",
        **more,
    }


async def _account(api: Api, b: Books, number: str, name: str) -> str:
    body = {"associationId": b.c.association, "number": number, "name": name, "type": "expense"}
    return (await api.call("glAccount/v1/create", body, b.c.admin))["id"]


async def _contribute(api: Api, b: Books, amount: str, on: str) -> None:
    """A reserve contribution: cash into the reserve fund, as assessment income of that fund."""
    lines = [b.line("1020", "RESV", debit=amount), b.line("4000", "RESV", credit=amount)]
    body = {"associationId": b.c.association, "entryDate": on, "memo": "Reserve contribution", "lines": lines}
    await api.call("journalEntry/v1/post", body, b.c.admin)


async def _status(api: Api, b: Books, as_of: str) -> dict[str, Any]:
    return await api.call("reserveStudy/v1/status", {"associationId": b.c.association, "asOf": as_of}, b.c.admin)


def _error(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


async def test_components_record_the_four_part_test_and_their_accounts(api) -> None:
    b = await open_books(api)
    roof_account = await _account(api, b, "6010", "Roof Replacement")
    roof = await api.call(
        "reserveComponent/v1/create",
        component(b, "Clubhouse roof", "0", 25, 7, quantity="4000.00", unit="sq ft", unitCost="11.25", accountIds=[roof_account]),
        b.c.admin,
    )
    assert (roof["replacementCost"], roof["qualifies"], roof["status"], roof["accountIds"]) == (
        "45000.00",
        True,
        "active",
        [roof_account],
    )
    # Failing one part of the test: recorded, but not a reserve component.
    mailbox = await api.call(
        "reserveComponent/v1/create", component(b, "Mailbox", "400.00", 15, 3, aboveThreshold=False), b.c.admin
    )
    assert mailbox["qualifies"] is False
    listed = await api.call("reserveComponent/v1/list", {"associationId": b.c.association, "qualifies": True}, b.c.admin)
    assert [n["name"] for n in listed["nodes"]] == ["Clubhouse roof"] and listed["nodes"][0]["accountIds"] == [roof_account]

    # A new bid: the replacement cost follows; the accounts list is replaced when given.
    paint_account = await _account(api, b, "6020", "Painting")
    changed = await api.call(
        "reserveComponent/v1/update", {"id": roof["id"], "unitCost": "12.00", "accountIds": [paint_account]}, b.c.admin
    )
    assert (changed["replacementCost"], changed["accountIds"]) == ("48000.00", [paint_account])
    got = await api.call("reserveComponent/v1/get", {"id": roof["id"]}, b.c.admin)
    assert (got["unitCost"], got["accountIds"]) == ("12.00", [paint_account])
    retired = await api.call("reserveComponent/v1/update", {"id": mailbox["id"], "status": "retired"}, b.c.admin)
    assert retired["status"] == "retired"

    # Spending lands on expense accounts of the association only: not cash, not
    # another association's account (it names nothing here), each once.
    other = await open_books(api)
    cases = (
        ([paint_account, b.accounts["1020"]], "RESERVE_ACCOUNT_INVALID", ["accountIds", "1"]),
        ([other.accounts["6000"]], "INVALID_REFERENCE", ["accountIds", "0"]),
        ([paint_account, paint_account], "RESERVE_ACCOUNT_INVALID", ["accountIds"]),
    )
    for accounts, code, field in cases:
        r = await api.rpc(
            "reserveComponent/v1/create",
            component(b, "Pool", "30000.00", 12, 2, accountIds=accounts),
            token=b.c.admin.token,
            key=uuid.uuid4().hex,
        )
        assert _error(r) == (422, code) and r.json()["error"]["details"]["field"] == field, r.text
    # Bad input: lives out of range, a negative cost.
    for bad in ({"usefulLifeYears": 0}, {"remainingLifeYears": -1}, {"unitCost": "-1.00"}, {"inflationRate": "1.5"}):
        r = await api.rpc("reserveComponent/v1/create", component(b, "Bad", "1.00", 10, 1) | bad, token=b.c.admin.token, key="k")
        assert r.status_code == 400, (bad, r.text)
    # Nothing half-written.
    listed = await api.call("reserveComponent/v1/list", {"associationId": b.c.association}, b.c.admin)
    assert sorted(n["name"] for n in listed["nodes"]) == ["Clubhouse roof", "Mailbox"]


async def test_study_versions_keep_their_assumptions_and_starting_balance_from_the_ledger(api) -> None:
    b = await open_books(api)
    r = await api.rpc("reserveStudy/v1/create", study(b), token=b.c.admin.token, key=uuid.uuid4().hex)
    assert _error(r) == (422, "NO_QUALIFYING_COMPONENTS")
    await api.call("reserveComponent/v1/create", component(b, "Roof", "100000.00", 25, 5), b.c.admin)
    await api.call("reserveComponent/v1/create", component(b, "Fence", "2000.00", 20, 5, aboveThreshold=False), b.c.admin)
    await _contribute(api, b, "40000.00", "2025-12-15")
    await _contribute(api, b, "5000.00", "2026-01-02")  # after the study date: not in its starting balance

    first = await api.call("reserveStudy/v1/create", study(b), b.c.admin)
    assert (first["version"], first["startingBalance"], first["horizonYears"]) == (1, "40000.00", 30)
    assert [(c["name"], c["remainingLifeYears"], c["inflationRate"]) for c in first["components"]] == [("Roof", 5, "0.0300")]

    # The board learns more: a later version; the first is kept as it was.
    await api.call("reserveComponent/v1/create", component(b, "Paving", "60000.00", 20, 10, inflationRate="0.0400"), b.c.admin)
    second = await api.call("reserveStudy/v1/create", study(b, studyDate="2026-06-01"), b.c.admin)
    assert (second["version"], second["startingBalance"]) == (2, "45000.00")
    assert sorted((c["name"], c["remainingLifeYears"], c["inflationRate"]) for c in second["components"]) == [
        ("Paving", 10, "0.0400"),
        ("Roof", 5, "0.0300"),
    ]
    again = await api.call("reserveStudy/v1/get", {"id": first["id"]}, b.c.admin)
    assert again == first
    listed = await api.call("reserveStudy/v1/list", {"associationId": b.c.association}, b.c.admin)
    assert [s["version"] for s in listed["nodes"]] == [2, 1]

    r = await api.rpc("reserveStudy/v1/create", study(b, studyDate="2099-01-01"), token=b.c.admin.token, key=uuid.uuid4().hex)
    assert _error(r) == (422, "INVALID_DATES")
    # An association without a reserve fund has no balance to study.
    bare = (await api.call("association/v1/create", ASSOCIATION | {"code": "BARE"}, b.c.admin))["id"]
    await api.call("reserveComponent/v1/create", component(b, "Roof", "1.00", 5, 1) | {"associationId": bare}, b.c.admin)
    r = await api.rpc("reserveStudy/v1/create", study(b) | {"associationId": bare}, token=b.c.admin.token, key=uuid.uuid4().hex)
    assert _error(r) == (422, "NO_RESERVE_FUND")
    r = await api.rpc("reserveStudy/v1/status", {"associationId": bare}, token=b.c.admin.token)
    assert _error(r) == (422, "NO_RESERVE_STUDY")


async def test_percent_funded_moves_when_a_contribution_or_a_roof_invoice_posts(api) -> None:
    """The live status reads the books when asked: a reserve contribution raises the
    balance; the roof invoice (coded to the roof's account in the reserve fund)
    lowers it, and once it reaches the completion ratio of the roof's cost the
    roof counts as replaced, so the fully funded balance drops too."""
    b = await open_books(api)
    roof_account = await _account(api, b, "6010", "Roof Replacement")
    await api.call("reserveComponent/v1/create", component(b, "Roof", "100000.00", 25, 0, accountIds=[roof_account]), b.c.admin)
    await api.call("reserveComponent/v1/create", component(b, "Paving", "50000.00", 20, 10), b.c.admin)
    await _contribute(api, b, "100000.00", "2025-12-31")
    created = await api.call("reserveStudy/v1/create", study(b), b.c.admin)

    before = await _status(api, b, "2026-06-30")
    # Roof: due in year 1, nothing spent yet — fully used up (100,000); paving: 50,000 × 10/20.
    assert (before["studyVersion"], before["studyYear"], before["reserveBalance"]) == (1, 1, "100000.00")
    assert before["fullyFundedBalance"] == "125000.00" and before["percentFunded"] == "0.8000"
    roof = next(c for c in before["components"] if c["name"] == "Roof")
    assert (roof["dueInYear"], roof["deferred"], roof["replaced"], roof["spentSinceStudy"]) == (1, True, False, "0.00")

    await _contribute(api, b, "25000.00", "2026-02-01")
    after_contribution = await _status(api, b, "2026-06-30")
    assert (after_contribution["reserveBalance"], after_contribution["percentFunded"]) == ("125000.00", "1.0000")
    # As of a day before it posted, the books read as they were.
    assert (await _status(api, b, "2026-01-31"))["reserveBalance"] == "100000.00"

    vendor = (await api.call("vendor/v1/create", {"name": "Peak Roofing", "is1099": False}, b.c.admin))["id"]
    invoice = {
        "associationId": b.c.association,
        "vendorId": vendor,
        "invoiceNumber": "R-1",
        "invoiceDate": "2026-03-01",
        "dueDate": "2026-04-01",
        "lines": [{"accountId": roof_account, "fundId": b.funds["RESV"], "amount": "90000.00"}],
    }
    await api.call("invoice/v1/create", invoice, b.c.admin)
    after_invoice = await _status(api, b, "2026-06-30")
    roof = next(c for c in after_invoice["components"] if c["name"] == "Roof")
    assert (roof["spentSinceStudy"], roof["replaced"], roof["deferred"], roof["effectiveAge"]) == ("90000.00", True, False, 0)
    # Accrual basis: the payable counts against the reserves when the invoice posts.
    assert after_invoice["reserveBalance"] == "35000.00"
    assert after_invoice["fullyFundedBalance"] == "25000.00" and after_invoice["percentFunded"] == "1.4000"

    # Before the study date there is nothing to compare with.
    r = await api.rpc("reserveStudy/v1/status", {"associationId": b.c.association, "asOf": "2025-06-30"}, token=b.c.admin.token)
    assert _error(r) == (422, "INVALID_DATES")
    assert created["id"] == after_invoice["studyId"]


async def test_projection_returns_each_scenario_with_its_table_and_assessments(api) -> None:
    b = await open_books(api)
    await api.call("reserveComponent/v1/create", component(b, "Roof", "100000.00", 25, 3), b.c.admin)
    await api.call("reserveComponent/v1/create", component(b, "Paint", "20000.00", 8, 1), b.c.admin)
    await _contribute(api, b, "10000.00", "2025-12-31")
    created = await api.call("reserveStudy/v1/create", study(b, currentAnnualContribution="1000.00"), b.c.admin)
    projection = await api.call("reserveStudy/v1/project", {"id": created["id"]}, b.c.admin)
    by_scenario = {s["scenario"]: s for s in projection["scenarios"]}
    assert set(by_scenario) == {"current", "baseline", "threshold", "full"}
    assert projection["startingBalance"] == "10000.00"
    for s in by_scenario.values():
        assert len(s["years"]) == 30 and s["years"][0]["startsOn"] == "2026-01-01" and s["years"][1]["startsOn"] == "2027-01-01"
        assert s["years"][0]["openingBalance"] == "10000.00"
    # Too little now: the roof in year 4 needs a special assessment, ready for receivables.
    current = by_scenario["current"]
    assert current["specialAssessments"] and current["specialAssessments"][0]["fundId"] == b.funds["RESV"]
    first = current["specialAssessments"][0]
    assert (first["kind"], first["frequency"]) == ("special", "once")
    assert D(by_scenario["baseline"]["lowestBalance"]) >= 0 and by_scenario["baseline"]["specialAssessments"] == []
    assert D(by_scenario["baseline"]["annualContribution"]) > D("1000.00")
    only = await api.call("reserveStudy/v1/project", {"id": created["id"], "scenarios": ["full"]}, b.c.admin)
    assert [s["scenario"] for s in only["scenarios"]] == ["full"]


async def test_the_dashboard_reads_every_association_in_the_same_statements(api, statements) -> None:
    """Percent funded of 2 or 20 associations: the same number of statements."""
    admin, _ = await api.admin_of_new_org("management_company")

    async def association(n: int) -> None:
        code = f"D{n:03d}{uuid.uuid4().hex[:4]}".upper()
        a = (await api.call("association/v1/create", ASSOCIATION | {"code": code}, admin))["id"]
        await api.call("chartOfAccounts/v1/install", {"associationId": a}, admin)
        body = {
            "associationId": a,
            "category": "Roofing",
            "name": "Roof",
            "quantity": "1.00",
            "unit": "lump sum",
            "unitCost": f"{10000 * (n + 1)}.00",
            "usefulLifeYears": 20,
            "remainingLifeYears": 10,
            "remainingLifeAsOf": "2026-01-01",
            "associationResponsibility": True,
            "limitedUsefulLife": True,
            "predictableRemainingLife": True,
            "aboveThreshold": True,
        }
        await api.call("reserveComponent/v1/create", body, admin)
        await api.call(
            "reserveStudy/v1/create",
            {
                "associationId": a,
                "studyDate": "2026-01-01",
                "preparedBy": "x",
                "interestRate": "0",
                "inflationRate": "0",
                "currentAnnualContribution": "0",
            },
            admin,
        )

    async def count() -> tuple[int, list[dict[str, Any]]]:
        statements.clear()
        r = await api.rpc("reserveFunding/v1/dashboard", {"asOf": "2026-06-30"}, token=admin.token)
        assert r.status_code == 200, r.text
        return len(statements), r.json()["associations"]

    for n in range(2):
        await association(n)
    small, rows = await count()
    assert len(rows) == 2 and all(r["percentFunded"] == "0.0000" for r in rows)
    for n in range(2, 20):
        await association(n)
    large, rows = await count()
    assert len(rows) == 20 and small == large, statements
    # Roof n costs 10,000 × (n + 1), half its life used.
    assert sorted(D(r["fullyFundedBalance"]) for r in rows) == [D(5000 * (n + 1)) for n in range(20)]


NESTED = """query($a: ID!) { reserveStudies(associationId: $a, first: 100) {
  nodes { version components { name component { name replacementCost accountIds } } } } }"""


async def test_nested_study_reads_cost_the_same_for_2_and_20_studies(api, statements) -> None:
    """Studies with their components, each component's register row and its accounts:
    the same statements for 2 study versions as for 20."""
    b = await open_books(api)
    roof_account = await _account(api, b, "6010", "Roof Replacement")
    for n in range(3):
        body = component(b, f"Component {n}", "10000.00", 20, 5 + n, accountIds=[roof_account])
        await api.call("reserveComponent/v1/create", body, b.c.admin)

    async def count() -> tuple[int, list[dict[str, Any]]]:
        statements.clear()
        body = await api.gql(NESTED, {"a": b.c.association}, token=b.c.admin.token)
        assert "errors" not in body, body
        return len(statements), body["data"]["reserveStudies"]["nodes"]

    for _ in range(2):
        await api.call("reserveStudy/v1/create", study(b), b.c.admin)
    small, nodes = await count()
    assert len(nodes) == 2 and all(len(n["components"]) == 3 for n in nodes)
    assert nodes[0]["components"][0]["component"]["accountIds"] == [roof_account]
    for _ in range(18):
        await api.call("reserveStudy/v1/create", study(b), b.c.admin)
    large, nodes = await count()
    assert len(nodes) == 20 and [n["version"] for n in nodes] == list(range(20, 0, -1))
    assert small == large, statements

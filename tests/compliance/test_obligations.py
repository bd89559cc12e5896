"""The calendar's second part: vendors' W-9s and certificates of insurance
(from payables), tax returns, the annual meeting's notice, Florida's and Texas's
rules, evidence as a typed reference, and the management company's overdue list."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.accounting.books import open_books
from tests.helpers import Api, Caller
from tests.payables.desk import new_vendor, open_desk


def _today() -> date:
    return datetime.now(UTC).date()


def _last_month() -> int:
    return (_today().replace(day=1) - timedelta(days=1)).month


async def new_association(api: Api, admin: Caller, region: str) -> tuple[str, dict[str, str]]:
    """A new association of the admin's organization in `region`, fiscal year from January, with its chart of accounts."""
    body = {
        "code": f"A{uuid.uuid4().hex[:6].upper()}",
        "legalName": f"{region} Owners Association",
        "kind": "hoa",
        "status": "active",
        "region": region,
        "country": "US",
        "fiscalYearStartMonth": 1,
        "accountingBasis": "cash",
    }
    association = (await api.call("association/v1/create", body, admin))["id"]
    chart = await api.call("chartOfAccounts/v1/install", {"associationId": association}, admin)
    return association, {a["number"]: a["id"] for a in chart["accounts"]} | {f["code"]: f["id"] for f in chart["funds"]}


async def _income(api: Api, admin: Caller, association: str, ids: dict[str, str], amount: str, on: str) -> None:
    lines = [
        {"accountId": ids["1010"], "fundId": ids["OPER"], "debit": amount, "credit": "0"},
        {"accountId": ids["4000"], "fundId": ids["OPER"], "debit": "0", "credit": amount},
    ]
    body = {"associationId": association, "entryDate": on, "memo": "Assessments", "lines": lines}
    await api.call("journalEntry/v1/post", body, admin)


async def _generate(api: Api, admin: Caller, association: str) -> dict[str, Any]:
    return await api.call("complianceCalendar/v1/generate", {"associationId": association}, admin)


def _of(tasks: list[dict[str, Any]], requirement: str) -> list[dict[str, Any]]:
    return [t for t in tasks if t["requirement"] == requirement]


async def test_vendors_paid_without_a_w9_or_with_lapsing_insurance_get_tasks_closed_by_their_evidence(api) -> None:
    d = await open_desk(api)  # its vendor: 1099, tax id on file, no certificate
    today = _today()
    admin = d.admin
    no_w9 = await new_vendor(api, admin, released=False, taxId=None, is1099=False)
    lapsing = await new_vendor(api, admin)
    unpaid = await new_vendor(api, admin, released=False, taxId=None, is1099=False)
    certificate = {"carrier": "Acme Mutual", "policyNumber": "GL-1", "coverageAmount": "1000000.00"}
    expires = today + timedelta(days=10)
    await api.call(
        "insuranceCertificate/v1/create",
        certificate
        | {
            "vendorId": lapsing,
            "kind": "general_liability",
            "effectiveOn": str(today - timedelta(days=355)),
            "expiresOn": str(expires),
        },
        admin,
    )
    await api.call(
        "insuranceCertificate/v1/create",
        certificate
        | {
            "vendorId": lapsing,
            "kind": "workers_compensation",
            "effectiveOn": str(today),
            "expiresOn": str(today + timedelta(days=200)),
        },
        admin,
    )
    paid_on = today - timedelta(days=20)
    for vendor in (d.vendor, no_w9, lapsing):
        await api.call("invoice/v1/create", d.invoice(vendorId=vendor, invoiceDate=str(paid_on), dueDate=str(today)), admin)

    run = await _generate(api, admin, d.association)
    (w9,) = _of(run["created"], "vendor_w9")
    assert (w9["vendorId"], w9["subject"], w9["dueOn"], w9["assignedRole"]) == (no_w9, no_w9, str(paid_on), "manager")
    assert "§3406" in w9["citation"] and w9["dueOn"] < str(today)  # paid without a W-9: overdue at once
    insurance = {t["subject"]: t for t in _of(run["created"], "vendor_insurance")}
    assert set(insurance) == {f"{d.vendor}:none", f"{lapsing}:general_liability"}  # workers' comp runs 200 days more
    assert insurance[f"{lapsing}:general_liability"]["dueOn"] == str(expires)
    assert f"expires on {expires}" in insurance[f"{lapsing}:general_liability"]["finding"]
    assert unpaid not in {t["vendorId"] for t in run["created"]}

    # Evidence the platform holds must be on file, of the kind named.
    for task, kind, reference in (
        (insurance[f"{lapsing}:general_liability"], "insurance_certificate", f"icf_{'a' * 26}"),
        (w9, "vendor_w9", no_w9),  # no tax id yet
        (w9, "reserve_study", "not-an-id"),
        (w9, "reserve_study", lapsing),  # an id, of the wrong kind
    ):
        body = {"id": task["id"], "evidenceKind": kind, "evidenceReference": reference}
        r = await api.rpc("complianceTask/v1/complete", body, token=admin.token, key=uuid.uuid4().hex)
        assert (r.status_code, r.json()["error"]["code"]) == (422, "EVIDENCE_REQUIRED"), (kind, reference, r.text)

    # Payables catches up: the W-9 arrives, the certificates come in; the next run closes the tasks, their evidence linked.
    await api.call("vendor/v1/update", {"id": no_w9, "taxId": "98-7654321"}, admin)
    renewed = await api.call(
        "insuranceCertificate/v1/create",
        certificate
        | {
            "vendorId": lapsing,
            "kind": "general_liability",
            "effectiveOn": str(today),
            "expiresOn": str(today + timedelta(days=365)),
        },
        admin,
    )
    first = await api.call(
        "insuranceCertificate/v1/create",
        certificate
        | {
            "vendorId": d.vendor,
            "kind": "general_liability",
            "effectiveOn": str(today),
            "expiresOn": str(today + timedelta(days=365)),
        },
        admin,
    )
    again = await _generate(api, admin, d.association)
    assert not _of(again["created"], "vendor_w9") and not _of(again["created"], "vendor_insurance")
    closed = {t["id"]: (t["status"], t["evidenceKind"], t["evidenceReference"]) for t in again["resolved"]}
    assert closed == {
        w9["id"]: ("done", "vendor_w9", no_w9),
        insurance[f"{lapsing}:general_liability"]["id"]: ("done", "insurance_certificate", renewed["id"]),
        insurance[f"{d.vendor}:none"]["id"]: ("done", "insurance_certificate", first["id"]),
    }
    assert (await _generate(api, admin, d.association))["resolved"] == []

    # A filing closes with its confirmation number; a study by its id would be checked the same way.
    (federal,) = [t for t in _of(run["created"], "tax_filing") if t["subject"] == "US" and t["dueOn"] < str(today)]
    body = {"id": federal["id"], "evidenceKind": "filing", "evidenceReference": "IRS e-file acknowledgment 2026-0415-77"}
    done = await api.call("complianceTask/v1/complete", body, admin)
    assert (done["status"], done["evidenceKind"]) == ("done", "filing")


async def test_a_florida_association_reports_by_revenue_and_gives_fourteen_days_notice(api) -> None:
    b = await open_books(api)
    admin, last_year = b.c.admin, _today().year - 1
    reviewed, ids = await new_association(api, admin, "FL")
    cash, cash_ids = await new_association(api, admin, "FL")
    await _income(api, admin, reviewed, ids, "320000.00", f"{last_year}-06-01")
    await _income(api, admin, cash, cash_ids, "100000.00", f"{last_year}-06-01")
    month = _last_month()
    for association in (reviewed, cash):
        await api.call("complianceSettings/v1/set", {"associationId": association, "annualMeetingMonth": month}, admin)

    tasks = (await _generate(api, admin, reviewed))["created"]
    (report,) = _of(tasks, "financial_review")
    # FL Stat. §720.303(7): within 90 days of the year's end; $300,000–$500,000 of revenue: reviewed statements.
    assert report["dueOn"] == str(date(last_year, 12, 31) + timedelta(days=90))
    assert report["title"].startswith("Distribute the reviewed financial statement") and "§720.303(7)(a)2." in report["citation"]
    notice = next(t for t in _of(tasks, "annual_meeting_notice") if t["periodStart"] == f"{_today().year}-{month:02d}-01")
    assert notice["dueOn"] == str(date(_today().year, month, 1) - timedelta(days=14)) and "§720.306(5)" in notice["citation"]
    assert all("§720.306(2)" in t["citation"] for t in _of(tasks, "annual_meeting"))
    budget = next(t for t in _of(tasks, "budget_distribution") if t["periodStart"] == f"{_today().year + 1}-01-01")
    assert budget["dueOn"] == str(date(_today().year + 1, 1, 1) - timedelta(days=14)) and "§720.303(2)(c)" in budget["citation"]
    (bond,) = _of(tasks, "fidelity_bond")
    assert "§720.3033(5)" in bond["citation"]
    assert {t["subject"] for t in _of(tasks, "tax_filing")} == {"US"}  # Form 1120-H: no Florida return

    (small,) = _of((await _generate(api, admin, cash))["created"], "financial_review")
    assert small["title"].startswith("Distribute the report of cash receipts and expenditures")
    assert "§720.303(7)(b)" in small["citation"] and "100000.00" in small["finding"]


async def test_a_texas_association_follows_property_code_209(api) -> None:
    b = await open_books(api)
    admin, last_year = b.c.admin, _today().year - 1
    texas, ids = await new_association(api, admin, "TX")
    await _income(api, admin, texas, ids, "100000.00", f"{last_year}-06-01")
    month = _last_month()
    await api.call("complianceSettings/v1/set", {"associationId": texas, "annualMeetingMonth": month}, admin)

    tasks = (await _generate(api, admin, texas))["created"]
    requirements = {t["requirement"] for t in tasks}
    # No statutory review or fidelity bond in Texas; no state income tax (Tax Code §171.082: no franchise tax).
    assert "financial_review" not in requirements and "fidelity_bond" not in requirements
    assert {t["subject"] for t in _of(tasks, "tax_filing")} == {"US"}
    notice = next(t for t in _of(tasks, "annual_meeting_notice") if t["periodStart"] == f"{_today().year}-{month:02d}-01")
    assert notice["dueOn"] == str(date(_today().year, month, 1) - timedelta(days=10)) and "§209.0056(a)" in notice["citation"]
    assert all("§22.155" in t["citation"] for t in _of(tasks, "annual_meeting"))
    rules = await api.call("jurisdictionRule/v1/effective", {"id": texas}, admin)
    by_key = {r["key"]: r for r in rules["rules"]}
    assert by_key["financial_review_revenue_threshold"]["amount"] is None
    assert by_key["fidelity_bond_required"]["flag"] is False and by_key["fidelity_bond_required"]["source"] == "statute"


async def test_the_management_companys_overdue_list_costs_the_same_for_2_or_20_associations(api, statements) -> None:
    b = await open_books(api)
    admin = b.c.admin
    month = _last_month()

    async def add(n: int) -> None:
        for _ in range(n):
            association, _ids = await new_association(api, admin, "CA")
            await api.call("complianceSettings/v1/set", {"associationId": association, "annualMeetingMonth": month}, admin)
            await _generate(api, admin, association)

    async def overdue_meetings() -> tuple[int, list[dict[str, Any]]]:
        statements.clear()
        body = {"overdue": True, "requirement": "annual_meeting", "first": 100}
        nodes = (await api.call("complianceTask/v1/list", body, admin))["nodes"]
        return len(statements), nodes

    await add(2)
    small, two = await overdue_meetings()
    await add(18)
    large, twenty = await overdue_meetings()
    assert (len({t["associationId"] for t in two}), len({t["associationId"] for t in twenty})) == (2, 20)
    assert all(t["status"] == "open" and t["dueOn"] < str(_today()) and t["escalationLevel"] >= 1 for t in twenty)
    assert small == large, statements

"""The compliance calendar: tasks generated from the jurisdiction's rules, the
association's settings and its books, by the daily DBOS schedule or on demand;
escalation when overdue; evidence to close them; the fidelity-bond check."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dbos import DBOS

from tests.accounting.books import Books, open_books
from tests.governance.meetings import schedule
from tests.helpers import Api
from tests.reserves.test_reserves import component
from tests.reserves.test_reserves import study as reserve_study

_SECOND = {
    "code": "SECOND",
    "legalName": "Second HOA",
    "kind": "hoa",
    "status": "active",
    "region": "TX",
    "country": "US",
    "fiscalYearStartMonth": 7,
    "accountingBasis": "cash",
}


def _error(r) -> tuple[int, str]:
    return r.status_code, r.json()["error"]["code"]


async def _contribute(api: Api, b: Books, amount: str, on: str) -> None:
    lines = [b.line("1020", "RESV", debit=amount), b.line("4000", "RESV", credit=amount)]
    body = {"associationId": b.c.association, "entryDate": on, "memo": "Reserve contribution", "lines": lines}
    await api.call("journalEntry/v1/post", body, b.c.admin)


async def _dues(api: Api, b: Books, monthly: str) -> None:
    body = {
        "associationId": b.c.association,
        "name": "Dues",
        "kind": "regular",
        "frequency": "monthly",
        "method": "share",
        "amount": monthly,
        "incomeAccountId": b.accounts["4000"],
        "fundId": b.funds["OPER"],
        "startsOn": "2026-01-01",
        "dueDay": 1,
    }
    await api.call("assessmentSchedule/v1/create", body, b.c.admin)


async def _settings(api: Api, b: Books, **values: Any) -> dict[str, Any]:
    return await api.call("complianceSettings/v1/set", {"associationId": b.c.association, **values}, b.c.admin)


async def _bond(api: Api, b: Books) -> dict[str, Any]:
    return await api.call("fidelityBond/v1/check", {"associationId": b.c.association, "asOf": "2026-06-30"}, b.c.admin)


async def test_the_fidelity_bond_check_fails_a_bond_smaller_than_reserves_plus_three_months(api) -> None:
    """CA Civil Code §5806: at least the reserves plus three months of assessments.
    Reserves 50,000 in the ledger, dues 3,000 a month: 59,000 required."""
    b = await open_books(api)
    await _contribute(api, b, "50000.00", "2026-01-15")
    await _dues(api, b, "3000.00")
    none = await _bond(api, b)
    assert (none["passes"], none["coverage"], none["required"], none["shortfall"]) == (False, None, "59000.00", "59000.00")
    assert "§5806" in none["citation"]

    await _settings(api, b, fidelityBondAmount="50000.00", fidelityBondExpiresOn="2027-06-30")
    small = await _bond(api, b)
    assert (small["passes"], small["reserveBalance"], small["monthlyAssessments"], small["months"]) == (
        False,
        "50000.00",
        "3000.00",
        3,
    )
    assert (small["required"], small["shortfall"]) == ("59000.00", "9000.00")

    await _settings(api, b, fidelityBondAmount="60000.00")
    assert (await _bond(api, b))["passes"] is True
    # More reserves later, and the same bond falls short again; an expired bond covers nothing.
    await _contribute(api, b, "5000.00", "2026-06-01")
    assert (await _bond(api, b))["shortfall"] == "4000.00"
    await _settings(api, b, fidelityBondExpiresOn="2026-05-31")
    expired = await _bond(api, b)
    assert (expired["passes"], expired["shortfall"]) == (False, "64000.00")
    # Bad input: a month out of range, a negative bond.
    for bad in ({"annualMeetingMonth": 13}, {"fidelityBondAmount": "-1.00"}, {"fidelityBondAssessmentMonths": 30}):
        r = await api.rpc(
            "complianceSettings/v1/set", {"associationId": b.c.association, **bad}, token=b.c.admin.token, key=uuid.uuid4().hex
        )
        assert r.status_code == 400, (bad, r.text)


def _by_requirement(tasks: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for t in tasks:
        found.setdefault(t["requirement"], []).append(t)
    return found


async def test_the_calendar_generates_its_tasks_once_escalates_and_closes_with_evidence(api) -> None:
    b = await open_books(api)  # a California association, fiscal year from January
    today = datetime.now(UTC).date()
    last_year = today.year - 1
    # Gross income last fiscal year above CA's $75,000: a reviewed statement is due 120 days after it closed.
    lines = [b.line("1010", debit="80000.00"), b.line("4000", credit="80000.00")]
    await api.call(
        "journalEntry/v1/post",
        {"associationId": b.c.association, "entryDate": f"{last_year}-06-01", "memo": "Dues", "lines": lines},
        b.c.admin,
    )
    meeting_month = (today.replace(day=1) - timedelta(days=1)).month  # last month: already overdue
    await _settings(api, b, annualMeetingMonth=meeting_month, insuranceRenewsOn=str(today + timedelta(days=90)))

    run = await api.call("complianceCalendar/v1/generate", {"associationId": b.c.association}, b.c.admin)
    tasks = _by_requirement(run["created"])
    assert set(tasks) == {
        "annual_meeting",
        "annual_meeting_notice",
        "budget_distribution",
        "financial_review",
        "reserve_study",
        "insurance_renewal",
        "fidelity_bond",
        "tax_filing",
    }
    for t in run["created"]:
        assert today - timedelta(days=365) <= date.fromisoformat(t["dueOn"]) <= today + timedelta(days=365), t
    (review,) = tasks["financial_review"]
    assert review["dueOn"] == f"{today.year}-04-30" and "§5305" in review["citation"] and "80000.00" in review["finding"]
    assert review["title"].startswith("Distribute the reviewed financial statement")
    # Tax returns: the federal one everywhere, California's (Form 100/199) too, 105 days after each fiscal year closes.
    returns = {(t["subject"], t["periodStart"]): t for t in tasks["tax_filing"]}
    closed = date(last_year, 12, 31)
    assert returns[("US", f"{last_year}-01-01")]["dueOn"] == str(closed + timedelta(days=105))
    assert "§6072" in returns[("US", f"{last_year}-01-01")]["citation"]
    assert "§18601" in returns[("US-CA", f"{last_year}-01-01")]["citation"]
    assert {subject for subject, _ in returns} == {"US", "US-CA"}
    # The annual meeting's notice (CA Corporations Code §7511: 10 days) before the meeting's month begins.
    notices = {t["periodStart"]: t for t in tasks["annual_meeting_notice"]}
    this_year = notices[f"{today.year}-{meeting_month:02d}-01"]
    assert this_year["dueOn"] == str(date(today.year, meeting_month, 1) - timedelta(days=10)) and "§7511" in this_year["citation"]
    budgets = {t["periodStart"]: t["dueOn"] for t in tasks["budget_distribution"]}
    assert budgets[f"{today.year + 1}-01-01"] == str(date(today.year + 1, 1, 1) - timedelta(days=30))
    (study,) = tasks["reserve_study"]
    assert (study["finding"], study["assignedRole"]) == ("No reserve study on file.", "board_member")
    (bond,) = tasks["fidelity_bond"]
    assert bond["finding"].startswith("Coverage none on file")
    (renewal,) = tasks["insurance_renewal"]
    assert renewal["dueOn"] == str(today + timedelta(days=90)) and renewal["assignedRole"] == "manager"

    # Overdue ones were raised to the board, those 30 days past due on to the admins;
    # the upcoming ones weren't.
    listed = await api.call("complianceTask/v1/list", {"associationId": b.c.association, "first": 100}, b.c.admin)
    for t in listed["nodes"]:
        late = (today - date.fromisoformat(t["dueOn"])).days
        assert t["escalationLevel"] == (0 if late <= 0 else 1 if late <= 30 else 2), t
    assert [t["dueOn"] for t in listed["nodes"]] == sorted(t["dueOn"] for t in listed["nodes"])

    # Run again: nothing new, nothing raised twice.
    again = await api.call("complianceCalendar/v1/generate", {"associationId": b.c.association}, b.c.admin)
    assert (again["created"], again["escalated"]) == ([], 0)

    # The annual meeting's task closes with the meeting held: its id, of this association,
    # adjourned; not a name, not a meeting only called, not another association's. A closed
    # task stays closed.
    meeting = next(t for t in listed["nodes"] if t["requirement"] == "annual_meeting" and t["dueOn"] < str(today))
    held = await schedule(api, b.c)
    elsewhere = await api.call("association/v1/create", _SECOND, b.c.admin)
    theirs = await schedule(api, b.c, associationId=elsewhere["id"])
    for m in (held, theirs):
        for step in ("sendNotice", "open", "adjourn"):
            if m is held and step == "open":
                r = await api.rpc(
                    "complianceTask/v1/complete",
                    {"id": meeting["id"], "evidenceKind": "meeting", "evidenceReference": held["id"]},
                    token=b.c.admin.token,
                    key=uuid.uuid4().hex,
                )
                assert _error(r) == (422, "EVIDENCE_REQUIRED")  # noticed, not yet held
            await api.call(f"meeting/v1/{step}", {"id": m["id"]}, b.c.admin)
    for reference in ("Minutes of the annual meeting", theirs["id"]):
        body = {"id": meeting["id"], "evidenceKind": "meeting", "evidenceReference": reference}
        r = await api.rpc("complianceTask/v1/complete", body, token=b.c.admin.token, key=uuid.uuid4().hex)
        assert _error(r) == (422, "EVIDENCE_REQUIRED"), reference
    closing = {"id": meeting["id"], "evidenceKind": "meeting", "evidenceReference": held["id"]}
    done = await api.call("complianceTask/v1/complete", closing, b.c.admin)
    assert (done["status"], done["evidenceReference"], done["completedAt"] is not None) == (
        "done",
        closing["evidenceReference"],
        True,
    )
    r = await api.rpc("complianceTask/v1/complete", closing, token=b.c.admin.token, key=uuid.uuid4().hex)
    assert _error(r) == (409, "COMPLIANCE_TASK_CLOSED")
    r = await api.rpc("complianceTask/v1/complete", closing | {"evidenceKind": "rumour"}, token=b.c.admin.token, key="x")
    assert r.status_code == 400
    waived = await api.call(
        "complianceTask/v1/waive", {"id": renewal["id"], "reason": "Policy moved to the master association"}, b.c.admin
    )
    assert waived["status"] == "waived"
    overdue = await api.call(
        "complianceTask/v1/list", {"associationId": b.c.association, "overdue": True, "first": 100}, b.c.admin
    )
    assert meeting["id"] not in {t["id"] for t in overdue["nodes"]}
    assert all(t["status"] == "open" and t["dueOn"] < str(today) for t in overdue["nodes"])

    # The reserve study task closes with the study itself: its public id, checked to be this association's.
    await api.call("reserveComponent/v1/create", component(b, "Roof", "100000.00", 25, 5), b.c.admin)
    prepared = await api.call("reserveStudy/v1/create", reserve_study(b), b.c.admin)
    evidence = {"id": study["id"], "evidenceKind": "reserve_study", "evidenceReference": prepared["id"]}
    closed = await api.call("complianceTask/v1/complete", evidence, b.c.admin)
    assert (closed["status"], closed["evidenceKind"], closed["evidenceReference"]) == ("done", "reserve_study", prepared["id"])


async def test_the_daily_schedule_generates_every_association_and_the_company_sees_all_overdue(api) -> None:
    from domains.compliance.workflows import COMPLIANCE_SCHEDULE, generate_compliance_calendar_workflow

    schedule = await DBOS.get_schedule_async(COMPLIANCE_SCHEDULE)
    assert schedule is not None and schedule["schedule"] == "0 6 * * *"

    first = await open_books(api)
    second_id = (await api.call("association/v1/create", _SECOND, first.c.admin))["id"]
    await api.call("chartOfAccounts/v1/install", {"associationId": second_id}, first.c.admin)
    today = datetime.now(UTC).date()
    month = (today.replace(day=1) - timedelta(days=1)).month
    for association in (first.c.association, second_id):
        await api.call("complianceSettings/v1/set", {"associationId": association, "annualMeetingMonth": month}, first.c.admin)

    created, escalated = await generate_compliance_calendar_workflow(datetime.combine(today, datetime.min.time(), UTC), None)
    assert created >= 8 and escalated >= 2
    # The management company's one list: every association's overdue tasks.
    overdue = await api.call("complianceTask/v1/list", {"overdue": True, "first": 100}, first.c.admin)
    assert {t["associationId"] for t in overdue["nodes"]} == {first.c.association, second_id}
    # A second run the same day changes nothing.
    assert await generate_compliance_calendar_workflow(datetime.combine(today, datetime.min.time(), UTC), None) == [0, 0]


async def test_the_reserve_study_cadence_counts_from_the_studies_on_file(api) -> None:
    """CA Civil Code §5550(a): an annual review of the study, and a visual inspection
    at least every three years, counted from the latest study with a site visit (here
    none: from the first study); a full study every ten years by default, here every
    700 days as the governing documents say."""
    b = await open_books(api)
    today = datetime.now(UTC).date()
    studied = today - timedelta(days=400)
    await api.call("reserveComponent/v1/create", component(b, "Roof", "100000.00", 25, 5), b.c.admin)
    await api.call(
        "reserveStudy/v1/create", reserve_study(b, studyDate=str(studied), level="update_without_site_visit"), b.c.admin
    )
    override = {"id": b.c.association, "key": "reserve_study_full_days", "days": 700, "documentReference": "CC&Rs §9.4"}
    await api.call("jurisdictionRuleOverride/v1/set", override, b.c.admin)

    run = await api.call("complianceCalendar/v1/generate", {"associationId": b.c.association}, b.c.admin)
    study = {t["subject"]: t for t in _by_requirement(run["created"])["reserve_study"]}
    # The inspection falls due after the year ahead: not on the calendar yet.
    assert set(study) == {"review", "full"}
    assert (study["review"]["dueOn"], study["review"]["periodStart"]) == (str(studied + timedelta(days=365)), str(studied))
    assert "§5550(a)" in study["review"]["citation"] and study["review"]["dueOn"] < str(today)
    assert study["full"]["dueOn"] == str(studied + timedelta(days=700)) and study["full"]["assignedRole"] == "board_member"

    # A study with a site visit today restarts the inspection's and the review's clocks, not the full study's.
    await api.call("reserveStudy/v1/create", reserve_study(b, studyDate=str(today), level="update_with_site_visit"), b.c.admin)
    again = await api.call("complianceCalendar/v1/generate", {"associationId": b.c.association}, b.c.admin)
    renewed = {t["subject"]: t for t in _by_requirement(again["created"]).get("reserve_study", [])}
    assert set(renewed) == {"review"} and renewed["review"]["dueOn"] == str(today + timedelta(days=365))


async def test_a_document_is_evidence_when_filed_in_the_tasks_library_or_the_organizations(api, settings) -> None:
    from sqlalchemy import text

    from graph.db import create_engine, session_factory
    from graph.ids import decode
    from tests.documents.library import file

    b = await open_books(api)
    await _settings(api, b, insuranceRenewsOn=str(datetime.now(UTC).date() + timedelta(days=30)))
    run = await api.call("complianceCalendar/v1/generate", {"associationId": b.c.association}, b.c.admin)
    (renewal,) = _by_requirement(run["created"])["insurance_renewal"]
    elsewhere = await api.call("association/v1/create", _SECOND, b.c.admin)
    ours = await file(api, b.c.admin, b.c.association, category="insurance", title="Policy renewal")
    theirs = await file(api, b.c.admin, elsewhere["id"], category="insurance", title="Their policy")
    company = await file(api, b.c.admin, None, category="insurance", title="Master policy")
    gone = await file(api, b.c.admin, b.c.association, category="insurance", title="Old policy")
    owner = create_engine(settings.database_url.get_secret_value(), settings, pool_size=1)
    try:  # destroyed as retention allows, which the app role may do only once its date has passed
        async with session_factory(owner)() as s, s.begin():
            await s.execute(
                text("UPDATE documents SET destroyed_at = now(), destroyed_by = created_by WHERE id = :id"),
                {"id": decode(gone["id"])[1]},
            )
    finally:
        await owner.dispose()

    for reference in ("Policy on file", theirs["id"], gone["id"], b.c.association):
        body = {"id": renewal["id"], "evidenceKind": "document", "evidenceReference": reference}
        r = await api.rpc("complianceTask/v1/complete", body, token=b.c.admin.token, key=uuid.uuid4().hex)
        assert _error(r) == (422, "EVIDENCE_REQUIRED"), reference
    closed = await api.call(
        "complianceTask/v1/complete",
        {"id": renewal["id"], "evidenceKind": "document", "evidenceReference": ours["id"]},
        b.c.admin,
    )
    assert (closed["status"], closed["evidenceReference"]) == ("done", ours["id"])
    # The organization's own library serves every association (a master policy, say).
    (bond,) = _by_requirement(run["created"])["fidelity_bond"]
    body = {"id": bond["id"], "evidenceKind": "document", "evidenceReference": company["id"]}
    assert (await api.call("complianceTask/v1/complete", body, b.c.admin))["status"] == "done"

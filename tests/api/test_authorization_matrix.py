"""Every org-scoped operation, called through the API by each role: allowed for
the roles the policies name, FORBIDDEN for the rest; a removed member is refused
everything; an admin of another organization only ever meets "not found"."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dbos import DBOS

from graph.ids import encode
from graph.operations import REGISTRY, Scope
from tests.associations import community
from tests.associations.community import ASSOCIATION, unit_fields
from tests.documents.library import PDF, declared

ROLES = ["admin", "manager", "board_member", "member", "auditor"]
ANY_ROLE = set(ROLES)
ADMIN = {"admin"}


class World:
    def __init__(self, api, admin, org) -> None:
        self.api, self.admin, self.org = api, admin, org
        self.callers: dict[str, Any] = {}
        self._community: Any = None
        self._day = date(2030, 1, 1)
        self.endpoint: str | None = None

    async def community(self) -> Any:
        """An association with two units, their owners and a resident, made once."""
        if self._community is None:
            c = await community.build(self.api, 2, admin=self.admin, org=self.org, code="MATRIX")
            ownership = await self.api.call("ownership/v1/list", {"unitId": c.units[0]}, self.admin)
            resident = await self.api.call("resident/v1/list", {"unitId": c.units[0]}, self.admin)
            c.unit, c.party = c.units[0], c.parties[0]
            c.ownership, c.resident = ownership["nodes"][0]["id"], resident["nodes"][0]["id"]
            self._community = c
        return self._community

    def next_day(self) -> date:
        """Transfers of one unit need increasing dates."""
        self._day += timedelta(days=1)
        return self._day

    async def add(self, roles: list[str]):
        return await self.api.add_member(self.admin, roles)


async def _membership(w: World) -> dict[str, Any]:
    return {"id": (await w.add(["member"]))[1], "roles": ["member", "auditor"]}


async def _remove(w: World) -> dict[str, Any]:
    return {"id": (await w.add(["member"]))[1]}


async def _add(w: World) -> dict[str, Any]:
    return {"email": (await w.api.register()).email, "roles": ["member"]}


async def _service_account(w: World) -> dict[str, Any]:
    r = await w.api.rpc("serviceAccount/v1/create", {"name": "x"}, token=w.admin.token, key=uuid.uuid4().hex)
    return {"id": r.json()["serviceAccount"]["id"]}


async def _link(w: World) -> dict[str, Any]:
    company = await w.api.register()
    return {"managerOrganizationId": await w.api.create_org(company, "management_company")}


async def _join_request(w: World) -> dict[str, Any]:
    applicant = await w.api.register()
    r = await w.api.rpc(
        "joinRequest/v1/create", {"organizationId": w.org, "message": "hi"}, token=applicant.token, key=uuid.uuid4().hex
    )
    return {"id": r.json()["id"], "approve": False}


async def _none(w: World) -> dict[str, Any]:
    return {}


async def _workflow(w: World) -> dict[str, Any]:
    """A workflow of the organization (an invoice's approval): an unknown id is NOT_FOUND to every role."""
    c = await _payables(w)
    if "workflow" not in c.extra:
        c.workflow = (await w.api.call("invoice/v1/create", await _invoice_input(w), w.admin))["workflowId"]
    return {"id": c.workflow}


async def _late_fee_rule_of(w: World) -> dict[str, Any]:
    """An association with a late-fee rule: one without is NOT_FOUND to every role."""
    return {"associationId": (await _receivables(w)).association}


async def _in_community(w: World, **more: Any) -> dict[str, Any]:
    return {"associationId": (await w.community()).association, **more}


async def _template(w: World, **more: Any) -> dict[str, Any]:
    """The matrix association's announcement template, made once."""
    c = await w.community()
    if "template" not in c.extra:
        made = {"associationId": c.association, "kind": "announcement", "subject": "{{ announcement.title }}", "body": "x"}
        c.template = (await w.api.call("messageTemplate/v1/create", made, w.admin))["id"]
    return {"id": c.template, **more}


async def _message(w: World, **more: Any) -> dict[str, Any]:
    """A message of the matrix association (a letter to the first unit's owners), made once."""
    c = await w.community()
    if "message" not in c.extra:
        sent = {"associationId": c.association, "audience": "unit_owners", "unitId": c.unit, "subject": "s", "body": "b"}
        source = (await w.api.call("message/v1/send", sent, w.admin))["source"]
        listed = await w.api.call("message/v1/list", {"associationId": c.association, "source": source}, w.admin)
        c.message = listed["nodes"][0]["id"]
    return {"id": c.message, **more}


async def _announcement(w: World) -> dict[str, Any]:
    c = await w.community()
    if "announcement" not in c.extra:
        posted = {"associationId": c.association, "title": "t", "body": "b", "audience": "all_owners"}
        c.announcement = (await w.api.call("announcement/v1/post", posted, w.admin))["id"]
    return {"id": c.announcement}


STAFF = {"admin", "manager", "board_member", "auditor"}
WRITERS = {"admin", "manager"}
# Roles that may not even read a targeted row meet NOT_FOUND instead of FORBIDDEN.
HIDDEN_FROM_MEMBER = {"member"}


def _unique(prefix: str = "") -> str:
    return prefix + uuid.uuid4().hex[:8].upper()


async def _association(w: World) -> dict[str, Any]:
    return ASSOCIATION | {"code": _unique("A")}


async def _unit(w: World) -> dict[str, Any]:
    return {"associationId": (await w.community()).association} | unit_fields(_unique(), "0.0001")


async def _bulk(w: World) -> dict[str, Any]:
    return {"associationId": (await w.community()).association, "rows": [unit_fields(_unique(), "0.0001")]}


async def _party(w: World) -> dict[str, Any]:
    return {"kind": "person", "name": "New Owner", "deliveryPreference": "postal"}


async def _ownership(w: World) -> dict[str, Any]:
    c = await w.community()
    return {"unitId": c.units[1], "partyId": c.parties[0], "interest": "0.0001", "startsOn": "2024-01-01", "isPrimary": False}


async def _transfer(w: World) -> dict[str, Any]:
    c = await w.community()
    return {"unitId": c.units[1], "transferOn": str(w.next_day()), "buyers": [{"partyId": c.parties[1], "interest": "1"}]}


async def _resident(w: World) -> dict[str, Any]:
    c = await w.community()
    return {"unitId": c.units[0], "partyId": c.parties[1], "kind": "household_member", "movedInOn": "2024-01-01"}


def _id_of(attr: str, **more: Any) -> Callable[[World], Awaitable[dict[str, Any]]]:
    async def make(w: World) -> dict[str, Any]:
        return {"id": getattr(await w.community(), attr), **more}

    return make


BOOKS = {"admin", "manager", "board_member", "auditor"}


async def _books(w: World) -> Any:
    """The matrix association's chart of accounts, installed once."""
    c = await w.community()
    if "accounts" not in c.extra:
        result = await w.api.call("chartOfAccounts/v1/install", {"associationId": c.association}, w.admin)
        c.funds = {f["code"]: f["id"] for f in result["funds"]}
        c.accounts = {a["number"]: a["id"] for a in result["accounts"]}
        entry = await w.api.call("journalEntry/v1/post", await _entry(w), w.admin)
        c.entry = entry["id"]
    return c


async def _entry(w: World) -> dict[str, Any]:
    c = await w.community()
    lines = [
        {"accountId": c.accounts["1010"], "fundId": c.funds["OPER"], "debit": "1.00"},
        {"accountId": c.accounts["3000"], "fundId": c.funds["OPER"], "credit": "1.00"},
    ]
    return {"associationId": c.association, "entryDate": "2026-01-15", "memo": "matrix", "lines": lines}


async def _posting(w: World) -> dict[str, Any]:
    await _books(w)
    return await _entry(w)


async def _by_association(w: World, **more: Any) -> dict[str, Any]:
    return {"associationId": (await _books(w)).association, **more}


async def _reversal(w: World) -> dict[str, Any]:
    return {"id": (await _books(w)).entry, "entryDate": "2026-01-20"}


async def _entry_id(w: World) -> dict[str, Any]:
    return {"id": (await _books(w)).entry}


async def _account(w: World) -> dict[str, Any]:
    return {"id": (await _books(w)).accounts["5000"], "name": "Management Fees"}


async def _receivables(w: World) -> Any:
    """A schedule, its January levy, a late-fee rule and a payment, made once."""
    c = await _books(w)
    if "schedule" not in c.extra:
        schedule = await w.api.call("assessmentSchedule/v1/create", await _schedule(w), w.admin)
        c.schedule = schedule["id"]
        c.levy = (await w.api.call("levy/v1/post", {"scheduleId": c.schedule, "period": "2026-01-01"}, w.admin))["id"]
        await w.api.call("lateFeeRule/v1/set", await _late_fee_rule(w), w.admin)
        c.payment = (await w.api.call("payment/v1/record", await _payment(w), w.admin))["id"]
    return c


async def _schedule(w: World) -> dict[str, Any]:
    c = await _books(w)
    return {
        "associationId": c.association,
        "name": "Dues",
        "kind": "regular",
        "frequency": "monthly",
        "method": "fixed",
        "amount": "100.00",
        "incomeAccountId": c.accounts["4000"],
        "fundId": c.funds["OPER"],
        "startsOn": "2026-01-01",
        "dueDay": 1,
    }


async def _late_fee_rule(w: World) -> dict[str, Any]:
    return {"associationId": (await _books(w)).association, "graceDays": 10, "method": "flat", "amount": "25.00"}


async def _payment(w: World) -> dict[str, Any]:
    return {"unitId": (await w.community()).units[0], "receivedOn": "2026-01-05", "amount": "10.00", "method": "check"}


async def _new_payment(w: World) -> dict[str, Any]:
    await _receivables(w)
    payment = await w.api.call("payment/v1/record", await _payment(w), w.admin)
    return {"id": payment["id"], "returnedOn": "2026-01-20", "fee": "0"}


async def _levy_input(w: World) -> dict[str, Any]:
    return {"scheduleId": (await _receivables(w)).schedule, "period": "2026-02-01"}


async def _unit_entry(w: World, **more: Any) -> dict[str, Any]:
    await _receivables(w)
    return {"unitId": (await w.community()).units[0], "amount": "5.00", "entryDate": "2026-01-10", "memo": "matrix", **more}


def _ar(attr: str, **more: Any) -> Callable[[World], Awaitable[dict[str, Any]]]:
    async def make(w: World) -> dict[str, Any]:
        return {"id": getattr(await _receivables(w), attr), **more}

    return make


async def _as_of(w: World, **more: Any) -> dict[str, Any]:
    return {"associationId": (await _receivables(w)).association, "asOf": "2026-02-15", **more}


async def _payables(w: World) -> Any:
    """The matrix association's books with a payable vendor; the manager alone approves."""
    c = await _books(w)
    if "vendor" not in c.extra:
        await w.api.call(
            "payablesSettings/v1/set", {"associationId": c.association, "boardApprovalThreshold": "1000000.00"}, w.admin
        )
        c.vendor = (await _fresh_vendor(w))["id"]
        await w.api.call("vendor/v1/releaseHold", {"id": c.vendor}, w.admin)
    return c


async def _association_rules(w: World, **more: Any) -> dict[str, Any]:
    return {"id": (await w.community()).association, **more}


async def _vendor(w: World, **more: Any) -> dict[str, Any]:
    return {"id": (await _payables(w)).vendor, **more}


async def _fresh_vendor(w: World, **more: Any) -> dict[str, Any]:
    return {"id": (await w.api.call("vendor/v1/create", {"name": _unique("V"), "is1099": False}, w.admin))["id"], **more}


async def _certificate(w: World) -> dict[str, Any]:
    return {
        "vendorId": (await _payables(w)).vendor,
        "kind": "umbrella",
        "carrier": "Acme",
        "policyNumber": "U-1",
        "coverageAmount": "1.00",
        "effectiveOn": "2026-01-01",
        "expiresOn": "2026-12-31",
    }


async def _invoice_input(w: World) -> dict[str, Any]:
    c = await _payables(w)
    return {
        "associationId": c.association,
        "vendorId": c.vendor,
        "invoiceNumber": _unique("I"),
        "invoiceDate": "2026-01-20",
        "dueDate": "2026-02-20",
        "acknowledgePossibleDuplicate": True,
        "lines": [{"accountId": c.accounts["5100"], "fundId": c.funds["OPER"], "amount": "1.00"}],
    }


async def _invoice(w: World, **more: Any) -> dict[str, Any]:
    """A fresh invoice at the manager step: each allowed call decides its own."""
    return {"id": (await w.api.call("invoice/v1/create", await _invoice_input(w), w.admin))["id"], **more}


async def _vendor_payment(w: World) -> dict[str, Any]:
    invoice = await _invoice(w)
    await w.api.call("invoice/v1/approve", invoice, w.admin)
    return {"invoiceId": invoice["id"], "paidOn": "2026-01-25", "amount": "1.00", "method": "check"}


async def _register(w: World) -> dict[str, Any]:
    return {"associationId": (await _payables(w)).association, "fromDate": "2026-01-01", "toDate": "2026-01-31"}


async def _violation_rule(w: World, **more: Any) -> dict[str, Any]:
    c = await w.community()
    if "violation_rule" not in c.extra:
        body = {
            "associationId": c.association,
            "code": "MATRIX-1",
            "title": "Trash cans",
            "documentReference": "Rules §3",
            "noticeText": "Store trash cans out of sight.",
            "actionToResolve": "Move the cans.",
            "curable": True,
            "cureDays": 7,
            "fineFirst": "50.00",
        }
        c.violation_rule = (await w.api.call("violationRule/v1/create", body, w.admin))["id"]
    return {"id": c.violation_rule, **more}


async def _amenity(w: World, **more: Any) -> dict[str, Any]:
    """The matrix association's pool: free, a place for every request the matrix makes."""
    c = await w.community()
    if "amenity" not in c.extra:
        body = {
            "associationId": c.association,
            "name": "Matrix pool",
            "kind": "pool",
            "description": "Lap lanes.",
            "timeZone": "UTC",
            "opensAt": "00:00:00",
            "closesAt": "23:45:00",
            "slotMinutes": 15,
            "capacity": 1000,
            "requiresApproval": True,
        }
        c.amenity = (await w.api.call("amenity/v1/create", body, w.admin))["id"]
    return {"id": c.amenity, **more}


async def _amenity_slot(w: World) -> dict[str, Any]:
    c = await w.community()
    start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    return {"amenityId": (await _amenity(w))["id"], "unitId": c.unit, "startsAt": start.isoformat()}


async def _amenity_booking(w: World, **more: Any) -> dict[str, Any]:
    """A fresh booking of the matrix unit, waiting for confirmation."""
    booked = await w.api.call("amenityBooking/v1/request", await _amenity_slot(w), w.admin)
    return {"id": booked["id"], **more}


async def _sighting(w: World) -> dict[str, Any]:
    c = await w.community()
    rule = (await _violation_rule(w))["id"]
    return {"unitId": c.unit, "ruleId": rule, "observedOn": "2026-01-10", "description": "Cans at the curb"}


async def _violation(w: World, **more: Any) -> dict[str, Any]:
    """The matrix unit's open violation (every sighting joins it)."""
    observed = await w.api.call("violation/v1/observe", await _sighting(w), w.admin)
    return {"id": observed["violation"]["id"], **more}


async def _calendar_feed(w: World) -> dict[str, Any]:
    """A fresh feed of the admin's."""
    return {"id": (await w.api.call("calendarFeed/v1/create", {"label": "Phone"}, w.admin))["calendarFeed"]["id"]}


async def _portfolio_input(w: World) -> dict[str, Any]:
    c = await w.community()
    return {"associationId": c.association, "userId": w.callers["manager"].user_id}


async def _portfolio_assignment(w: World) -> dict[str, Any]:
    """A fresh assignment of a new member to the matrix association."""
    user, _ = await w.add(["member"])
    body = {"associationId": (await w.community()).association, "userId": user.user_id}
    return {"id": (await w.api.call("portfolioAssignment/v1/create", body, w.admin))["id"]}


STEP = "2026-01-11"


async def _unit_of_matrix(w: World, **more: Any) -> dict[str, Any]:
    return {"unitId": (await w.community()).unit, **more}


async def _arc_request(w: World, **more: Any) -> dict[str, Any]:
    """A fresh request for the matrix unit, submitted by the admin."""
    c = await w.community()
    body = {"unitId": c.unit, "projectType": "paint", "description": "Repaint the trim"}
    return {"id": (await w.api.call("arcRequest/v1/submit", body, w.admin))["id"], **more}


async def _document_input(w: World, **more: Any) -> dict[str, Any]:
    c = await w.community()
    return {"associationId": c.association, "category": "minutes", "title": "Minutes", "visibility": "owners", **more}


async def _document(w: World, **more: Any) -> dict[str, Any]:
    """A fresh owners' document with one confirmed version, filed by the admin."""
    document = await w.api.call("document/v1/create", await _document_input(w), w.admin)
    ticket = await w.api.call("document/v1/startUpload", {"id": document["id"]} | declared(PDF), w.admin)
    await w.api.client.put(ticket["uploadUrl"], content=PDF)
    await w.api.call("document/v1/confirmUpload", {"versionId": ticket["version"]["id"]}, w.admin)
    return {"id": document["id"], **more}


async def _uploaded_version(w: World) -> dict[str, Any]:
    """A pending version whose bytes are stored: each allowed call confirms its own."""
    document = await w.api.call("document/v1/create", await _document_input(w), w.admin)
    ticket = await w.api.call("document/v1/startUpload", {"id": document["id"]} | declared(PDF), w.admin)
    await w.api.client.put(ticket["uploadUrl"], content=PDF)
    return {"versionId": ticket["version"]["id"]}


async def _expired_document(w: World) -> dict[str, Any]:
    body = await _document_input(w, category="financial", recordDate="2015-03-31")
    return {"id": (await w.api.call("document/v1/create", body, w.admin))["id"]}


async def _records_request(w: World, **more: Any) -> dict[str, Any]:
    """A fresh request by the owner of the matrix's second unit (a plain member linked to its party)."""
    c = await w.community()
    if "records_owner" not in c.extra:
        owner, _ = await w.add(["member"])
        await w.api.select(owner, w.org)
        await w.api.call("party/v1/update", {"id": c.parties[1], "userId": owner.user_id}, w.admin)
        c.extra["records_owner"] = owner
    body = {"associationId": c.association, "description": "The minutes"}
    return {"id": (await w.api.call("recordsRequest/v1/submit", body, c.extra["records_owner"]))["id"], **more}


async def _estoppel_input(w: World) -> dict[str, Any]:
    """A certificate for the matrix's first unit (its books installed: the fee's account)."""
    return {"unitId": (await _books(w)).units[0]}


async def _estoppel(w: World) -> dict[str, Any]:
    """A certificate the admin had issued, made once."""
    c = await _books(w)
    if "estoppel" not in c.extra:
        c.extra["estoppel"] = (await w.api.call("estoppelCertificate/v1/request", await _estoppel_input(w), w.admin))["id"]
    return {"id": c.extra["estoppel"]}


async def _board_package(w: World, **more: Any) -> dict[str, Any]:
    """A package the admin asked for, made once (its generation need not have finished)."""
    c = await _books(w)
    if "board_package" not in c.extra:
        body = {"associationId": c.association, "month": "2026-01-01"}
        c.extra["board_package"] = (await w.api.call("boardPackage/v1/generate", body, w.admin))["id"]
    return {"id": c.extra["board_package"], **more}


async def _board_package_settings(w: World) -> dict[str, Any]:
    """The association whose package settings the admin set once (unset, reading them is NOT_FOUND)."""
    c = await _books(w)
    if "board_package_settings" not in c.extra:
        body = {"associationId": c.association, "generateOnClose": False}
        c.extra["board_package_settings"] = await w.api.call("boardPackageSettings/v1/set", body, w.admin)
    return {"associationId": c.association}


async def _records_answer(w: World) -> dict[str, Any]:
    return await _records_request(w, documentIds=[(await _document(w))["id"]])


async def _reserves(w: World) -> Any:
    """The matrix association's books with a reserve component and a study, made once."""
    c = await _books(w)
    if "reserve_study" not in c.extra:
        c.reserve_component = (await w.api.call("reserveComponent/v1/create", await _component_input(w), w.admin))["id"]
        c.reserve_study = (await w.api.call("reserveStudy/v1/create", await _study_input(w), w.admin))["id"]
    return c


async def _component_input(w: World) -> dict[str, Any]:
    return {
        "associationId": (await _books(w)).association,
        "category": "Roofing",
        "name": _unique("Roof "),
        "quantity": "1.00",
        "unit": "lump sum",
        "unitCost": "100000.00",
        "usefulLifeYears": 25,
        "remainingLifeYears": 5,
        "remainingLifeAsOf": "2026-01-01",
        "associationResponsibility": True,
        "limitedUsefulLife": True,
        "predictableRemainingLife": True,
        "aboveThreshold": True,
    }


async def _study_input(w: World) -> dict[str, Any]:
    return {
        "associationId": (await _books(w)).association,
        "studyDate": "2026-01-01",
        "preparedBy": "matrix",
        "interestRate": "0.0100",
        "inflationRate": "0.0300",
        "currentAnnualContribution": "1000.00",
    }


def _reserve(attr: str, **more: Any) -> Callable[[World], Awaitable[dict[str, Any]]]:
    async def make(w: World) -> dict[str, Any]:
        return {"id": getattr(await _reserves(w), attr), **more}

    return make


async def _reserve_status(w: World) -> dict[str, Any]:
    return {"associationId": (await _reserves(w)).association, "asOf": "2026-06-30"}


async def _open_task(w: World, **more: Any) -> dict[str, Any]:
    """An open task each call may close: the calendar of a fresh association, generated
    whenever the last one's tasks are used up."""
    c = await w.community()
    if not c.extra.get("compliance_tasks"):
        association = (await w.api.call("association/v1/create", await _association(w), w.admin))["id"]
        await w.api.call("complianceSettings/v1/set", {"associationId": association, "annualMeetingMonth": 1}, w.admin)
        run = await w.api.call("complianceCalendar/v1/generate", {"associationId": association}, w.admin)
        c.compliance_tasks = [t["id"] for t in run["created"]]
    return {"id": c.compliance_tasks.pop(), **more}


async def _governance(w: World) -> Any:
    """The matrix association's board with one term on it, made once."""
    c = await w.community()
    if "board" not in c.extra:
        body = {"associationId": c.association, "kind": "board", "name": "Board of Directors", "seatCount": 99}
        c.board = (await w.api.call("governingBody/v1/create", body, w.admin))["id"]
    return c


async def _body_input(w: World) -> dict[str, Any]:
    return {"associationId": (await w.community()).association, "kind": "committee", "name": _unique("C"), "seatCount": 3}


async def _board(w: World, **more: Any) -> dict[str, Any]:
    return {"id": (await _governance(w)).board, **more}


async def _board_id(w: World, **more: Any) -> dict[str, Any]:
    return {"bodyId": (await _governance(w)).board, **more}


async def _fill(w: World) -> dict[str, Any]:
    """A term on a fresh committee, so each allowed call has a free seat."""
    c = await _governance(w)
    committee = (await w.api.call("governingBody/v1/create", await _body_input(w), w.admin))["id"]
    today = date.today()
    return {
        "bodyId": committee,
        "partyId": c.parties[0],
        "filledBy": "appointed",
        "startsOn": str(today),
        "endsOn": str(today + timedelta(days=30)),
    }


async def _fresh_seat(w: World) -> str:
    return str((await w.api.call("seat/v1/fill", await _fill(w), w.admin))["id"])


async def _end_seat(w: World) -> dict[str, Any]:
    return {"id": await _fresh_seat(w), "endsOn": str(date.today() + timedelta(days=1)), "reason": "resigned"}


async def _assign_office(w: World) -> dict[str, Any]:
    return {"seatId": await _fresh_seat(w), "title": "chair", "startsOn": str(date.today())}


async def _meeting_input(w: World) -> dict[str, Any]:
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=20)
    return {
        "associationId": (await w.community()).association,
        "kind": "annual_membership",
        "title": _unique("Meeting "),
        "startsAt": starts.isoformat(),
        "place": "Clubhouse",
        "agenda": [{"title": "Budget", "requiresVote": True}],
    }


async def _new_meeting(w: World, *steps: str) -> str:
    """A fresh membership meeting, taken through `steps` (sendNotice, open, adjourn)."""
    meeting = (await w.api.call("meeting/v1/schedule", await _meeting_input(w), w.admin))["id"]
    for step in steps:
        await w.api.call(f"meeting/v1/{step}", {"id": meeting}, w.admin)
    return str(meeting)


async def _meeting(w: World, *steps: str, **more: Any) -> dict[str, Any]:
    return {"id": await _new_meeting(w, *steps), **more}


async def _in_session(w: World) -> str:
    """The matrix's meeting in session, with the first unit's owner checked in, made once."""
    c = await w.community()
    if "meeting" not in c.extra:
        c.meeting = await _new_meeting(w, "sendNotice", "open")
        checked = {"id": c.meeting, "unitId": c.unit, "partyId": c.party}
        c.attendance = (await w.api.call("meeting/v1/checkIn", checked, w.admin))["attendance"]["id"]
    return str(c.meeting)


async def _check_in(w: World) -> dict[str, Any]:
    c = await w.community()
    return {"id": await _in_session(w), "unitId": c.units[1], "partyId": c.parties[1]}


async def _check_out(w: World) -> dict[str, Any]:
    meeting = await _in_session(w)
    return {"id": meeting, "attendanceId": (await w.community()).attendance}


async def _proxy_input(w: World) -> dict[str, Any]:
    c = await w.community()
    return {
        "meetingId": await _new_meeting(w),
        "unitId": c.unit,
        "grantorPartyId": c.party,
        "holderName": "Pat Proxy",
        "kind": "general",
    }


async def _proxy(w: World) -> dict[str, Any]:
    return {"id": (await w.api.call("meetingProxy/v1/grant", await _proxy_input(w), w.admin))["id"]}


async def _motion(w: World, seconded: bool = True, **more: Any) -> dict[str, Any]:
    move = {"meetingId": await _in_session(w), "text": "Adopt the budget", "movedBy": "Owner 1"}
    motion = await w.api.call("meetingMotion/v1/move", move | ({"secondedBy": "Owner 2"} if seconded else {}), w.admin)
    return {"id": motion["id"], **more}


async def _adjourned(w: World) -> str:
    c = await w.community()
    if "adjourned" not in c.extra:
        c.adjourned = await _new_meeting(w, "sendNotice", "open", "adjourn")
    return str(c.adjourned)


async def _minutes(w: World) -> dict[str, Any]:
    draft = {"meetingId": await _adjourned(w), "text": "Minutes."}
    minutes = await w.api.call("meetingMinutes/v1/draft", draft, w.admin)
    return {"id": minutes["id"], "atMeetingId": await _in_session(w)}


async def _election_input(w: World) -> dict[str, Any]:
    """An election to the matrix board's seats, inspected by a member who holds none of the matrix's roles."""
    c = await w.community()
    if "inspector_party" not in c.extra:
        inspector, _ = await w.add(["member"])
        party = {"kind": "person", "name": "Ines Inspector", "deliveryPreference": "postal", "userId": inspector.user_id}
        c.inspector_party = (await w.api.call("party/v1/create", party, w.admin))["id"]
    closes = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    return {
        "associationId": c.association,
        "bodyId": (await _governance(w)).board,
        "title": _unique("Election "),
        "seatsToFill": 1,
        "termStartsOn": "2031-01-01",
        "termEndsOn": "2033-01-01",
        "nominationsCloseAt": closes.isoformat(),
        "votingClosesAt": (closes + timedelta(days=10)).isoformat(),
        "inspectorPartyId": c.inspector_party,
    }


async def _election(w: World, **more: Any) -> dict[str, Any]:
    """The matrix's election, nominations open, made once."""
    c = await w.community()
    if "election" not in c.extra:
        c.election = (await w.api.call("election/v1/call", await _election_input(w), w.admin))["id"]
    return {"id": c.election, **more}


async def _fresh_election(w: World) -> dict[str, Any]:
    return {"id": (await w.api.call("election/v1/call", await _election_input(w), w.admin))["id"], "reason": "matrix"}


async def _nomination(w: World) -> dict[str, Any]:
    return await _election(w, partyId=(await w.community()).parties[1])


async def _ballot(w: World) -> dict[str, Any]:
    return await _election(w, unitId=(await w.community()).unit, marks=[])


async def _bank(w: World) -> Any:
    """A bank account on the matrix association's operating cash, with one imported transaction, made once."""
    c = await _books(w)
    if "bank_account" not in c.extra:
        account = await w.api.call(
            "bankAccount/v1/create",
            {
                "associationId": c.association,
                "name": "Operating Checking",
                "institution": "Matrix Bank",
                "kind": "checking",
                "routingNumber": "121000358",
                "accountNumber": "11112222",
                "glAccountId": c.accounts["1010"],
                "openedOn": "2026-01-01",
            },
            w.admin,
        )
        c.bank_account = account["id"]
        imported = await w.api.call("bankStatement/v1/import", _statement(c.bank_account), w.admin)
        listed = await w.api.call("bankTransaction/v1/list", {"bankAccountId": c.bank_account}, w.admin)
        assert imported["added"] == 1
        c.bank_transaction = listed["nodes"][0]["id"]
        started = await w.api.call(
            "bankReconciliation/v1/start",
            {"bankAccountId": c.bank_account, "month": "2026-01-01", "statementEndingBalance": "0.00"},
            w.admin,
        )
        c.bank_reconciliation = started["reconciliation"]["id"]
    return c


def _statement(account: str) -> dict[str, Any]:
    return {
        "bankAccountId": account,
        "csv": f"Date,Amount,Id\n2026-01-05,-1.00,{uuid.uuid4().hex}\n",
        "csvMapping": {"date": "Date", "amount": "Amount", "transactionId": "Id"},
    }


def _banked(attr: str, **more: Any) -> Callable[[World], Awaitable[dict[str, Any]]]:
    async def make(w: World) -> dict[str, Any]:
        c = await _bank(w)
        return {attr: getattr(c, "bank_account" if attr == "bankAccountId" else attr), **more}

    return make


def _bank_id(row: str, **more: Any) -> Callable[[World], Awaitable[dict[str, Any]]]:
    async def make(w: World) -> dict[str, Any]:
        return {"id": getattr(await _bank(w), row), **more}

    return make


async def _bank_statement(w: World) -> dict[str, Any]:
    return _statement((await _bank(w)).bank_account)


async def _plan(w: World, **more: Any) -> dict[str, Any]:
    """A payment plan of the first unit, made once."""
    c = await _receivables(w)
    if "plan" not in c.extra:
        charge = {"unitId": c.units[0], "amount": "300.00", "entryDate": "2026-01-10", "memo": "matrix"}
        await w.api.call("ownerLedgerEntry/v1/charge", charge, w.admin)
        body = {"unitId": c.units[0], "startsOn": "2026-01-20", "instalments": 3, "firstDueOn": "2026-02-01"}
        c.plan = (await w.api.call("paymentPlan/v1/create", body, w.admin))["id"]
    return {"id": c.plan, **more}


async def _lockbox_input(w: World) -> dict[str, Any]:
    c = await _receivables(w)
    return {
        "associationId": c.association,
        "csv": f"account,amount,checkNumber,date\nX{uuid.uuid4().hex[:8]},5.00,77,2026-02-01\n",
    }


async def _lockbox_exception(w: World) -> dict[str, Any]:
    """An exception of a lockbox file, made once."""
    c = await _receivables(w)
    if "lockbox_item" not in c.extra:
        await w.api.call("lockboxFile/v1/import", await _lockbox_input(w), w.admin)
        items = await w.api.call("lockboxItem/v1/list", {"associationId": c.association, "status": "exception"}, w.admin)
        c.lockbox_item = items["nodes"][0]["id"]
    return {"id": c.lockbox_item, "unitId": c.units[1]}


async def _collections(w: World) -> Any:
    """A collection policy and the second unit's open case (its reminder), made once."""
    c = await _receivables(w)
    if "collection_case" not in c.extra:
        charge = {"unitId": c.units[1], "amount": "500.00", "entryDate": "2026-01-10", "memo": "matrix"}
        await w.api.call("ownerLedgerEntry/v1/charge", charge, w.admin)
        await w.api.call("collectionPolicy/v1/set", {"associationId": c.association, "reminderAfterDays": 0}, w.admin)
        run = await w.api.call("collectionCase/v1/run", {"associationId": c.association, "night": "2026-03-01"}, w.admin)
        await (await DBOS.retrieve_workflow_async(run["workflowId"])).get_result(polling_interval_sec=0.02)
        listed = await w.api.call("collectionCase/v1/list", {"associationId": c.association, "unitId": c.units[1]}, w.admin)
        c.collection_case = listed["nodes"][0]["id"]
    return c


async def _interest_policy(w: World) -> dict[str, Any]:
    return {"associationId": (await _receivables(w)).association, "annualRate": "10.00", "graceDays": 30}


async def _interest_policy_of(w: World, **more: Any) -> dict[str, Any]:
    """An association with an interest policy: one without is NOT_FOUND to every role."""
    c = await _receivables(w)
    if "interest" not in c.extra:
        c.interest = (await w.api.call("interestPolicy/v1/set", await _interest_policy(w), w.admin))["id"]
    return {"associationId": c.association, **more}


async def _collection_policy(w: World) -> dict[str, Any]:
    return {"associationId": (await _receivables(w)).association, "reminderAfterDays": 0}


async def _collection_case(w: World, **more: Any) -> dict[str, Any]:
    return {"id": (await _collections(w)).collection_case, **more}


async def _collection_night(w: World) -> dict[str, Any]:
    return {"associationId": (await _collections(w)).association, "night": "2026-03-02"}


async def _ach_authorization_input(w: World) -> dict[str, Any]:
    c = await _receivables(w)
    return {
        "associationId": c.association,
        "unitId": c.units[1],
        "holderName": "Matrix Owner",
        "accountKind": "checking",
        "routingNumber": "011000015",
        "accountNumber": "12345678",
        "authorizedOn": "2025-12-20",
        "terms": "matrix",
    }


async def _ach(w: World) -> Any:
    """The first unit on autopay, a charge due on 2026-01-15 and that day's debit file, made once."""
    c = await _bank(w)
    await _receivables(w)
    if "ach_file" not in c.extra:
        made = await w.api.call("achAuthorization/v1/create", await _ach_authorization_input(w) | {"unitId": c.units[0]}, w.admin)
        c.ach_authorization = made["id"]
        charge = {"unitId": c.units[0], "amount": "40.00", "entryDate": "2026-01-15", "dueDate": "2026-01-15", "memo": "matrix"}
        await w.api.call("ownerLedgerEntry/v1/charge", charge, w.admin)
        sent = {"associationId": c.association, "effectiveDate": "2026-01-15"}
        c.ach_file = (await w.api.call("achFile/v1/originateDebits", sent, w.admin))["file"]["id"]
    return c


def _ach_id(row: str, **more: Any) -> Callable[[World], Awaitable[dict[str, Any]]]:
    async def make(w: World) -> dict[str, Any]:
        return {"id": getattr(await _ach(w), row), **more}

    return make


async def _card_payment(w: World) -> dict[str, Any]:
    c = await _receivables(w)
    reference = f"pi_{uuid.uuid4().hex}"
    return {"unitId": c.units[1], "amount": "5.00", "method": "card", "processor": "stripe", "processorReference": reference}


async def _owner_payment(w: World) -> dict[str, Any]:
    paid = await w.api.call("ownerPayment/v1/create", await _card_payment(w), w.admin)
    return {"id": paid["id"]}


async def _card_settlement(w: World) -> dict[str, Any]:
    paid = await w.api.call("ownerPayment/v1/create", await _card_payment(w), w.admin)
    reference, today = paid["processorReference"], date.today().isoformat()
    return {"id": paid["id"], "processorReference": reference, "outcome": "settled", "on": today}


async def _payment_void(w: World) -> dict[str, Any]:
    await _receivables(w)
    payment = await w.api.call("payment/v1/record", await _payment(w), w.admin)
    return {"id": payment["id"], "voidedOn": "2026-01-20", "reason": "matrix"}


async def _vendor_payment_void(w: World) -> dict[str, Any]:
    # vendor/v1/update's row changes the shared vendor's payee details, which holds its payments.
    await w.api.call("vendor/v1/releaseHold", {"id": (await _payables(w)).vendor}, w.admin)
    payment = await w.api.call("vendorPayment/v1/create", await _vendor_payment(w), w.admin)
    return {"id": payment["id"], "voidedOn": "2026-01-26", "reason": "matrix"}


async def _plan_input(w: World) -> dict[str, Any]:
    c = await _receivables(w)
    return {"unitId": c.units[1], "startsOn": "2026-01-20", "instalments": 3, "firstDueOn": "2026-02-01"}


async def _bank_entry(w: World) -> dict[str, Any]:
    c = await _bank(w)
    return {"id": c.bank_transaction, "accountId": c.accounts["5300"]}


async def _opening(w: World) -> dict[str, Any]:
    csv = "accountNumber,fundCode,debit,credit\n1010,OPER,1.00,\n3000,OPER,,1.00\n"
    return await _by_association(w, cutOverDate="2019-12-31", accountsCsv=csv)


async def _bank_account_input(w: World) -> dict[str, Any]:
    c = await _books(w)
    return {
        "associationId": c.association,
        "name": "Reserve",
        "institution": "Matrix Bank",
        "kind": "savings",
        "accountNumber": "33334444",
        "glAccountId": c.accounts["1020"],
        "openedOn": "2026-01-01",
    }


# Deliveries fail fast here (nothing listens on the discard port), so redelivery has one to redo.
_HOOK = {"url": "http://127.0.0.1:9/hook", "eventTypes": ["membership.added"], "description": "matrix"}


async def _endpoint(w: World, **more: Any) -> dict[str, Any]:
    if w.endpoint is None:
        w.endpoint = (await w.api.call("webhookEndpoint/v1/create", _HOOK, w.admin))["endpoint"]["id"]
    return {"id": w.endpoint, **more}


async def _endpoint_log(w: World) -> dict[str, Any]:
    return {"endpointId": (await _endpoint(w))["id"]}


async def _delivery(w: World) -> dict[str, Any]:
    endpoint = (await _endpoint(w))["id"]
    await w.add(["member"])  # membership.added
    deliveries = await w.api.call("webhookDelivery/v1/list", {"endpointId": endpoint}, w.admin)
    return {"id": deliveries["nodes"][0]["id"]}


async def _work_order_input(w: World) -> dict[str, Any]:
    c = await w.community()
    return {"associationId": c.association, "unitId": c.units[0], "title": "Matrix leak", "priority": "routine"}


async def _work_order(w: World, **more: Any) -> dict[str, Any]:
    """A fresh work order, received, opened by the matrix admin (its requester)."""
    return {"id": (await w.api.call("workOrder/v1/create", await _work_order_input(w), w.admin))["id"], **more}


async def _work_order_comment(w: World, **more: Any) -> dict[str, Any]:
    return {"workOrderId": (await _work_order(w))["id"], **more}


async def _job(w: World, **more: Any) -> dict[str, Any]:
    """A fresh job in the matrix organization, as a customer's dispatch would write it
    (its answers go to a real workflow: a work order's, which ignores them)."""
    from domains.jobs.service import jobs
    from graph.db import scoped_transaction
    from graph.ids import decode, encode
    from graph.platform import current_platform

    customer = await w.api.call("workOrder/v1/create", await _work_order_input(w), w.admin)
    org, job_id = decode(w.org)[1], uuid.uuid4()
    values = {
        "customer_organization_id": org,
        "customer_name": "Matrix HOA",
        "customer_workflow_id": customer["workflowId"],
        "title": "Matrix job",
        "site": "1 Main St",
        "contact": "Matrix HOA",
        "priority": "routine",
    }
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        await jobs.receive(session, org, job_id, values)
    return {"id": encode("job", job_id), **more}


async def _job_invoice(w: World, **more: Any) -> dict[str, Any]:
    """A provider's invoice in the matrix organization, on a fresh job (written
    through the service: the matrix has no finished job to invoice)."""
    from domains.jobs.models import JobStatus
    from domains.jobs.schemas import JobInvoiceSubmitInput
    from domains.jobs.service import invoices, jobs
    from graph.db import scoped_transaction
    from graph.ids import decode, encode
    from graph.platform import current_platform

    job_id = decode((await _job(w))["id"])[1]
    body = {"id": encode("job", job_id), "invoiceNumber": f"M-{uuid.uuid4().hex[:8]}", "invoiceDate": "2030-01-02"}
    data = JobInvoiceSubmitInput.model_validate(
        body | {"dueDate": "2030-02-01", "lines": [{"description": "Labor", "quantity": "2", "unitPrice": "80.00"}]}
    )
    async with scoped_transaction(current_platform().sessions, decode(w.org)[1], None) as session:
        job = await jobs.lock(session, job_id)
        assert job is not None
        job.status = JobStatus.WORK_DONE
        invoice, _ = await invoices.submit(session, job, data, decode(w.org)[1])
    return {"id": encode("jin", invoice.id), **more}


async def _price_book_item(w: World, **more: Any) -> dict[str, Any]:
    body = {"name": f"Drain clearing {uuid.uuid4().hex[:6]}", "category": "plumbing", "unit": "visit", "unitPrice": "150.00"}
    return {"id": (await w.api.call("priceBookItem/v1/create", body | {"active": True}, w.admin))["id"], **more}


async def _service_request(w: World, **more: Any) -> dict[str, Any]:
    """A fresh service request in the matrix organization, unassigned, asked by
    its admin (an association may not ask for one through the API: written here
    as the service would)."""
    from domains.service_requests.models import ServiceRequest, ServiceRequestStatus
    from graph.db import scoped_transaction
    from graph.ids import decode, encode
    from graph.platform import current_platform

    org, request_id, admin = decode(w.org)[1], uuid.uuid4(), decode(w.admin.user_id)[1]
    row = ServiceRequest(
        id=request_id,
        organization_id=org,
        title="Matrix repair",
        address="1 Main St",
        category="Plumbing",
        posted=True,
        status=ServiceRequestStatus.UNASSIGNED,
        requester_user_id=admin,
        created_by=admin,
    )
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        session.add(row)
    return {"id": encode("srq", request_id), **more}


async def _service_request_dispatch(w: World) -> tuple[dict[str, Any], dict[str, Any]]:
    """A fresh service request sent to a fresh provider whose work is done, as
    the dispatch workflow records it: the request, and what its rows share."""
    from domains.service_requests.models import ServiceDispatchStatus, ServiceRequestDispatch
    from graph.db import scoped_transaction
    from graph.ids import decode
    from graph.platform import current_platform

    request = await _service_request(w)
    org, request_id, admin = decode(w.org)[1], decode(request["id"])[1], decode(w.admin.user_id)[1]
    dispatch = uuid.uuid4()
    provider = (await w.api.admin_of_new_org("service_provider"))[1]
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        session.add(
            ServiceRequestDispatch(
                id=dispatch,
                organization_id=org,
                service_request_id=request_id,
                requester_user_id=admin,
                provider_organization_id=decode(provider)[1],
                provider_name="Matrix Plumbing",
                status=ServiceDispatchStatus.WORK_DONE,
                workflow_id=f"matrix-{dispatch}",
            )
        )
    return request, {
        "organization_id": org,
        "service_request_id": request_id,
        "requester_user_id": admin,
        "dispatch_id": dispatch,
    }


async def _service_request_invoice(w: World) -> dict[str, Any]:
    """A fresh service request with a provider's invoice of $100 on it, as the dispatch workflow copies it."""
    from decimal import Decimal

    from domains.service_requests.models import ServiceRequestInvoice, ServiceRequestInvoiceLine
    from graph.db import scoped_transaction
    from graph.ids import encode
    from graph.platform import current_platform

    request, common = await _service_request_dispatch(w)
    invoice = uuid.uuid4()
    async with scoped_transaction(current_platform().sessions, common["organization_id"], None) as session:
        session.add(
            ServiceRequestInvoice(
                id=invoice,
                **common,
                invoice_number="M-1",
                invoice_date=date(2030, 1, 2),
                due_date=date(2030, 2, 1),
                total=Decimal("100.00"),
                amount_paid=Decimal("0.00"),
            )
        )
        session.add(
            ServiceRequestInvoiceLine(
                organization_id=common["organization_id"],
                invoice_id=invoice,
                line_no=1,
                description="Labor",
                quantity=1,
                unit_price=Decimal("100.00"),
            )
        )
    return request | {"invoiceId": encode("sri", invoice), "amount": "10.00", "paidOn": "2030-01-03", "method": "check"}


async def _service_request_estimate(w: World) -> dict[str, Any]:
    """A fresh service request with a provider's estimate of $100 awaiting a decision, as the dispatch workflow copies it."""
    from decimal import Decimal

    from domains.jobs.models import EstimateStatus
    from domains.service_requests.models import ServiceRequestEstimate, ServiceRequestEstimateLine
    from graph.db import scoped_transaction
    from graph.ids import encode
    from graph.platform import current_platform

    request, common = await _service_request_dispatch(w)
    estimate = uuid.uuid4()
    async with scoped_transaction(current_platform().sessions, common["organization_id"], None) as session:
        row = ServiceRequestEstimate(id=estimate, **common, revision=1, status=EstimateStatus.SUBMITTED, total=Decimal("100.00"))
        session.add(row)
        await session.flush()
        line = {"line_no": 1, "description": "Labor", "quantity": 1, "unit_price": Decimal("100.00")}
        session.add(ServiceRequestEstimateLine(organization_id=common["organization_id"], estimate_id=estimate, **line))
    return request | {"estimateId": encode("sre", estimate), "approve": False, "note": "Too dear"}


async def _estimate(w: World, **more: Any) -> dict[str, Any]:
    """A fresh estimate of a provider (the matrix organization itself, on file as
    its own vendor) for a fresh work order, as the dispatch workflow copies it."""
    from domains.work_orders.models import DispatchStatus, WorkOrder, WorkOrderDispatch
    from domains.work_orders.service import estimates
    from graph.db import scoped_transaction
    from graph.ids import decode, encode
    from graph.platform import current_platform

    wo = await _work_order(w)
    vendor = await w.api.call("vendor/v1/create", {"name": "Matrix Plumbing", "is1099": False}, w.admin)
    org, estimate_id = decode(w.org)[1], uuid.uuid4()
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        work_order = await session.get(WorkOrder, decode(wo["id"])[1])
        assert work_order is not None
        dispatch = WorkOrderDispatch(
            organization_id=org,
            association_id=work_order.association_id,
            work_order_id=work_order.id,
            vendor_id=decode(vendor["id"])[1],
            provider_organization_id=org,
            status=DispatchStatus.SENT,
            workflow_id=work_order.workflow_id,
        )
        session.add(dispatch)
        await session.flush()
        line = {"description": "Labor", "quantity": "2", "unit_price": "90.00"}
        sent = {"id": str(estimate_id), "revision": 1, "total": "180.00", "note": None, "lines": [line]}
        await estimates.receive(session, work_order, dispatch, sent)
    return {"id": encode("woe", estimate_id), **more}


async def _reserve_transfer(w: World) -> dict[str, Any]:
    c = await _books(w)
    return {
        "associationId": c.association,
        "fromFundId": c.funds["OPER"],
        "toFundId": c.funds["RESV"],
        "amount": "0.01",
        "transferDate": "2026-01-20",
    }


def _a_year() -> int:
    return 1900 + uuid.uuid4().int % 100


async def _year_close(w: World) -> dict[str, Any]:
    c = await _books(w)
    body = {"associationId": c.association, "fiscalYear": _a_year(), "closeOpenMonths": True}
    return {"id": (await w.api.call("fiscalYear/v1/close", body, w.admin))["id"], "reason": "matrix"}


async def _recurring_input(w: World) -> dict[str, Any]:
    c = await _books(w)
    lines = [
        {"accountId": c.accounts["5000"], "fundId": c.funds["OPER"], "debit": "1.00"},
        {"accountId": c.accounts["1010"], "fundId": c.funds["OPER"], "credit": "1.00"},
    ]
    return {"associationId": c.association, "memo": "matrix", "dayOfMonth": 1, "startsOn": "2030-01-01", "lines": lines}


async def _recurring(w: World, **more: Any) -> dict[str, Any]:
    c = await _books(w)
    if "recurring" not in c.extra:
        c.extra["recurring"] = (await w.api.call("recurringEntry/v1/create", await _recurring_input(w), w.admin))["id"]
    return {"id": c.extra["recurring"], **more}


async def _recurring_occurrences(w: World) -> dict[str, Any]:
    return {"recurringEntryId": (await _recurring(w))["id"]}


CASES: dict[str, tuple[Callable[[World], Awaitable[dict[str, Any]]], set[str]]] = {
    "membership/v1/add": (_add, ADMIN),
    "membership/v1/update": (_membership, ADMIN),
    "membership/v1/remove": (_remove, ADMIN),
    "serviceAccount/v1/create": (lambda w: _const({"name": "sync"}), ADMIN),
    "serviceAccount/v1/revoke": (_service_account, ADMIN),
    "managementLink/v1/create": (_link, ADMIN),
    "joinRequest/v1/decide": (_join_request, ADMIN),
    "association/v1/create": (_association, WRITERS),
    "association/v1/update": (_id_of("association"), {"admin", "manager", "board_member"}),
    "association/v1/get": (_id_of("association"), STAFF),
    "association/v1/list": (_none, ANY_ROLE),
    "unit/v1/create": (_unit, WRITERS),
    "unit/v1/update": (_id_of("unit"), WRITERS),
    "unit/v1/get": (_id_of("unit"), STAFF),
    "unit/v1/list": (_none, ANY_ROLE),
    "unit/v1/bulkImport": (_bulk, WRITERS),
    "party/v1/create": (_party, WRITERS),
    "party/v1/update": (_id_of("party"), WRITERS),
    "party/v1/get": (_id_of("party"), STAFF),
    "party/v1/list": (_none, ANY_ROLE),
    "ownership/v1/create": (_ownership, WRITERS),
    "ownership/v1/update": (_id_of("ownership", isPrimary=True), WRITERS),
    "ownership/v1/get": (_id_of("ownership"), STAFF),
    "ownership/v1/list": (_none, ANY_ROLE),
    "ownership/v1/transfer": (_transfer, WRITERS),
    "resident/v1/create": (_resident, WRITERS),
    "resident/v1/update": (_id_of("resident", movedOutOn="2031-01-01"), WRITERS),
    "resident/v1/get": (_id_of("resident"), STAFF),
    "resident/v1/list": (_none, ANY_ROLE),
    "chartOfAccounts/v1/install": (_by_association, WRITERS),
    "fund/v1/create": (lambda w: _by_association(w, code=_unique("F")[:10], name="Roof", kind="special_assessment"), WRITERS),
    "fund/v1/list": (_by_association, BOOKS),
    "glAccount/v1/create": (
        lambda w: _by_association(w, number=f"5{uuid.uuid4().int % 10**5:05d}", name="Pool", type="expense"),
        WRITERS,
    ),
    "glAccount/v1/update": (_account, WRITERS),
    "glAccount/v1/list": (_by_association, BOOKS),
    "journalEntry/v1/post": (_posting, WRITERS),
    "journalEntry/v1/reverse": (_reversal, WRITERS),
    "journalEntry/v1/get": (_entry_id, BOOKS),
    "journalEntry/v1/list": (_by_association, BOOKS),
    "fiscalPeriod/v1/close": (
        lambda w: _by_association(w, month=f"19{uuid.uuid4().int % 100:02d}-0{1 + uuid.uuid4().int % 9}-01"),
        {"admin", "manager", "board_member"},
    ),
    "fiscalPeriod/v1/list": (_by_association, BOOKS),
    "fiscalYear/v1/close": (
        lambda w: _by_association(w, fiscalYear=_a_year(), closeOpenMonths=True),
        {"admin", "manager", "board_member"},
    ),
    "fiscalYear/v1/reopen": (_year_close, {"admin", "manager", "board_member"}),
    "fiscalYear/v1/list": (_by_association, BOOKS),
    "reserveTransfer/v1/create": (_reserve_transfer, {"admin", "manager", "board_member"}),
    "recurringEntry/v1/create": (_recurring_input, WRITERS),
    "recurringEntry/v1/get": (_recurring, BOOKS),
    "recurringEntry/v1/list": (_by_association, BOOKS),
    "recurringEntry/v1/pause": (_recurring, WRITERS),
    "recurringEntry/v1/resume": (_recurring, WRITERS),
    "recurringEntry/v1/skip": (lambda w: _recurring(w, period="2031-01-01", reason="matrix"), WRITERS),
    "recurringEntry/v1/postDue": (lambda w: _by_association(w, asOf="2026-01-31"), WRITERS),
    "recurringEntry/v1/occurrences": (_recurring_occurrences, BOOKS),
    "budget/v1/set": (lambda w: _by_association(w, fiscalYear=2026, lines=[]), {"admin", "manager", "board_member"}),
    "budget/v1/get": (lambda w: _by_association(w, fiscalYear=2026), BOOKS),
    "financialReport/v1/trialBalance": (lambda w: _by_association(w, asOf="2026-01-31"), BOOKS),
    "financialReport/v1/balanceSheet": (lambda w: _by_association(w, asOf="2026-01-31", basis="cash"), BOOKS),
    "financialReport/v1/incomeStatement": (lambda w: _by_association(w, fromDate="2026-01-01", toDate="2026-01-31"), BOOKS),
    "assessmentSchedule/v1/create": (_schedule, WRITERS),
    "assessmentSchedule/v1/update": (_ar("schedule", name="Dues 2026"), WRITERS),
    "assessmentSchedule/v1/list": (_by_association, BOOKS),
    "levy/v1/preview": (_levy_input, BOOKS),
    "levy/v1/post": (_levy_input, WRITERS),
    "levy/v1/get": (_ar("levy"), BOOKS),
    "levy/v1/list": (_by_association, BOOKS),
    "lateFeeRule/v1/set": (_late_fee_rule, WRITERS),
    "lateFeeRule/v1/get": (_late_fee_rule_of, BOOKS),
    "lateFeeRule/v1/apply": (_as_of, WRITERS),
    "payment/v1/record": (_payment, WRITERS),
    "payment/v1/return": (_new_payment, WRITERS),
    "ownerLedgerEntry/v1/charge": (_unit_entry, WRITERS),
    "ownerLedgerEntry/v1/credit": (_unit_entry, WRITERS),
    "ownerLedgerEntry/v1/get": (_ar("payment"), BOOKS),
    "ownerLedgerEntry/v1/list": (_by_association, ANY_ROLE),
    "arAging/v1/get": (_as_of, BOOKS),
    "delinquencyList/v1/get": (_as_of, BOOKS),
    "ownerStatement/v1/get": (lambda w: _ar("unit", fromDate="2026-01-01", toDate="2026-01-31")(w), BOOKS),
    "vendor/v1/create": (lambda w: _const({"name": _unique("V"), "is1099": False}), WRITERS),
    "vendor/v1/update": (lambda w: _vendor(w, remittanceAddress="PO Box 1"), WRITERS),
    "vendor/v1/placeHold": (lambda w: _fresh_vendor(w, reason="matrix"), {"admin", "manager", "board_member"}),
    "vendor/v1/releaseHold": (_fresh_vendor, WRITERS),
    "vendor/v1/get": (_vendor, BOOKS),
    "vendor/v1/list": (_none, BOOKS),
    "insuranceCertificate/v1/create": (_certificate, WRITERS),
    "payablesSettings/v1/set": (lambda w: _by_association(w, boardApprovalThreshold="1000000.00"), {"admin", "board_member"}),
    "payablesSettings/v1/get": (_by_association, BOOKS),
    "invoice/v1/create": (_invoice_input, WRITERS),
    "invoice/v1/approve": (_invoice, WRITERS),
    "invoice/v1/reject": (lambda w: _invoice(w, reason="matrix"), WRITERS),
    "invoice/v1/get": (_invoice, BOOKS),
    "invoice/v1/list": (_by_association, BOOKS),
    "vendorPayment/v1/create": (_vendor_payment, WRITERS),
    "vendorPayment/v1/list": (_by_association, BOOKS),
    "apRegister/v1/get": (_register, BOOKS),
    "workflow/v1/get": (_workflow, ANY_ROLE),
    "auditEvent/v1/verify": (_none, {"admin", "auditor"}),
    "jurisdictionRule/v1/list": (lambda w: _const({"jurisdiction": "US-CA"}), ANY_ROLE),
    "jurisdictionRule/v1/effective": (_association_rules, STAFF),
    "jurisdictionRuleOverride/v1/set": (
        lambda w: _association_rules(w, key="hearing_notice_days", days=30, documentReference="CC&Rs §7.3"),
        WRITERS,
    ),
    "jurisdictionRuleOverride/v1/clear": (lambda w: _association_rules(w, key="hearing_notice_days"), WRITERS),
    "violationRule/v1/create": (
        lambda w: _by_association(
            w,
            code=_unique("R")[:12].upper(),
            title="Noise",
            documentReference="Rules §5",
            noticeText="Quiet hours are 10pm to 7am.",
            actionToResolve="Keep quiet hours.",
            curable=False,
        ),
        {"admin", "manager", "board_member"},
    ),
    "violationRule/v1/update": (lambda w: _violation_rule(w, title="Trash cans"), {"admin", "manager", "board_member"}),
    "violationRule/v1/get": (_violation_rule, STAFF),
    "violationRule/v1/list": (_by_association, ANY_ROLE),
    "violation/v1/observe": (_sighting, WRITERS),
    "violation/v1/checkNotice": (lambda w: _violation(w, method="first_class_mail"), WRITERS),
    "violation/v1/queueNotice": (lambda w: _violation(w, method="first_class_mail"), WRITERS),
    "violation/v1/reviewNotice": (lambda w: _violation(w, approved=True), {"admin", "board_member"}),
    "violation/v1/sendNotice": (lambda w: _violation(w, method="first_class_mail", sentOn=STEP), WRITERS),
    "violation/v1/reinspect": (lambda w: _violation(w, inspectedOn=STEP, cured=False), WRITERS),
    "violation/v1/scheduleHearing": (
        lambda w: _violation(w, hearingOn="2026-02-01", noticeSentOn=STEP, method="first_class_mail"),
        WRITERS,
    ),
    "violation/v1/decide": (lambda w: _violation(w, heldOn=STEP, outcome="no_fine"), {"admin", "board_member"}),
    "violation/v1/deliverDecision": (lambda w: _violation(w, deliveredOn=STEP, method="first_class_mail"), WRITERS),
    "violation/v1/respond": (lambda w: _violation(w, text="matrix"), set()),
    "violation/v1/appeal": (lambda w: _violation(w, reason="matrix"), set()),
    "violation/v1/decideAppeal": (lambda w: _violation(w, upheld=True), {"admin", "board_member"}),
    "violation/v1/dismiss": (lambda w: _violation(w, reason="matrix"), {"admin", "manager", "board_member"}),
    "violation/v1/get": (_violation, STAFF),
    "violation/v1/list": (_by_association, ANY_ROLE),
    "amenity/v1/create": (
        lambda w: _by_association(
            w,
            name=_unique("Court"),
            kind="court",
            description="Tennis",
            timeZone="UTC",
            opensAt="08:00:00",
            closesAt="20:00:00",
            slotMinutes=60,
            capacity=1,
        ),
        {"admin", "manager", "board_member"},
    ),
    "amenity/v1/update": (lambda w: _amenity(w, description="Lap lanes."), {"admin", "manager", "board_member"}),
    "amenity/v1/get": (_amenity, STAFF),
    "amenity/v1/list": (_by_association, ANY_ROLE),
    "amenityBooking/v1/request": (_amenity_slot, WRITERS),
    "amenityBooking/v1/confirm": (_amenity_booking, WRITERS),
    "amenityBooking/v1/checkIn": (_amenity_booking, WRITERS),
    "amenityBooking/v1/cancel": (lambda w: _amenity_booking(w, reason="Rain"), WRITERS),
    "amenityBooking/v1/get": (_amenity_booking, STAFF),
    "amenityBooking/v1/list": (_by_association, ANY_ROLE),
    "ownerHome/v1/get": (_none, ANY_ROLE),
    # Any person may set their listing; the matrix's callers are no party (NO_PARTY, not refused).
    "directorySetting/v1/set": (lambda w: _const({"showName": True}), ANY_ROLE),
    "residentDirectory/v1/list": (_by_association, STAFF),
    # ARC: plain members are neither owners nor committee members here (those are tests/arc_requests).
    "arcSettings/v1/set": (lambda w: _by_association(w, decisionMode="vote"), {"admin", "manager", "board_member"}),
    "arcSettings/v1/get": (_by_association, STAFF),
    "arcRequest/v1/submit": (
        lambda w: _unit_of_matrix(w, projectType="fence", description="Fence"),
        {"admin", "manager"},
    ),
    "arcRequest/v1/accept": (_arc_request, {"admin", "manager"}),
    "arcRequest/v1/requestInfo": (lambda w: _arc_request(w, missing="plans"), {"admin", "manager"}),
    "arcRequest/v1/reply": (lambda w: _arc_request(w, text="here"), set()),
    "arcRequest/v1/vote": (lambda w: _arc_request(w, vote="approve"), set()),
    "arcRequest/v1/decide": (lambda w: _arc_request(w, outcome="approve"), set()),
    "arcRequest/v1/appeal": (lambda w: _arc_request(w, reason="why"), set()),
    "arcRequest/v1/decideAppeal": (lambda w: _arc_request(w, outcome="approve"), {"admin", "board_member"}),
    "arcRequest/v1/complete": (_arc_request, {"admin", "manager"}),
    "arcRequest/v1/inspect": (_arc_request, {"admin", "manager"}),
    "arcRequest/v1/void": (_arc_request, {"admin", "manager"}),
    "arcRequest/v1/get": (_arc_request, STAFF),
    "arcRequest/v1/list": (_by_association, ANY_ROLE),
    "document/v1/create": (_document_input, {"admin", "manager", "board_member"}),
    "document/v1/startUpload": (lambda w: _document(w, **declared(PDF)), {"admin", "manager", "board_member"}),
    "document/v1/confirmUpload": (_uploaded_version, {"admin", "manager", "board_member"}),
    "document/v1/download": (_document, STAFF),
    "document/v1/destroy": (_expired_document, {"admin", "manager"}),
    "document/v1/get": (_document, STAFF),
    "document/v1/list": (lambda w: _const({}), ANY_ROLE),
    "recordsRequest/v1/submit": (lambda w: _by_association(w, description="The minutes"), set()),
    "recordsRequest/v1/fulfill": (_records_answer, {"admin", "manager", "board_member"}),
    "recordsRequest/v1/deny": (lambda w: _records_request(w, reason="No"), {"admin", "manager", "board_member"}),
    "recordsRequest/v1/get": (_records_request, STAFF),
    "recordsRequest/v1/list": (_by_association, ANY_ROLE),
    "estoppelCertificate/v1/request": (_estoppel_input, WRITERS),
    "estoppelCertificate/v1/get": (_estoppel, STAFF),
    "estoppelCertificate/v1/download": (_estoppel, STAFF),
    "estoppelCertificate/v1/list": (_by_association, ANY_ROLE),
    "boardPackage/v1/generate": (lambda w: _by_association(w, month="2026-02-01"), {"admin", "manager", "board_member"}),
    "boardPackage/v1/get": (_board_package, STAFF),
    "boardPackage/v1/download": (lambda w: _board_package(w, file="zip"), STAFF),
    "boardPackage/v1/list": (_by_association, STAFF),
    "boardPackageSettings/v1/set": (
        lambda w: _by_association(w, generateOnClose=False),
        {"admin", "manager", "board_member"},
    ),
    "boardPackageSettings/v1/get": (_board_package_settings, STAFF),
    "reserveComponent/v1/create": (_component_input, WRITERS),
    "reserveComponent/v1/update": (_reserve("reserve_component", unitCost="110000.00"), WRITERS),
    "reserveComponent/v1/get": (_reserve("reserve_component"), BOOKS),
    "reserveComponent/v1/list": (_by_association, BOOKS),
    "reserveStudy/v1/create": (_study_input, {"admin", "manager", "board_member"}),
    "reserveStudy/v1/get": (_reserve("reserve_study"), BOOKS),
    "reserveStudy/v1/list": (_by_association, BOOKS),
    "reserveStudy/v1/project": (_reserve("reserve_study", scenarios=["current"]), BOOKS),
    "reserveStudy/v1/status": (_reserve_status, BOOKS),
    "reserveFunding/v1/dashboard": (lambda w: _const({"asOf": "2026-06-30"}), BOOKS),
    "complianceSettings/v1/set": (
        lambda w: _by_association(w, insuranceRenewsOn="2031-01-01"),
        {"admin", "manager", "board_member"},
    ),
    "complianceSettings/v1/get": (_by_association, BOOKS),
    "fidelityBond/v1/check": (_by_association, BOOKS),
    "complianceCalendar/v1/generate": (_by_association, {"admin", "manager", "board_member"}),
    "complianceTask/v1/list": (_none, BOOKS),
    "complianceTask/v1/complete": (
        lambda w: _open_task(w, evidenceKind="document", evidenceReference="matrix"),
        {"admin", "manager", "board_member"},
    ),
    "complianceTask/v1/waive": (lambda w: _open_task(w, reason="matrix"), {"admin", "board_member"}),
    "governingBody/v1/create": (_body_input, WRITERS),
    "governingBody/v1/update": (lambda w: _board(w, purpose="Runs the association."), WRITERS),
    "governingBody/v1/get": (_board, STAFF),
    "governingBody/v1/list": (_none, ANY_ROLE),
    "seat/v1/fill": (_fill, WRITERS),
    "seat/v1/end": (_end_seat, WRITERS),
    "seat/v1/list": (_board_id, ANY_ROLE),
    "office/v1/assign": (_assign_office, {"admin", "manager", "board_member"}),
    "office/v1/list": (_board_id, ANY_ROLE),
    "meetingSettings/v1/set": (lambda w: _by_association(w, proxiesAllowed=True), {"admin", "manager", "board_member"}),
    "meetingSettings/v1/get": (_by_association, STAFF),
    "meeting/v1/schedule": (_meeting_input, {"admin", "manager", "board_member"}),
    "meeting/v1/get": (_meeting, STAFF),
    "meeting/v1/list": (_none, ANY_ROLE),
    "meeting/v1/sendNotice": (_meeting, {"admin", "manager", "board_member"}),
    "meeting/v1/cancel": (lambda w: _meeting(w, reason="matrix"), {"admin", "manager", "board_member"}),
    "meeting/v1/open": (lambda w: _meeting(w, "sendNotice"), {"admin", "manager", "board_member"}),
    "meeting/v1/adjourn": (lambda w: _meeting(w, "sendNotice", "open"), {"admin", "manager", "board_member"}),
    "meeting/v1/checkIn": (_check_in, {"admin", "manager", "board_member"}),
    "meeting/v1/checkOut": (_check_out, {"admin", "manager", "board_member"}),
    "meeting/v1/quorum": (_meeting, STAFF),
    "meeting/v1/notices": (_meeting, STAFF),
    "meeting/v1/attendance": (_meeting, STAFF),
    "meeting/v1/proxies": (_meeting, STAFF),
    "meeting/v1/motions": (_meeting, STAFF),
    "meeting/v1/minutes": (_meeting, STAFF),
    "election/v1/call": (_election_input, {"admin", "manager", "board_member"}),
    "election/v1/get": (_election, STAFF),
    "election/v1/list": (_none, ANY_ROLE),
    "election/v1/nominate": (_nomination, {"admin", "manager", "board_member"}),
    "election/v1/cancel": (_fresh_election, {"admin", "manager", "board_member"}),
    "election/v1/vote": (_ballot, set()),
    "election/v1/voters": (_election, STAFF),
    "election/v1/tally": (_election, set()),
    "election/v1/certify": (_election, set()),
    "election/v1/results": (_election, STAFF),
    "election/v1/recount": (_election, STAFF),
    "meetingProxy/v1/grant": (_proxy_input, {"admin", "manager"}),
    "meetingProxy/v1/revoke": (_proxy, {"admin", "manager"}),
    "meetingMotion/v1/move": (
        lambda w: _const_async(_in_session(w), text="Adopt", movedBy="Owner 1"),
        {"admin", "manager", "board_member"},
    ),
    "meetingMotion/v1/second": (lambda w: _motion(w, False, secondedBy="Owner 2"), {"admin", "manager", "board_member"}),
    "meetingMotion/v1/vote": (
        lambda w: _motion(w, choice="yes", unitId=encode("unt", uuid.uuid4())),
        {"admin", "manager", "board_member"},
    ),
    "meetingMotion/v1/close": (_motion, {"admin", "manager", "board_member"}),
    "meetingMinutes/v1/draft": (
        lambda w: _const_async(_adjourned(w), text="Minutes.", key="meetingId"),
        {"admin", "manager", "board_member"},
    ),
    "meetingMinutes/v1/approve": (_minutes, {"admin", "manager", "board_member"}),
    "openingBalance/v1/post": (_opening, WRITERS),
    "openingBalance/v1/get": (_by_association, BOOKS),
    "bankAccount/v1/create": (_bank_account_input, WRITERS),
    "bankAccount/v1/update": (_bank_id("bank_account", name="Operating Checking"), WRITERS),
    "bankAccount/v1/get": (_bank_id("bank_account"), BOOKS),
    "bankAccount/v1/list": (_by_association, BOOKS),
    "bankStatement/v1/import": (_bank_statement, WRITERS),
    "bankStatement/v1/list": (_banked("bankAccountId"), BOOKS),
    "bankTransaction/v1/list": (_banked("bankAccountId"), BOOKS),
    "bankTransaction/v1/autoMatch": (_banked("bankAccountId"), WRITERS),
    "bankTransaction/v1/match": (_bank_id("bank_transaction", journalLineIds=[encode("jln", uuid.uuid4())]), WRITERS),
    "bankTransaction/v1/unmatch": (_bank_id("bank_transaction"), WRITERS),
    "bankTransaction/v1/createEntry": (_bank_entry, WRITERS),
    "bankReconciliation/v1/start": (
        _banked("bankAccountId", month=f"20{30 + uuid.uuid4().int % 60}-01-01", statementEndingBalance="0.00"),
        {"admin", "manager", "board_member"},
    ),
    "bankReconciliation/v1/finish": (_bank_id("bank_reconciliation"), {"admin", "manager", "board_member"}),
    "bankReconciliation/v1/get": (_bank_id("bank_reconciliation"), BOOKS),
    "bankReconciliation/v1/report": (_bank_id("bank_reconciliation"), BOOKS),
    "bankReconciliation/v1/list": (_banked("bankAccountId"), BOOKS),
    "paymentPlan/v1/create": (_plan_input, WRITERS),
    "paymentPlan/v1/get": (lambda w: _plan(w), BOOKS),
    "paymentPlan/v1/list": (_by_association, ANY_ROLE),
    "paymentPlan/v1/cancel": (lambda w: _plan(w, reason="matrix"), WRITERS),
    "paymentPlan/v1/review": (_as_of, WRITERS),
    "interestPolicy/v1/set": (_interest_policy, WRITERS),
    "interestPolicy/v1/get": (_interest_policy_of, BOOKS),
    "interestPolicy/v1/accrue": (lambda w: _interest_policy_of(w, month="2026-01-01"), WRITERS),
    "form1099Report/v1/get": (lambda w: _by_association(w, taxYear=2026), BOOKS),
    "form1099Report/v1/csv": (lambda w: _by_association(w, taxYear=2026), BOOKS),
    "collectionPolicy/v1/set": (_collection_policy, WRITERS),
    "collectionPolicy/v1/get": (lambda w: _by_association(w), BOOKS),
    "collectionCase/v1/run": (_collection_night, WRITERS),
    "collectionCase/v1/preview": (_collection_night, BOOKS),
    "collectionCase/v1/approve": (lambda w: _collection_case(w, action="lien", reference="matrix"), {"admin", "board_member"}),
    "collectionCase/v1/get": (lambda w: _collection_case(w), BOOKS),
    "collectionCase/v1/list": (_by_association, ANY_ROLE),
    "lockboxFile/v1/import": (_lockbox_input, WRITERS),
    "lockboxItem/v1/list": (_by_association, BOOKS),
    "lockboxItem/v1/resolve": (_lockbox_exception, WRITERS),
    "achAuthorization/v1/create": (_ach_authorization_input, WRITERS),
    "achAuthorization/v1/revoke": (_ach_id("ach_authorization", revokedOn="2026-01-20", reason="matrix"), WRITERS),
    "achAuthorization/v1/setAutopay": (_ach_id("ach_authorization", autopay=True), WRITERS),
    "achAuthorization/v1/get": (_ach_id("ach_authorization"), BOOKS),
    "achAuthorization/v1/list": (_by_association, ANY_ROLE),
    "achFile/v1/originateDebits": (lambda w: _by_association(w, effectiveDate="2026-01-15"), WRITERS),
    "achFile/v1/originateCredits": (lambda w: _by_association(w, effectiveDate="2026-01-15"), WRITERS),
    "achFile/v1/importReturns": (
        lambda w: _by_association(w, content="1" * 94, returnedOn="2026-01-20"),
        WRITERS,
    ),
    "achFile/v1/get": (_ach_id("ach_file"), BOOKS),
    "ownerPayment/v1/create": (_card_payment, WRITERS),
    "ownerPayment/v1/settle": (_card_settlement, WRITERS),
    "ownerPayment/v1/originateDebits": (lambda w: _by_association(w, effectiveDate="2026-01-16"), WRITERS),
    "ownerPayment/v1/get": (_owner_payment, BOOKS),
    "ownerPayment/v1/list": (_by_association, ANY_ROLE),
    "achFile/v1/list": (_by_association, BOOKS),
    "achEntry/v1/list": (_by_association, BOOKS),
    "payment/v1/void": (_payment_void, WRITERS),
    "vendorPayment/v1/void": (_vendor_payment_void, WRITERS),
    "organizationSettings/v1/get": (_none, ANY_ROLE),
    "organizationSettings/v1/set": (lambda w: _const({"agentMutationsAllowed": False}), ADMIN),
    "webhookEndpoint/v1/create": (lambda w: _const(_HOOK), ADMIN),
    "webhookEndpoint/v1/update": (lambda w: _endpoint(w, description="matrix again"), ADMIN),
    "webhookEndpoint/v1/rotateSecret": (_endpoint, ADMIN),
    "webhookEndpoint/v1/get": (_endpoint, STAFF),
    "webhookEndpoint/v1/list": (_none, STAFF),
    "webhookDelivery/v1/list": (_endpoint_log, STAFF),
    "webhookDelivery/v1/redeliver": (_delivery, ADMIN),
    "workOrder/v1/create": (_work_order_input, {"admin", "manager", "board_member"}),
    "workOrder/v1/get": (_work_order, STAFF),
    "workOrder/v1/list": (_none, ANY_ROLE),
    "workOrder/v1/transition": (lambda w: _work_order(w, to="review"), WRITERS),
    # Allowed callers meet ILLEGAL_TRANSITION / WORK_ORDER_NOT_COMPLETED: the work order is new.
    "workOrder/v1/reopen": (lambda w: _work_order(w, reason="matrix"), WRITERS),
    "workOrder/v1/feedback": (lambda w: _work_order(w, score=5), ADMIN),  # the requester alone
    "workOrderComment/v1/create": (
        lambda w: _work_order_comment(w, body="matrix", visibility="internal"),
        {"admin", "manager", "board_member"},
    ),
    "workOrderComment/v1/list": (_work_order_comment, STAFF),
    "workOrderCategory/v1/create": (lambda w: _by_association(w, level="place", name=_unique("P")), WRITERS),
    "workOrderCategory/v1/installDefaults": (_by_association, WRITERS),
    "workOrderCategory/v1/list": (_by_association, ANY_ROLE),
    "workOrderSettings/v1/set": (
        lambda w: _by_association(w, routineResponseMinutes="120"),
        {"admin", "manager", "board_member"},
    ),
    "workOrderSettings/v1/get": (_by_association, STAFF),
    "messageTemplate/v1/create": (
        lambda w: _in_community(w, kind="meeting_notice", subject="{{ meeting.title }}", body="{{ meeting.place }}"),
        {"admin", "manager", "board_member"},
    ),
    "messageTemplate/v1/update": (lambda w: _template(w, body="{{ announcement.body }}"), {"admin", "manager", "board_member"}),
    "messageTemplate/v1/get": (_template, STAFF),
    "messageTemplate/v1/list": (_in_community, ANY_ROLE),
    "messageTemplate/v1/kinds": (_none, ANY_ROLE),
    "messageTemplate/v1/preview": (lambda w: _in_community(w, kind="general"), {"admin", "manager", "board_member"}),
    "message/v1/send": (
        lambda w: _in_community(w, audience="all_owners", subject="s", body="b"),
        {"admin", "manager", "board_member"},
    ),
    "message/v1/list": (_in_community, ANY_ROLE),
    "message/v1/get": (_message, STAFF),
    "message/v1/letter": (_message, STAFF),
    # Allowed callers meet MESSAGE_NOT_MAILABLE: the letter may not be printed yet.
    "message/v1/markMailed": (_message, WRITERS),
    "message/v1/recordBounce": (lambda w: _message(w, reason="550 no such user"), WRITERS),
    "message/v1/inbox": (_none, ANY_ROLE),
    "message/v1/markRead": (_message, set()),  # its recipient alone
    "announcement/v1/post": (
        lambda w: _in_community(w, title="t", body="b", audience="all_owners"),
        {"admin", "manager", "board_member"},
    ),
    "announcement/v1/get": (_announcement, STAFF),
    "announcement/v1/list": (_in_community, ANY_ROLE),
    "contactLogEntry/v1/record": (
        lambda w: _in_community(w, direction="inbound", channel="phone", subject="Gate", occurredAt="2030-01-01T09:00:00Z"),
        {"admin", "manager", "board_member"},
    ),
    "contactLogEntry/v1/list": (_in_community, ANY_ROLE),
    "job/v1/list": (_none, STAFF),
    "job/v1/get": (_job, STAFF),
    "job/v1/accept": (_job, WRITERS),
    "job/v1/decline": (_job, WRITERS),
    # Allowed callers meet ILLEGAL_JOB_TRANSITION: the job has just arrived.
    "job/v1/schedule": (lambda w: _job(w, scheduledFor="2030-01-01T09:00:00Z"), WRITERS),
    "job/v1/start": (_job, WRITERS),
    "job/v1/complete": (_job, WRITERS),
    "job/v1/estimate": (
        lambda w: _job(w, lines=[{"description": "Labor", "quantity": "1.5", "unitPrice": "80.00"}]),
        WRITERS,
    ),
    "jobVisit/v1/list": (_none, STAFF),
    # Allowed callers meet JOB_INVOICE_NOT_ALLOWED: the job has just arrived.
    "job/v1/invoice": (
        lambda w: _job(
            w,
            invoiceNumber=f"M-{uuid.uuid4().hex[:8]}",
            invoiceDate="2030-01-02",
            dueDate="2030-02-01",
            lines=[{"description": "Labor", "quantity": "2", "unitPrice": "80.00"}],
        ),
        WRITERS,
    ),
    "jobInvoice/v1/list": (_none, STAFF),
    "jobEstimate/v1/list": (_none, STAFF),
    "jobInvoice/v1/get": (_job_invoice, STAFF),
    "priceBookItem/v1/create": (
        lambda w: _const(
            {
                "name": f"Leak repair {uuid.uuid4().hex[:6]}",
                "category": "plumbing",
                "unit": "hour",
                "unitPrice": "95.00",
                "active": True,
            }
        ),
        WRITERS,
    ),
    "priceBookItem/v1/update": (lambda w: _price_book_item(w, unitPrice="160.00"), WRITERS),
    "priceBookItem/v1/get": (_price_book_item, STAFF),
    "priceBookItem/v1/list": (_none, STAFF),
    "workOrderEstimate/v1/get": (_estimate, STAFF),
    "workOrderEstimate/v1/list": (lambda w: _work_order_comment(w), STAFF),
    "workOrderEstimate/v1/approve": (_estimate, WRITERS),
    "workOrderEstimate/v1/decline": (lambda w: _estimate(w, note="Too dear"), WRITERS),
    "calendarFeed/v1/create": (lambda w: _const({"label": "Phone"}), ANY_ROLE),
    "calendarFeed/v1/revoke": (_calendar_feed, ADMIN),  # the admin's own feed
    "calendarFeed/v1/list": (_none, ANY_ROLE),
    "calendarItem/v1/list": (_none, ANY_ROLE),
    # Allowed callers after the first meet PORTFOLIO_ALREADY_ASSIGNED.
    "portfolioAssignment/v1/create": (_portfolio_input, WRITERS),
    "portfolioAssignment/v1/end": (_portfolio_assignment, WRITERS),
    "portfolioAssignment/v1/list": (_none, ANY_ROLE),
    "portfolioDashboard/v1/list": (_none, {"admin", "manager", "auditor"}),
    # Allowed callers meet SERVICE_REQUESTS_NOT_FOR_THIS_ORGANIZATION: the matrix organization is an association.
    "serviceRequest/v1/create": (
        lambda w: _const({"title": "Leak", "address": "1 Main St", "category": "Plumbing"}),
        {"admin", "manager", "member"},
    ),
    "serviceRequest/v1/get": (_service_request, STAFF),
    "serviceRequest/v1/list": (_none, ANY_ROLE),
    "serviceRequest/v1/transition": (lambda w: _service_request(w, to="canceled"), WRITERS),
    "serviceRequest/v1/decideEstimate": (_service_request_estimate, WRITERS),
    "serviceRequest/v1/pay": (_service_request_invoice, WRITERS),
    "serviceRequest/v1/providers": (_none, ANY_ROLE),
    "serviceRequest/v1/categories": (_none, ANY_ROLE),
    "serviceOffering/v1/list": (_none, ANY_ROLE),
    # Allowed callers meet NOT_A_SERVICE_PROVIDER: the matrix organization is an association.
    "serviceOffering/v1/set": (lambda w: _const({"categories": ["Plumbing"]}), WRITERS),
}
# Operations that name a row in their input other than as their target: a role
# that may not read that row meets NOT_FOUND too.
NAMES_A_HIDDEN_ROW = {"workOrderComment/v1/create", "workOrderComment/v1/list"}
# Operations on a row that is one person's own (a calendar feed): every other role meets NOT_FOUND.
PERSONAL_ROWS = {"calendarFeed/v1/revoke"}


async def _const(value: dict[str, Any]) -> dict[str, Any]:
    return dict(value)


async def _const_async(meeting: Awaitable[str], key: str = "meetingId", **more: Any) -> dict[str, Any]:
    return {key: await meeting, **more}


def test_every_org_scoped_operation_is_in_the_matrix() -> None:
    from app.discovery import load_domains

    load_domains()
    org_scoped = {op.name for op in REGISTRY.values() if op.scope is Scope.ORGANIZATION}
    assert org_scoped == set(CASES), "add the new operation to CASES with its allowed roles"


@pytest.fixture(scope="module")
async def world(app):
    import httpx

    from tests.helpers import Api

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        api = Api(client)
        admin, org = await api.admin_of_new_org()
        w = World(api, admin, org)
        w.callers["admin"] = admin
        for role in ROLES[1:]:
            user, _ = await w.add([role])
            await api.select(user, org)
            w.callers[role] = user
        yield w


@pytest.mark.parametrize("name", sorted(CASES))
async def test_roles(world, name) -> None:
    make_input, allowed = CASES[name]
    for role in ROLES:
        key = uuid.uuid4().hex if REGISTRY[name].idempotent else None
        r = await world.api.rpc(name, await make_input(world), token=world.callers[role].token, key=key)
        code = r.json()["error"]["code"] if r.status_code >= 400 and r.json() else None
        if role in allowed:
            assert code not in ("FORBIDDEN", "NOT_FOUND"), (name, role, r.text)
        elif (REGISTRY[name].target is not None or name in NAMES_A_HIDDEN_ROW) and (
            role in HIDDEN_FROM_MEMBER or name in PERSONAL_ROWS
        ):
            assert r.status_code == 404 and code == "NOT_FOUND", (name, role, r.text)
        else:
            assert r.status_code == 403 and code == "FORBIDDEN", (name, role, r.text)


async def test_removed_member_is_refused(world) -> None:
    user, membership = await world.add(["admin"])
    await world.api.select(user, world.org)
    r = await world.api.rpc("membership/v1/remove", {"id": membership}, token=world.admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 200, r.text
    for name in ("association/v1/list", "serviceAccount/v1/create"):
        r = await world.api.rpc(name, {"name": "x"} if "create" in name else {}, token=user.token, key=uuid.uuid4().hex)
        assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN", r.text


async def test_admin_of_another_organization_meets_not_found(world) -> None:
    stranger, _ = await world.api.admin_of_new_org()
    target = await _service_account(world)
    r = await world.api.rpc("serviceAccount/v1/revoke", target, token=stranger.token, key=uuid.uuid4().hex)
    assert r.status_code == 404 and r.json()["error"]["code"] == "SERVICE_ACCOUNT_NOT_FOUND"
    member = await _remove(world)
    r = await world.api.rpc("membership/v1/remove", member, token=stranger.token, key=uuid.uuid4().hex)
    assert r.status_code == 404 and r.json()["error"]["code"] == "MEMBERSHIP_NOT_FOUND"

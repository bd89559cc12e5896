"""Every id the API hands out can be handed back: over rich data (an association
with units, owners, books, levies, owner payments and returns, late fees,
budgets, closed months; another with vendors, invoices and vendor payments),
each id in every operation's output is accepted by the `get` operation of its
type, or by `node(id:)`, and names an object of that type — over RPC and over
GraphQL alike.

Nothing here is a hand list of types: the operations come from the registry,
the id fields from the models, the `get` operation of a prefix is the read
whose only required input is an `id` of that prefix, and the GraphQL type of a
prefix is the node type derived from its table."""

from __future__ import annotations

import asyncio
import enum
import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, get_args

import pytest
from dbos import DBOS
from pydantic import BaseModel

from app.discovery import load_domains
from domains.ach.service import nacha
from graph.gqltypes import input_type
from graph.operations import REGISTRY, Operation
from graph.schemas import NODES, ApiModel
from tests.accounting.books import sample_budget
from tests.api.public_ids_books import exercise_books
from tests.api.public_ids_portal import portal
from tests.api.public_ids_service import service_work
from tests.arc_requests.committee import seat_on_committee
from tests.documents.library import PDF, declared
from tests.governance.elections import soon
from tests.governance.meetings import at
from tests.helpers import PASSWORD, Api, Caller
from tests.payables.desk import approved, enter, open_desk
from tests.receivables.books import levy, open_receivables, pay
from tests.test_schemas import declared_prefix
from tests.violations.enforcement import day


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models(arg)]


def _id_fields(model: type[BaseModel]) -> dict[str, str]:
    """alias → prefix of the model's public-id fields."""
    found = {}
    for name, info in model.model_fields.items():
        prefix = declared_prefix(info.annotation, list(info.metadata))
        if prefix is not None:
            found[info.alias or name] = prefix
    return found


def _reachable(model: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []
    todo = [model]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.append(m)
            todo.extend(n for info in m.model_fields.values() for n in _models(info.annotation))
    return seen


def _ids_in(model: type[BaseModel], data: Any, found: list[tuple[str, str, str]], seen: set[type[BaseModel]]) -> None:
    """Collect (prefix, id, Model.field) from `data`, which answers with `model`."""
    if isinstance(data, list):
        for item in data:
            _ids_in(model, item, found, seen)
        return
    if not isinstance(data, dict):
        return
    seen.add(model)
    ids = _id_fields(model)
    for name, info in model.model_fields.items():
        key = info.alias or name
        value = data.get(key)
        if value is None:
            continue
        if key in ids:
            found.extend((ids[key], one, f"{model.__name__}.{key}") for one in (value if isinstance(value, list) else [value]))
        for nested in _models(info.annotation):
            _ids_in(nested, value, found, seen)


def _get_operations() -> dict[str, Operation]:
    """prefix → the read that takes just an id of that prefix."""
    gets: dict[str, Operation] = {}
    for op in REGISTRY.values():
        required = {n: i for n, i in op.input.model_fields.items() if i.is_required()}
        if op.verb == "get" and not op.mutates and list(required) == ["id"]:
            prefix = declared_prefix(required["id"].annotation, list(required["id"].metadata))
            if prefix is not None:
                assert prefix not in gets, (prefix, gets[prefix].name, op.name)
                gets[prefix] = op
    return gets


def _node_types() -> dict[str, str]:
    """prefix → the GraphQL type its rows resolve to through `node`."""
    by_orm = {m.__dict__["__hestami_node__"]: m.__name__ for m in ApiModel.__subclasses__() if "__hestami_node__" in m.__dict__}
    return {prefix: by_orm[orm] for prefix, (orm, _kind) in NODES.items() if orm in by_orm}


@dataclass
class Seen:
    """What the API answered, per caller: (operation, input, output)."""

    calls: dict[str, list[tuple[Operation, dict[str, Any], Any]]] = field(default_factory=lambda: defaultdict(list))
    keys: dict[int, str] = field(default_factory=dict)  # id(answer) → the idempotency key it was made with
    callers: dict[str, Caller] = field(default_factory=dict)
    complete: bool = False


class RecordingApi(Api):
    """The test helpers' client, remembering every successful answer."""

    def __init__(self, client: Any, seen: Seen) -> None:
        super().__init__(client)
        self.seen = seen

    async def call(self, name: str, body: Any, caller: Caller) -> Any:
        key = uuid.uuid4().hex
        r = await self.rpc(name, body, token=caller.token, key=key)
        assert r.status_code == 200, (name, r.text)
        result = r.json()
        self.seen.callers[caller.token] = caller
        self.seen.calls[caller.token].append((REGISTRY[name], body, result))
        self.seen.keys[id(result)] = key
        return result


def _scalar(name: str, annotation: Any) -> Any:
    """A plausible value for a required non-id input of a read, or None."""
    if annotation is date:
        return "2026-01-01" if name.startswith("from") else "2026-03-01" if name == "period" else "2026-12-31"
    if annotation is int and name == "fiscal_year":
        return 2025
    return None


def _read_inputs(op: Operation, known: dict[str, list[str]]) -> dict[str, Any] | None:
    body = {}
    for name, info in op.input.model_fields.items():
        if not info.is_required():
            continue
        prefix = declared_prefix(info.annotation, list(info.metadata))
        value = known[prefix][0] if prefix and known.get(prefix) else None if prefix else _scalar(name, info.annotation)
        if value is None:
            return None
        body[info.alias or name] = value
    return body


async def _rich_data(api: RecordingApi) -> None:
    """Two organizations' worth of everything, through the operations themselves."""
    r = await open_receivables(api, units=3)
    c, admin = r.c, r.c.admin
    await api.call("organizationSettings/v1/set", {"agentMutationsAllowed": True}, admin)
    # Deliveries fail at once (nothing listens on the discard port): the log still names them.
    hook = {"url": "http://127.0.0.1:9/hook", "eventTypes": ["payment.recorded"], "description": "Lockbox"}
    await api.call("webhookEndpoint/v1/create", hook, admin)
    await levy(api, r, "2026-01-01")
    await levy(api, r, "2026-02-01")
    paid = await pay(api, r, 0, "450.00", "2026-01-05")
    await pay(api, r, 1, "100.00", "2026-01-06")
    await api.call("payment/v1/return", {"id": paid["id"], "returnedOn": "2026-02-10", "fee": "25.00"}, admin)
    unit = {"unitId": c.units[2], "amount": "10.00", "entryDate": "2026-02-02"}
    await api.call("ownerLedgerEntry/v1/charge", unit | {"memo": "Key fob", "accountId": r.b.accounts["4000"]}, admin)
    await api.call("ownerLedgerEntry/v1/credit", unit | {"memo": "Refund", "accountId": r.b.accounts["4000"]}, admin)
    await api.call(
        "lateFeeRule/v1/set", {"associationId": c.association, "graceDays": 5, "method": "flat", "amount": "10.00"}, admin
    )
    await api.call("lateFeeRule/v1/apply", {"associationId": c.association, "asOf": "2026-02-20"}, admin)
    await api.call("budget/v1/set", sample_budget(r.b), admin)
    entry = await api.call(
        "journalEntry/v1/post",
        {
            "associationId": c.association,
            "entryDate": "2026-02-03",
            "memo": "Reclass",
            "lines": [r.b.line("5100", debit="12.00"), r.b.line("1010", credit="12.00")],
        },
        admin,
    )
    await api.call("journalEntry/v1/reverse", {"id": entry["id"], "entryDate": "2026-02-04"}, admin)
    await _books_and_bank(api, r)
    # Communications: a template, an announcement (its messages in the outbox), a contact.
    template = {"associationId": c.association, "kind": "announcement", "subject": "{{ announcement.title }}", "body": "Hi"}
    await api.call("messageTemplate/v1/create", template, admin)
    posted = {"associationId": c.association, "title": "Pool", "body": "Open", "audience": "all_owners"}
    await api.call("announcement/v1/post", posted, admin)
    contact = {"direction": "inbound", "channel": "phone", "subject": "Gate", "occurredAt": "2026-02-01T09:00:00Z"}
    await api.call("contactLogEntry/v1/record", {"associationId": c.association, "partyId": c.parties[0]} | contact, admin)
    await api.call("fiscalPeriod/v1/close", {"associationId": c.association, "month": "2025-12-01"}, admin)
    buyer = await api.call("party/v1/create", {"kind": "person", "name": "Buyer", "deliveryPreference": "postal"}, admin)
    await api.call(
        "ownership/v1/transfer",
        {"unitId": c.units[1], "transferOn": "2026-03-01", "buyers": [{"partyId": buyer["id"], "interest": "1"}]},
        admin,
    )
    await api.call("serviceAccount/v1/create", {"name": "Bank feed"}, admin)
    company, _ = await api.admin_of_new_org("management_company")
    await api.call(
        "managementLink/v1/create",
        {"managerOrganizationId": (await api.call("organization/v1/list", {}, company))["items"][0]["organizationId"]},
        admin,
    )
    applicant = await api.register()
    request = await api.call("joinRequest/v1/create", {"organizationId": c.org, "message": "Unit 3"}, applicant)
    await api.call("joinRequest/v1/decide", {"id": request["id"], "approve": True}, admin)
    await (await DBOS.retrieve_workflow_async(request["workflowId"])).get_result(polling_interval_sec=0.02)
    anonymous = Caller("", "", applicant.user_id, applicant.email)
    await api.call("auth/v1/login", {"email": applicant.email, "password": PASSWORD}, anonymous)
    await api.call("organization/v1/list", {}, applicant)

    # A reserve study (a component whose spending lands on 6000) and a compliance calendar.
    component = {
        "associationId": c.association,
        "category": "Roofing",
        "name": "Roof",
        "quantity": "1.00",
        "unit": "lump sum",
        "unitCost": "90000.00",
        "usefulLifeYears": 20,
        "remainingLifeYears": 2,
        "remainingLifeAsOf": "2026-01-01",
        "associationResponsibility": True,
        "limitedUsefulLife": True,
        "predictableRemainingLife": True,
        "aboveThreshold": True,
        "accountIds": [r.b.accounts["6000"]],
    }
    await api.call("reserveComponent/v1/create", component, admin)
    study = {
        "associationId": c.association,
        "studyDate": "2026-01-01",
        "preparedBy": "Board",
        "interestRate": "0.0100",
        "inflationRate": "0.0300",
        "currentAnnualContribution": "100.00",
    }
    await api.call("reserveStudy/v1/create", study, admin)
    await api.call("complianceSettings/v1/set", {"associationId": c.association, "annualMeetingMonth": 1}, admin)
    calendar = await api.call("complianceCalendar/v1/generate", {"associationId": c.association}, admin)
    # Governance: a board with a term and an office.
    body = {"associationId": c.association, "kind": "board", "name": "Board of Directors", "seatCount": 5}
    board = await api.call("governingBody/v1/create", body, admin)
    fill = {
        "bodyId": board["id"],
        "partyId": c.parties[0],
        "filledBy": "elected",
        "startsOn": "2026-01-15",
        "endsOn": "2099-01-15",
    }
    term = await api.call("seat/v1/fill", fill, admin)
    await api.call("office/v1/assign", {"seatId": term["id"], "title": "president", "startsOn": str(date.today())}, admin)

    # Violations: a rule, a sighting, its checks, notice, hearing, decision and the posted fine.
    rule = {
        "associationId": c.association,
        "code": "LND-01",
        "title": "Lawn",
        "documentReference": "CC&Rs §7.3",
        "noticeText": "Mow the lawn.",
        "actionToResolve": "Mow it.",
        "curable": True,
        "cureDays": 14,
        "fineFirst": "100.00",
    }
    rule_id = (await api.call("violationRule/v1/create", rule, admin))["id"]
    sighting = {"unitId": c.units[0], "ruleId": rule_id, "observedOn": day(-60), "description": "Tall grass"}
    violation = (await api.call("violation/v1/observe", sighting, admin))["violation"]["id"]
    mail = {"method": "first_class_mail"}
    await api.call("violation/v1/checkNotice", {"id": violation} | mail, admin)
    await api.call("violation/v1/sendNotice", {"id": violation, "sentOn": day(-50)} | mail, admin)
    await api.call("violation/v1/reinspect", {"id": violation, "inspectedOn": day(-30), "cured": False}, admin)
    await api.call(
        "violation/v1/scheduleHearing", {"id": violation, "hearingOn": day(-1), "noticeSentOn": day(-15)} | mail, admin
    )
    await api.call("violation/v1/decide", {"id": violation, "heldOn": day(-1), "outcome": "fine"}, admin)
    await api.call("violation/v1/deliverDecision", {"id": violation, "deliveredOn": day(0)} | mail, admin)
    for _ in range(400):
        if (await api.call("violation/v1/get", {"id": violation}, admin))["fines"]:
            break
        await asyncio.sleep(0.05)
    # Amenities: a pool with a fee and deposit, a booking confirmed (charged) and one cancelled.
    pool = {
        "associationId": c.association,
        "name": "Pool",
        "kind": "pool",
        "description": "Lap lanes",
        "timeZone": "UTC",
        "opensAt": "00:00:00",
        "closesAt": "23:45:00",
        "slotMinutes": 15,
        "capacity": 2,
        "fee": "5.00",
        "deposit": "20.00",
    }
    pool_id = (await api.call("amenity/v1/create", pool, admin))["id"]
    await api.call("amenity/v1/get", {"id": pool_id}, admin)
    await api.call("amenity/v1/list", {"associationId": c.association}, admin)
    start = (datetime.now(UTC) + timedelta(days=1)).replace(minute=0, second=0, microsecond=0).isoformat()
    booking = {"amenityId": pool_id, "unitId": c.units[1], "startsAt": start}
    booked = (await api.call("amenityBooking/v1/request", booking, admin))["id"]
    await api.call("amenityBooking/v1/get", {"id": booked}, admin)
    other = (await api.call("amenityBooking/v1/request", booking | {"unitId": c.units[2]}, admin))["id"]
    await api.call("amenityBooking/v1/cancel", {"id": other, "reason": "Rain"}, admin)
    await api.call("amenityBooking/v1/list", {"associationId": c.association}, admin)
    # ARC: settings, a seat on the committee (a governing body), a request voted on.
    await api.call("arcSettings/v1/set", {"associationId": c.association, "decisionMode": "vote"}, admin)
    await seat_on_committee(api, admin, c.association, admin, chair=True)
    arc = {"unitId": c.units[2], "projectType": "fence", "description": "Cedar fence"}
    arc_id = (await api.call("arcRequest/v1/submit", arc, admin))["id"]
    await api.call("arcRequest/v1/accept", {"id": arc_id}, admin)
    await api.call("arcRequest/v1/vote", {"id": arc_id, "vote": "approve"}, admin)
    await api.call("arcSettings/v1/get", {"associationId": c.association}, admin)
    # Documents: an owners' document with a confirmed version; an owner's records request, answered with it.
    minutes = {"associationId": c.association, "category": "minutes", "title": "Minutes", "visibility": "owners"}
    document = await api.call("document/v1/create", minutes, admin)
    ticket = await api.call("document/v1/startUpload", {"id": document["id"]} | declared(PDF), admin)
    assert (await api.client.put(ticket["uploadUrl"], content=PDF)).status_code == 204
    await api.call("document/v1/confirmUpload", {"versionId": ticket["version"]["id"]}, admin)
    evidence = {"id": calendar["created"][0]["id"], "evidenceKind": "document", "evidenceReference": document["id"]}
    await api.call("complianceTask/v1/complete", evidence, admin)
    requester, _ = await api.add_member(admin, ["member"])
    await api.select(requester, c.org)
    await api.call("party/v1/update", {"id": c.parties[2], "userId": requester.user_id}, admin)
    asked = await api.call("recordsRequest/v1/submit", {"associationId": c.association, "description": "Minutes"}, requester)
    await api.call("recordsRequest/v1/fulfill", {"id": asked["id"], "documentIds": [document["id"]]}, admin)
    # Estoppels: the same owner's certificate for their unit, its fee on their ledger.
    await api.call("estoppelCertificate/v1/request", {"unitId": c.units[2]}, requester)
    await _deemed_approval(api, c, admin)

    # Meetings: an annual meeting noticed, a proxy, attendance, a motion voted on,
    # minutes approved at a later meeting.
    agenda = [{"title": "Budget", "requiresVote": True}]
    base = {"associationId": c.association, "kind": "annual_membership", "title": "AGM", "place": "Hall", "agenda": agenda}
    agm = (await api.call("meeting/v1/schedule", base | {"startsAt": at(20)}, admin))["id"]
    await api.call("meeting/v1/sendNotice", {"id": agm}, admin)
    items = "query($id: ID!) { node(id: $id) { ... on Meeting { agendaItems { id } } } }"
    [item] = (await api.gql(items, {"id": agm}, token=admin.token))["data"]["node"]["agendaItems"]
    proxy = {"meetingId": agm, "unitId": c.units[2], "grantorPartyId": c.parties[2], "holderName": "Pat", "kind": "directed"}
    proxy["directions"] = [{"agendaItemId": item["id"], "choice": "yes"}]
    proxy_id = (await api.call("meetingProxy/v1/grant", proxy, admin))["id"]
    await api.call("meeting/v1/open", {"id": agm}, admin)
    await api.call("meeting/v1/checkIn", {"id": agm, "unitId": c.units[0], "partyId": c.parties[0]}, admin)
    await api.call("meeting/v1/checkIn", {"id": agm, "unitId": c.units[2], "proxyId": proxy_id}, admin)
    motion = {"meetingId": agm, "text": "Adopt the budget", "movedBy": "Owner 1", "secondedBy": "Pat"}
    motion_id = (await api.call("meetingMotion/v1/move", motion, admin))["id"]
    await api.call("meetingMotion/v1/vote", {"id": motion_id, "unitId": c.units[0], "choice": "yes"}, admin)
    await api.call("meetingMotion/v1/close", {"id": motion_id}, admin)
    await api.call("meeting/v1/adjourn", {"id": agm}, admin)
    minutes = (await api.call("meetingMinutes/v1/draft", {"meetingId": agm, "text": "Budget adopted."}, admin))["id"]
    later = (await api.call("meeting/v1/schedule", base | {"kind": "special_membership", "startsAt": at(30)}, admin))["id"]
    await api.call("meeting/v1/sendNotice", {"id": later}, admin)
    await api.call("meeting/v1/open", {"id": later}, admin)
    await api.call("meeting/v1/checkIn", {"id": later, "unitId": c.units[0], "partyId": c.parties[0]}, admin)
    await api.call("meetingMinutes/v1/approve", {"id": minutes, "atMeetingId": later}, admin)
    # Elections: one voted in by an owner, counted and certified by its inspector.
    voter, _ = await api.add_member(admin, ["member"])
    await api.call("party/v1/update", {"id": c.parties[0], "userId": voter.user_id}, admin)
    await api.select(voter, c.org)
    inspector, _ = await api.add_member(admin, ["member"])
    ines = {"kind": "person", "name": "Ines Inspector", "deliveryPreference": "postal", "userId": inspector.user_id}
    ines_id = (await api.call("party/v1/create", ines, admin))["id"]
    await api.select(inspector, c.org)
    election = await api.call(
        "election/v1/call",
        {
            "associationId": c.association,
            "bodyId": board["id"],
            "title": "Board election",
            "seatsToFill": 1,
            "termStartsOn": str(date.today()),
            "termEndsOn": str(date.today() + timedelta(days=730)),
            "nominationsCloseAt": soon(2),
            "votingClosesAt": soon(6),
            "inspectorPartyId": ines_id,
        },
        admin,
    )
    candidate = await api.call("election/v1/nominate", {"id": election["id"], "partyId": c.parties[2]}, admin)
    await _election_reaches(api, election["id"], admin, "voting")
    ballot = {"id": election["id"], "unitId": c.units[0], "marks": [{"candidateId": candidate["id"]}]}
    await api.call("election/v1/vote", ballot, voter)
    await _election_reaches(api, election["id"], admin, "closed")
    await api.call("election/v1/tally", {"id": election["id"]}, inspector)
    await _election_reaches(api, election["id"], admin, "tallied")
    await api.call("election/v1/certify", {"id": election["id"]}, inspector)

    d = await open_desk(api)
    await api.call(
        "insuranceCertificate/v1/create",
        {
            "vendorId": d.vendor,
            "kind": "general_liability",
            "carrier": "Acme Mutual",
            "policyNumber": "GL-1",
            "coverageAmount": "1000000.00",
            "effectiveOn": "2026-01-01",
            "expiresOn": "2026-12-31",
        },
        d.admin,
    )
    invoice = await approved(api, d)
    paid = await api.call(
        "vendorPayment/v1/create",
        {"invoiceId": invoice["id"], "paidOn": "2026-03-20", "amount": "300.00", "method": "check"},
        d.admin,
    )
    await api.call("vendorPayment/v1/void", {"id": paid["id"], "voidedOn": "2026-03-21", "reason": "Check lost"}, d.admin)
    # Vendor payments by ACH: the vendor's bank account, a payment, the CCD credit file.
    bank = {
        "associationId": d.association,
        "name": "Operating Checking",
        "institution": "First Community Bank",
        "kind": "checking",
        "routingNumber": "121000358",
        "accountNumber": "000123456789",
        "glAccountId": d.b.accounts["1010"],
        "openedOn": "2026-01-01",
    }
    await api.call("bankAccount/v1/create", bank, d.admin)
    remit = {
        "associationId": d.association,
        "vendorId": d.vendor,
        "holderName": "Vendor",
        "accountKind": "checking",
        "routingNumber": "021000021",
        "accountNumber": "55501234",
        "authorizedOn": "2026-01-02",
        "terms": "Remit by ACH credit.",
    }
    await api.call("achAuthorization/v1/create", remit, d.admin)
    by_ach = await approved(api, d, lines=[d.line("5100", "275.00")], invoiceDate="2026-03-03")
    body = {"invoiceId": by_ach["id"], "paidOn": "2026-03-20", "amount": "275.00", "method": "ach"}
    await api.call("vendorPayment/v1/create", body, d.admin)
    await api.call("achFile/v1/originateCredits", {"associationId": d.association, "effectiveDate": "2026-03-21"}, d.admin)
    big = await enter(api, d, lines=[d.line("5100", "5000.00")])
    await api.call("invoice/v1/approve", {"id": big["id"]}, d.manager)
    await api.call("invoice/v1/reject", {"id": big["id"], "reason": "Not ours"}, d.board)

    # Work orders: settings, the default classifier and a node of its own, a work order under it, a comment.
    await api.call("workOrderSettings/v1/set", {"associationId": c.association, "urgentResponseMinutes": "90"}, admin)
    await api.call("workOrderCategory/v1/installDefaults", {"associationId": c.association}, admin)
    place = await api.call(
        "workOrderCategory/v1/create", {"associationId": c.association, "level": "place", "name": "Lobby"}, admin
    )
    wo = await api.call(
        "workOrder/v1/create",
        {"associationId": c.association, "unitId": c.units[0], "title": "Leak", "priority": "urgent", "categoryId": place["id"]},
        admin,
    )
    await api.call("workOrderComment/v1/create", {"workOrderId": wo["id"], "body": "Booked", "visibility": "requester"}, admin)
    # Dispatched to a provider on the platform: a job arrives in its organization.
    provider, provider_org = await api.admin_of_new_org("service_provider")
    ace = await api.call("vendor/v1/create", {"name": "Ace", "providerOrganizationId": provider_org, "is1099": False}, admin)
    await api.call("workOrder/v1/transition", {"id": wo["id"], "to": "review"}, admin)
    await api.call("workOrder/v1/transition", {"id": wo["id"], "to": "vendor_chosen", "vendorId": ace["id"]}, admin)
    await api.call("workOrder/v1/transition", {"id": wo["id"], "to": "assigned"}, admin)
    for _ in range(400):
        jobs = (await api.call("job/v1/list", {}, provider))["nodes"]
        if jobs:
            break
        await asyncio.sleep(0.05)
    # Its estimate, and the association's copy of it, approved.
    line = {"description": "Labor", "quantity": "2", "unitPrice": "90.00"}
    await api.call("job/v1/estimate", {"id": jobs[0]["id"], "lines": [line]}, provider)
    for _ in range(400):
        copies = (await api.call("workOrderEstimate/v1/list", {"workOrderId": wo["id"]}, admin))["nodes"]
        if copies:
            break
        await asyncio.sleep(0.05)
    await api.call("workOrderEstimate/v1/approve", {"id": copies[0]["id"]}, admin)
    # Its visit, with the provider's admin booked as the technician.
    await api.call("job/v1/accept", {"id": jobs[0]["id"]}, provider)
    visit = {"id": jobs[0]["id"], "scheduledFor": "2030-05-04T09:00:00Z", "technicianIds": [provider.user_id]}
    await api.call("job/v1/schedule", visit, provider)
    await portal(api, r, d, requester, board["id"], ines_id)
    await exercise_books(api, r, d)
    await service_work(api, provider, provider_org, jobs[0]["id"])


async def _election_reaches(api: Api, election: str, caller: Caller, status: str) -> None:
    """Wait for the election's workflow to move it to `status` (reads not recorded: the crawl reads it anyway)."""
    for _ in range(600):
        r = await api.rpc("election/v1/get", {"id": election}, token=caller.token)
        if r.json()["status"] == status:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the election never became {status}")


async def _deemed_approval(api: RecordingApi, c: Any, admin: Caller) -> None:
    """A request deemed approved (its record carries ids): the governing documents'
    one-day deadline, with days of 0.05 s while its workflow runs."""
    from graph.platform import current_platform

    platform = current_platform()
    day_seconds, platform.settings.workflow_day_seconds = platform.settings.workflow_day_seconds, 0.05
    try:
        for rule in ({"key": "arc_decision_days", "days": 1}, {"key": "arc_deemed_approval", "flag": True}):
            await api.call(
                "jurisdictionRuleOverride/v1/set", {"id": c.association, "documentReference": "CC&Rs §8"} | rule, admin
            )
        body = {"unitId": c.units[1], "projectType": "paint", "description": "Trim in Sandstone"}
        request = (await api.call("arcRequest/v1/submit", body, admin))["id"]
        for _ in range(400):
            if (await api.call("arcRequest/v1/get", {"id": request}, admin))["deemedApprovalRecord"]:
                return
            await asyncio.sleep(0.05)
        raise AssertionError("the request was not deemed approved in time")
    finally:
        platform.settings.workflow_day_seconds = day_seconds


async def _books_and_bank(api: RecordingApi, r: Any) -> None:
    """Issue 17's records: the move-in, a bank account with an imported statement,
    matches, a created entry and a reconciliation, a payment plan, a lockbox file,
    a collection policy and a case."""
    c, admin = r.c, r.c.admin
    opening = "accountNumber,fundCode,debit,credit\n1010,OPER,1000.00,\n3000,OPER,,1000.00\n"
    await api.call(
        "openingBalance/v1/post", {"associationId": c.association, "cutOverDate": "2025-12-31", "accountsCsv": opening}, admin
    )
    bank = await api.call(
        "bankAccount/v1/create",
        {
            "associationId": c.association,
            "name": "Operating Checking",
            "institution": "First Community Bank",
            "kind": "checking",
            "routingNumber": "121000358",
            "accountNumber": "000123456789",
            "glAccountId": r.b.accounts["1010"],
            "openedOn": "2026-01-01",
        },
        admin,
    )
    statement = "Date,Amount,Id,Description\n2026-01-05,450.00,T1,Deposit\n2026-01-31,-9.00,T2,Service charge\n"
    mapping = {"date": "Date", "amount": "Amount", "transactionId": "Id", "description": "Description"}
    await api.call("bankStatement/v1/import", {"bankAccountId": bank["id"], "csv": statement, "csvMapping": mapping}, admin)
    await api.call("bankTransaction/v1/autoMatch", {"bankAccountId": bank["id"]}, admin)
    unmatched = await api.call("bankTransaction/v1/list", {"bankAccountId": bank["id"], "unmatchedOnly": True}, admin)
    await api.call(
        "bankTransaction/v1/createEntry", {"id": unmatched["nodes"][0]["id"], "accountId": r.b.accounts["5300"]}, admin
    )
    await api.call(
        "bankReconciliation/v1/start",
        {"bankAccountId": bank["id"], "month": "2026-01-01", "statementEndingBalance": "1441.00"},
        admin,
    )
    body = {"unitId": c.units[2], "startsOn": "2026-02-15", "instalments": 2, "firstDueOn": "2026-03-01"}
    await api.call("paymentPlan/v1/create", body, admin)
    lockbox = "account,amount,checkNumber,date\n1,20.00,501,2026-02-20\n99,5.00,502,2026-02-20\n"
    await api.call("lockboxFile/v1/import", {"associationId": c.association, "csv": lockbox}, admin)
    # (Reads recorded here go over GraphQL as they were sent: no enum filter.)
    items = await api.call("lockboxItem/v1/list", {"associationId": c.association}, admin)
    [exception] = [i for i in items["nodes"] if i["status"] == "exception"]
    await api.call("lockboxItem/v1/resolve", {"id": exception["id"], "unitId": c.units[0]}, admin)
    # Collections: a policy leaving one unit alone, and a night's run reminding the first unit (a fee with it).
    charge = {"unitId": c.units[0], "amount": "300.00", "entryDate": "2026-02-01", "memo": "Special assessment"}
    await api.call("ownerLedgerEntry/v1/charge", charge, admin)
    exclusion = {"unitId": c.units[1], "reason": "In dispute"}
    policy = {"associationId": c.association, "reminderAfterDays": 0, "reminderFee": "5.00", "exclusions": [exclusion]}
    await api.call("collectionPolicy/v1/set", policy, admin)
    run = await api.call("collectionCase/v1/run", {"associationId": c.association, "night": "2026-02-25"}, admin)
    await (await DBOS.retrieve_workflow_async(run["workflowId"])).get_result(polling_interval_sec=0.02)
    # ACH: unit 2 on autopay, February's debit file, the bank returning it; a payment voided.
    authorization = {
        "associationId": c.association,
        "unitId": c.units[1],
        "holderName": "Owner 2",
        "accountKind": "checking",
        "routingNumber": "011000015",
        "accountNumber": "12345678",
        "authorizedOn": "2026-01-15",
        "terms": "Debit on each due date.",
    }
    saved = await api.call("achAuthorization/v1/create", authorization, admin)
    sent = await api.call("achFile/v1/originateDebits", {"associationId": c.association, "effectiveDate": "2026-02-01"}, admin)
    [debit] = nacha.parse(sent["file"]["content"]).batches[0].entries
    back = nacha.Entry(
        "26", debit.routing, debit.account, debit.amount, "UNIT 2", "Owner 2", "011000010000001", "R01", debit.trace_number
    )
    header = nacha.Header("121000358", "011000015", "FIRST COMMUNITY BANK", "RETURNS", datetime(2026, 2, 5, tzinfo=UTC))
    returns = nacha.write(header, [nacha.Batch("PPD", "HOA", "1123456789", "HOA DUES", date(2026, 2, 1), [back])])
    body = {"associationId": c.association, "content": returns, "returnedOn": "2026-02-05", "fee": "0"}
    await api.call("achFile/v1/importReturns", body, admin)
    wrong = await pay(api, r, 2, "20.00", "2026-02-06")
    await api.call("payment/v1/void", {"id": wrong["id"], "voidedOn": "2026-02-06", "reason": "Wrong unit"}, admin)
    # One-time payments: by ACH from the saved account, filed as the morning's debits; by card, settled.
    one_time = {"unitId": c.units[1], "amount": "15.00", "method": "ach", "authorizationId": saved["id"]}
    ach = await api.call("ownerPayment/v1/create", one_time, admin)
    await api.call("ownerPayment/v1/originateDebits", {"associationId": c.association, "effectiveDate": ach["debitOn"]}, admin)
    reference = "pi_3QpublicIds00001"
    card = {"unitId": c.units[0], "amount": "12.00", "method": "card", "processor": "stripe", "processorReference": reference}
    card_paid = await api.call("ownerPayment/v1/create", card, admin)
    today = datetime.now(UTC).date().isoformat()
    settle = {"id": card_paid["id"], "processorReference": reference, "outcome": "settled", "on": today}
    await api.call("ownerPayment/v1/settle", settle, admin)


async def _crawl(api: RecordingApi, seen: Seen) -> None:
    """Every read, for every caller, with ids of the caller's own data."""
    for token, calls in list(seen.calls.items()):
        known: dict[str, list[str]] = defaultdict(list)
        for op, _body, result in calls:
            found: list[tuple[str, str, str]] = []
            _ids_in(op.output, result, found, set())
            for prefix, value, _where in found:
                if value not in known[prefix]:
                    known[prefix].append(value)
        for op in REGISTRY.values():
            body = None if op.mutates else _read_inputs(op, known)
            if body is None:
                continue
            r = await api.rpc(op.name, body, token=token)
            if r.status_code == 200:
                calls.append((op, body, r.json()))


@pytest.fixture(scope="module")
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def explored(client, seen: Seen) -> Seen:
    """The rich data and every read over it, built once for this module's tests."""
    if not seen.complete:
        if seen.calls:
            pytest.fail("building the data failed in an earlier test", pytrace=False)
        load_domains()
        api = RecordingApi(client, seen)
        await _rich_data(api)
        await _crawl(api, seen)
        seen.complete = True
    return seen


# Kinds with neither a `get` by id nor a GraphQL node type: their ids can't be
# passed back anywhere (a user is read through `viewer`; a budget amount through
# its budget; payables and compliance settings through their association; a reserve
# component's account links through the component; a compliance task's history is
# not served yet; a bank match through its transaction's journalLineIds; a payment
# plan's transitions through the audit log; ARC settings through their association;
# work-order settings through their association too; the parties linked to a work
# order when it was opened are not shown yet; a document's version through its document;
# an amenity's slot counters are the booking race's guard, never served;
# a party's directory settings through the owner's home).
UNFETCHABLE = {"usr", "bud", "pys", "cst", "rca", "cte", "bmt", "ppt", "ars", "wos", "wop", "dov", "asl", "dst"}


def _answers(seen: Seen) -> list[tuple[Caller, str, str, str]]:
    """Every (caller, prefix, id, Model.field) in every answer, each once per caller."""
    out, done = [], set()
    for token, calls in seen.calls.items():
        for op, _body, result in calls:
            found: list[tuple[str, str, str]] = []
            _ids_in(op.output, result, found, set())
            for prefix, value, where in found:
                if (token, value) not in done:
                    done.add((token, value))
                    out.append((seen.callers[token], prefix, value, where))
    return out


async def test_every_output_type_carrying_ids_is_exercised(explored: Seen) -> None:
    with_ids = {m for op in REGISTRY.values() for m in _reachable(op.output) if _id_fields(m)}
    exercised: set[type[BaseModel]] = set()
    for calls in explored.calls.values():
        for op, _body, result in calls:
            _ids_in(op.output, result, [], exercised)
    assert sorted(m.__name__ for m in with_ids - exercised) == []


async def _fetch(api: Api, prefix: str, value: str, caller: Caller) -> str | None:
    """Fetch `value` as `caller` through its `get`, else `node`; None when it
    answers that object, else what it answered."""
    gets = _get_operations()
    if prefix in gets:
        r = await api.rpc(gets[prefix].name, {"id": value}, token=caller.token)
        ok = r.status_code == 200 and r.json().get("id") == value
        return None if ok else f"{gets[prefix].name}: {r.status_code} {r.text[:200]}"
    return await _node(api, prefix, value, caller)


# Ids that name another organization's rows, or rows of the caller's own
# organization read in account scope (no organization selected), come back to
# a caller who may not read them: those must resolve for some caller of the data.
ELSEWHERE = {
    "ManagementLink.managerOrganizationId",
    "JoinRequest.id",
    "JoinRequest.organizationId",
    "Membership.id",
    "Membership.organizationId",
    # Dispatch: the association's vendor names the provider's organization, the
    # provider's job names its customer's.
    "Vendor.providerOrganizationId",
    "Job.customerOrganizationId",
    # A homeowner's service request names the provider it was sent to.
    "ServiceRequest.providerOrganizationId",
    # An owner (the records request's) reads their unit's ledger, whose entries
    # name the books' fund, account, levy and journal entry, which staff read.
    "OwnerLedgerEntry.fundId",
    "OwnerLedgerEntry.levyId",
    "OwnerLedgerEntry.accountId",
    "OwnerLedgerEntry.journalEntryId",
    # The inspector of elections (here a plain member) reads the election, its
    # turnout and its results, which name the association, the body, units,
    # people and the results' own rows: records of the association only staff
    # read (the inspector's role is the election's, not theirs).
    "Election.associationId",
    "Election.bodyId",
    "ElectionResult.candidateId",
    "ElectionResult.id",
    "ElectionResult.seatId",
    "ElectionVoter.id",
    "ElectionVoter.partyId",
    "ElectionVoter.unitId",
    # An owner's certificate names its PDF, which the library keeps staff-only
    # (the owner downloads it through the certificate).
    "EstoppelCertificate.documentId",
    # The owner's home names the caller's other organizations (to select one),
    # which a session acting in the active organization does not read.
    "OtherOrganization.id",
    # Choosing a provider: `serviceProviders` names every service-provider
    # organization (migration 0035's SECURITY DEFINER `service_providers`),
    # which only that organization's own members read.
    "ServiceProviderRead.organizationId",
}
# The platform's directories name organizations beyond the data: `serviceProviders`
# lists every service provider of the database, those other tests made included,
# which only their own members read. Such an id resolves for a caller of the data
# when it is one of theirs (ELSEWHERE), and may resolve for none otherwise.
DIRECTORY = {"ServiceProviderRead.organizationId"}


async def test_every_id_returned_over_rpc_is_accepted_by_its_get(api: Api, explored: Seen) -> None:
    gets, nodes = _get_operations(), _node_types()
    assert set(NODES) - set(gets) - set(nodes) == UNFETCHABLE
    wrong, unfetchable, elsewhere = [], set(), set()
    for caller, prefix, value, where in _answers(explored):
        if prefix not in gets and prefix not in nodes:
            unfetchable.add(prefix)
            continue
        problem = await _fetch(api, prefix, value, caller)
        if problem is None:
            continue
        for other in explored.callers.values():
            if await _fetch(api, prefix, value, other) is None:
                elsewhere.add(where)
                break
        else:
            if where not in DIRECTORY:
                wrong.append(f"{where} {value} → {problem}")
    assert wrong == [], "\n".join(wrong)
    assert unfetchable <= UNFETCHABLE
    assert elsewhere <= ELSEWHERE, elsewhere


def _selection(model: type[BaseModel]) -> str:
    parts = []
    for name, info in model.model_fields.items():
        nested = _models(info.annotation)
        parts.append(f"{info.alias or name} {{ {_selection(nested[0])} }}" if nested else info.alias or name)
    return " ".join(parts)


async def _node(api: Api, prefix: str, value: str, caller: Caller) -> str | None:
    body = await api.gql("query($id: ID!) { node(id: $id) { __typename id } }", {"id": value}, token=caller.token)
    node = (body.get("data") or {}).get("node")
    return None if node == {"__typename": _node_types()[prefix], "id": value} else f"{node} {body.get('errors')}"


def _as_graphql(model: type[BaseModel], data: Any) -> Any:
    """An RPC input as GraphQL variables: the same, with enum values as their names."""
    if isinstance(data, list):
        return [_as_graphql(model, item) for item in data]
    out = dict(data)
    for name, info in model.model_fields.items():
        key = info.alias or name
        if out.get(key) is None:
            continue
        for arg in [info.annotation, *get_args(info.annotation), *(a for g in get_args(info.annotation) for a in get_args(g))]:
            if isinstance(arg, type) and issubclass(arg, enum.Enum):
                out[key] = [arg(v).name for v in out[key]] if isinstance(out[key], list) else arg(out[key]).name
                break
        for nested in _models(info.annotation):
            out[key] = _as_graphql(nested, out[key])
    return out


async def _over_graphql(api: Api, op: Operation, body: dict[str, Any], key: str | None, token: str) -> Any:
    """The same call over GraphQL: a read runs again; a mutation replays its
    stored result under the idempotency key the RPC call used."""
    selection = _selection(op.output)
    if not op.mutates:
        args = ", ".join(f"{k}: {json.dumps(v)}" for k, v in body.items())
        answer = await api.gql(f"{{ {op.graphql_name}{f'({args})' if args else ''} {{ {selection} }} }}", token=token)
        assert "errors" not in answer, (op.name, answer)
        return answer["data"][op.graphql_name]
    name = input_type(op.input).__strawberry_definition__.name
    params = (f"$input: {name}!, " if op.input.model_fields else "") + "$key: String!"
    args = ("input: $input, " if op.input.model_fields else "") + "idempotencyKey: $key"
    query = (
        f"mutation({params}) {{ {op.graphql_name}({args}) "
        f"{{ {op.result_field} {{ {selection} }} userErrors {{ code message }} }} }}"
    )
    answer = await api.gql(query, {"input": _as_graphql(op.input, body), "key": key}, token=token)
    assert "errors" not in answer and not answer["data"][op.graphql_name]["userErrors"], (op.name, answer)
    return answer["data"][op.graphql_name][op.result_field]


async def test_every_id_field_in_graphql_resolves_through_node_to_its_type(api: Api, explored: Seen) -> None:
    """Every call again over GraphQL (reads run again, mutations replay under
    their idempotency key): the same ids as over RPC, and `node(id:)` on each one
    answers an object of the type its prefix names."""
    wrong, checked, elsewhere = [], set(), set()
    types: set[type[BaseModel]] = set()
    for token, calls in explored.calls.items():
        caller = explored.callers[token]
        for op, body, rpc_result in list(calls):
            if op.mutates and not op.idempotent:
                continue
            answer = await _over_graphql(api, op, body, explored.keys.get(id(rpc_result)), token)
            # A read runs again over RPC at the same moment: the data may have moved since.
            over_rpc = rpc_result if op.mutates else (await api.rpc(op.name, body, token=token)).json()
            found: list[tuple[str, str, str]] = []
            _ids_in(op.output, answer, found, types)
            from_rpc: list[tuple[str, str, str]] = []
            _ids_in(op.output, over_rpc, from_rpc, set())
            assert sorted(found) == sorted(from_rpc), op.name
            for prefix, value, where in found:
                if prefix in UNFETCHABLE or (token, value) in checked:
                    continue
                checked.add((token, value))
                problem = await _node(api, prefix, value, caller)
                if problem is None:
                    continue
                for other in explored.callers.values():
                    if await _node(api, prefix, value, other) is None:
                        elsewhere.add(where)
                        break
                else:
                    if where not in DIRECTORY:
                        wrong.append(f"{op.graphql_name}: {where} {value} → {problem}")
    assert wrong == [], "\n".join(wrong)
    assert elsewhere <= ELSEWHERE, elsewhere
    # Every type carrying ids that an idempotent operation or a read returns was seen.
    with_ids = {m for op in REGISTRY.values() if op.idempotent or not op.mutates for m in _reachable(op.output) if _id_fields(m)}
    assert sorted(m.__name__ for m in with_ids - types) == []

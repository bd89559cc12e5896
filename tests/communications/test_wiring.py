"""Other domains' events become letters, written in the event's transaction: a
levy's statement notices, a late fee's reminder, an invoice's approval request,
an architectural decision and a work order's update. For each: the letters are
in the outbox with their recipients and rendered variables, the consenting
recipient's email reaches the suite's SMTP sink, an event refused or rolled
back writes none, and a replayed request writes no second one."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import pytest
from dbos import DBOS

from graph.db import scoped_transaction
from tests.arc_requests.test_arc_requests import FENCE, _owner, _seat
from tests.associations.community import ASSOCIATION
from tests.communications.test_communications import consent, message_id, settled
from tests.mail import SINK
from tests.payables.desk import member, open_desk
from tests.receivables.books import open_receivables, raw
from tests.violations.enforcement import open_enforcement
from tests.work_orders.site import move, open_site


async def letters(api: Any, c: Any, kind: str) -> list[dict[str, Any]]:
    listed = await api.call("message/v1/list", {"associationId": c.association, "kind": kind, "first": 100}, c.admin)
    return listed["nodes"]


def delivered(node: dict[str, Any]) -> str:
    """The MIME the sink received for an email; its text."""
    mime = SINK.find(message_id(node))
    assert mime is not None, node
    assert mime["Subject"] == node["subject"] and mime["To"].endswith(f"<{node['address']}>")
    return str(mime.get_content())


async def test_a_levy_sends_each_unit_its_statement_once(api) -> None:
    r = await open_receivables(api, 2, method="fixed", amount="100.00")
    await consent(api, r.c, 0, "statement@example.org")
    refused = await api.rpc(
        "levy/v1/post", {"scheduleId": r.schedule, "period": "2025-12-01"}, token=r.c.admin.token, key=uuid.uuid4().hex
    )
    assert refused.status_code == 422, refused.text
    assert await letters(api, r.c, "statement_notice") == []

    key, body = uuid.uuid4().hex, {"scheduleId": r.schedule, "period": "2026-01-01"}
    started = (await api.rpc("levy/v1/post", body, token=r.c.admin.token, key=key)).json()
    await (await DBOS.retrieve_workflow_async(started["workflowId"])).get_result(polling_interval_sec=0.02)
    levy = raw(started["id"])
    email = (await settled(api, r.c, f"levy:{levy}:{raw(r.c.units[0])}", 1))[0]
    letter = (await settled(api, r.c, f"levy:{levy}:{raw(r.c.units[1])}", 1))[0]
    assert (email["recipientName"], email["channel"], email["status"]) == ("Owner MGV 1", "email", "sent")
    assert (letter["recipientName"], letter["channel"], letter["status"]) == ("Owner MGV 2", "mail", "print_queued")
    assert email["subject"] == "Statement for unit 1: $100.00 due 2026-01-01"
    text = delivered(email)
    assert "charged unit 1 $100.00 for Regular Assessment, January 2026, due on 2026-01-01" in text
    assert "the unit owes $100.00" in text

    replay = await api.rpc("levy/v1/post", body, token=r.c.admin.token, key=key)
    again = await api.call("levy/v1/post", body, r.c.admin)  # another key: the levy already started
    assert replay.json()["id"] == again["id"] == started["id"]
    assert len(await letters(api, r.c, "statement_notice")) == 2


async def test_a_late_fee_reminds_the_owners_once_and_a_rolled_back_run_reminds_no_one(api, platform) -> None:
    from domains.receivables.service import late_fees

    r = await open_receivables(api, 2, method="fixed", amount="100.00")
    await consent(api, r.c, 0, "late@example.org")
    rule = {"associationId": r.c.association, "graceDays": 10, "method": "flat", "amount": "25.00"}
    await api.call("lateFeeRule/v1/set", rule, r.c.admin)
    started = await api.call("levy/v1/post", {"scheduleId": r.schedule, "period": "2026-01-01"}, r.c.admin)
    await (await DBOS.retrieve_workflow_async(started["workflowId"])).get_result(polling_interval_sec=0.02)

    org, association = raw(r.c.org), raw(r.c.association)
    with pytest.raises(RuntimeError):
        async with scoped_transaction(platform.sessions, org, None) as session:
            assert len(await late_fees.apply(session, org, association, date(2026, 1, 12), None)) == 2
            raise RuntimeError("the run fails after the fees and their reminders were written")
    assert await letters(api, r.c, "late_payment_reminder") == []

    key, body = uuid.uuid4().hex, {"associationId": r.c.association, "asOf": "2026-01-12"}
    run = (await api.rpc("lateFeeRule/v1/apply", body, token=r.c.admin.token, key=key)).json()
    assert run["count"] == 2
    replay = (await api.rpc("lateFeeRule/v1/apply", body, token=r.c.admin.token, key=key)).json()
    assert replay == run
    nodes = await letters(api, r.c, "late_payment_reminder")
    assert sorted((n["recipientName"], n["channel"]) for n in nodes) == [("Owner MGV 1", "email"), ("Owner MGV 2", "mail")]
    email = next(n for n in nodes if n["channel"] == "email")
    email = (await settled(api, r.c, email["source"], 1))[0]
    text = delivered(email)
    assert "As of 2026-01-12, $125.00 is past due on unit 1 (oldest charge due 2026-01-01)." in text
    assert "A late fee of $25.00 was charged today" in text


async def test_an_invoice_asks_its_approvers_step_by_step(api) -> None:
    d = await open_desk(api, threshold="100.00")
    c = d.b.c
    bad = d.invoice(dueDate="2026-01-01")
    refused = await api.rpc("invoice/v1/create", bad, token=d.admin.token, key=uuid.uuid4().hex)
    assert refused.status_code == 422, refused.text
    assert await letters(api, c, "invoice_approval_request") == []

    key, body = uuid.uuid4().hex, d.invoice(number="INV-7")
    invoice = (await api.rpc("invoice/v1/create", body, token=d.admin.token, key=key)).json()
    assert (await api.rpc("invoice/v1/create", body, token=d.admin.token, key=key)).json()["id"] == invoice["id"]
    source = f"invoice:{raw(invoice['id'])}:manager"
    nodes = await settled(api, c, source, 2)  # the admin and the manager
    assert {n["address"] for n in nodes} == {d.admin.email, d.manager.email}
    assert all(n["channel"] == "email" and n["status"] == "sent" and n["partyId"] is None for n in nodes)
    mine = next(n for n in nodes if n["address"] == d.manager.email)
    assert mine["subject"].startswith("Invoice INV-7 from Vendor ")
    assert "$300.00, due 2026-04-01, awaits the manager's approval" in delivered(mine)
    inbox = await api.call("message/v1/inbox", {}, d.manager)
    assert [n["id"] for n in inbox["nodes"]] == [mine["id"]]

    await api.call("invoice/v1/approve", {"id": invoice["id"]}, d.manager)
    board = await settled(api, c, f"invoice:{raw(invoice['id'])}:board", 1)
    assert board[0]["address"] == d.board.email and "awaits the board's approval" in delivered(board[0])
    assert len(await letters(api, c, "invoice_approval_request")) == 3


async def test_an_architectural_decision_goes_to_the_owners(api) -> None:
    e = await open_enforcement(api, "CA")
    owner = await _owner(api, e, 0)
    await consent(api, e, 0, "arc@example.org")
    await api.call("arcSettings/v1/set", {"associationId": e.association, "decisionMode": "chair"}, e.admin)
    chair = await _seat(api, e, "chair")
    request = (await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE}, owner))["id"]
    await api.call("arcRequest/v1/accept", {"id": request}, chair)
    refused = await api.rpc("arcRequest/v1/decide", {"id": request, "outcome": "deny"}, token=chair.token, key="no-reason")
    assert refused.status_code == 422, refused.text
    assert await letters(api, e, "arc_decision") == []

    key, body = uuid.uuid4().hex, {"id": request, "outcome": "deny", "reasons": "Too tall: 5 ft at most."}
    await api.rpc("arcRequest/v1/decide", body, token=chair.token, key=key)
    await api.rpc("arcRequest/v1/decide", body, token=chair.token, key=key)
    nodes = await letters(api, e, "arc_decision")
    assert len(nodes) == 1 and nodes[0]["address"] == "arc@example.org"
    node = (await settled(api, e, nodes[0]["source"], 1))[0]
    assert node["subject"] == "Your architectural request: denied"
    text = delivered(node)
    assert "(Cedar fence, 6 ft, along the back lot line.) was denied." in text
    assert "Reasons: Too tall: 5 ft at most." in text and "You may appeal this decision to the board." in text


async def test_a_work_order_tells_its_requester(api) -> None:
    s = await open_site(api, units=2)
    await consent(api, s.c, 0, "requester@example.org")
    vendor = await api.call("vendor/v1/create", {"name": "Ace Plumbing", "is1099": False}, s.admin)
    wo = await api.call("workOrder/v1/create", s.request(0), s.owner)
    for to in ("review", "vendor_chosen"):
        await move(api, s.manager, wo["id"], to, **({"vendorId": vendor["id"]} if to == "vendor_chosen" else {}))
    illegal = await api.rpc(
        "workOrder/v1/transition", {"id": wo["id"], "to": "completed"}, token=s.manager.token, key=uuid.uuid4().hex
    )
    assert illegal.status_code == 409, illegal.text
    assert await letters(api, s.c, "work_order_update") == []

    key, body = uuid.uuid4().hex, {"id": wo["id"], "to": "assigned"}
    await api.rpc("workOrder/v1/transition", body, token=s.manager.token, key=key)
    await api.rpc("workOrder/v1/transition", body, token=s.manager.token, key=key)
    nodes = await letters(api, s.c, "work_order_update")
    assert len(nodes) == 1 and nodes[0]["address"] == "requester@example.org"
    node = (await settled(api, s.c, nodes[0]["source"], 1))[0]
    assert node["subject"] == "Work order: Leak under the sink (assigned)"
    assert "A vendor has been assigned." in delivered(node)
    inbox = await api.call("message/v1/inbox", {}, s.owner)
    assert node["id"] in [n["id"] for n in inbox["nodes"]]


async def test_a_join_request_asks_the_admins(api) -> None:
    admin, org = await api.admin_of_new_org()
    other_admin = await member(api, admin, org, ["admin"])
    manager = await member(api, admin, org, ["manager"])
    applicant = await api.register()
    key, body = uuid.uuid4().hex, {"organizationId": org, "message": "I own unit 12B."}
    first = await api.rpc("joinRequest/v1/create", body, token=applicant.token, key=key)
    assert first.status_code == 200, first.text
    replay = await api.rpc("joinRequest/v1/create", body, token=applicant.token, key=key)
    assert replay.json()["id"] == first.json()["id"]
    refused = await api.rpc("joinRequest/v1/create", body, token=applicant.token, key=uuid.uuid4().hex)
    assert refused.status_code == 409, refused.text  # already pending

    source = f"join-request:{raw(first.json()['id'])}"
    for who in (admin, other_admin):
        nodes = [n for n in (await api.call("message/v1/inbox", {}, who))["nodes"] if n["source"] == source]
        assert len(nodes) == 1 and nodes[0]["associationId"] is None and nodes[0]["address"] == who.email
        node = nodes[0]
        while node["status"] != "sent":
            await asyncio.sleep(0.1)
            node = await api.call("message/v1/get", {"id": node["id"]}, who)
        text = delivered(node)
        assert f"Test User ({applicant.email}) asks to join" in text and "Their note: I own unit 12B." in text
    assert (await api.call("message/v1/inbox", {}, manager))["nodes"] == []
    # An association cannot reword the organization's own letter.
    association = (await api.call("association/v1/create", ASSOCIATION | {"code": "JRQ"}, admin))["id"]
    template = {"associationId": association, "kind": "join_request", "subject": "x", "body": "{{ request.name }}"}
    r = await api.rpc("messageTemplate/v1/create", template, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["error"]["code"] == "TEMPLATE_INVALID", r.text


def test_every_kind_has_a_default_that_renders_its_samples() -> None:
    from domains.communications.models import TemplateKind
    from domains.communications.service.previews import SAMPLES
    from domains.communications.service.templates import DEFAULTS, VARIABLES, Wording, check, compile_wording

    common = {
        "association": {"name": "A", "code": "A"},
        "recipient": {"name": "R", "address": "a"},
        "unit": {"number": "1", "address": "x"},
    }
    for kind in TemplateKind:
        check(kind, *DEFAULTS[kind])
        own = {name: SAMPLES[name] for name in VARIABLES[kind] if name not in common}
        assert all(set(VARIABLES[kind][name]) <= set(SAMPLES[name]) for name in own), kind
        compile_wording(Wording(*DEFAULTS[kind]))(common | own)
        # `x.items` reads the dict's method, not the item: no variable may be named like one.
        assert not {a for attrs in VARIABLES[kind].values() for a in attrs} & set(dir(dict)), kind

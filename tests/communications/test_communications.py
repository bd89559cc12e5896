"""Communications end to end: templates refused when saved, previews with real
data, messages to audiences by consent — email delivered to a real SMTP server
(the suite's sink) and read back as MIME, printed letters as PDFs — bounces,
retries, the portal inbox, announcements, the contact log, and a meeting's
notice becoming real messages."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from pypdf import PdfReader

from tests.associations import community
from tests.documents.library import transfer
from tests.helpers import Api
from tests.mail import SINK

SETTLED = {"sent", "bounced", "failed", "print_queued", "mailed"}


async def consent(api: Api, c: Any, index: int, email: str, preference: str = "electronic") -> None:
    """Unit `index`'s owner consents to electronic delivery at `email`."""
    party = c.parties[index]
    await api.call(
        "party/v1/update",
        {
            "id": party,
            "deliveryPreference": preference,
            "electronicConsentAt": "2026-01-01T00:00:00Z",
            "contactPoints": [{"kind": "email", "value": email, "isPrimary": True}],
        },
        c.admin,
    )


async def settled(api: Api, c: Any, source: str, count: int, timeout: float = 30.0) -> list[dict[str, Any]]:
    """The messages of `source` once every one of them has settled."""
    deadline = time.monotonic() + timeout
    while True:
        listed = await api.call("message/v1/list", {"associationId": c.association, "source": source, "first": 100}, c.admin)
        nodes = listed["nodes"]
        if len(nodes) == count and all(n["status"] in SETTLED for n in nodes):
            return nodes
        assert time.monotonic() < deadline, nodes
        await asyncio.sleep(0.1)


def message_id(node: dict[str, Any]) -> str:
    return f"<{node['id']}@hestami.local>"


async def test_a_template_naming_an_unknown_variable_is_refused_when_saved(api) -> None:
    c = await community.build(api, 1, code="TPL")
    base = {"associationId": c.association, "kind": "meeting_notice", "subject": "{{ meeting.title }}"}
    r = await api.rpc(
        "messageTemplate/v1/create", base | {"body": "At {{ meeting.titel }}"}, token=c.admin.token, key=uuid.uuid4().hex
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "TEMPLATE_UNKNOWN_VARIABLE", r.text
    assert r.json()["error"]["details"]["unknown"] == ["meeting.titel"]
    assert "meeting.place" in r.json()["error"]["details"]["allowed"]
    # A variable of another kind is unknown too.
    r = await api.rpc(
        "messageTemplate/v1/create", base | {"body": "{{ violation.rule_code }}"}, token=c.admin.token, key=uuid.uuid4().hex
    )
    assert r.json()["error"]["code"] == "TEMPLATE_UNKNOWN_VARIABLE"
    r = await api.rpc("messageTemplate/v1/create", base | {"body": "{% if %}"}, token=c.admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["error"]["code"] == "TEMPLATE_INVALID", r.text

    body = "Dear {{ recipient.name }}: {{ meeting.title }} at {{ meeting.place }}"
    body += "{% for i in meeting.agenda %} {{ loop.index }}{% endfor %}"
    made = await api.call("messageTemplate/v1/create", base | {"body": body}, c.admin)
    assert made["version"] == 1
    r = await api.rpc("messageTemplate/v1/create", base | {"body": "x"}, token=c.admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 409 and r.json()["error"]["code"] == "TEMPLATE_KIND_TAKEN"
    r = await api.rpc(
        "messageTemplate/v1/update",
        {"id": made["id"], "subject": "{{ meeting.when }}"},
        token=c.admin.token,
        key=uuid.uuid4().hex,
    )
    assert r.json()["error"]["code"] == "TEMPLATE_UNKNOWN_VARIABLE"
    updated = await api.call("messageTemplate/v1/update", {"id": made["id"], "subject": "Notice: {{ meeting.title }}"}, c.admin)
    assert (updated["version"], updated["subject"]) == (2, "Notice: {{ meeting.title }}")

    kinds = {k["kind"]: k for k in (await api.call("messageTemplate/v1/kinds", {}, c.admin))["kinds"]}
    assert {"meeting.starts_at", "recipient.name", "unit.number"} <= {v["name"] for v in kinds["meeting_notice"]["variables"]}

    preview = await api.call("messageTemplate/v1/preview", {"associationId": c.association, "kind": "meeting_notice"}, c.admin)
    assert preview["wording"] == "association" and preview["samples"] == ["meeting"]
    assert preview["body"].startswith("Dear Owner TPL 1: Annual Meeting of the Members at the clubhouse 1 2")
    assert (preview["recipientName"], preview["channel"]) == ("Owner TPL 1", "mail")


async def test_email_goes_only_with_consent_and_arrives_as_mime(api) -> None:
    c = await community.build(api, 3, code="EML")
    await consent(api, c, 0, "pat@example.org")
    await consent(api, c, 2, "both@example.org", preference="both")
    sent = await api.call(
        "message/v1/send",
        {"associationId": c.association, "audience": "all_owners", "subject": "Water shut-off", "body": "Tuesday 9–12."},
        c.admin,
    )
    # Owner 1 by email; owner 2 (postal) by mail; owner 3 (both) both ways.
    assert (sent["recipients"], sent["byEmail"]) == (4, 2)
    nodes = await settled(api, c, sent["source"], 4)
    by = {(n["recipientName"], n["channel"]): n for n in nodes}
    email = by[("Owner EML 1", "email")]
    assert (email["status"], email["attempts"], email["address"]) == ("sent", 1, "pat@example.org")

    mime = SINK.find(message_id(email))
    assert mime is not None
    assert mime["To"] == "Owner EML 1 <pat@example.org>"
    assert mime["Subject"] == "Water shut-off"
    assert mime["From"] == "Hestami notices <notices@hestami.local>"
    assert mime["Auto-Submitted"] == "auto-generated" and mime["X-Hestami-Attempt"] == "1"
    assert mime.get_content_type() == "text/plain"
    text = mime.get_content()
    assert text.startswith("Dear Owner EML 1,") and "Tuesday 9–12." in text

    letter = by[("Owner EML 2", "mail")]
    assert letter["status"] == "print_queued" and SINK.find(message_id(letter)) is None
    assert by[("Owner EML 3", "mail")]["status"] == "print_queued" and by[("Owner EML 3", "email")]["status"] == "sent"

    detail = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on Message { status events { kind attempt } } } }""",
        {"id": email["id"]},
        token=c.admin.token,
    )
    assert [e["kind"] for e in detail["data"]["node"]["events"]] == ["QUEUED", "ATTEMPT", "SENT"], detail

    queue = await api.call("message/v1/list", {"associationId": c.association, "status": "print_queued"}, c.admin)
    assert {n["recipientName"] for n in queue["nodes"]} >= {"Owner EML 2", "Owner EML 3"}
    mailed = await api.call("message/v1/markMailed", {"id": letter["id"]}, c.admin)
    assert mailed["status"] == "mailed" and mailed["mailedAt"]
    r = await api.rpc("message/v1/markMailed", {"id": letter["id"]}, token=c.admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 409 and r.json()["error"]["code"] == "MESSAGE_NOT_MAILABLE"


async def test_a_printed_letter_is_a_pdf_with_the_mailing_address(api) -> None:
    c = await community.build(api, 1, code="PDF")
    sent = await api.call(
        "message/v1/send",
        {
            "associationId": c.association,
            "audience": "unit_owners",
            "unitId": c.units[0],
            "subject": "Gate code",
            "body": "It is 4321.",
        },
        c.admin,
    )
    [node] = await settled(api, c, sent["source"], 1)
    assert node["status"] == "print_queued"
    link = await api.call("message/v1/letter", {"id": node["id"]}, c.admin)
    got = await transfer(api, "GET", link["url"])
    assert (got.status_code, got.headers["content-type"]) == (200, "application/pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(got.content)).pages)
    for expected in ("Owner PDF 1", node["address"].split(",")[0], "Gate code", "It is 4321.", node["id"]):
        assert expected in text, (expected, text)
    # Mailed, it is still there; an email has no letter.
    await api.call("message/v1/markMailed", {"id": node["id"]}, c.admin)
    again = await api.call("message/v1/letter", {"id": node["id"]}, c.admin)
    assert (await transfer(api, "GET", again["url"])).status_code == 200


async def test_bounces_are_final_and_temporary_failures_retry_then_fail(api) -> None:
    c = await community.build(api, 2, code="BNC")
    await consent(api, c, 0, "gone@bounce.invalid")
    await consent(api, c, 1, "busy@defer.invalid")
    sent = await api.call(
        "message/v1/send", {"associationId": c.association, "audience": "all_owners", "subject": "s", "body": "b"}, c.admin
    )
    by = {n["address"]: n for n in await settled(api, c, sent["source"], 2)}
    bounced, failed = by["gone@bounce.invalid"], by["busy@defer.invalid"]
    assert (bounced["status"], bounced["attempts"]) == ("bounced", 1) and bounced["lastError"].startswith("550")
    # Three retries (message_retry_seconds has three waits), then failed.
    assert (failed["status"], failed["attempts"]) == ("failed", 4) and failed["lastError"].startswith("451")
    # A bounce reported after the server accepted a message.
    await consent(api, c, 0, "back@example.org")
    again = await api.call(
        "message/v1/send",
        {"associationId": c.association, "audience": "unit_owners", "unitId": c.units[0], "subject": "s", "body": "b"},
        c.admin,
    )
    [ok] = await settled(api, c, again["source"], 1)
    assert ok["status"] == "sent"
    reported = await api.call("message/v1/recordBounce", {"id": ok["id"], "reason": "550 mailbox full"}, c.admin)
    assert (reported["status"], reported["lastError"]) == ("bounced", "550 mailbox full")
    # An email has no letter to print.
    r = await api.rpc("message/v1/letter", {"id": ok["id"]}, token=c.admin.token)
    assert r.status_code == 409 and r.json()["error"]["code"] == "LETTER_NOT_PRINTED"


async def test_the_portal_inbox_shows_a_user_their_messages(api) -> None:
    c = await community.add_people(api, await community.build(api, 2, code="INB"))
    posted = await api.call(
        "announcement/v1/post",
        {"associationId": c.association, "title": "Pool opening", "body": "Saturday at 10.", "audience": "all_owners"},
        c.admin,
    )
    assert (posted["recipients"], posted["byEmail"]) == (2, 0)
    inbox = await api.call("message/v1/inbox", {}, c.owner)
    [mine] = inbox["nodes"]
    assert (mine["subject"], mine["readAt"]) == ("Pool opening", None) and "Saturday at 10." in mine["body"]
    assert (await api.call("message/v1/inbox", {}, c.tenant))["nodes"] == []
    r = await api.rpc("message/v1/markRead", {"id": mine["id"]}, token=c.tenant.token, key=uuid.uuid4().hex)
    assert r.status_code == 404
    read = await api.call("message/v1/markRead", {"id": mine["id"]}, c.owner)
    assert read["readAt"] is not None
    r = await api.rpc("message/v1/markRead", {"id": mine["id"]}, token=c.owner.token, key=uuid.uuid4().hex)
    assert r.status_code == 409 and r.json()["error"]["code"] == "MESSAGE_NOT_UNREAD"
    assert (await api.call("message/v1/inbox", {"unread": True}, c.owner))["nodes"] == []
    # Owners see the announcement itself; one to the board they don't.
    listed = await api.call("announcement/v1/list", {"associationId": c.association}, c.owner)
    assert [a["title"] for a in listed["nodes"]] == ["Pool opening"]
    tenants = await api.call(
        "announcement/v1/post",
        {"associationId": c.association, "title": "Bins", "body": "Mondays.", "audience": "tenants"},
        c.admin,
    )
    assert tenants["recipients"] == 1
    r = await api.rpc(
        "announcement/v1/post",
        {"associationId": c.association, "title": "x", "body": "y", "audience": "board"},
        token=c.admin.token,
        key=uuid.uuid4().hex,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "NO_RECIPIENTS"
    r = await api.rpc(
        "announcement/v1/post",
        {"associationId": c.association, "title": "x", "body": "y", "audience": "committee"},
        token=c.admin.token,
        key=uuid.uuid4().hex,
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "AUDIENCE_REF_MISSING"


async def test_the_contact_log(api) -> None:
    c = await community.build(api, 1, code="LOG")
    entry = {
        "associationId": c.association,
        "partyId": c.parties[0],
        "unitId": c.units[0],
        "direction": "inbound",
        "channel": "phone",
        "subject": "Noise complaint",
        "notes": "Neighbour's dog at night.",
        "occurredAt": "2026-11-30T20:15:00Z",
    }
    made = await api.call("contactLogEntry/v1/record", entry, c.admin)
    listed = await api.call("contactLogEntry/v1/list", {"associationId": c.association, "partyId": c.parties[0]}, c.admin)
    assert [n["id"] for n in listed["nodes"]] == [made["id"]]
    assert (
        await api.call("contactLogEntry/v1/list", {"associationId": c.association, "since": "2026-12-01T00:00:00Z"}, c.admin)
    )["nodes"] == []


async def test_message_events_are_read_flat_from_2_to_20_messages(api, statements) -> None:
    query = (
        """query($a: ID!) { messages(associationId: $a, first: 50) { nodes { subject events { kind } association { code } } } }"""
    )

    async def count(n: int) -> int:
        c = await community.build(api, n, code=f"F{n}")
        await api.call(
            "message/v1/send", {"associationId": c.association, "audience": "all_owners", "subject": "s", "body": "b"}, c.admin
        )
        statements.clear()
        result = await api.gql(query, {"a": c.association}, token=c.admin.token)
        assert "errors" not in result, result
        assert len(result["data"]["messages"]["nodes"]) == n
        return len(statements)

    assert await count(2) == await count(20)


async def test_the_sweep_delivers_what_was_written_without_a_workflow(api, platform, monkeypatch) -> None:
    """The demo seed writes messages outside any workflow: the minute's sweep starts their delivery."""
    from domains.communications.models import Audience, TemplateKind
    from domains.communications.service import messages, recipients
    from domains.communications.workflows import deliver_undelivered_messages_workflow
    from graph.db import scoped_transaction
    from graph.ids import decode

    c = await community.build(api, 1, code="SWP")
    await consent(api, c, 0, "swept@example.org")
    org, association = decode(c.org)[1], decode(c.association)[1]
    async with scoped_transaction(platform.sessions, org, None) as session:
        people = await recipients.of_audience(session, association, Audience.ALL_OWNERS)
        source = f"message:{uuid.uuid4()}"
        variables = {"message": {"subject": "Swept", "body": "Found by the sweep."}}
        await messages.write(session, org, association, TemplateKind.GENERAL, source, people, variables, uuid.UUID(int=0))
        messages_pending = session.info.pop("hestami.after_commit")  # as the seed: nobody performs them
    assert [a["name"] for a in messages_pending] == [messages.DISPATCH_WORKFLOW]
    listed = await api.call("message/v1/list", {"associationId": c.association, "source": source}, c.admin)
    assert [n["status"] for n in listed["nodes"]] == ["pending"]
    monkeypatch.setattr(platform.settings, "message_sweep_after_seconds", 0.0)
    assert await deliver_undelivered_messages_workflow(datetime.now(UTC), None) >= 1
    [node] = await settled(api, c, source, 1)
    mime = SINK.find(message_id(node))
    assert node["status"] == "sent" and mime is not None and mime["Subject"] == "Swept"

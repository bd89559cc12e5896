"""Previews: a letter rendered for a real recipient, nothing written."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domains.communications.errors import NoRecipients
from domains.communications.schemas import MessagePreview
from domains.communications.service import recipients, templates
from domains.governance.models import Meeting
from domains.governance.service.meetings import notice_variables
from graph.errors import InvalidReference

# Sample values for what a preview has no real source for, by variable.
SAMPLES: dict[str, dict[str, Any]] = {
    "meeting": {
        "title": "Annual Meeting of the Members",
        "kind": "annual meeting of the members",
        "starts_at": "Tuesday, March 2, 2027 at 18:00 UTC",
        "place": "the clubhouse",
        "agenda": ["Call to order", "Budget"],
    },
    "violation": {
        "rule_code": "LND-01",
        "rule_title": "Lawn maintenance",
        "document_reference": "CC&Rs §7.3",
        "description": "Lawn not mowed",
        "observed_on": "2027-03-01",
        "action_to_resolve": "Mow and edge the lawn",
        "cure_by": "2027-03-15",
    },
    "hearing": {"on": "2027-04-01", "place": "the clubhouse"},
    "balance": {"amount": "$250.00", "as_of": "2027-03-01", "oldest_due_on": "2027-01-01", "late_fee": "$25.00"},
    "announcement": {"title": "Pool opening", "body": "The pool opens on Saturday."},
    "message": {"subject": "A letter", "body": "The text of the letter."},
    "statement": {
        "description": "Regular Assessment",
        "period": "March 2027",
        "amount": "$300.00",
        "due_on": "2027-03-01",
        "balance": "$300.00",
    },
    "invoice": {
        "number": "INV-1042",
        "vendor": "Green Lawn Care",
        "total": "$1,250.00",
        "due_on": "2027-03-30",
        "step": "manager",
    },
    "request": {
        "name": "Pat Owner",
        "email": "pat@example.org",
        "message": "I own unit 12.",
        "organization": "Maple Grove Management",
    },
    "arc": {
        "project": "fence",
        "description": "A 6-foot cedar fence along the back",
        "outcome": "approved with conditions",
        "decided_on": "2027-03-01",
        "conditions": "Stain it in an approved color",
        "reasons": "",
        "appeal_available": "no",
    },
    "work_order": {
        "title": "Pool gate does not latch",
        "location": "pool gate",
        "status": "assigned",
        "news": "A vendor has been assigned.",
    },
    "payment": {
        "receipt": "R0000042",
        "amount": "$350.00",
        "method": "bank account ending 6789",
        "paid_on": "2026-03-04",
        "balance": "$0.00",
    },
    "collection": {
        "step": "intent_to_lien",
        "title": "Notice of intent to record a lien",
        "balance": "$1,950.00",
        "as_of": "2027-03-01",
        "oldest_due_on": "2026-11-01",
        "fee": "$25.00",
        "next_step": "a lien recorded against the unit",
        "wait_days": "30",
        "meet_and_confer": "yes",
        "payment_plan": "yes",
        "citation": "Cal. Civ. Code §5660",
        "certified": "yes",
    },
}


async def preview(session: AsyncSession, data: Any) -> MessagePreview:
    if data.subject is not None or data.body is not None:
        saved = await templates.wording_of(session, data.association_id, data.kind)
        wording = templates.Wording(data.subject or saved.subject, data.body or saved.body)
        templates.check(data.kind, wording.subject, wording.body)
        whose = "draft"
    else:
        wording = await templates.wording_of(session, data.association_id, data.kind)
        whose = "platform" if wording.template_id is None else "association"
    people = await recipients.owners(session, data.association_id, data.party_id)
    if not people:
        raise NoRecipients("No current owner in this association to preview the letter for.", field=["partyId"])
    recipient = people[0]
    own: dict[str, Any] = {}
    samples = []
    for name in templates.VARIABLES[data.kind]:
        if name in ("association", "recipient", "unit"):
            continue
        if name == "meeting" and data.meeting_id is not None:
            meeting = await session.get(Meeting, data.meeting_id)
            if meeting is None or meeting.association_id != data.association_id:
                raise InvalidReference("`meetingId` names no meeting of this association.", field=["meetingId"])
            own[name] = await notice_variables(session, meeting)
        else:
            own[name] = SAMPLES[name]
            samples.append(name)
    association = await recipients.association_vars(session, data.association_id)
    subject, body = templates.compile_wording(wording)(
        {"association": association, **recipients.recipient_vars(recipient), **own}
    )
    return MessagePreview(
        subject=subject,
        body=body,
        recipient_name=recipient.name,
        channel=recipient.channel,
        address=recipient.address,
        wording=whose,
        samples=sorted(samples),
    )

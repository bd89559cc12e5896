"""Templates: Jinja2's sandbox, with typed variables per kind.

Every kind declares the variables a template of it may use (`VARIABLES`): the
ones every letter has (the association, the recipient, their unit) and its
own (a meeting notice has `meeting.title`, `meeting.starts_at`…). A template is
parsed when it is saved and every name and attribute it reads is checked
against its kind's variables, so a typo (`meeting.titel`) or a variable of
another kind is refused then (TEMPLATE_UNKNOWN_VARIABLE), never discovered when
a notice goes out. Rendering uses the sandbox (no attribute of Python objects
beyond plain data, no imports) with StrictUndefined, over plain dicts built by
the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.communications.errors import TemplateInvalid, TemplateKindTaken, TemplateUnknownVariable
from domains.communications.models import MessageTemplate, TemplateKind
from graph.db import add_or_raise
from graph.pages import Page, page_statement

K = TemplateKind

# Each variable: its attributes and what they are (the description is the
# template editor's help and the preview's documentation).
_COMMON: dict[str, dict[str, str]] = {
    "association": {"name": "The association's legal name.", "code": "The association's short code."},
    "recipient": {"name": "The recipient's name.", "address": "Where the letter goes (email or mailing address)."},
    "unit": {"number": "The recipient's unit number (empty when none).", "address": "The unit's street address."},
}
VARIABLES: dict[TemplateKind, dict[str, dict[str, str]]] = {
    K.MEETING_NOTICE: _COMMON
    | {
        "meeting": {
            "title": "The meeting's title.",
            "kind": "Board, committee, annual or special membership meeting.",
            "starts_at": "When it starts (date and time, in words).",
            "place": "Where it is held.",
            "agenda": "The agenda items' titles, in order (a list).",
        }
    },
    K.VIOLATION_NOTICE: _COMMON
    | {
        "violation": {
            "rule_code": "The rule's code.",
            "rule_title": "The rule's title.",
            "document_reference": "Where the governing documents set the rule.",
            "description": "What was seen.",
            "observed_on": "The day it was seen.",
            "action_to_resolve": "What the owner must do.",
            "cure_by": "The day it must be cured by (empty when it cannot be cured).",
        }
    },
    K.HEARING_NOTICE: _COMMON
    | {
        "violation": {
            "rule_code": "The rule's code.",
            "rule_title": "The rule's title.",
            "description": "What was seen.",
        },
        "hearing": {"on": "The hearing's day.", "place": "Where the board hears it."},
    },
    K.LATE_PAYMENT_REMINDER: _COMMON
    | {
        "balance": {
            "amount": "The overdue amount.",
            "as_of": "The day the balance is as of.",
            "oldest_due_on": "The oldest unpaid charge's due day.",
            "late_fee": "The late fee just charged (empty when the reminder follows no fee).",
        }
    },
    K.COLLECTION_NOTICE: _COMMON
    | {
        "collection": {
            "step": "The step: reminder, late_notice, intent_to_lien, lien_recorded or attorney_referral.",
            "title": "The step's title (e.g. Notice of intent to record a lien).",
            "balance": "The balance owed.",
            "as_of": "The day of the balance.",
            "oldest_due_on": "The oldest unpaid charge's due day (empty: none).",
            "fee": "The fee charged with this step (empty: none).",
            "next_step": "What follows if the balance stays unpaid (empty: nothing more).",
            "wait_days": "Days before that can happen.",
            "meet_and_confer": "Non-empty when the letter offers to meet and confer with the board.",
            "payment_plan": "Non-empty when the letter offers a payment plan.",
            "citation": "The statute the notice is given under (empty: none).",
            "certified": "Non-empty when the letter goes by certified mail.",
        }
    },
    K.ANNOUNCEMENT: _COMMON | {"announcement": {"title": "The announcement's title.", "body": "Its text."}},
    K.GENERAL: _COMMON | {"message": {"subject": "The subject given when sending.", "body": "The text given when sending."}},
    K.STATEMENT_NOTICE: _COMMON
    | {
        "statement": {
            "description": "What was charged (the assessment schedule's name).",
            "period": "The period charged (month and year, in words).",
            "amount": "The amount charged.",
            "due_on": "The day it is due.",
            "balance": "What the unit owes after this charge, net of any credit it had.",
        }
    },
    K.INVOICE_APPROVAL_REQUEST: _COMMON
    | {
        "invoice": {
            "number": "The vendor's invoice number.",
            "vendor": "The vendor's name.",
            "total": "The invoice's total.",
            "due_on": "The day the vendor expects payment.",
            "step": "Whose approval it waits for: the manager's or the board's.",
        }
    },
    # The organization's own letter: no association, no unit.
    K.JOIN_REQUEST: {
        "recipient": _COMMON["recipient"],
        "request": {
            "name": "The name of the user who asks to join.",
            "email": "Their email address.",
            "message": "Their note to the admins (e.g. the unit they own).",
            "organization": "The organization they ask to join.",
        },
    },
    K.ARC_DECISION: _COMMON
    | {
        "arc": {
            "project": "The kind of work (e.g. solar, fence).",
            "description": "The work, as the owner described it.",
            "outcome": "The decision, in words (approved, approved with conditions, denied, deemed approved).",
            "decided_on": "The day it was decided.",
            "conditions": "The conditions of an approval with conditions (empty otherwise).",
            "reasons": "The reasons of a denial (empty otherwise).",
            "appeal_available": "Whether the owner may appeal a denial to the board (yes or no).",
        }
    },
    K.WORK_ORDER_UPDATE: _COMMON
    | {
        "work_order": {
            "title": "The work order's title.",
            "location": "Where the work is (the unit, or a common area).",
            "status": "Where it stands now, in words.",
            "news": "What happened.",
        }
    },
    K.PAYMENT_RECEIPT: _COMMON
    | {
        "payment": {
            "receipt": "The receipt's number.",
            "amount": "The amount paid.",
            "method": "How it was paid, in words (bank account ending 1234, card).",
            "paid_on": "The day it was paid.",
            "balance": "What the unit owes after this payment (negative: a credit).",
        }
    },
}

# The platform's wording of each kind, used where the association has none of its own.
DEFAULTS: dict[TemplateKind, tuple[str, str]] = {
    K.MEETING_NOTICE: (
        "Notice of meeting: {{ meeting.title }}",
        "Dear {{ recipient.name }},\n\n"
        "{{ association.name }} gives notice of its {{ meeting.kind }}, {{ meeting.title }}, "
        "on {{ meeting.starts_at }} at {{ meeting.place }}.\n\n"
        "{% if meeting.agenda %}Agenda:\n"
        "{% for item in meeting.agenda %}  {{ loop.index }}. {{ item }}\n{% endfor %}\n{% endif %}"
        "You may attend in person or give a proxy for your unit.\n\n{{ association.name }}\n",
    ),
    K.VIOLATION_NOTICE: (
        "Notice of violation: {{ violation.rule_title }}",
        "Dear {{ recipient.name }},\n\n"
        "On {{ violation.observed_on }} the following was seen at {{ unit.address }}: {{ violation.description }}\n"
        "This breaks {{ violation.rule_code }} {{ violation.rule_title }} ({{ violation.document_reference }}).\n\n"
        "To resolve it: {{ violation.action_to_resolve }}"
        "{% if violation.cure_by %} by {{ violation.cure_by }}{% endif %}.\n\n{{ association.name }}\n",
    ),
    K.HEARING_NOTICE: (
        "Notice of hearing: {{ violation.rule_title }}",
        "Dear {{ recipient.name }},\n\n"
        "The board of {{ association.name }} will hear the violation of {{ violation.rule_code }} "
        "{{ violation.rule_title }} ({{ violation.description }}) on {{ hearing.on }} at {{ hearing.place }}. "
        "You may attend and be heard.\n\n{{ association.name }}\n",
    ),
    K.LATE_PAYMENT_REMINDER: (
        "Reminder: your account with {{ association.name }} is past due",
        "Dear {{ recipient.name }},\n\n"
        "As of {{ balance.as_of }}, {{ balance.amount }} is past due on unit {{ unit.number }} "
        "(oldest charge due {{ balance.oldest_due_on }})."
        "{% if balance.late_fee %} A late fee of {{ balance.late_fee }} was charged today and is included.{% endif %} "
        "Please pay it to avoid further late fees.\n\n{{ association.name }}\n",
    ),
    K.COLLECTION_NOTICE: (
        "{{ collection.title }}: unit {{ unit.number }}",
        "Dear {{ recipient.name }},\n\n"
        "{% if collection.certified %}By certified mail.\n\n{% endif %}"
        "As of {{ collection.as_of }}, {{ collection.balance }} is owed on unit {{ unit.number }}"
        "{% if collection.oldest_due_on %} (oldest unpaid charge due {{ collection.oldest_due_on }}){% endif %}.\n"
        "{% if collection.fee %}A collection fee of {{ collection.fee }} was charged with this letter.\n{% endif %}"
        "{% if collection.next_step %}If it stays unpaid, after {{ collection.wait_days }} days: "
        "{{ collection.next_step }}.\n{% endif %}"
        "{% if collection.meet_and_confer %}You may ask to meet and confer with the board about this debt.\n{% endif %}"
        "{% if collection.payment_plan %}You may ask the board for a payment plan.\n{% endif %}"
        "{% if collection.citation %}\nThis notice is given under {{ collection.citation }}\n{% endif %}"
        "\n{{ association.name }}\n",
    ),
    K.ANNOUNCEMENT: (
        "{{ announcement.title }}",
        "Dear {{ recipient.name }},\n\n{{ announcement.body }}\n\n{{ association.name }}\n",
    ),
    K.GENERAL: ("{{ message.subject }}", "Dear {{ recipient.name }},\n\n{{ message.body }}\n\n{{ association.name }}\n"),
    K.STATEMENT_NOTICE: (
        "Statement for unit {{ unit.number }}: {{ statement.amount }} due {{ statement.due_on }}",
        "Dear {{ recipient.name }},\n\n"
        "{{ association.name }} has charged unit {{ unit.number }} {{ statement.amount }} for {{ statement.description }}, "
        "{{ statement.period }}, due on {{ statement.due_on }}.\n"
        "With this charge the unit owes {{ statement.balance }}.\n\n{{ association.name }}\n",
    ),
    K.INVOICE_APPROVAL_REQUEST: (
        "Invoice {{ invoice.number }} from {{ invoice.vendor }} awaits your approval",
        "Dear {{ recipient.name }},\n\n"
        "Invoice {{ invoice.number }} from {{ invoice.vendor }} for {{ association.name }}, {{ invoice.total }}, "
        "due {{ invoice.due_on }}, awaits the {{ invoice.step }}'s approval. "
        "Please approve or reject it in Hestami.\n",
    ),
    K.JOIN_REQUEST: (
        "{{ request.name }} asks to join {{ request.organization }}",
        "Dear {{ recipient.name }},\n\n"
        "{{ request.name }} ({{ request.email }}) asks to join {{ request.organization }}."
        "{% if request.message %}\nTheir note: {{ request.message }}{% endif %}\n\n"
        "Please approve or decline the request in Hestami.\n",
    ),
    K.ARC_DECISION: (
        "Your architectural request: {{ arc.outcome }}",
        "Dear {{ recipient.name }},\n\n"
        "On {{ arc.decided_on }} your request for {{ arc.project }} work at {{ unit.address }} "
        "({{ arc.description }}) was {{ arc.outcome }}.\n"
        "{% if arc.conditions %}Conditions: {{ arc.conditions }}\n{% endif %}"
        "{% if arc.reasons %}Reasons: {{ arc.reasons }}\n{% endif %}"
        "{% if arc.appeal_available == 'yes' %}You may appeal this decision to the board.\n{% endif %}"
        "\n{{ association.name }}\n",
    ),
    K.WORK_ORDER_UPDATE: (
        "Work order: {{ work_order.title }} ({{ work_order.status }})",
        "Dear {{ recipient.name }},\n\n"
        'News of your request "{{ work_order.title }}" ({{ work_order.location }}): {{ work_order.news }}\n'
        "It is now {{ work_order.status }}.\n\n{{ association.name }}\n",
    ),
    K.PAYMENT_RECEIPT: (
        "Receipt {{ payment.receipt }}: {{ payment.amount }} for unit {{ unit.number }}",
        "Dear {{ recipient.name }},\n\n"
        "{{ association.name }} received {{ payment.amount }} for unit {{ unit.number }} on {{ payment.paid_on }}, "
        "by {{ payment.method }} (receipt {{ payment.receipt }}). It shows on the unit's account now and is final "
        "once the money clears.\nWith this payment the unit owes {{ payment.balance }}.\n\n{{ association.name }}\n",
    ),
}


def money(amount: Decimal) -> str:
    """How a letter shows an amount: $1,234.50 (a credit as -$20.00)."""
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True)


@dataclass(frozen=True)
class Wording:
    """The subject and body a message is rendered from, and where they came from."""

    subject: str
    body: str
    template_id: UUID | None = None
    version: int | None = None


def _unknown(source: str, kind: TemplateKind, field: str) -> list[str]:
    """The variables and attributes `source` reads that `kind` does not have."""
    try:
        tree = _ENV.parse(source)
    except TemplateError as exc:
        raise TemplateInvalid(f"{field}: {exc}", field=[field]) from None
    declared = VARIABLES[kind]
    # Names the template binds itself (for-loop targets, set) and Jinja's own `loop`.
    bound = {"loop"} | {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    unknown: list[str] = []
    attributes = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.ctx == "load" and node.node.name in declared:
            attributes.add(id(node.node))
            if node.attr not in declared[node.node.name]:
                unknown.append(f"{node.node.name}.{node.attr}")
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in bound and name.name not in declared:
            unknown.append(name.name)
        elif name.ctx == "load" and name.name in declared and id(name) not in attributes:
            unknown.append(f"{name.name} (use one of its fields: {', '.join(sorted(declared[name.name]))})")
    return sorted(set(unknown))


def check(kind: TemplateKind, subject: str, body: str) -> None:
    """Refuse a template that does not parse (TEMPLATE_INVALID) or reads a
    variable its kind does not have (TEMPLATE_UNKNOWN_VARIABLE, listing them)."""
    for field, source in (("subject", subject), ("body", body)):
        unknown = _unknown(source, kind, field)
        if unknown:
            allowed = sorted(f"{v}.{a}" for v, attrs in VARIABLES[kind].items() for a in attrs)
            raise TemplateUnknownVariable(
                f"The {field} reads {', '.join(unknown)}, which a {kind.value} template does not have.",
                field=[field],
                details={"field": [field], "unknown": unknown, "allowed": allowed},
            )


def compile_wording(wording: Wording) -> Callable[[dict[str, Any]], tuple[str, str]]:
    """A function rendering the subject (one line) and body in the sandbox,
    compiled once for every recipient of a message."""
    subject, body = _ENV.from_string(wording.subject), _ENV.from_string(wording.body)

    def render(variables: dict[str, Any]) -> tuple[str, str]:
        return " ".join(subject.render(variables).split())[:300], body.render(variables)

    return render


async def wording_of(session: AsyncSession, association_id: UUID, kind: TemplateKind) -> Wording:
    """The association's template of `kind`, or the platform's default."""
    row = await session.scalar(
        select(MessageTemplate).where(MessageTemplate.association_id == association_id, MessageTemplate.kind == kind)
    )
    if row is None:
        return Wording(*DEFAULTS[kind])
    return Wording(row.subject, row.body, row.id, row.version)


# Letters of the organization's own, about no association: always in the platform's wording.
ORGANIZATION_KINDS = frozenset({K.JOIN_REQUEST})


async def create(session: AsyncSession, organization_id: UUID, data: Any, actor: UUID) -> MessageTemplate:
    if data.kind in ORGANIZATION_KINDS:
        raise TemplateInvalid(
            f"A {data.kind.value} letter is the organization's, not an association's: it keeps the platform's wording.",
            field=["kind"],
        )
    check(data.kind, data.subject, data.body)
    row = MessageTemplate(
        organization_id=organization_id,
        association_id=data.association_id,
        kind=data.kind,
        subject=data.subject,
        body=data.body,
        version=1,
        updated_by=actor,
    )
    taken = TemplateKindTaken(f"The association already has a {data.kind.value} template; update it.", field=["kind"])
    await add_or_raise(session, row, taken)
    return row


async def update(session: AsyncSession, row: MessageTemplate, data: Any, actor: UUID) -> list[str]:
    subject = data.subject if data.subject is not None else row.subject
    body = data.body if data.body is not None else row.body
    check(row.kind, subject, body)
    changed = [name for name, new, old in (("subject", subject, row.subject), ("body", body, row.body)) if new != old]
    if changed:
        row.subject, row.body, row.version, row.updated_by = subject, body, row.version + 1, actor
        await session.flush()
    return changed


async def template_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[MessageTemplate], Page]:
    page = Page(data.first, data.after, "kind")
    where = [visible, MessageTemplate.association_id == data.association_id]
    return (await session.scalars(page_statement(MessageTemplate, page, where))).all(), page

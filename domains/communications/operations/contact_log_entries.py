"""contactLogEntry/v1/{record,list}: the log of calls and other contacts."""

from __future__ import annotations

from domains.communications.models import ContactLogEntry
from domains.communications.schemas import (
    ContactLogEntryConnection,
    ContactLogEntryRead,
    ContactLogEntryRecordInput,
    ContactLogListInput,
)
from domains.communications.service import contact_log
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "contactLogEntry/v1/record",
    input=ContactLogEntryRecordInput,
    output=ContactLogEntryRead,
    kind="contact_log_entry",
    action="record",
    summary="Log a call or other contact",
)
async def record(ctx: OperationContext, data: ContactLogEntryRecordInput) -> ContactLogEntryRead:
    """Record a call, email, letter or visit with an owner, a resident or a
    provider: who, which way, about what, when. Entries are never changed; a
    correction is a new entry."""
    row = await contact_log.record(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {"direction": row.direction.value, "channel": row.channel.value, "subject": row.subject}
    return ContactLogEntryRead.model_validate(row)


@operation(
    "contactLogEntry/v1/list",
    input=ContactLogListInput,
    output=ContactLogEntryConnection,
    kind="contact_log_entry",
    action="list",
    mutates=False,
    graphql_name="contactLog",
    summary="The association's contact log",
)
async def list_entries(ctx: OperationContext, data: ContactLogListInput) -> ContactLogEntryConnection:
    """Latest first, optionally only one party's, unit's or vendor's, or since a time."""
    rows, page = await contact_log.entry_page(ctx.session, data, await ctx.visible("contact_log_entry", "read", ContactLogEntry))
    return as_connection(ContactLogEntryConnection, rows, page)

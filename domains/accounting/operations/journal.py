"""journalEntry/v1/{post,reverse,get,list}."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from domains.accounting.errors import NotReversible
from domains.accounting.models import EntrySource, JournalEntry
from domains.accounting.schemas import (
    JournalEntryConnection,
    JournalEntryGetInput,
    JournalEntryListInput,
    JournalEntryPostInput,
    JournalEntryRead,
    JournalEntryReverseInput,
    JournalLineRead,
)
from domains.accounting.service import ledger
from domains.accounting.service.ledger import Posting
from domains.associations.models import Association
from graph.handlers import OperationContext, as_connection, org, require
from graph.operations import operation

# A recurring occurrence and a reserve transfer are manual entries made by a
# template or a named operation: reversing one is their correction too. A
# year-end close is undone by fiscalYear/v1/reopen, which keeps its record.
MANUALLY_REVERSIBLE = {EntrySource.MANUAL, EntrySource.OPENING_BALANCE, EntrySource.RECURRING, EntrySource.RESERVE_TRANSFER}


async def _with_lines(ctx: OperationContext, entries: Sequence[JournalEntry]) -> list[Any]:
    """Entries as API models with their lines, read in one statement."""
    by_entry: dict[Any, list[Any]] = defaultdict(list)
    for line in await ledger.lines_of(ctx.session, [e.id for e in entries]):
        by_entry[line.entry_id].append(JournalLineRead.model_validate(line))
    return [JournalEntryRead.model_validate(e).model_copy(update={"lines": by_entry[e.id]}) for e in entries]


@operation(
    "journalEntry/v1/post",
    input=JournalEntryPostInput,
    output=JournalEntryRead,
    kind="journal_entry",
    action="create",
    summary="Post a journal entry",
)
async def post_entry(ctx: OperationContext, data: JournalEntryPostInput) -> JournalEntryRead:
    """Post a manual journal entry (an adjustment, an opening balance, an
    interfund transfer). It must balance in every fund (UNBALANCED_ENTRY), name
    active accounts of the association (UNKNOWN_ACCOUNT) and fall in an open
    month (PERIOD_CLOSED). Posted entries never change: correct one by reversing it."""
    await require(ctx.session, Association, data.association_id, "associationId")
    entry = await ledger.post(
        ctx.session,
        organization_id=org(ctx),
        association_id=data.association_id,
        entry_date=data.entry_date,
        memo=data.memo,
        source=EntrySource.MANUAL,
        lines=[Posting(ln.account_id, ln.fund_id, ln.debit, ln.credit, unit_id=ln.unit_id, memo=ln.memo) for ln in data.lines],
        posted_by=ctx.principal.id if ctx.principal else None,
    )
    ctx.audit_summary = {"number": entry.number, "total": str(sum(ln.debit for ln in data.lines))}
    return (await _with_lines(ctx, [entry]))[0]


@operation(
    "journalEntry/v1/reverse",
    input=JournalEntryReverseInput,
    output=JournalEntryRead,
    kind="journal_entry",
    action="reverse",
    target=JournalEntry,
    summary="Reverse a journal entry",
)
async def reverse_entry(ctx: OperationContext, data: JournalEntryReverseInput) -> JournalEntryRead:
    """Correct a posted entry by posting its mirror image, linked to it, on a
    date in an open month. An entry is reversed at most once (ENTRY_ALREADY_REVERSED)."""
    original = ctx.target
    if original.source not in MANUALLY_REVERSIBLE:
        # A subledger's entry is corrected in its subledger (a rejected invoice, a
        # returned payment), which keeps the subledger and the GL in step.
        raise NotReversible(
            f"This entry was posted by {original.source.value.replace('_', ' ')}; correct it where it came from.",
            field=["id"],
        )
    entry = await ledger.reverse(
        ctx.session, original, on=data.entry_date, memo=data.memo, posted_by=ctx.principal.id if ctx.principal else None
    )
    ctx.audit_summary = {"reverses": original.number, "number": entry.number}
    return (await _with_lines(ctx, [entry]))[0]


@operation(
    "journalEntry/v1/get",
    input=JournalEntryGetInput,
    output=JournalEntryRead,
    kind="journal_entry",
    action="read",
    target=JournalEntry,
    mutates=False,
    summary="Read a journal entry",
)
async def get_entry(ctx: OperationContext, data: JournalEntryGetInput) -> JournalEntryRead:
    """One journal entry with its lines."""
    return (await _with_lines(ctx, [ctx.target]))[0]


@operation(
    "journalEntry/v1/list",
    input=JournalEntryListInput,
    output=JournalEntryConnection,
    kind="journal_entry",
    action="list",
    mutates=False,
    graphql_name="journalEntries",
    summary="List journal entries",
)
async def list_entries(ctx: OperationContext, data: JournalEntryListInput) -> JournalEntryConnection:
    """An association's journal, newest posting first, with each entry's lines."""
    rows, page = await ledger.entry_page(ctx.session, data, await ctx.visible("journal_entry", "read", JournalEntry))
    connection = as_connection(JournalEntryConnection, rows, page)
    nodes = await _with_lines(ctx, rows[: page.first])
    return connection.model_copy(
        update={"nodes": nodes, "edges": [e.model_copy(update={"node": n}) for e, n in zip(connection.edges, nodes, strict=True)]}
    )

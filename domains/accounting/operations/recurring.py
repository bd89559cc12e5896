"""recurringEntry/v1/{create,get,list,pause,resume,skip,postDue,occurrences}."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from domains.accounting.models import RecurringEntry, RecurringEntryOccurrence
from domains.accounting.schemas import (
    RecurringEntryConnection,
    RecurringEntryCreateInput,
    RecurringEntryGetInput,
    RecurringEntryLineRead,
    RecurringEntryListInput,
    RecurringEntryOccurrenceConnection,
    RecurringEntryOccurrenceListInput,
    RecurringEntryOccurrenceRead,
    RecurringEntryPauseInput,
    RecurringEntryPostDueInput,
    RecurringEntryPostDueResult,
    RecurringEntryRead,
    RecurringEntrySkipInput,
)
from domains.accounting.service import recurring
from domains.associations.models import Association
from graph.clock import database_today
from graph.handlers import OperationContext, as_connection, org, require
from graph.ids import encode
from graph.operations import operation


async def _with_lines(ctx: OperationContext, entries: Sequence[RecurringEntry]) -> list[Any]:
    """Recurring entries as API models with their lines, read in one statement."""
    by_entry: dict[Any, list[Any]] = defaultdict(list)
    for line in await recurring.lines_of(ctx.session, [e.id for e in entries]):
        by_entry[line.recurring_entry_id].append(RecurringEntryLineRead.model_validate(line))
    return [RecurringEntryRead.model_validate(e).model_copy(update={"lines": by_entry[e.id]}) for e in entries]


def _by(ctx: OperationContext) -> Any:
    return ctx.principal.id if ctx.principal else None


@operation(
    "recurringEntry/v1/create",
    input=RecurringEntryCreateInput,
    output=RecurringEntryRead,
    kind="recurring_entry",
    action="create",
    summary="Set up a recurring journal entry",
)
async def create_recurring(ctx: OperationContext, data: RecurringEntryCreateInput) -> RecurringEntryRead:
    """A journal entry posted every month on `dayOfMonth` from `startsOn` (to
    `endsOn` if given), by the daily run or recurringEntryPostDue — each month
    exactly once, as source `recurring`. With `autoReverse` each occurrence is
    reversed on the next month's first day (an accrual). The lines must balance
    in every fund (UNBALANCED_ENTRY) and name active accounts of the
    association (UNKNOWN_ACCOUNT, UNKNOWN_FUND, FUND_MISMATCH), not the owner
    ledger's (OWNER_LEDGER_ACCOUNT)."""
    await require(ctx.session, Association, data.association_id, "associationId")
    entry = await recurring.create(ctx.session, org(ctx), data, _by(ctx))
    ctx.audit_summary = {"memo": data.memo, "dayOfMonth": data.day_of_month}
    return (await _with_lines(ctx, [entry]))[0]


@operation(
    "recurringEntry/v1/get",
    input=RecurringEntryGetInput,
    output=RecurringEntryRead,
    kind="recurring_entry",
    action="read",
    target=RecurringEntry,
    mutates=False,
    summary="Read a recurring journal entry",
)
async def get_recurring(ctx: OperationContext, data: RecurringEntryGetInput) -> RecurringEntryRead:
    """One recurring entry with its lines."""
    return (await _with_lines(ctx, [ctx.target]))[0]


@operation(
    "recurringEntry/v1/list",
    input=RecurringEntryListInput,
    output=RecurringEntryConnection,
    kind="recurring_entry",
    action="list",
    mutates=False,
    graphql_name="recurringEntries",
    summary="List recurring journal entries",
)
async def list_recurring(ctx: OperationContext, data: RecurringEntryListInput) -> RecurringEntryConnection:
    """An association's recurring entries, newest first, with their lines."""
    rows, page = await recurring.page(ctx.session, data, await ctx.visible("recurring_entry", "read", RecurringEntry))
    connection = as_connection(RecurringEntryConnection, rows, page)
    nodes = await _with_lines(ctx, rows[: page.first])
    return connection.model_copy(
        update={"nodes": nodes, "edges": [e.model_copy(update={"node": n}) for e, n in zip(connection.edges, nodes, strict=True)]}
    )


@operation(
    "recurringEntry/v1/pause",
    input=RecurringEntryPauseInput,
    output=RecurringEntryRead,
    kind="recurring_entry",
    action="pause",
    target=RecurringEntry,
    summary="Pause a recurring journal entry",
)
async def pause_recurring(ctx: OperationContext, data: RecurringEntryPauseInput) -> RecurringEntryRead:
    """Stop posting until resumed (RECURRING_ENTRY_STATE if already paused)."""
    entry = await recurring.pause(ctx.session, data.id)
    ctx.audit_summary = {"reason": data.reason}
    return (await _with_lines(ctx, [entry]))[0]


@operation(
    "recurringEntry/v1/resume",
    input=RecurringEntryPauseInput,
    output=RecurringEntryRead,
    kind="recurring_entry",
    action="resume",
    target=RecurringEntry,
    summary="Resume a recurring journal entry",
)
async def resume_recurring(ctx: OperationContext, data: RecurringEntryPauseInput) -> RecurringEntryRead:
    """Post again from the next month that falls due; the months that fell due
    while paused are recorded as skipped, not posted late (RECURRING_ENTRY_STATE
    if it is not paused)."""
    entry, skipped = await recurring.resume(ctx.session, data.id, await database_today(ctx.session), _by(ctx))
    ctx.audit_summary = {"reason": data.reason, "skipped": skipped}
    return (await _with_lines(ctx, [entry]))[0]


@operation(
    "recurringEntry/v1/skip",
    input=RecurringEntrySkipInput,
    output=RecurringEntryOccurrenceRead,
    kind="recurring_entry",
    action="skip",
    target=RecurringEntry,
    summary="Skip one month of a recurring journal entry",
)
async def skip_recurring(ctx: OperationContext, data: RecurringEntrySkipInput) -> RecurringEntryOccurrenceRead:
    """Record a month as skipped before it posts, with the reason. Refused for a
    month already posted, skipped or refused (OCCURRENCE_ALREADY_DECIDED) or
    outside the entry's dates (NOT_AN_OCCURRENCE); a posted month is undone by
    reversing its entry."""
    occurrence = await recurring.skip(ctx.session, data.id, data.period, data.reason, _by(ctx))
    ctx.audit_summary = {"period": occurrence.period.isoformat(), "reason": data.reason}
    return RecurringEntryOccurrenceRead.model_validate(occurrence)


@operation(
    "recurringEntry/v1/postDue",
    input=RecurringEntryPostDueInput,
    output=RecurringEntryPostDueResult,
    kind="recurring_entry",
    action="post",
    summary="Post the due recurring journal entries now",
)
async def post_due(ctx: OperationContext, data: RecurringEntryPostDueInput) -> RecurringEntryPostDueResult:
    """Post now what the daily run would: every month of the association's
    active recurring entries dated on or before `asOf` (default today) and not
    yet decided, oldest first. A month the books refuse (PERIOD_CLOSED, an
    inactive account…) is recorded as refused with that code, not retried.
    Asking twice posts nothing more."""
    await require(ctx.session, Association, data.association_id, "associationId")
    as_of = data.as_of or await database_today(ctx.session)
    done = await recurring.post_due(ctx.session, data.association_id, as_of, _by(ctx))
    ctx.audit_targets = [encode("rjo", o.id) for o in done]
    ctx.audit_summary = {"asOf": as_of.isoformat(), "decided": len(done)}
    return RecurringEntryPostDueResult(occurrences=[RecurringEntryOccurrenceRead.model_validate(o) for o in done])


@operation(
    "recurringEntry/v1/occurrences",
    input=RecurringEntryOccurrenceListInput,
    output=RecurringEntryOccurrenceConnection,
    kind="recurring_entry",
    action="read",
    mutates=False,
    graphql_name="recurringEntryOccurrences",
    summary="A recurring journal entry's months",
)
async def list_occurrences(ctx: OperationContext, data: RecurringEntryOccurrenceListInput) -> RecurringEntryOccurrenceConnection:
    """A recurring entry's history: each month posted (with its entry and
    reversal), skipped or refused (with the code), latest first."""
    await require(ctx.session, RecurringEntry, data.recurring_entry_id, "recurringEntryId")
    visible = await ctx.visible("recurring_entry", "read", RecurringEntryOccurrence)
    rows, page = await recurring.occurrence_page(ctx.session, data, visible)
    return as_connection(RecurringEntryOccurrenceConnection, rows, page)

"""lockboxFile/v1/import, lockboxItem/v1/{list,resolve}."""

from __future__ import annotations

from domains.receivables.models import LockboxItem
from domains.receivables.schemas import (
    LockboxFileImportInput,
    LockboxFileImportResult,
    LockboxFileRead,
    LockboxItemConnection,
    LockboxItemListInput,
    LockboxItemRead,
    LockboxItemResolveInput,
)
from domains.receivables.service import lockbox
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation


@operation(
    "lockboxFile/v1/import",
    input=LockboxFileImportInput,
    output=LockboxFileImportResult,
    kind="lockbox_file",
    action="import",
    result_field="result",
    summary="Import a lockbox file",
)
async def import_lockbox(ctx: OperationContext, data: LockboxFileImportInput) -> LockboxFileImportResult:
    """Post a bank's lockbox file: each line naming a unit (account = unit
    number) becomes a check payment on its ledger, paying the oldest charges
    first; lines naming no unit, or with an unreadable amount or date, are queued
    as exceptions (`lockboxItems(status: exception)`). The same file again posts
    nothing (`alreadyImported`); a file without the columns account, amount,
    checkNumber, date is refused whole (IMPORT_REJECTED)."""
    file, already = await lockbox.import_file(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {
        "lines": file.line_count,
        "posted": file.posted_count,
        "exceptions": file.exception_count,
        "already_imported": already,
    }
    return LockboxFileImportResult(file=LockboxFileRead.model_validate(file), already_imported=already)


@operation(
    "lockboxItem/v1/list",
    input=LockboxItemListInput,
    output=LockboxItemConnection,
    kind="lockbox_file",
    action="list",
    mutates=False,
    graphql_name="lockboxItems",
    summary="List lockbox lines",
)
async def list_items(ctx: OperationContext, data: LockboxItemListInput) -> LockboxItemConnection:
    """An association's lockbox lines by line number, of one file or all, in one status or all."""
    rows, page = await lockbox.page(ctx.session, data, await ctx.visible("lockbox_file", "read", LockboxItem))
    return as_connection(LockboxItemConnection, rows, page)


@operation(
    "lockboxItem/v1/resolve",
    input=LockboxItemResolveInput,
    output=LockboxItemRead,
    kind="lockbox_file",
    action="resolve",
    target=LockboxItem,
    summary="Post a lockbox exception",
)
async def resolve_item(ctx: OperationContext, data: LockboxItemResolveInput) -> LockboxItemRead:
    """Post a queued exception as a payment of the unit a person identified (with
    the amount or date when the line's were unreadable). Once only
    (NOT_A_LOCKBOX_EXCEPTION)."""
    item = await lockbox.resolve(ctx.session, org(ctx), ctx.target, data, actor(ctx))
    ctx.audit_summary = {"unit_id": str(item.unit_id), "amount": str(item.amount or data.amount)}
    return LockboxItemRead.model_validate(item)

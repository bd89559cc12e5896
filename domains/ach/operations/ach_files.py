"""achFile/v1/{originateDebits,originateCredits,importReturns,get,list}, achEntry/v1/list."""

from __future__ import annotations

from domains.ach.models import AchEntry, AchFile
from domains.ach.schemas import (
    AchCreditsOriginateInput,
    AchCreditsResult,
    AchDebitsOriginateInput,
    AchEntryConnection,
    AchEntryListInput,
    AchFileConnection,
    AchFileGetInput,
    AchFileListInput,
    AchFileRead,
    AchOriginateResult,
    AchReturnFileImportInput,
    AchReturnFileImportResult,
    AchReturnFileRead,
)
from domains.ach.service import origination, returns
from graph.handlers import OperationContext, actor, as_connection, org
from graph.operations import operation

KIND = "ach_file"


@operation(
    "achFile/v1/originateDebits",
    input=AchDebitsOriginateInput,
    output=AchOriginateResult,
    kind=KIND,
    action="originate",
    result_field="result",
    summary="Build the autopay debit file of a due date",
)
async def originate_debits(ctx: OperationContext, data: AchDebitsOriginateInput) -> AchOriginateResult:
    """Build the association's autopay file for a due date now (the daily
    workflow does it on each due date): every unit with an active debit
    authorization and a charge due that day is debited what it owes (capped
    by the authorization's limit), as a PPD batch (codes 27/37); each debit
    posts at once as a pending ACH payment on the unit's ledger. One file per
    association and due date: asking again answers the file built before.
    ACH_ORIGINATION_NOT_SET_UP without an operating bank account with a
    routing number, or a tax id."""
    file = await origination.debits(
        ctx.session, org(ctx), data.association_id, data.effective_date, ctx.platform.sealer, actor(ctx)
    )
    ctx.audit_summary = {"entries": file.entry_count if file else 0, "total": str(file.total) if file else "0.00"}
    return AchOriginateResult(
        file=AchFileRead.model_validate(file) if file else None,
        workflow_id=origination.debit_workflow_id(data.association_id, data.effective_date),
    )


@operation(
    "achFile/v1/originateCredits",
    input=AchCreditsOriginateInput,
    output=AchCreditsResult,
    kind=KIND,
    action="originate",
    result_field="result",
    summary="Send ACH vendor payments as a credit file",
)
async def originate_credits(ctx: OperationContext, data: AchCreditsOriginateInput) -> AchCreditsResult:
    """Send the association's vendor payments recorded with method `ach` (not
    yet in a file, not voided) as one CCD credit file (codes 22/32) — the
    alternative to checks. Payments whose vendor has no active ACH
    authorization are left out and listed."""
    file, skipped = await origination.credits(
        ctx.session, org(ctx), data.association_id, data.effective_date, ctx.platform.sealer, actor(ctx)
    )
    ctx.audit_summary = {"entries": file.entry_count if file else 0, "skipped": len(skipped)}
    return AchCreditsResult(
        file=AchFileRead.model_validate(file) if file else None,
        skipped_payment_ids=skipped,
    )


@operation(
    "achFile/v1/importReturns",
    input=AchReturnFileImportInput,
    output=AchReturnFileImportResult,
    kind=KIND,
    action="import_returns",
    result_field="result",
    summary="Import an ACH returns file",
)
async def import_returns(ctx: OperationContext, data: AchReturnFileImportInput) -> AchReturnFileImportResult:
    """Import the bank's NACHA returns file: each returned autopay debit (R01,
    R02…, named by its original trace number) is reversed through the
    returned-payment path with `fee`, and its entry marked returned. The same
    file again reverses nothing (`alreadyImported`), nor does an entry already
    returned; INVALID_ACH_FILE when the file breaks the record layout."""
    file, already = await returns.import_file(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {"lines": file.line_count, "returned": file.returned_count, "already_imported": already}
    return AchReturnFileImportResult(file=AchReturnFileRead.model_validate(file), already_imported=already)


@operation(
    "achFile/v1/get",
    input=AchFileGetInput,
    output=AchFileRead,
    kind=KIND,
    action="read",
    target=AchFile,
    mutates=False,
    summary="Read an ACH file",
)
async def get(ctx: OperationContext, data: AchFileGetInput) -> AchFileRead:
    """One file we originated, with its NACHA content as sent."""
    return AchFileRead.model_validate(ctx.target)


@operation(
    "achFile/v1/list",
    input=AchFileListInput,
    output=AchFileConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="achFiles",
    summary="List ACH files",
)
async def list_files(ctx: OperationContext, data: AchFileListInput) -> AchFileConnection:
    """An association's originated files, latest effective date first."""
    rows, page = await origination.file_page(ctx.session, data, await ctx.visible(KIND, "read", AchFile))
    return as_connection(AchFileConnection, rows, page)


@operation(
    "achEntry/v1/list",
    input=AchEntryListInput,
    output=AchEntryConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="achEntries",
    summary="List ACH entries",
)
async def list_entries(ctx: OperationContext, data: AchEntryListInput) -> AchEntryConnection:
    """An association's entries by trace number: one file's, or those pending or returned."""
    rows, page = await origination.entry_page(ctx.session, data, await ctx.visible(KIND, "read", AchEntry))
    return as_connection(AchEntryConnection, rows, page)

"""recordsRequest/v1/{submit,fulfill,deny,get,list}."""

from __future__ import annotations

from domains.associations.models import Association
from domains.documents.models import RecordsRequest
from domains.documents.schemas import (
    RecordsRequestConnection,
    RecordsRequestDenyInput,
    RecordsRequestFulfillInput,
    RecordsRequestGetInput,
    RecordsRequestListInput,
    RecordsRequestRead,
    RecordsRequestSubmitInput,
)
from domains.documents.service import records
from graph.authz import ResourceRef
from graph.handlers import OperationContext, actor, as_connection, org, require
from graph.operations import operation

KIND = "records_request"


@operation(
    "recordsRequest/v1/submit",
    input=RecordsRequestSubmitInput,
    output=RecordsRequestRead,
    kind=KIND,
    action="submit",
    summary="Ask to inspect the association's records",
)
async def submit(ctx: OperationContext, data: RecordsRequestSubmitInput) -> RecordsRequestRead:
    """An owner of one of the association's units asks to inspect its records.
    The association answers within `records_request_business_days` business days
    (CA Civil Code §5210(b)(1): 10; the default 10; its governing documents may
    say fewer), and a durable workflow escalates the request once if it doesn't."""
    association = await require(ctx.session, Association, data.association_id, "associationId")
    attrs = {"organization_id": association.organization_id, "association_id": association.id}
    await ctx.decisions.require(ctx.principal, KIND, "submit_for_association", ResourceRef(id="new", attrs=attrs))  # type: ignore[arg-type]
    request = await records.submit(ctx.session, org(ctx), association, data.description, actor(ctx))
    await ctx.start_workflow(
        records.WORKFLOW,
        request.workflow_id,
        str(request.organization_id),
        str(request.id),
        ctx.platform.settings.workflow_day_seconds,
    )
    ctx.audit_summary = {"dueOn": request.due_on.isoformat(), "rule": request.rules_used["rules"][records.RULE]["citation"]}
    return RecordsRequestRead.model_validate(request)


def _answered(ctx: OperationContext, request: RecordsRequest) -> RecordsRequestRead:
    ctx.send(request.workflow_id, records.TOPIC, {"status": request.status.value})
    ctx.audit_summary = {"status": request.status.value, "dueOn": request.due_on.isoformat()}
    return RecordsRequestRead.model_validate(request)


@operation(
    "recordsRequest/v1/fulfill",
    input=RecordsRequestFulfillInput,
    output=RecordsRequestRead,
    kind=KIND,
    action="answer",
    target=RecordsRequest,
    summary="Answer a records request with documents",
)
async def fulfill(ctx: OperationContext, data: RecordsRequestFulfillInput) -> RecordsRequestRead:
    """Give the owner the records: documents of the association's library or the
    organization's own (DOCUMENT_ELSEWHERE for another association's,
    DOCUMENT_DESTROYED for a destroyed one). Answered once (RECORDS_REQUEST_CLOSED)."""
    request = await records.lock(ctx.session, ctx.target.id)
    await records.fulfill(ctx.session, request, list(data.document_ids), data.note, actor(ctx))
    return _answered(ctx, request)


@operation(
    "recordsRequest/v1/deny",
    input=RecordsRequestDenyInput,
    output=RecordsRequestRead,
    kind=KIND,
    action="answer",
    target=RecordsRequest,
    summary="Deny a records request",
)
async def deny(ctx: OperationContext, data: RecordsRequestDenyInput) -> RecordsRequestRead:
    """Refuse the request, with the reason the owner will read. Answered once (RECORDS_REQUEST_CLOSED)."""
    request = await records.lock(ctx.session, ctx.target.id)
    await records.deny(ctx.session, request, data.reason, actor(ctx))
    return _answered(ctx, request)


@operation(
    "recordsRequest/v1/get",
    input=RecordsRequestGetInput,
    output=RecordsRequestRead,
    kind=KIND,
    action="read",
    target=RecordsRequest,
    mutates=False,
    summary="Read a records request",
)
async def get_request(ctx: OperationContext, data: RecordsRequestGetInput) -> RecordsRequestRead:
    """One request: its deadline and the rule it came from, and the answer. The owner reads their own; staff every one."""
    return RecordsRequestRead.model_validate(ctx.target)


@operation(
    "recordsRequest/v1/list",
    input=RecordsRequestListInput,
    output=RecordsRequestConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="recordsRequests",
    summary="List records requests",
)
async def list_requests(ctx: OperationContext, data: RecordsRequestListInput) -> RecordsRequestConnection:
    """An association's records requests, latest first; an owner sees their own."""
    rows, page = await records.page(ctx.session, data, await ctx.visible(KIND, "read", RecordsRequest))
    return as_connection(RecordsRequestConnection, rows, page)

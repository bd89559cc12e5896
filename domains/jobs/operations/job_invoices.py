"""jobInvoice/v1/{list,get}: the provider's invoices to every customer."""

from __future__ import annotations

from collections import defaultdict

from domains.jobs.models import JobInvoice
from domains.jobs.schemas import JobInvoiceConnection, JobInvoiceGetInput, JobInvoiceLineRead, JobInvoiceListInput, JobInvoiceRead
from domains.jobs.service import invoices
from graph.handlers import OperationContext, as_connection, with_nodes
from graph.operations import operation


@operation(
    "jobInvoice/v1/list",
    input=JobInvoiceListInput,
    output=JobInvoiceConnection,
    kind="job",
    action="list",
    mutates=False,
    graphql_name="jobInvoices",
    summary="List the provider's invoices",
)
async def list_job_invoices(ctx: OperationContext, data: JobInvoiceListInput) -> JobInvoiceConnection:
    """Your invoices to every customer, newest first, with what each customer
    answered (entered, refused); optionally of one state or one job."""
    rows, page = await invoices.page(ctx.session, data, await ctx.visible("job", "read", JobInvoice))
    lines = defaultdict(list)
    for line in await invoices.lines_of(ctx.session, [r.id for r in rows[: data.first]]):
        lines[line.invoice_id].append(JobInvoiceLineRead.model_validate(line))
    connection = as_connection(JobInvoiceConnection, rows, page)
    return with_nodes(connection, [n.model_copy(update={"lines": lines[n.id]}) for n in connection.nodes])


@operation(
    "jobInvoice/v1/get",
    input=JobInvoiceGetInput,
    output=JobInvoiceRead,
    kind="job",
    action="read",
    target=JobInvoice,
    mutates=False,
    summary="Read one of the provider's invoices",
)
async def get_job_invoice(ctx: OperationContext, data: JobInvoiceGetInput) -> JobInvoiceRead:
    """One invoice with its lines and the customer's answer."""
    assert isinstance(ctx.target, JobInvoice)
    lines = await invoices.lines_of(ctx.session, [ctx.target.id])
    return JobInvoiceRead.model_validate(ctx.target).model_copy(
        update={"lines": [JobInvoiceLineRead.model_validate(line) for line in lines]}
    )

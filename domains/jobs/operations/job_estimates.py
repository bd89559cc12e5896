"""jobEstimate/v1/list: the provider's estimates to every customer."""

from __future__ import annotations

from collections import defaultdict

from domains.jobs.models import JobEstimate
from domains.jobs.schemas import JobEstimateConnection, JobEstimateLineRead, JobEstimateListInput
from domains.jobs.service import estimates
from graph.handlers import OperationContext, as_connection, with_nodes
from graph.operations import operation


@operation(
    "jobEstimate/v1/list",
    input=JobEstimateListInput,
    output=JobEstimateConnection,
    kind="job",
    action="list",
    mutates=False,
    graphql_name="jobEstimates",
    summary="List the provider's estimates",
)
async def list_job_estimates(ctx: OperationContext, data: JobEstimateListInput) -> JobEstimateConnection:
    """Every revision of your estimates to every customer, newest first, with its
    lines and the customer's decision; optionally of one state (`submitted`:
    awaiting a decision) or one job."""
    rows, page = await estimates.page(ctx.session, data, await ctx.visible("job", "read", JobEstimate))
    lines = defaultdict(list)
    for line in await estimates.lines_of(ctx.session, [r.id for r in rows[: data.first]]):
        lines[line.estimate_id].append(JobEstimateLineRead.model_validate(line))
    connection = as_connection(JobEstimateConnection, rows, page)
    return with_nodes(connection, [n.model_copy(update={"lines": lines[n.id]}) for n in connection.nodes])

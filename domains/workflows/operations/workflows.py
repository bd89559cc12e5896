"""`workflow/v1/get` (GraphQL `workflow(id:)`): the state of one of the active organization's workflows."""

from __future__ import annotations

from datetime import UTC, datetime

from dbos import DBOS

from domains.workflows.schemas import Workflow, WorkflowGetInput, WorkflowState
from domains.workflows.service import workflows
from graph.errors import NotFound
from graph.handlers import OperationContext
from graph.operations import operation


def _time(ms: int | None) -> datetime | None:
    return datetime.fromtimestamp(ms / 1000, UTC) if ms else None


@operation(
    "workflow/v1/get",
    input=WorkflowGetInput,
    output=Workflow,
    kind="workflow",
    action="read",
    mutates=False,
    nullable=True,
    summary="Read a workflow's state",
)
async def get_workflow(ctx: OperationContext, data: WorkflowGetInput) -> Workflow | None:
    """The state of a durable workflow of the active organization: a long-running
    process (e.g. a join request awaiting review) or a mutation's own workflow.
    Null in GraphQL (NOT_FOUND over RPC) for ids of other organizations or
    unknown ids alike."""
    name = await workflows.name_of(ctx.session, data.id)
    if name is None:
        return None
    status = await DBOS.get_workflow_status_async(data.id)
    if status is None:
        raise NotFound("This workflow has not started yet; retry shortly.")
    return Workflow(
        id=data.id,
        name=name,
        state=WorkflowState(status.status.lower()),
        created_at=_time(status.created_at) or datetime.now(UTC),
        updated_at=_time(status.updated_at),
    )

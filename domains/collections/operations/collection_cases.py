"""collectionCase/v1/{run,preview,approve,get,list}."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from domains.associations.models import Association
from domains.collections.models import CollectionCase
from domains.collections.schemas import (
    CollectionApproveInput,
    CollectionCaseConnection,
    CollectionCaseGetInput,
    CollectionCaseListInput,
    CollectionCaseRead,
    CollectionPreview,
    CollectionPreviewInput,
    CollectionPreviewRow,
    CollectionRunInput,
    CollectionRunStarted,
    CollectionStepRead,
)
from domains.collections.service import cases, policies
from graph.handlers import OperationContext, actor, as_connection, org, require, with_nodes
from graph.operations import operation


async def _with_steps(ctx: OperationContext, rows: Sequence[CollectionCase]) -> list[Any]:
    steps = await cases.steps_of(ctx.session, [c.id for c in rows])
    return [
        CollectionCaseRead.model_validate(c).model_copy(
            update={"steps": [CollectionStepRead.model_validate(s) for s in steps[c.id]]}
        )
        for c in rows
    ]


@operation(
    "collectionCase/v1/run",
    input=CollectionRunInput,
    output=CollectionRunStarted,
    kind="collection_case",
    action="run",
    result_field="run",
    summary="Run collections for a night",
)
async def run(ctx: OperationContext, data: CollectionRunInput) -> CollectionRunStarted:
    """Start the association's collection run for a night (the nightly
    schedule does this for every association with a policy). The run visits
    each unit with an assessment past due or an open case and moves it one
    step at most: the friendly reminder (the case opens), the late notice, the
    notice of intent to lien (its workflow then keeps the statutory wait and
    the board's approvals), or an exit — balance settled (closed), a payment
    plan agreed (suspended), the plan ended unpaid (resumed). One run per
    night: a second start joins the first, and a case moved that night is not
    moved again. Without a policy: COLLECTION_POLICY_MISSING."""
    await policies.required(ctx.session, data.association_id)
    night = data.night or datetime.now(UTC).date()
    workflow_id = cases.run_id(data.association_id, night)
    # Not recorded as one of the organization's runs: a run started twice that
    # night is the same workflow, joined rather than recorded again.
    ctx.after_commit.append(
        {
            "kind": "start",
            "name": cases.RUN_WORKFLOW,
            "workflow_id": workflow_id,
            "args": [str(org(ctx)), str(data.association_id), night.isoformat(), ctx.platform.settings.workflow_day_seconds],
        }
    )
    ctx.audit_summary = {"night": night.isoformat()}
    return CollectionRunStarted(workflow_id=workflow_id, night=night)


@operation(
    "collectionCase/v1/preview",
    input=CollectionPreviewInput,
    output=CollectionPreview,
    kind="collection_case",
    action="preview",
    mutates=False,
    summary="Preview a collection run",
)
async def preview(ctx: OperationContext, data: CollectionPreviewInput) -> CollectionPreview:
    """Who the run for a night would move, and why (or why not: not late
    enough, under the minimum balance, excluded, on a payment plan, a wait
    still running — with when it ends — or already moved that night). Nothing
    is changed."""
    association = await require(ctx.session, Association, data.association_id, "associationId")
    night = data.night or datetime.now(UTC).date()
    policy, moves = await cases.preview(ctx.session, association, night, ctx.platform.settings.workflow_day_seconds)
    rows = [
        CollectionPreviewRow(
            unit_id=m.unit_id,
            case_id=m.case.id if m.case else None,
            status=m.case.status if m.case else None,
            action=m.action,
            reason=m.reason,
            waits_until=m.waits_until,
            balance=m.balance,
        )
        for m in moves
    ]
    return CollectionPreview(
        night=night, policy_version=policy.version, moving=sum(1 for r in rows if r.action is not None), rows=rows
    )


@operation(
    "collectionCase/v1/approve",
    input=CollectionApproveInput,
    output=CollectionCaseRead,
    kind="collection_case",
    action="approve",
    target=CollectionCase,
    summary="Approve a lien or an attorney referral",
)
async def approve(ctx: OperationContext, data: CollectionApproveInput) -> CollectionCaseRead:
    """Record the board's decision to record a lien or refer the account to
    the attorney, with where it was decided; the case's workflow then takes
    the step (its letter and fee). Refused: a lien before the statutory wait
    after the notice of intent ends (COLLECTION_NOTICE_PERIOD_RUNNING, with
    when it ends and the statute); a case not waiting for this approval
    (COLLECTION_NOT_AWAITING_APPROVAL); a referral to foreclose where the
    jurisdiction forbids it — under its minimum delinquent assessments or
    months delinquent (COLLECTION_FORECLOSURE_NOT_ALLOWED)."""
    case = ctx.target
    step = await cases.approve(ctx.session, case, data, actor(ctx))
    assert case.workflow_id is not None, "a case awaiting approval has its workflow"
    ctx.send(case.workflow_id, cases.TOPIC, {"step": step.kind.value})
    ctx.audit_summary = {"action": data.action.value, "reference": data.reference, "foreclose": data.foreclose}
    return (await _with_steps(ctx, [case]))[0]


@operation(
    "collectionCase/v1/get",
    input=CollectionCaseGetInput,
    output=CollectionCaseRead,
    kind="collection_case",
    action="read",
    target=CollectionCase,
    mutates=False,
    summary="Read a collection case",
)
async def get_case(ctx: OperationContext, data: CollectionCaseGetInput) -> CollectionCaseRead:
    """A collection case with every step: its letters, fee and status change.
    Owners read their own units' cases."""
    return (await _with_steps(ctx, [ctx.target]))[0]


@operation(
    "collectionCase/v1/list",
    input=CollectionCaseListInput,
    output=CollectionCaseConnection,
    kind="collection_case",
    action="list",
    mutates=False,
    graphql_name="collectionCases",
    summary="List collection cases",
)
async def list_cases(ctx: OperationContext, data: CollectionCaseListInput) -> CollectionCaseConnection:
    """An association's collection cases, newest first, each with its steps
    (one statement for all of them). Owners see their own units' cases."""
    rows, page = await cases.page(ctx.session, data, await ctx.visible("collection_case", "read", CollectionCase))
    connection = as_connection(CollectionCaseConnection, rows, page)
    return with_nodes(connection, await _with_steps(ctx, rows[: page.first]))

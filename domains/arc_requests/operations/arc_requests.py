"""arcRequest/v1/{submit,accept,requestInfo,reply,vote,decide,appeal,decideAppeal,
complete,inspect,void,get,list}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domains.arc_requests.models import ArcRequest
from domains.arc_requests.schemas import (
    ArcDeemedApprovalRead,
    ArcRequestAcceptInput,
    ArcRequestAppealInput,
    ArcRequestConnection,
    ArcRequestDecideInput,
    ArcRequestEventRead,
    ArcRequestGetInput,
    ArcRequestInfoInput,
    ArcRequestListInput,
    ArcRequestRead,
    ArcRequestReplyInput,
    ArcRequestStepInput,
    ArcRequestSubmitInput,
    ArcRequestVoteInput,
    ArcVoteRead,
)
from domains.arc_requests.service import requests
from domains.arc_requests.service.requests import TOPIC, WORKFLOW
from domains.associations.models import Unit
from graph.handlers import OperationContext, actor, as_connection, org, require, with_nodes
from graph.operations import operation


async def _with_details(ctx: OperationContext, rows: Sequence[ArcRequest]) -> list[Any]:
    """Requests as API models with their events, votes and deemed-approval records (three statements)."""
    events, votes, deemed = await requests.details_of(ctx.session, [r.id for r in rows])
    return [
        ArcRequestRead.model_validate(r).model_copy(
            update={
                "events": [ArcRequestEventRead.model_validate(e) for e in events[r.id]],
                "votes": [ArcVoteRead.model_validate(v) for v in votes[r.id]],
                "deemed_approval_record": ArcDeemedApprovalRead.model_validate(deemed[r.id]) if r.id in deemed else None,
            }
        )
        for r in rows
    ]


def _wake(ctx: OperationContext, request: ArcRequest) -> None:
    # Started if it isn't running (a request loaded by the demo seed has none
    # yet); a start with the id of a running or finished workflow changes nothing.
    ctx.after_commit.append(
        {
            "kind": "start",
            "name": WORKFLOW,
            "workflow_id": request.workflow_id,
            "args": [str(request.organization_id), str(request.id), ctx.platform.settings.workflow_day_seconds],
        }
    )
    ctx.send(request.workflow_id, TOPIC, {"status": request.status.value})


async def _stepped(ctx: OperationContext, request: ArcRequest, event: Any) -> ArcRequestRead:
    _wake(ctx, request)
    ctx.audit_summary = {
        "step": event.kind.value,
        "from": event.from_status.value if event.from_status else None,
        "to": event.to_status.value,
    }
    return (await _with_details(ctx, [request]))[0]


@operation(
    "arcRequest/v1/submit",
    input=ArcRequestSubmitInput,
    output=ArcRequestRead,
    kind="arc_request",
    action="submit",
    summary="Submit an architectural request",
)
async def submit(ctx: OperationContext, data: ArcRequestSubmitInput) -> ArcRequestRead:
    """Submit a request to change a unit's exterior: the owner for their own
    unit (staff may submit for them), with the project type, description,
    dates, contractor, plans and photos, and the neighbours' acknowledgements
    where the association requires them (NEIGHBOR_ACKNOWLEDGEMENTS_REQUIRED).
    Its decision deadline comes from the jurisdiction rules in force today
    (arc_decision_days; solar_arc_decision_days for a solar energy system —
    45 days in California) and is kept by a durable workflow that deems the
    request approved if it passes undecided, where the rules say so. Plans and
    photos are documents filed first, named by id: refused from another
    association's library (DOCUMENT_ELSEWHERE) or destroyed (DOCUMENT_DESTROYED)."""
    unit = await require(ctx.session, Unit, data.unit_id, "unitId")  # resolved by the pipeline: no query
    await ctx.authorize("arc_request", "submit_for_unit", unit)
    request = await requests.submit(ctx.session, org(ctx), unit, data, actor(ctx))
    await ctx.start_workflow(
        WORKFLOW, request.workflow_id, str(request.organization_id), str(request.id), ctx.platform.settings.workflow_day_seconds
    )
    ctx.audit_summary = {
        "projectType": request.project_type.value,
        "decisionDueBy": request.decision_due_by.isoformat(),
        "deemedApproval": request.deemed_approval,
    }
    return (await _with_details(ctx, [request]))[0]


def _step(name: str, action: str, input: type, summary: str, doc: str, apply: Any) -> Any:
    async def handler(ctx: OperationContext, data: Any) -> ArcRequestRead:
        request = await requests.lock(ctx.session, data.id)
        event = await apply(ctx, request, data)
        return await _stepped(ctx, request, event)

    handler.__doc__ = doc
    handler.__name__ = handler.__qualname__ = name.split("/")[-1]
    return operation(
        name, input=input, output=ArcRequestRead, kind="arc_request", action=action, target=ArcRequest, summary=summary
    )(handler)


accept = _step(
    "arcRequest/v1/accept",
    "accept",
    ArcRequestAcceptInput,
    "Pass a request's completeness check",
    """The request is complete: it goes to the committee for review.""",
    lambda ctx, r, d: requests.accept(ctx.session, r, d.note, actor(ctx)),
)
request_info = _step(
    "arcRequest/v1/requestInfo",
    "request_info",
    ArcRequestInfoInput,
    "Ask the owner for more information",
    """Ask the owner for what is missing (at the completeness check or in
    review). The deadline waits: paused until the reply, or restarted by it, as
    the association's settings say.""",
    lambda ctx, r, d: requests.request_info(ctx.session, r, d.missing, actor(ctx)),
)
reply = _step(
    "arcRequest/v1/reply",
    "reply",
    ArcRequestReplyInput,
    "Answer a request for more information",
    """The owner's answer, with more plans or photos: the request returns to
    review in a new round (earlier votes don't count), its deadline moved by the
    days it waited or restarted from today. Its plans and photos (documents, by
    id) are added to the request's, checked as at submission.""",
    lambda ctx, r, d: requests.reply(ctx.session, r, d.text, list(d.document_ids), actor(ctx)),
)
vote = _step(
    "arcRequest/v1/vote",
    "vote",
    ArcRequestVoteInput,
    "Vote on a request",
    """A committee member's vote, once per round (ALREADY_VOTED). A member
    can't vote on a request for a unit they own (FORBIDDEN). Once the votes the
    settings require are in, their majority decides (a tie denies): approved,
    with the members' conditions, or denied with their reasons. WRONG_DECISION_MODE
    where the chair decides.""",
    lambda ctx, r, d: requests.vote(ctx.session, r, d, actor(ctx)),
)
decide = _step(
    "arcRequest/v1/decide",
    "decide",
    ArcRequestDecideInput,
    "Decide a request as the committee's chair",
    """The chair's decision, where the settings say the chair decides:
    approved, approved with conditions (CONDITIONS_REQUIRED without them), or
    denied with reasons — a denial says whether an appeal is open (the
    jurisdiction's appeal_required, e.g. CA Civil Code §4765(a)(5)).""",
    lambda ctx, r, d: requests.chair_decides(ctx.session, r, d, actor(ctx)),
)
appeal = _step(
    "arcRequest/v1/appeal",
    "appeal",
    ArcRequestAppealInput,
    "Appeal a denial",
    """The owner asks the board to reconsider a denial, where an appeal is open (NO_APPEAL otherwise).""",
    lambda ctx, r, d: requests.appeal(ctx.session, r, d.reason, actor(ctx)),
)
decide_appeal = _step(
    "arcRequest/v1/decideAppeal",
    "decide_appeal",
    ArcRequestDecideInput,
    "Decide an appeal",
    """The board's decision on an appeal, final: approved (with conditions) or denied with reasons.""",
    lambda ctx, r, d: requests.decide_appeal(ctx.session, r, d, actor(ctx)),
)
complete = _step(
    "arcRequest/v1/complete",
    "complete",
    ArcRequestStepInput,
    "Report an approved project finished",
    """The work is finished: the request is completed, or waits for an inspection where the settings require one.""",
    lambda ctx, r, d: requests.complete(ctx.session, r, d.note, actor(ctx)),
)
inspect = _step(
    "arcRequest/v1/inspect",
    "inspect",
    ArcRequestStepInput,
    "Pass a finished project's inspection",
    """The finished work matches the approval: the request is completed.""",
    lambda ctx, r, d: requests.inspect(ctx.session, r, d.note, actor(ctx)),
)
void = _step(
    "arcRequest/v1/void",
    "void",
    ArcRequestStepInput,
    "Withdraw or void a request",
    """The owner withdraws the request, or staff void it (an approval never used), before the work is done.""",
    lambda ctx, r, d: requests.void(ctx.session, r, d.note, actor(ctx)),
)


@operation(
    "arcRequest/v1/get",
    input=ArcRequestGetInput,
    output=ArcRequestRead,
    kind="arc_request",
    action="read",
    target=ArcRequest,
    mutates=False,
    summary="Read an architectural request",
)
async def get_request(ctx: OperationContext, data: ArcRequestGetInput) -> ArcRequestRead:
    """One request with its history (every step, the rules applied, a deemed
    approval's letter-ready record) and its votes. Owners read their own
    units'; the committee reads its association's."""
    return (await _with_details(ctx, [ctx.target]))[0]


@operation(
    "arcRequest/v1/list",
    input=ArcRequestListInput,
    output=ArcRequestConnection,
    kind="arc_request",
    action="list",
    mutates=False,
    graphql_name="arcRequests",
    summary="List architectural requests",
)
async def list_requests(ctx: OperationContext, data: ArcRequestListInput) -> ArcRequestConnection:
    """An association's requests, latest submitted first, with their history
    and votes; optionally one unit's or one status'. An owner sees only their
    own units' requests."""
    rows, page = await requests.request_page(ctx.session, data, await ctx.visible("arc_request", "read", ArcRequest))
    return with_nodes(as_connection(ArcRequestConnection, rows, page), await _with_details(ctx, rows[: page.first]))

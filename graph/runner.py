"""The durable runner: a mutation runs as a DBOS workflow whose id derives from
(organization, principal, operation, idempotency key), so a duplicate start joins
the first instead of running again.

The workflow's one step applies the effect, the audit row and the stored response
in a single RLS-scoped transaction that sets the organization itself from the
workflow's inputs — a workflow recovered after a crash has no request around it.
The step first looks at the key's stored response, so a re-run step (steps are
at-least-once) never applies twice. What the handler asked to happen after the
commit (start or signal a long-running workflow) runs as further durable steps.

Which outcomes a key keeps: a success (2xx) and a refusal (an AppError: invalid
input, a business rule, not found) are stored with the key and replayed byte for
byte. An infrastructure failure is not an outcome: a transient database failure
is retried inside the step (graph/transient.py) and the client is told 503 with
Retry-After while it lasts; a workflow that still ended without a result (the
retry budget ran out, or an unexpected error answered 500) stored nothing, since
the response is written in the effect's own transaction, so the key's next
request runs the operation under a fresh workflow — exactly once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from dbos import DBOS, SetWorkflowID
from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from graph import hooks, idempotency, roles
from graph.auth.principal import Principal, PrincipalKind
from graph.auth.sealing import has_sealed
from graph.authz import Decisions
from graph.db import scoped_transaction
from graph.durable import pending, perform
from graph.errors import AppError, ErrorCode, error_body
from graph.gqltypes import field_id_prefix
from graph.handlers import OperationContext
from graph.ids import encode
from graph.operations import REGISTRY, Operation
from graph.platform import Platform, current_platform
from graph.references import resolve_references
from graph.telemetry import set_scope
from graph.transient import database_unavailable, failing_for, retry_transient

_UNSET: Any = object()


@dataclass
class Outcome:
    """An operation's answer: its output, or the error to report; `body` is the
    JSON an RPC client gets (dumped from the output only when asked for)."""

    status: int
    output: BaseModel | None = None
    error: AppError | None = None
    replayed: bool = False
    # The body as it came back from the key's record or the workflow, when it did.
    stored: Any = _UNSET

    @property
    def body(self) -> Any:
        if self.stored is _UNSET:
            self.stored = self.output.model_dump(mode="json", by_alias=True) if self.output is not None else None
        return self.stored


@dataclass
class Applied:
    output: BaseModel | None
    after_commit: list[dict[str, Any]] = field(default_factory=list)


def output_targets(output: BaseModel) -> list[str]:
    """Public ids of the records an output names, for the audit row."""
    targets = []
    for name, info in type(output).model_fields.items():
        prefix = field_id_prefix(info.annotation, list(info.metadata))
        value = getattr(output, name)
        if prefix and isinstance(value, UUID):
            targets.append(encode(prefix, value))
    return targets


async def apply(op: Operation, ctx: OperationContext, data: BaseModel) -> Applied:
    """A mutation's effect and its audit row, inside `ctx.session`'s transaction.
    Raises AppError to roll back."""
    ctx.pinned = await resolve_references(ctx.session, data, op.target, ctx.pinned, ctx.decisions, ctx.principal)
    output = await op.handler(ctx, data)
    ctx.after_commit.extend(pending(ctx.session))
    principal = ctx.principal
    assert principal is not None, "every audited change has an actor"
    hooks.audit_row.call(
        ctx.session,
        organization_id=ctx.organization_id,
        actor_kind=principal.kind.value,
        actor_id=principal.id,
        operation=op.name,
        target_ids=ctx.audit_targets or (output_targets(output) if output else []),
        idempotency_key=ctx.idempotency_key,
        trace_id=ctx.trace_id,
        summary=ctx.audit_summary,
    )
    await ctx.session.flush()
    return Applied(output, ctx.after_commit)


# The workflow's inputs are JSON: DBOS checkpoints them, and a workflow recovered
# in another process rebuilds everything from them.


def _principal_call(principal: Principal) -> dict[str, Any]:
    return {
        "kind": principal.kind.value,
        "id": str(principal.id),
        "organization": str(principal.active_organization_id) if principal.active_organization_id else None,
        "roles": principal.roles,
        "relations": principal.relations,
        "session": principal.session_id,
    }


def _principal_from_call(data: dict[str, Any]) -> Principal:
    return Principal(
        kind=PrincipalKind(data["kind"]),
        id=UUID(data["id"]),
        active_organization_id=UUID(data["organization"]) if data["organization"] else None,
        roles=list(data["roles"]),
        relations=dict(data.get("relations") or {}),
        session_id=data.get("session"),
    )


async def _pause_for_crash_test(platform: Platform) -> None:
    settings = platform.settings
    if settings.crash_pause_file and settings.environment == "test":
        path = Path(settings.crash_pause_file)
        # Blocking file calls are fine here: a test-only hook, one stat and a tiny write.
        if not path.exists():  # noqa: ASYNC240 - pause once; the restarted process must run through
            path.write_text("committed")  # noqa: ASYNC240
            await asyncio.sleep(3600)


def _call_scope(call: dict[str, Any]) -> tuple[UUID | None, Principal, tuple[ColumnElement[bool], ...]]:
    """The organization, principal and idempotency record a workflow's call names."""
    org = UUID(call["organization"]) if call["organization"] else None
    record = idempotency.record_of(org, call["principal_key"], call["operation"], call["key"])
    return org, _principal_from_call(call["principal"]), record


async def _apply_and_store(op: Operation, call: dict[str, Any], platform: Platform) -> dict[str, Any]:
    """One transaction: the effect, its audit row and the key's stored response —
    or, if a previous attempt committed them already, that stored response."""
    org, principal, record = _call_scope(call)
    async with scoped_transaction(platform.sessions, org, principal.user_id) as session:
        stored = await idempotency.stored_response(session, record)
        if stored is not None:
            return stored
        ctx = OperationContext(
            session=session,
            principal=principal,
            organization_id=org,
            platform=platform,
            decisions=Decisions(platform.authorizer),
            idempotency_key=call["key"],
            trace_id=call.get("trace_id"),
        )
        # The input travels without its unset fields, so a patch still knows which
        # fields it names (`model_fields_set`) after the round trip through DBOS.
        applied = await apply(op, ctx, op.input.model_validate(platform.sealer.unseal_body(op.input, call["input"])))
        body = applied.output.model_dump(mode="json", by_alias=True) if applied.output is not None else None
        # Secrets in the response are sealed before they are stored (here and in
        # DBOS's checkpoint of this step's result); `_outcome` unseals them.
        body = platform.sealer.seal_body(op.output, body)
        await idempotency.store_response(session, record, 200, body, applied.after_commit)
    return {"status": 200, "body": body, "after": applied.after_commit}


async def _store_refusal(call: dict[str, Any], platform: Platform, status: int, body: dict[str, Any]) -> None:
    org, principal, record = _call_scope(call)
    async with scoped_transaction(platform.sessions, org, principal.user_id) as session:
        await idempotency.store_response(session, record, status, body, only_if_empty=True)


@DBOS.step(name="apply_operation_step")
async def apply_operation_step(call: dict[str, Any]) -> dict[str, Any]:
    """Apply the operation once. A transaction the database broke off (restart,
    failover) rolled back whole and runs again here, so the workflow — and with it
    the key — does not end in an infrastructure error; if one committed but its
    acknowledgement was lost, the retry finds the stored response instead."""
    op = REGISTRY[call["operation"]]
    platform = current_platform()
    budget = platform.settings.durable_retry_seconds
    key = DBOS.workflow_id or call["operation"]
    try:
        result = await retry_transient(lambda: _apply_and_store(op, call, platform), budget=budget, key=key)
    except AppError as err:
        # The effect rolled back; the refusal is the key's response from now on (Stripe keeps 4xx too).
        status, body = err.status, error_body(err, call.get("trace_id"))
        await retry_transient(lambda: _store_refusal(call, platform, status, body), budget=budget, key=key)
        return {"status": status, "body": body}
    await _pause_for_crash_test(platform)
    return result


@DBOS.workflow(name="operation_workflow")
async def operation_workflow(call: dict[str, Any]) -> dict[str, Any]:
    # Recovered after a crash there is no request: the scope comes from the inputs.
    principal = call["principal"]
    set_scope(UUID(call["organization"]) if call["organization"] else None, UUID(principal["id"]))
    result = await apply_operation_step(call)
    await perform(result.pop("after", None) or [])
    if call["organization"] and result["status"] < 400:
        # Roles kept by any process for this organization are not used after this.
        platform = current_platform()
        await roles.changed(platform.redis, platform.settings.redis_prefix, UUID(call["organization"]))
    return result


def error_from_body(status: int, body: dict[str, Any]) -> AppError:
    e = body["error"]
    details = e.get("details")
    fld = details.get("field") if isinstance(details, dict) else None
    return AppError(e["message"], code=e["code"], status=status, details=details, field=fld)


def _outcome(platform: Platform, op: Operation, status: int, body: Any, replayed: bool) -> Outcome:
    if status >= 400:
        return Outcome(status, error=error_from_body(status, body), replayed=replayed, stored=body)
    body = platform.sealer.unseal_body(op.output, body)
    output = op.output.model_validate(body) if body is not None else None
    return Outcome(status, output=output, replayed=replayed, stored=body)


async def run_durable(
    platform: Platform,
    op: Operation,
    org: UUID | None,
    principal: Principal,
    data: BaseModel,
    key: str,
    trace_id: str | None,
    authorize: Callable[[AsyncSession], Awaitable[None]],
) -> Outcome:
    """Claim the key (after `authorize`, in the claim's transaction), then start
    the operation's workflow, or replay what the key already answered."""
    sealed = has_sealed(op.input)
    fp = idempotency.fingerprint(data, platform.sealer.digest if sealed else None)
    claimed, record = await idempotency.claim(platform, org, principal, op.name, key, fp, authorize)
    wf_id = record.workflow_id
    replayed = not claimed
    if not claimed:
        if record.fingerprint != fp:
            raise AppError(
                "This idempotency key was already used with a different request body.",
                code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
                status=422,
            )
        if record.response_status is not None:
            return _outcome(platform, op, record.response_status, record.response_body or {}, replayed=True)
        status = await DBOS.get_workflow_status_async(record.workflow_id)
        if status is not None and status.status in ("PENDING", "ENQUEUED"):
            raise AppError(
                "A request with this idempotency key is still being processed; retry shortly.",
                code=ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT,
                status=409,
                headers={"Retry-After": "1"},
            )
        if status is not None and status.status in FAILED:
            # The response is stored in the effect's own transaction, so a failed
            # workflow with no response changed nothing: the key runs again, once,
            # under a workflow of its own (DBOS would replay the old one's error).
            stored, wf_id = await idempotency.rearm(platform, org, principal, record, op.name, key)
            if stored is not None:
                return _outcome(platform, op, stored[0], stored[1] or {}, replayed=True)
            replayed = False
    call = {
        "operation": op.name,
        "organization": str(org) if org else None,
        "principal": _principal_call(principal),
        "principal_key": principal.cerbos_id,
        "key": key,
        "input": platform.sealer.seal_body(op.input, data.model_dump(mode="json", by_alias=True, exclude_unset=True)),
        "trace_id": trace_id,
    }
    # Started as a task of its own and never cancelled: a start abandoned between
    # DBOS recording the workflow and launching it would leave it pending, unrun,
    # until the next process recovers it.
    started = asyncio.ensure_future(_start(wf_id, call))
    started.add_done_callback(_retrieved)
    result = await _await_result(platform, started, wf_id)
    return _outcome(platform, op, result["status"], result["body"], replayed=replayed)


async def _start(wf_id: str, call: dict[str, Any]) -> Any:
    with SetWorkflowID(wf_id):
        return await DBOS.start_workflow_async(operation_workflow, call)


def _retrieved(task: asyncio.Future[Any]) -> None:
    # A start whose client was told 503 ends unawaited; its failure is DBOS's to
    # log, not asyncio's "exception never retrieved".
    if not task.cancelled():
        task.exception()


# Workflow states that end without a result; a key whose workflow ended so
# stored no response and may run again.
FAILED = ("ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED")


async def _await_result(platform: Platform, started: asyncio.Future[Any], wf_id: str) -> dict[str, Any]:
    """The workflow's result; or 503 once the database has failed for as long as
    `database_unavailable_after_seconds`: the workflow's step has been retrying
    that long, or the wait has lasted that long and the system database refuses
    connections (DBOS retries its own calls without a deadline). The workflow goes
    on without us: the client's retry with the same key joins or replays it."""
    answer_after = platform.settings.database_unavailable_after_seconds

    async def result() -> dict[str, Any]:
        handle = await asyncio.shield(started)
        return await handle.get_result()  # type: ignore[no-any-return]

    waiting = asyncio.ensure_future(result())
    since = time.monotonic()
    while True:
        done, _ = await asyncio.wait({waiting}, timeout=0.1)
        if done:
            return waiting.result()
        held = time.monotonic() - since > answer_after
        if failing_for(wf_id) > answer_after or (held and not await platform.system_database()):
            waiting.cancel()  # only our wait: DBOS shields the workflow's own task
            raise database_unavailable()

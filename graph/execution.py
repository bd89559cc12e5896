"""Running an operation: scope, validation, authorization, idempotency, durability.

Both transports call `run()`. Mutations run as a DBOS workflow whose id derives
from (organization, principal, operation, idempotency key), so a duplicate start
joins the first instead of running again. The workflow's one step applies the
effect, the audit row and the stored response in a single RLS-scoped
transaction that sets the organization itself from the workflow's inputs — a
workflow recovered after a crash has no request around it. The step first looks
at the key's stored response, so a re-run step (steps are at-least-once) never
applies twice.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from dbos import DBOS, SetWorkflowID
from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.audit.models import AuditEvent
from graph.auth.principal import Principal, PrincipalKind
from graph.context import load_roles
from graph.db import apply_scope, scoped_transaction
from graph.durable import perform
from graph.errors import AppError, ErrorCode, ValidationFailed, error_body
from graph.gqltypes import field_id_prefix
from graph.idempotency_models import IdempotencyRecord
from graph.ids import encode
from graph.operations import REGISTRY, Operation, Scope
from graph.platform import Platform, current_platform
from graph.references import resolve_references
from graph.telemetry import set_scope

if TYPE_CHECKING:
    from graph.context import RequestContext

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")


@dataclass
class OperationContext:
    """What a handler may use: its transaction, who is calling, where, and the audit trail."""

    session: AsyncSession
    principal: Principal | None
    organization_id: UUID | None
    platform: Platform
    idempotency_key: str | None = None
    trace_id: str | None = None
    audit_targets: list[str] = field(default_factory=list)
    audit_summary: dict[str, Any] = field(default_factory=dict)
    after_commit: list[dict[str, Any]] = field(default_factory=list)
    # The row the pipeline authorized in this same session, held so the session's
    # (weak) identity map keeps it: the handler's `session.get` then costs no query.
    pinned: Any = None

    @property
    def target(self) -> Any:
        """The row `input.id` names, for an operation declaring a `target` model:
        found and authorized by the pipeline, in this transaction."""
        return self.pinned

    @property
    def user_id(self) -> UUID | None:
        return self.principal.user_id if self.principal is not None else None

    async def enter_organization(self, organization_id: UUID) -> None:
        """Re-scope this transaction to an organization it has just created."""
        self.organization_id = organization_id
        await apply_scope(self.session, organization_id, self.user_id)

    async def start_workflow(self, name: str, workflow_id: str, *args: Any) -> None:
        """Start long-running workflow `name` once this change commits. It is
        recorded in the organization's workflow runs, so `workflow(id:)` can read it."""
        assert self.organization_id is not None, "a long-running workflow belongs to an organization"
        from graph.durable import WORKFLOWS
        from graph.workflow_runs import WorkflowRun

        if name not in WORKFLOWS:
            raise ValueError(f"no long-running workflow named {name!r}")
        self.session.add(WorkflowRun(organization_id=self.organization_id, workflow_id=workflow_id, name=name))
        self.after_commit.append({"kind": "start", "name": name, "workflow_id": workflow_id, "args": list(args)})

    def send(self, workflow_id: str, topic: str, message: Any) -> None:
        """Send a running workflow an event once this change commits."""
        self.after_commit.append({"kind": "send", "workflow_id": workflow_id, "topic": topic, "message": message})

    async def visible(self, kind: str, action: str, model: Any) -> Any:
        """A WHERE clause admitting the rows of `model` this principal may `action`
        (Cerbos PlanResources), for list handlers."""
        from graph.authz import plan_filter, resource_columns

        assert self.principal is not None
        plan = await self.platform.authorizer.plan(self.principal, kind, action)
        return plan_filter(plan, model, resource_columns(model))

    async def authorize(self, kind: str, action: str, row: Any) -> None:
        """Ask Cerbos about one more action on a row the handler has in hand (the
        pipeline already checked the operation's own action)."""
        from graph.authz import ResourceRef, resource_attrs

        assert self.principal is not None
        await self.platform.authorizer.require(
            self.principal, kind, action, ResourceRef(id=str(row.id), attrs=resource_attrs(row))
        )

    async def act_as_user(self, user_id: UUID) -> None:
        """Re-scope to a user created or identified in this transaction (register, login)."""
        self.principal = Principal(kind=PrincipalKind.USER, id=user_id)
        await apply_scope(self.session, self.organization_id, user_id)


@dataclass
class Outcome:
    status: int
    body: Any
    output: BaseModel | None = None
    error: AppError | None = None
    replayed: bool = False
    after_commit: list[dict[str, Any]] = field(default_factory=list)


def error_from_body(status: int, body: dict[str, Any]) -> AppError:
    e = body["error"]
    details = e.get("details")
    fld = details.get("field") if isinstance(details, dict) else None
    return AppError(e["message"], code=e["code"], status=status, details=details, field=fld)


def unstorable_text(value: Any, path: list[str | int]) -> list[str | int] | None:
    """Path to the first string Postgres can't store — one holding NUL, or not
    encodable as UTF-8 (a lone surrogate, which JSON's \\uD800 escapes can carry)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return path
        return path if "\x00" in value else None
    if isinstance(value, dict):
        for k, v in value.items():
            if unstorable_text(k, []) is not None:
                return [*path, k]
            bad = unstorable_text(v, [*path, k])
            if bad is not None:
                return bad
    elif isinstance(value, list):
        for i, v in enumerate(value):
            bad = unstorable_text(v, [*path, i])
            if bad is not None:
                return bad
    return None


def validate_input(model: type[BaseModel], raw: Any) -> BaseModel:
    bad = unstorable_text(raw, [])
    if bad is not None:
        fld = [str(p) for p in bad]
        message = "text may not contain NUL characters or unpaired UTF-16 surrogates"
        raise ValidationFailed(
            f"Invalid input: {'.'.join(fld) or 'body'}: {message}",
            field=fld,
            details={"field": fld, "problems": [{"field": bad, "message": message, "type": "unstorable_text"}]},
        )
    try:
        return model.model_validate(raw if raw is not None else {})
    except ValidationError as exc:
        problems = [
            {
                "field": [to_camel(str(p)) if isinstance(p, str) else p for p in err["loc"]],
                "message": err["msg"],
                "type": err["type"],
            }
            for err in exc.errors(include_url=False, include_input=False)
        ]
        first = problems[0]
        raise ValidationFailed(
            f"Invalid input: {'.'.join(map(str, first['field'])) or 'body'}: {first['message']}",
            field=[str(p) for p in first["field"]],
            details={"field": [str(p) for p in first["field"]], "problems": problems},
        ) from None


def check_key(key: str | None) -> str:
    if key is None:  # absent; a present but empty key is malformed (below)
        raise AppError(
            "This operation changes data and needs an idempotency key "
            "(GraphQL argument `idempotencyKey`, RPC header `Idempotency-Key`).",
            code=ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
        )
    if not KEY_PATTERN.match(key):
        raise AppError(
            "Idempotency keys are 1–255 printable ASCII characters without spaces.",
            code=ErrorCode.IDEMPOTENCY_KEY_INVALID,
        )
    return key


def fingerprint(data: BaseModel) -> str:
    canonical = json.dumps(data.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def workflow_id(org: UUID | None, principal: Principal, op: Operation, key: str, claim: UUID) -> str:
    """Derived from (organization, principal, operation, key), plus the claim's own
    id: concurrent duplicates share one claim and so one workflow, while a key
    reused after it was pruned starts a new workflow instead of meeting the old one."""
    scope = f"{org or '-'}|{principal.cerbos_id}|{op.name}|{key}"
    return f"op-{hashlib.sha256(scope.encode()).hexdigest()[:32]}-{claim.hex[:12]}"


def output_targets(output: BaseModel) -> list[str]:
    """Public ids of the records an output names, for the audit row."""
    targets = []
    for name, info in type(output).model_fields.items():
        prefix = field_id_prefix(info.annotation, list(info.metadata))
        value = getattr(output, name)
        if prefix and isinstance(value, UUID):
            targets.append(encode(prefix, value))
    return targets


async def write_audit(ctx: OperationContext, op: Operation, output: BaseModel | None) -> None:
    principal = ctx.principal
    assert principal is not None, "every audited change has an actor"
    ctx.session.add(
        AuditEvent(
            organization_id=ctx.organization_id,
            actor_kind=principal.kind.value,
            actor_id=principal.id,
            operation=op.name,
            target_ids=ctx.audit_targets or (output_targets(output) if output else []),
            idempotency_key=ctx.idempotency_key,
            trace_id=ctx.trace_id,
            summary=ctx.audit_summary,
        )
    )


def _principal_call(principal: Principal | None) -> dict[str, Any] | None:
    if principal is None:
        return None
    return {
        "kind": principal.kind.value,
        "id": str(principal.id),
        "organization": str(principal.active_organization_id) if principal.active_organization_id else None,
        "roles": principal.roles,
        "relations": principal.relations,
        "session": principal.session_id,
    }


def _principal_from_call(data: dict[str, Any] | None) -> Principal | None:
    if data is None:
        return None
    return Principal(
        kind=PrincipalKind(data["kind"]),
        id=UUID(data["id"]),
        active_organization_id=UUID(data["organization"]) if data["organization"] else None,
        roles=list(data["roles"]),
        relations=dict(data.get("relations") or {}),
        session_id=data.get("session"),
    )


async def _apply(op: Operation, call: dict[str, Any], session: AsyncSession, pinned: Any = None) -> Outcome:
    """The effect + audit, inside `session`'s transaction. Raises AppError to roll back."""
    principal = _principal_from_call(call["principal"])
    org = UUID(call["organization"]) if call["organization"] else None
    ctx = OperationContext(
        session=session,
        principal=principal,
        organization_id=org,
        platform=current_platform(),
        idempotency_key=call.get("key"),
        trace_id=call.get("trace_id"),
        pinned=pinned,
    )
    # The input travels without its unset fields, so a patch still knows which
    # fields it names (`model_fields_set`) after the round trip through DBOS.
    data = op.input.model_validate(call["input"])
    ctx.pinned = await resolve_references(session, data, op.target, pinned)
    output = await op.handler(ctx, data)
    if op.mutates:
        await write_audit(ctx, op, output)
    await session.flush()
    body = output.model_dump(mode="json", by_alias=True) if output is not None else None
    return Outcome(200, body, output=output, after_commit=ctx.after_commit)


def _record_scope(call: dict[str, Any]) -> Any:
    return (
        (IdempotencyRecord.organization_id == UUID(call["organization"]))
        if call["organization"]
        else IdempotencyRecord.organization_id.is_(None),
        IdempotencyRecord.principal == call["principal_key"],
        IdempotencyRecord.operation == call["operation"],
        IdempotencyRecord.key == call["key"],
    )


async def _pause_for_crash_test(platform: Platform) -> None:
    settings = platform.settings
    if settings.crash_pause_file and settings.environment == "test":
        path = Path(settings.crash_pause_file)
        if not path.exists():  # pause once; the restarted process must run through
            path.write_text("committed")
            await asyncio.sleep(3600)


@DBOS.step(name="apply_operation_step")
async def apply_operation_step(call: dict[str, Any]) -> dict[str, Any]:
    op = REGISTRY[call["operation"]]
    platform = current_platform()
    org = UUID(call["organization"]) if call["organization"] else None
    user = _principal_from_call(call["principal"]).user_id  # type: ignore[union-attr]
    try:
        async with scoped_transaction(platform.sessions, org, user) as session:
            stored = (
                await session.execute(
                    select(
                        IdempotencyRecord.response_status,
                        IdempotencyRecord.response_body,
                        IdempotencyRecord.after_actions,
                    )
                    .where(*_record_scope(call))
                    .with_for_update()
                )
            ).one()
            if stored.response_status is not None:
                return {"status": stored.response_status, "body": stored.response_body, "after": stored.after_actions or []}
            outcome = await _apply(op, call, session)
            # Secrets in the response are sealed before they are stored (here and in
            # DBOS's checkpoint of this step's result); `_outcome` unseals them.
            outcome.body = platform.sealer.seal_body(op.output, outcome.body)
            await session.execute(
                update(IdempotencyRecord)
                .where(*_record_scope(call))
                .values(
                    response_status=outcome.status,
                    response_body=outcome.body,
                    after_actions=outcome.after_commit or None,
                    completed_at=func.now(),
                )
            )
        await _pause_for_crash_test(platform)
        return {"status": outcome.status, "body": outcome.body, "after": outcome.after_commit}
    except AppError as err:
        # The effect rolled back; the error is the key's response from now on (Stripe keeps 4xx too).
        body = error_body(err, call.get("trace_id"))
        async with scoped_transaction(platform.sessions, org, user) as session:
            await session.execute(
                update(IdempotencyRecord)
                .where(*_record_scope(call), IdempotencyRecord.response_status.is_(None))
                .values(response_status=err.status, response_body=body, completed_at=func.now())
            )
        return {"status": err.status, "body": body}


@DBOS.workflow(name="operation_workflow")
async def operation_workflow(call: dict[str, Any]) -> dict[str, Any]:
    # Recovered after a crash there is no request: the scope comes from the inputs.
    principal = call["principal"]
    set_scope(
        UUID(call["organization"]) if call["organization"] else None,
        UUID(principal["id"]) if principal else None,
    )
    result = await apply_operation_step(call)
    await perform(result.pop("after", None) or [])
    return result


async def _claim(
    platform: Platform,
    org: UUID | None,
    principal: Principal,
    op: Operation,
    key: str,
    fp: str,
    claim: UUID,
    wf_id: str,
    authorize: Callable[[AsyncSession], Awaitable[None]],
) -> tuple[bool, IdempotencyRecord]:
    """Claim the key — after `authorize` passed in the same transaction, so a
    refused request stores nothing and a mutation costs one transaction less."""
    user = principal.user_id
    values = {
        "id": claim,
        "organization_id": org,
        "principal": principal.cerbos_id,
        "operation": op.name,
        "key": key,
        "fingerprint": fp,
        "workflow_id": wf_id,
    }
    async with scoped_transaction(platform.sessions, org, user) as session:
        await authorize(session)
        inserted = await session.scalar(
            insert(IdempotencyRecord).values(**values).on_conflict_do_nothing().returning(IdempotencyRecord.id)
        )
        if inserted is not None:  # ours: no need to read back what we just wrote
            return True, IdempotencyRecord(**values)
        record = (
            await session.scalars(
                select(IdempotencyRecord).where(
                    (IdempotencyRecord.organization_id == org) if org else IdempotencyRecord.organization_id.is_(None),
                    IdempotencyRecord.principal == principal.cerbos_id,
                    IdempotencyRecord.operation == op.name,
                    IdempotencyRecord.key == key,
                )
            )
        ).one()
        return False, record


def _outcome(op: Operation, status: int, body: dict[str, Any], replayed: bool) -> Outcome:
    if status >= 400:
        return Outcome(status, body, error=error_from_body(status, body), replayed=replayed)
    body = current_platform().sealer.unseal_body(op.output, body)
    output = op.output.model_validate(body) if body is not None else None
    return Outcome(status, body, output=output, replayed=replayed)


async def _run_idempotent(op: Operation, rctx: RequestContext, data: BaseModel, key: str) -> Outcome:
    platform: Platform = rctx.platform
    principal: Principal = rctx.principal
    org = rctx.organization_id if op.scope is Scope.ORGANIZATION else None
    fp = fingerprint(data)
    claim = uuid4()

    async def authorize(session: AsyncSession) -> None:
        if org is not None:
            await load_roles(session, principal, org)
        await platform.authorize_operation(op, principal, data, session)

    claimed, record = await _claim(
        platform, org, principal, op, key, fp, claim, workflow_id(org, principal, op, key, claim), authorize
    )
    wf_id = record.workflow_id
    if not claimed:
        if record.fingerprint != fp:
            raise AppError(
                "This idempotency key was already used with a different request body.",
                code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
                status=422,
            )
        if record.response_status is not None:
            return _outcome(op, record.response_status, record.response_body or {}, replayed=True)
        status = await DBOS.get_workflow_status_async(wf_id)
        if status is not None and status.status in ("PENDING", "ENQUEUED"):
            raise AppError(
                "A request with this idempotency key is still being processed; retry shortly.",
                code=ErrorCode.IDEMPOTENCY_KEY_IN_FLIGHT,
                status=409,
                headers={"Retry-After": "1"},
            )
    call = {
        "operation": op.name,
        "organization": str(org) if org else None,
        "principal": _principal_call(principal),
        "principal_key": principal.cerbos_id,
        "key": key,
        "input": data.model_dump(mode="json", by_alias=True, exclude_unset=True),
        "trace_id": rctx.trace_id,
    }
    with SetWorkflowID(wf_id):
        handle = await DBOS.start_workflow_async(operation_workflow, call)
    result = await handle.get_result()
    return _outcome(op, result["status"], result["body"], replayed=not claimed)


async def _run_direct(op: Operation, rctx: RequestContext, data: BaseModel, pinned: Any = None) -> Outcome:
    """Queries, and the four auth mutations that are exempt from idempotency keys."""
    principal = rctx.principal
    call = {
        "operation": op.name,
        "organization": str(rctx.organization_id) if op.scope is Scope.ORGANIZATION else None,
        "principal": _principal_call(principal),
        "input": data.model_dump(mode="json", by_alias=True, exclude_unset=True),
        "trace_id": rctx.trace_id,
    }
    if not op.mutates:
        async with rctx.read_session() as session:
            return await _apply(op, call, session, pinned)
    user = principal.user_id if principal is not None else None
    async with scoped_transaction(rctx.platform.sessions, None, user) as session:
        return await _apply(op, call, session)


async def run(op: Operation, rctx: RequestContext, raw: Any, key: str | None) -> Outcome:
    """Execute `op` for the request context `rctx`; AppErrors propagate to the transport."""
    if op.scope is Scope.ORGANIZATION:
        rctx.require_organization()
    elif op.scope is Scope.ACCOUNT:
        rctx.require_principal()
    data = validate_input(op.input, raw)
    if op.idempotent:
        key = check_key(key)
        # Roles and the Cerbos check happen inside the claim's transaction. Never
        # hold the read connection while waiting for that one: a pool full of
        # such requests deadlocks.
        await rctx.release()
        outcome = await _run_idempotent(op, rctx, data, key)
    else:
        if op.scope is Scope.ORGANIZATION:
            await rctx.ensure_roles()
        pinned = None
        if op.target is not None:
            async with rctx.read_session() as session:
                pinned = await rctx.platform.authorize_operation(op, rctx.principal, data, session)
        else:
            await rctx.platform.authorize_operation(op, rctx.principal, data)
        if op.mutates:
            await rctx.release()
        outcome = await _run_direct(op, rctx, data, pinned)
    rctx.replayed = rctx.replayed or outcome.replayed
    return outcome


"""Running an operation, for both transports: scope → validation → authorization
→ dispatch.

A query goes straight to its handler inside the request's read transaction. A
mutation with an idempotency key takes the durable path (graph/runner.py): the
Cerbos check happens in the transaction that claims the key, then a DBOS
workflow applies it. The four account mutations exempt from keys (register,
login, refresh, logout) run in one write transaction of their own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy.ext.asyncio import AsyncSession

from graph.auth.principal import Principal
from graph.authz import Decisions, ResourceRef, not_allowed, resource_attrs
from graph.context import RequestContext, load_roles
from graph.db import scoped_transaction
from graph.errors import NotFound, ValidationFailed
from graph.handlers import OperationContext
from graph.idempotency import check_key
from graph.operations import Operation, Scope
from graph.references import resolve_references
from graph.runner import Outcome, apply, run_durable


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


def not_visible(op: Operation) -> NotFound:
    """The answer for a target that is hidden, absent or not readable alike."""
    return NotFound(f"No {op.kind.replace('_', ' ')} with this id is visible to you.", field=["id"])


async def authorize(
    decisions: Decisions, op: Operation, principal: Principal | None, data: BaseModel, session: AsyncSession | None = None
) -> Any:
    """One Cerbos check for the operation's kind and action. Operations that run
    before anyone is authenticated (register, login, refresh) have no principal
    to check. An operation with a `target` is checked against that row, read in
    `session` (RLS-scoped): a row that is hidden, absent or not readable is
    NOT_FOUND, so ids reveal nothing. Returns that row (None without a target)."""
    if principal is None:
        return None
    # Org-scoped operations act on rows of the active organization; an
    # account-level one may name its target organization in its input.
    org = principal.active_organization_id if op.scope is Scope.ORGANIZATION else getattr(data, "organization_id", None)
    if op.target is not None:
        assert session is not None, f"{op.name} names a target row: authorize it inside a transaction"
        row = await session.get(op.target, data.id)  # type: ignore[attr-defined]
        missing = not_visible(op)
        if row is None:
            raise missing
        ref = ResourceRef(id=str(row.id), attrs=resource_attrs(row))
        actions = {op.action, "read"}
        allowed = (await decisions.check(principal, op.kind, [ref], actions))[ref.id]
        if not allowed["read"]:
            raise missing
        if not allowed[op.action]:
            raise not_allowed(op.kind, op.action)
        return row
    resource_id = getattr(data, "id", None) or org or "new"
    await decisions.require(
        principal,
        op.kind,
        op.action,
        ResourceRef(id=str(resource_id), attrs={"organization_id": str(org)} if org else {}),
    )
    return None


async def run(op: Operation, rctx: RequestContext, raw: Any, key: str | None) -> Outcome:
    """Execute `op` for the request context `rctx`; AppErrors propagate to the transport."""
    if op.scope is Scope.ORGANIZATION:
        rctx.require_organization()
    elif op.scope is Scope.ACCOUNT:
        rctx.require_principal()
    data = validate_input(op.input, raw)
    if op.idempotent:
        outcome = await _mutate_durably(op, rctx, data, check_key(key))
    elif op.mutates:
        outcome = await _mutate_directly(op, rctx, data)
    else:
        outcome = await _query(op, rctx, data)
    rctx.replayed = rctx.replayed or outcome.replayed
    return outcome


async def run_found(op: Operation, rctx: RequestContext, raw: Any, key: str | None) -> Outcome:
    """`run` for the transports whose success always carries an object (RPC, MCP):
    the absent answer of a nullable read, null in GraphQL, is NOT_FOUND there, so
    their 200 is never null and generated clients type it as the object."""
    outcome = await run(op, rctx, raw, key)
    if op.nullable and outcome.error is None and outcome.body is None:
        raise NotFound(f"No {op.kind.replace('_', ' ')} matches, or none that is visible to you.")
    return outcome


def _organization(op: Operation, rctx: RequestContext) -> Any:
    return rctx.organization_id if op.scope is Scope.ORGANIZATION else None


async def _query(op: Operation, rctx: RequestContext, data: BaseModel) -> Outcome:
    if op.scope is Scope.ORGANIZATION:
        await rctx.ensure_roles()
    if op.target is None:
        # Not holding the request's session (sibling fields wait on it) while Cerbos answers.
        await authorize(rctx.decisions, op, rctx.principal, data)
    async with rctx.read_session() as session:
        pinned = await authorize(rctx.decisions, op, rctx.principal, data, session) if op.target is not None else None
        ctx = OperationContext(
            session=session,
            principal=rctx.principal,
            organization_id=_organization(op, rctx),
            platform=rctx.platform,
            decisions=rctx.decisions,
            trace_id=rctx.trace_id,
            pinned=pinned,
        )
        ctx.pinned = await resolve_references(session, data, op.target, pinned)
        return Outcome(200, output=await op.handler(ctx, data))


async def _mutate_directly(op: Operation, rctx: RequestContext, data: BaseModel) -> Outcome:
    """Register, login, refresh, logout: no key to replay by, one write transaction."""
    if op.scope is Scope.ORGANIZATION:
        await rctx.ensure_roles()
    await authorize(rctx.decisions, op, rctx.principal, data)
    await rctx.release()
    principal = rctx.principal
    user = principal.user_id if principal is not None else None
    async with scoped_transaction(rctx.platform.sessions, None, user) as session:
        ctx = OperationContext(
            session=session,
            principal=principal,
            organization_id=_organization(op, rctx),
            platform=rctx.platform,
            decisions=rctx.decisions,
            trace_id=rctx.trace_id,
        )
        applied = await apply(op, ctx, data)
    return Outcome(200, output=applied.output)


async def _mutate_durably(op: Operation, rctx: RequestContext, data: BaseModel, key: str) -> Outcome:
    # Roles and the Cerbos check happen inside the claim's transaction. Never hold
    # the read connection while waiting for that one: a pool full of such
    # requests deadlocks.
    await rctx.release()
    principal = rctx.require_principal()
    org = _organization(op, rctx)

    async def authorize_in(session: AsyncSession) -> None:
        if org is not None:
            await load_roles(session, principal, org)
        await authorize(rctx.decisions, op, principal, data, session)

    return await run_durable(rctx.platform, op, org, principal, data, key, rctx.trace_id, authorize_in)

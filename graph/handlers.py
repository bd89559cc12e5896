"""The handler API: what an operation's handler and a domain's service use.

    @operation("unit/v1/create", input=UnitCreateInput, output=UnitRead, kind="unit", action="create")
    async def create_unit(ctx: OperationContext, data: UnitCreateInput) -> UnitRead:
        association = await require(ctx.session, Association, data.association_id, "associationId")
        ...

A handler runs inside one RLS-scoped transaction (`ctx.session`) that it never
commits: a query's is the request's read transaction, a mutation's is the
durable step's (graph/runner.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from graph import hooks
from graph.auth.principal import Principal, PrincipalKind
from graph.authz import Decisions, ResourceRef, resource_attrs
from graph.db import apply_scope
from graph.durable import WORKFLOWS
from graph.errors import Forbidden, InvalidReference
from graph.pages import Page, connection
from graph.schemas import ApiModel

if TYPE_CHECKING:
    from graph.platform import Platform


@dataclass
class OperationContext:
    """What a handler may use: its transaction, who is calling, where, and the audit trail."""

    session: AsyncSession
    principal: Principal | None
    organization_id: UUID | None
    platform: Platform
    # The request's Cerbos decisions for a query (shared with its loaders); a fresh
    # set for a mutation's step, which runs without a request.
    decisions: Decisions
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
        if name not in WORKFLOWS:
            raise ValueError(f"no long-running workflow named {name!r}")
        hooks.workflow_run.call(self.session, self.organization_id, workflow_id, name)
        self.after_commit.append({"kind": "start", "name": name, "workflow_id": workflow_id, "args": list(args)})

    def send(self, workflow_id: str, topic: str, message: Any) -> None:
        """Send a running workflow an event once this change commits."""
        self.after_commit.append({"kind": "send", "workflow_id": workflow_id, "topic": topic, "message": message})

    async def visible(self, kind: str, action: str, model: Any) -> ColumnElement[bool]:
        """A WHERE clause admitting the rows of `model` this principal may `action`
        (Cerbos PlanResources, one plan per kind and action per request), for list handlers."""
        assert self.principal is not None
        return await self.decisions.where(self.principal, kind, action, model)

    async def authorize(self, kind: str, action: str, row: Any) -> None:
        """Ask Cerbos about one more action on a row the handler has in hand (the
        pipeline already checked the operation's own action)."""
        assert self.principal is not None
        await self.decisions.require(self.principal, kind, action, ResourceRef(id=str(row.id), attrs=resource_attrs(row)))

    async def act_as_user(self, user_id: UUID) -> None:
        """Re-scope to a user created or identified in this transaction (register, login)."""
        self.principal = Principal(kind=PrincipalKind.USER, id=user_id)
        await apply_scope(self.session, self.organization_id, user_id)


def org(ctx: OperationContext) -> UUID:
    """The active organization of an org-scoped operation (the pipeline checked it is set)."""
    assert ctx.organization_id is not None
    return ctx.organization_id


def acting_user(ctx: OperationContext) -> UUID:
    """The acting user; FORBIDDEN for a service account."""
    if ctx.user_id is None:
        raise Forbidden("Only a user (not a service account) can do this.")
    return ctx.user_id


def actor(ctx: OperationContext) -> UUID:
    """The user or service account acting, recorded on postings and decisions."""
    assert ctx.principal is not None
    return ctx.principal.id


def as_connection(model: type[ApiModel], rows: Sequence[Any], page: Page) -> Any:
    """A list operation's output (`connection_model(...)`) from up to `page.first + 1` rows."""
    return model.model_validate(connection(rows, page), from_attributes=True)


def with_nodes(connection: Any, nodes: list[Any]) -> Any:
    """`connection` with its nodes replaced by richer models of the same rows."""
    edges = [edge.model_copy(update={"node": node}) for edge, node in zip(connection.edges, nodes, strict=True)]
    return connection.model_copy(update={"nodes": nodes, "edges": edges})


def changes(row: Any, data: BaseModel, *, skip: tuple[str, ...] = ("id",)) -> dict[str, dict[str, str | None]]:
    """Apply the fields a patch names to `row`; returns {field: {from, to}} for the audit row."""
    changed = {}
    for name in data.model_fields_set - set(skip):
        if not hasattr(row, name):
            continue
        new, old = getattr(data, name), getattr(row, name)
        if new != old:
            changed[name] = {"from": None if old is None else str(old), "to": None if new is None else str(new)}
            setattr(row, name, new)
    return changed


async def require(session: AsyncSession, model: Any, row_id: Any, field: str, *, lock: bool = False) -> Any:
    """The row `row_id` of `model` in this organization, or INVALID_REFERENCE on `field`.
    Unlocked, a row already in the session costs no query: the pipeline has loaded
    every row the input names (graph/references.py)."""
    if lock:
        row = await session.scalar(select(model).where(model.id == row_id).with_for_update())
    else:
        row = await session.get(model, row_id)
    if row is None:
        raise InvalidReference(f"`{field}` names no {model.__name__.lower()} in this organization.", field=[field])
    return row

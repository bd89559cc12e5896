"""association/v1/{create,update,get,list}."""

from __future__ import annotations

from domains.associations.models import Association
from domains.associations.schemas import (
    AssociationConnection,
    AssociationCreateInput,
    AssociationGetInput,
    AssociationListInput,
    AssociationRead,
    AssociationUpdateInput,
)
from domains.associations.service import associations
from domains.associations.service.access import shown
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation
from graph.relations import Paged


@operation(
    "association/v1/create",
    input=AssociationCreateInput,
    output=AssociationRead,
    kind="association",
    action="create",
    summary="Create an association",
)
async def create_association(ctx: OperationContext, data: AssociationCreateInput) -> AssociationRead:
    """Add an association (HOA, condominium, co-op or master association) to the
    active organization — a self-managed association's own organization, or a
    management company's. Admins and managers only."""
    row = await associations.create(ctx.session, org(ctx), data.model_dump())
    ctx.audit_summary = {"code": row.code, "legal_name": row.legal_name}
    return AssociationRead.model_validate(row)


@operation(
    "association/v1/update",
    input=AssociationUpdateInput,
    output=AssociationRead,
    kind="association",
    action="update",
    target=Association,
    summary="Change an association",
)
async def update_association(ctx: OperationContext, data: AssociationUpdateInput) -> AssociationRead:
    """Change an association's legal, accounting or structural facts; only the
    fields given change. Admins, managers and board members."""
    row = ctx.target
    ctx.audit_summary = {"changed": await associations.update(ctx.session, row, data)}
    return AssociationRead.model_validate(row)


@operation(
    "association/v1/get",
    input=AssociationGetInput,
    output=AssociationRead,
    kind="association",
    action="read",
    target=Association,
    mutates=False,
    compiles=True,
    summary="Read an association",
)
async def get_association(ctx: OperationContext, data: AssociationGetInput) -> AssociationRead:
    """One association of the active organization: staff, the board and auditors
    read any, an owner or tenant theirs (and its master association), without the
    tax id; NOT_FOUND when the id names nothing visible."""
    assert ctx.principal is not None
    return (await shown(ctx.decisions, ctx.principal, [ctx.target]))[0]


@operation(
    "association/v1/list",
    input=AssociationListInput,
    output=AssociationConnection,
    kind="association",
    action="list",
    mutates=False,
    compiles=Paged(Association, None, "association", associations.filters, associations.page_of),
    graphql_name="associations",
    summary="List associations",
)
async def list_associations(ctx: OperationContext, data: AssociationListInput) -> AssociationConnection:
    """The active organization's associations you may see, sorted by code, a page
    at a time: all of them for staff, the board and auditors; for an owner or
    tenant, theirs and its master association, without tax ids."""
    assert ctx.principal is not None
    visible = await ctx.visible("association", "read", Association)
    rows = await associations.page(ctx.session, data, visible)
    return as_connection(AssociationConnection, await shown(ctx.decisions, ctx.principal, rows), associations.page_of(data))

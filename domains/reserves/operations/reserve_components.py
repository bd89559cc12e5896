"""reserveComponent/v1/{create,update,get,list}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domains.reserves.models import ReserveComponent
from domains.reserves.schemas import (
    ReserveComponentConnection,
    ReserveComponentCreateInput,
    ReserveComponentGetInput,
    ReserveComponentListInput,
    ReserveComponentRead,
    ReserveComponentUpdateInput,
)
from domains.reserves.service import components
from graph.handlers import OperationContext, actor, as_connection, org, with_nodes
from graph.ids import encode
from graph.operations import operation


async def _with_accounts(ctx: OperationContext, rows: Sequence[ReserveComponent]) -> list[Any]:
    """Components as API models with their accounts, read in one statement."""
    accounts = await components.accounts_of(ctx.session, [r.id for r in rows])
    return [ReserveComponentRead.model_validate(r).model_copy(update={"account_ids": accounts[r.id]}) for r in rows]


@operation(
    "reserveComponent/v1/create",
    input=ReserveComponentCreateInput,
    output=ReserveComponentRead,
    kind="reserve_component",
    action="create",
    summary="Add a reserve component",
)
async def create_component(ctx: OperationContext, data: ReserveComponentCreateInput) -> ReserveComponentRead:
    """Add something the association repairs or replaces from reserves, with its
    quantity and unit cost (the replacement cost is their product), useful and
    remaining life, its own inflation rate if it differs from the study's, the
    four-part test as judged, and the expense accounts its spending is posted to
    (RESERVE_ACCOUNT_INVALID unless each is an active expense account of the
    association). Only components passing all four parts of the test are studied."""
    component = await components.create(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = {"name": component.name, "replacementCost": str(component.replacement_cost)}
    ctx.audit_targets = [encode("asn", data.association_id)]
    return ReserveComponentRead.model_validate(component).model_copy(update={"account_ids": data.account_ids})


@operation(
    "reserveComponent/v1/update",
    input=ReserveComponentUpdateInput,
    output=ReserveComponentRead,
    kind="reserve_component",
    action="update",
    target=ReserveComponent,
    summary="Change a reserve component",
)
async def update_component(ctx: OperationContext, data: ReserveComponentUpdateInput) -> ReserveComponentRead:
    """Change a component (a new bid, a revised remaining life, the four-part test,
    its accounts; `status: retired` when it is gone); only the fields given change.
    Studies already recorded keep the copy they used: the next version picks it up."""
    component = await components.lock(ctx.session, data.id)
    ctx.audit_summary = {"changed": await components.update(ctx.session, component, data, actor(ctx))}
    return (await _with_accounts(ctx, [component]))[0]


@operation(
    "reserveComponent/v1/get",
    input=ReserveComponentGetInput,
    output=ReserveComponentRead,
    kind="reserve_component",
    action="read",
    target=ReserveComponent,
    mutates=False,
    summary="Read a reserve component",
)
async def get_component(ctx: OperationContext, data: ReserveComponentGetInput) -> ReserveComponentRead:
    """One component with its accounts."""
    return (await _with_accounts(ctx, [ctx.target]))[0]


@operation(
    "reserveComponent/v1/list",
    input=ReserveComponentListInput,
    output=ReserveComponentConnection,
    kind="reserve_component",
    action="list",
    mutates=False,
    graphql_name="reserveComponents",
    summary="List an association's reserve components",
)
async def list_components(ctx: OperationContext, data: ReserveComponentListInput) -> ReserveComponentConnection:
    """An association's reserve components by name, optionally one category, one
    status, or only those passing (or failing) the four-part test."""
    rows, page = await components.component_page(
        ctx.session, data, await ctx.visible("reserve_component", "read", ReserveComponent)
    )
    return with_nodes(as_connection(ReserveComponentConnection, rows, page), await _with_accounts(ctx, rows[: page.first]))

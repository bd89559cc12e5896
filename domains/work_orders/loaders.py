"""Request-scoped loaders of the work-orders domain: one statement per level of
a nested read, only rows the caller may read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from domains.associations.models import Party
from domains.payables.models import Vendor
from domains.work_orders.models import WorkOrderComment, WorkOrderDispatch, WorkOrderNotice, WorkOrderTransition
from domains.work_orders.service import dispatches, work_orders
from graph.pages import group


def transitions(ctx: Any) -> DataLoader[UUID, list[WorkOrderTransition]]:
    """`WorkOrderTransitionsByWorkOrder`, oldest first (visible wherever the work order is)."""

    async def load(ids: list[UUID]) -> list[list[WorkOrderTransition]]:
        async with ctx.read_session() as session:
            rows = await work_orders.transitions_of(session, ids)
        return group(rows, "work_order_id", ids)

    return ctx.loaders.keyed(("work_order_transitions",), load)


def last_transition(ctx: Any) -> DataLoader[UUID, WorkOrderTransition | None]:
    """`LastWorkOrderTransitionByWorkOrder`."""

    async def load(ids: list[UUID]) -> list[WorkOrderTransition | None]:
        async with ctx.read_session() as session:
            found = {r.work_order_id: r for r in await work_orders.last_transitions(session, ids)}
        return [found.get(i) for i in ids]

    return ctx.loaders.keyed(("work_order_last_transition",), load)


def comments(ctx: Any) -> DataLoader[UUID, list[WorkOrderComment]]:
    """`WorkOrderCommentsByWorkOrder`, oldest first: internal ones only for staff."""

    async def load(ids: list[UUID]) -> list[list[WorkOrderComment]]:
        visible = await ctx.visible("work_order_comment", "read", WorkOrderComment)
        async with ctx.read_session() as session:
            rows = await work_orders.comments_of(session, ids, visible)
        return group(rows, "work_order_id", ids)

    return ctx.loaders.keyed(("work_order_comments",), load)


def vendors_visible(ctx: Any) -> DataLoader[UUID, Vendor | None]:
    """`VendorById` for a work order's vendor: None where the caller may not read vendors."""

    async def load(ids: list[UUID]) -> list[Vendor | None]:
        visible = await ctx.visible("vendor", "read", Vendor)
        async with ctx.read_session() as session:
            found = {r.id: r for r in await work_orders.vendors_by_ids(session, ids, visible)}
        return [found.get(i) for i in ids]

    return ctx.loaders.keyed(("visible", Vendor), load)


def parties_visible(ctx: Any) -> DataLoader[UUID, Party | None]:
    """`PartyById` for a work order's requester: None where the caller may not read the party."""

    async def load(ids: list[UUID]) -> list[Party | None]:
        visible = await ctx.visible("party", "read", Party)
        async with ctx.read_session() as session:
            found = {r.id: r for r in await work_orders.parties_by_ids(session, ids, visible)}
        return [found.get(i) for i in ids]

    return ctx.loaders.keyed(("visible", Party), load)


def notices(ctx: Any) -> DataLoader[UUID, list[WorkOrderNotice]]:
    """`WorkOrderNoticesByWorkOrder`, oldest first: staff notices only for staff."""

    async def load(ids: list[UUID]) -> list[list[WorkOrderNotice]]:
        visible = await ctx.visible("work_order_notice", "read", WorkOrderNotice)
        async with ctx.read_session() as session:
            rows = await work_orders.notices_of(session, ids, visible)
        return group(rows, "work_order_id", ids)

    return ctx.loaders.keyed(("work_order_notices",), load)


def dispatches_of(ctx: Any) -> DataLoader[UUID, list[WorkOrderDispatch]]:
    """`WorkOrderDispatchesByWorkOrder`, oldest first (staff only)."""

    async def load(ids: list[UUID]) -> list[list[WorkOrderDispatch]]:
        visible = await ctx.visible("work_order_dispatch", "read", WorkOrderDispatch)
        async with ctx.read_session() as session:
            rows = await dispatches.of_work_orders(session, ids, visible)
        return group(rows, "work_order_id", ids)

    return ctx.loaders.keyed(("work_order_dispatches",), load)

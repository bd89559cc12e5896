"""Request-scoped loaders of the work-orders domain: one statement per level of
a nested read, only rows the caller may read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from domains.work_orders.models import WorkOrderComment, WorkOrderDispatch, WorkOrderNotice
from domains.work_orders.service import dispatches, work_orders
from graph.pages import group


def comments(ctx: Any) -> DataLoader[UUID, list[WorkOrderComment]]:
    """`WorkOrderCommentsByWorkOrder`, oldest first: internal ones only for staff."""

    async def load(ids: list[UUID]) -> list[list[WorkOrderComment]]:
        visible = await ctx.visible("work_order_comment", "read", WorkOrderComment)
        async with ctx.read_session() as session:
            rows = await work_orders.comments_of(session, ids, visible)
        return group(rows, "work_order_id", ids)

    return ctx.loaders.keyed(("work_order_comments",), load)


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

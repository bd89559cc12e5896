"""workOrderSettings/v1/{set,get}."""

from __future__ import annotations

from domains.associations.models import Association
from domains.work_orders.schemas import WorkOrderSettingsGetInput, WorkOrderSettingsRead, WorkOrderSettingsSetInput
from domains.work_orders.service import settings
from graph.handlers import OperationContext, actor, org, require
from graph.operations import operation


@operation(
    "workOrderSettings/v1/set",
    input=WorkOrderSettingsSetInput,
    output=WorkOrderSettingsRead,
    kind="work_order_settings",
    action="update",
    summary="Set an association's work-order deadlines",
)
async def set_work_order_settings(ctx: OperationContext, data: WorkOrderSettingsSetInput) -> WorkOrderSettingsRead:
    """Set the response and completion deadlines per priority (minutes) and the
    reopen window (days); only the fields given change. Work orders opened
    from now on get the new deadlines."""
    await require(ctx.session, Association, data.association_id, "associationId")
    values = {name: getattr(data, name) for name in data.model_fields_set - {"association_id"} if getattr(data, name) is not None}
    before = await settings.of(ctx.session, org(ctx), data.association_id)
    old = {name: str(getattr(before, name)) for name in values}
    row = await settings.update(ctx.session, org(ctx), data.association_id, values, actor(ctx))
    ctx.audit_summary = {name: {"from": old[name], "to": str(getattr(row, name))} for name in values}
    return WorkOrderSettingsRead.model_validate(row)


@operation(
    "workOrderSettings/v1/get",
    input=WorkOrderSettingsGetInput,
    output=WorkOrderSettingsRead,
    kind="work_order_settings",
    action="read",
    mutates=False,
    summary="Read an association's work-order deadlines",
)
async def get_work_order_settings(ctx: OperationContext, data: WorkOrderSettingsGetInput) -> WorkOrderSettingsRead:
    """The association's deadlines per priority and its reopen window; the
    defaults (with no update time) until it sets its own or opens a work order."""
    await require(ctx.session, Association, data.association_id, "associationId")
    row = await settings.peek(ctx.session, data.association_id)
    if row is None:
        return WorkOrderSettingsRead(association_id=data.association_id, **settings.DEFAULTS)
    return WorkOrderSettingsRead.model_validate(row)

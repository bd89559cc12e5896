"""payablesSettings/v1/{set,get}."""

from __future__ import annotations

from decimal import Decimal

from domains.associations.models import Association
from domains.payables.schemas import (
    PayablesSettingsGetInput,
    PayablesSettingsRead,
    PayablesSettingsSetInput,
)
from domains.payables.service import approvals
from graph.handlers import OperationContext, actor, org, require
from graph.operations import operation


@operation(
    "payablesSettings/v1/set",
    input=PayablesSettingsSetInput,
    output=PayablesSettingsRead,
    kind="payables_settings",
    action="update",
    summary="Set an association's invoice approval threshold",
)
async def set_settings(ctx: OperationContext, data: PayablesSettingsSetInput) -> PayablesSettingsRead:
    """Set the invoice total above which the board approves after the manager.
    Set by the board or an admin, not by the managers it holds to account; it
    applies to invoices entered from now on."""
    await require(ctx.session, Association, data.association_id, "associationId")
    before = await approvals.board_threshold(ctx.session, data.association_id)
    row = await approvals.set_threshold(ctx.session, org(ctx), data.association_id, data.board_approval_threshold, actor(ctx))
    ctx.audit_summary = {"boardApprovalThreshold": {"from": str(before), "to": str(row.board_approval_threshold)}}
    return PayablesSettingsRead.model_validate(row)


@operation(
    "payablesSettings/v1/get",
    input=PayablesSettingsGetInput,
    output=PayablesSettingsRead,
    kind="payables_settings",
    action="read",
    mutates=False,
    summary="Read an association's invoice approval settings",
)
async def get_settings(ctx: OperationContext, data: PayablesSettingsGetInput) -> PayablesSettingsRead:
    """The association's board approval threshold (0, every invoice to the
    board, until one is set)."""
    await require(ctx.session, Association, data.association_id, "associationId")
    row = await approvals.settings(ctx.session, data.association_id)
    if row is None:
        return PayablesSettingsRead(association_id=data.association_id, board_approval_threshold=Decimal(0))
    return PayablesSettingsRead.model_validate(row)

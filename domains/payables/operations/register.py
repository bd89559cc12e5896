"""apRegister/v1/get."""

from __future__ import annotations

from domains.associations.models import Association
from domains.payables.models import Invoice
from domains.payables.schemas import ApRegister, ApRegisterInput
from domains.payables.service import register
from graph.handlers import OperationContext, require
from graph.operations import operation


@operation(
    "apRegister/v1/get",
    input=ApRegisterInput,
    output=ApRegister,
    kind="invoice",
    action="list",
    mutates=False,
    summary="Accounts payable register",
)
async def get_ap_register(ctx: OperationContext, data: ApRegisterInput) -> ApRegister:
    """The AP register of the board package: an association's invoices dated
    from `fromDate` to `toDate` (at most 366 days) with vendor, dates, total,
    status, what was paid up to `toDate` and what was still open then, and the
    sums. Rejected invoices are left out unless asked for (and count nothing)."""
    await require(ctx.session, Association, data.association_id, "associationId")
    return await register.ap_register(ctx.session, data, await ctx.visible("invoice", "read", Invoice))

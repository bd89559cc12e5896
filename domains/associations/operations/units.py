"""unit/v1/{create,update,get,list,bulkImport}."""

from __future__ import annotations

from domains.associations.models import Unit
from domains.associations.schemas import (
    UnitBulkImportInput,
    UnitBulkImportResult,
    UnitConnection,
    UnitCreateInput,
    UnitGetInput,
    UnitListInput,
    UnitRead,
    UnitUpdateInput,
)
from domains.associations.service import units
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation
from graph.relations import Paged


@operation("unit/v1/create", input=UnitCreateInput, output=UnitRead, kind="unit", action="create", summary="Create a unit")
async def create_unit(ctx: OperationContext, data: UnitCreateInput) -> UnitRead:
    """Add a unit to an association. Unit numbers are unique per association;
    active units' voting weights and assessment shares may not sum above 1
    (SHARES_EXCEED_TOTAL). Admins, managers and integrations."""
    row = await units.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"unit_number": row.unit_number}
    return UnitRead.model_validate(row)


@operation(
    "unit/v1/update",
    input=UnitUpdateInput,
    output=UnitRead,
    kind="unit",
    action="update",
    target=Unit,
    summary="Change a unit",
)
async def update_unit(ctx: OperationContext, data: UnitUpdateInput) -> UnitRead:
    """Change a unit's facts or emergency contacts; only the fields given change.
    A unit is never deleted: make it inactive."""
    row = ctx.target
    ctx.audit_summary = {"changed": await units.update(ctx.session, row, data)}
    return UnitRead.model_validate(row)


@operation(
    "unit/v1/get",
    input=UnitGetInput,
    output=UnitRead,
    kind="unit",
    action="read",
    target=Unit,
    mutates=False,
    summary="Read a unit",
)
async def get_unit(ctx: OperationContext, data: UnitGetInput) -> UnitRead:
    """One unit. Staff and the board see every unit; owners and tenants their own;
    NOT_FOUND otherwise."""
    return UnitRead.model_validate(ctx.target)


@operation(
    "unit/v1/list",
    input=UnitListInput,
    output=UnitConnection,
    kind="unit",
    action="list",
    mutates=False,
    compiles=Paged(Unit, None, "unit", units.list_filters, units.page_of),
    graphql_name="units",
    summary="List units",
)
async def list_units(ctx: OperationContext, data: UnitListInput) -> UnitConnection:
    """Units visible to you, filtered by association, type, status or text
    (unit number or current owner's name), sorted stably, a page at a time."""
    rows = await units.page(ctx.session, data, await ctx.visible("unit", "read", Unit))
    return as_connection(UnitConnection, rows, units.page_of(data))


@operation(
    "unit/v1/bulkImport",
    input=UnitBulkImportInput,
    output=UnitBulkImportResult,
    kind="unit",
    action="import",
    result_field="result",
    summary="Import units in bulk",
)
async def bulk_import_units(ctx: OperationContext, data: UnitBulkImportInput) -> UnitBulkImportResult:
    """Add up to 5,000 units to one association from JSON rows or CSV text. The
    import is validated as a whole and applied all or nothing: with any wrong row,
    nothing is written and IMPORT_REJECTED lists every problem by row number."""
    ids = await units.bulk_import(ctx.session, org(ctx), data)
    ctx.audit_summary = {"association_id": str(data.association_id), "created": len(ids)}
    return UnitBulkImportResult(created=len(ids), unit_ids=ids)

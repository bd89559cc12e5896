"""directorySetting/v1/set and residentDirectory/v1/list: the resident directory."""

from __future__ import annotations

from uuid import UUID

from domains.associations.models import Association
from domains.portal.errors import NoParty
from domains.portal.schemas import (
    DirectoryEntry,
    DirectoryEntryConnection,
    DirectorySettingSetInput,
    DirectorySettingView,
    ResidentDirectoryInput,
)
from domains.portal.service import directory
from graph.handlers import OperationContext, org, require
from graph.operations import operation
from graph.pages import connection

KIND = "directory_setting"


@operation(
    "directorySetting/v1/set",
    input=DirectorySettingSetInput,
    output=DirectorySettingView,
    kind=KIND,
    action="set",
    summary="Choose what other residents see of you",
)
async def set_setting(ctx: OperationContext, data: DirectorySettingSetInput) -> DirectorySettingView:
    """Your own listing in the resident directory of your associations: your
    name, unit numbers, primary phone and primary email, each hidden until you
    show it. Only ever the caller's own (there is no party to name): a caller
    who is no party of the active organization is NO_PARTY."""
    assert ctx.principal is not None
    parties = ctx.principal.relations.get("party_ids", [])
    if not parties:
        raise NoParty("You are not an owner or resident in this organization.")
    flags = {k: v for k, v in data.model_dump(exclude_none=True).items() if k in directory.FLAGS}
    row = await directory.set_flags(ctx.session, org(ctx), UUID(parties[0]), flags)
    ctx.audit_targets.append(str(row.id))
    ctx.audit_summary = {k: getattr(row, k) for k in directory.FLAGS}
    return DirectorySettingView.model_validate(row)


@operation(
    "residentDirectory/v1/list",
    input=ResidentDirectoryInput,
    output=DirectoryEntryConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="residentDirectory",
    summary="The resident directory of an association",
)
async def list_directory(ctx: OperationContext, data: ResidentDirectoryInput) -> DirectoryEntryConnection:
    """The residents of an association (owners and tenants living there today)
    who opted in, each with only the fields they chose to show; the others are
    null. For the association's residents and its staff."""
    association = await require(ctx.session, Association, data.association_id, "associationId")
    await ctx.authorize(KIND, "read_directory", association)
    rows, page = await directory.listing_page(ctx.session, association.id, data.first, data.after)
    listed = connection(rows, page)
    shown = [DirectoryEntry(**e) for e in await directory.entries(ctx.session, association.id, listed.nodes)]
    return DirectoryEntryConnection(
        edges=[{"cursor": edge.cursor, "node": entry} for edge, entry in zip(listed.edges, shown, strict=True)],
        nodes=shown,
        page_info=listed.page_info,
    )

"""arcSettings/v1/{set,get}."""

from __future__ import annotations

from domains.arc_requests.schemas import ArcSettingsGetInput, ArcSettingsRead, ArcSettingsSetInput
from domains.arc_requests.service import requests
from graph.handlers import OperationContext, actor, org
from graph.operations import operation


@operation(
    "arcSettings/v1/set",
    input=ArcSettingsSetInput,
    output=ArcSettingsRead,
    kind="arc_settings",
    action="set",
    summary="Set how architectural requests are reviewed",
)
async def set_settings(ctx: OperationContext, data: ArcSettingsSetInput) -> ArcSettingsRead:
    """Set how the association reviews architectural requests, as its governing
    documents say: the committee votes (and how many votes decide) or its chair
    decides; whether neighbours' acknowledgements are required; whether a
    request for more information pauses the deadline or restarts it on the
    owner's reply; whether finished work is inspected; and which of the
    association's committees (governance's bodies) is the architectural
    committee: whoever holds a term on it today votes, the holder of its
    chair office decides where the chair does (NOT_A_COMMITTEE for a board,
    a dissolved body or another association's). Deadlines and deemed
    approval come from the jurisdiction rules (jurisdictionRuleOverride/v1/set
    makes them stricter)."""
    row = await requests.set_settings(ctx.session, org(ctx), data, actor(ctx))
    ctx.audit_summary = data.model_dump(mode="json", by_alias=True, exclude={"association_id"})
    return ArcSettingsRead.model_validate(row)


@operation(
    "arcSettings/v1/get",
    input=ArcSettingsGetInput,
    output=ArcSettingsRead,
    kind="arc_settings",
    action="read",
    mutates=False,
    summary="Read how architectural requests are reviewed",
)
async def get_settings(ctx: OperationContext, data: ArcSettingsGetInput) -> ArcSettingsRead:
    """The association's review settings; never set, the defaults (no update time)."""
    return ArcSettingsRead.model_validate(await requests.settings_of(ctx.session, data.association_id))

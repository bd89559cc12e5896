"""boardPackage/v1/{generate,get,list,download}, boardPackageSettings/v1/{set,get}."""

from __future__ import annotations

from domains.associations.models import Association
from domains.board_packages.models import BoardPackage, BoardPackageTrigger
from domains.board_packages.schemas import (
    BoardPackageConnection,
    BoardPackageDownloadInput,
    BoardPackageGenerateInput,
    BoardPackageGetInput,
    BoardPackageListInput,
    BoardPackageRead,
    BoardPackageSettingsGetInput,
    BoardPackageSettingsRead,
    BoardPackageSettingsSetInput,
)
from domains.board_packages.service import packages
from domains.documents.schemas import DocumentVersionRead, DownloadLink
from domains.documents.service import documents
from graph.handlers import OperationContext, actor, as_connection, org, require
from graph.ids import encode
from graph.operations import operation

KIND = "board_package"


@operation(
    "boardPackage/v1/generate",
    input=BoardPackageGenerateInput,
    output=BoardPackageRead,
    kind=KIND,
    action="generate",
    summary="Generate the board's monthly package",
)
async def generate(ctx: OperationContext, data: BoardPackageGenerateInput) -> BoardPackageRead:
    """Generate an association's package for a month: a durable workflow reads
    the month's reports as the board reads them — balance sheet by fund, income
    statement with budget versus actual, AR aging, delinquency list, AP register,
    bank reconciliations, reserve percent funded, open violations, ARC requests,
    the minutes of the month's meetings — and files one PDF and a ZIP of the
    source documents in the association's library, for the board only. Answers
    at once with the package `generating`; read it again (or `workflow(id:)`)
    for `ready`. Asking again for the same month and version, even
    concurrently, answers the package already asked for and generates nothing
    more; a higher `version` generates the month again."""
    await require(ctx.session, Association, data.association_id, "associationId")
    package, started = await packages.request(
        ctx.session, org(ctx), data.association_id, data.month, data.version, actor(ctx), BoardPackageTrigger.REQUEST
    )
    if started:
        await ctx.start_workflow(packages.WORKFLOW, package.workflow_id, str(org(ctx)), str(package.id))
    ctx.audit_targets = [encode("bpk", package.id)]
    ctx.audit_summary = {"month": package.month.isoformat(), "version": package.version, "started": started}
    return BoardPackageRead.model_validate(package)


@operation(
    "boardPackage/v1/get",
    input=BoardPackageGetInput,
    output=BoardPackageRead,
    kind=KIND,
    action="read",
    target=BoardPackage,
    mutates=False,
    summary="Read a board package",
)
async def get_package(ctx: OperationContext, data: BoardPackageGetInput) -> BoardPackageRead:
    """One package: its status, and once ready its files and every report as it was read."""
    return BoardPackageRead.model_validate(ctx.target)


@operation(
    "boardPackage/v1/list",
    input=BoardPackageListInput,
    output=BoardPackageConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="boardPackages",
    summary="List board packages",
)
async def list_packages(ctx: OperationContext, data: BoardPackageListInput) -> BoardPackageConnection:
    """An association's packages (or one month's), latest asked for first. Staff and the board."""
    rows, page = await packages.page(ctx.session, data, await ctx.visible(KIND, "read", BoardPackage))
    return as_connection(BoardPackageConnection, rows, page)


@operation(
    "boardPackage/v1/download",
    input=BoardPackageDownloadInput,
    output=DownloadLink,
    kind=KIND,
    action="read",
    target=BoardPackage,
    mutates=False,
    summary="Get a signed link to a board package's PDF or ZIP",
)
async def download(ctx: OperationContext, data: BoardPackageDownloadInput) -> DownloadLink:
    """A short-lived signed URL to GET the package's PDF (`file: PDF`) or the
    ZIP of its source documents (`file: ZIP`). BOARD_PACKAGE_NOT_READY while it
    is generating or when it failed."""
    document, versions = await packages.file_of(ctx.session, ctx.target, data.file.value)
    version, link, expires = await documents.download(ctx.platform.settings, document, versions, None)
    return DownloadLink(version=DocumentVersionRead.model_validate(version), url=link, expires_at=expires)


@operation(
    "boardPackageSettings/v1/set",
    input=BoardPackageSettingsSetInput,
    output=BoardPackageSettingsRead,
    kind=KIND,
    action="configure",
    summary="Set an association's board package settings",
)
async def set_settings(ctx: OperationContext, data: BoardPackageSettingsSetInput) -> BoardPackageSettingsRead:
    """Whether closing a month (fiscalPeriod/v1/close) generates its package
    (version 1) at once, in a workflow of its own the close does not wait for."""
    await require(ctx.session, Association, data.association_id, "associationId")
    row = await packages.set_settings(ctx.session, org(ctx), data.association_id, data.generate_on_close, actor(ctx))
    ctx.audit_targets = [encode("asn", data.association_id)]
    ctx.audit_summary = {"generateOnClose": data.generate_on_close}
    return BoardPackageSettingsRead.model_validate(row)


@operation(
    "boardPackageSettings/v1/get",
    input=BoardPackageSettingsGetInput,
    output=BoardPackageSettingsRead,
    kind=KIND,
    action="list",
    mutates=False,
    nullable=True,
    graphql_name="boardPackageSettings",
    summary="Read an association's board package settings",
)
async def get_settings(ctx: OperationContext, data: BoardPackageSettingsGetInput) -> BoardPackageSettingsRead | None:
    """The association's settings; null until they are first set (then no package follows a close)."""
    row = await packages.settings_of(ctx.session, data.association_id)
    return None if row is None else BoardPackageSettingsRead.model_validate(row)

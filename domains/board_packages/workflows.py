"""A package's generation: read every report (one step, read-only), then render
and file the PDF and the ZIP and mark the package ready (one step, one
transaction). A crash anywhere re-runs from the last recorded step; the filing
step finds a package already ready and files nothing twice."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from dbos import DBOS

from domains.board_packages.service import packages
from graph import durable
from graph.db import scoped_transaction
from graph.durable import long_running
from graph.errors import AppError
from graph.platform import current_platform
from graph.telemetry import set_scope


@DBOS.step(name="read_board_package_step")
async def read_board_package_step(organization_id: str, package_id: str) -> dict[str, Any] | None:
    platform = current_platform()
    async with scoped_transaction(platform.sessions, UUID(organization_id), None) as session:
        return await packages.contents_for(session, platform, UUID(package_id))


@DBOS.step(name="file_board_package_step")
async def file_board_package_step(organization_id: str, package_id: str, contents: dict[str, Any]) -> bool:
    platform = current_platform()
    async with scoped_transaction(platform.sessions, UUID(organization_id), None) as session:
        filed = await packages.file(session, platform.settings, platform, UUID(package_id), contents)
    settings = platform.settings
    await durable.pause_for_crash_test(settings.board_package_crash_pause_file, settings.environment, package_id)
    return filed


@DBOS.step(name="fail_board_package_step")
async def fail_board_package_step(organization_id: str, package_id: str, reason: str) -> None:
    async with scoped_transaction(current_platform().sessions, UUID(organization_id), None) as session:
        await packages.fail(session, UUID(package_id), reason)


@long_running(packages.WORKFLOW)
async def generate_board_package_workflow(organization_id: str, package_id: str) -> bool:
    set_scope(UUID(organization_id), None)
    try:
        contents = await read_board_package_step(organization_id, package_id)
    except AppError as err:
        await fail_board_package_step(organization_id, package_id, f"{err.code}: {err}")
        return False
    if contents is None:
        return False
    return await file_board_package_step(organization_id, package_id, contents)

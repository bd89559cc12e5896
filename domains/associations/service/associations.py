"""Associations: create, change, list."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.errors import (
    AssociationsNotAllowed,
    DuplicateCode,
)
from domains.associations.models import Association, Unit, UnitStatus
from domains.organizations.models import Organization, OrganizationType
from graph.db import add_or_raise, flush_or_raise
from graph.errors import InvalidReference
from graph.handlers import changes, require
from graph.pages import Page, page_statement

HOLDERS = (OrganizationType.ASSOCIATION, OrganizationType.MANAGEMENT_COMPANY)


async def _check_links(session: AsyncSession, association_id: UUID | None, values: dict[str, Any]) -> None:
    master_id = values.get("master_association_id")
    if master_id is not None:
        # Walk up from the new master: meeting this association again would make a cycle.
        seen, current = set(), master_id
        while current is not None and current not in seen:
            if current == association_id:
                raise InvalidReference(
                    "An association can't be its own master, directly or through others.", field=["masterAssociationId"]
                )
            seen.add(current)
            current = (await require(session, Association, current, "masterAssociationId")).master_association_id
    manager_id = values.get("managing_organization_id")
    if manager_id is not None:
        manager = await session.get(Organization, manager_id)
        if manager is None or manager.type is not OrganizationType.MANAGEMENT_COMPANY:
            raise InvalidReference(
                "`managingOrganizationId` must name a management company linked to this organization.",
                field=["managingOrganizationId"],
            )


async def create(session: AsyncSession, organization_id: UUID, values: dict[str, Any]) -> Association:
    org = await session.get(Organization, organization_id)
    if org is None or org.type not in HOLDERS:
        raise AssociationsNotAllowed("Only association and management-company organizations hold associations.")
    await _check_links(session, None, values)
    row = Association(organization_id=organization_id, **values)
    await add_or_raise(
        session, row, DuplicateCode(f"Code {values['code']} is already used in this organization.", field=["code"])
    )
    return row


async def update(session: AsyncSession, row: Association, data: Any) -> dict[str, Any]:
    await _check_links(session, row.id, {k: getattr(data, k) for k in data.model_fields_set})
    changed = changes(row, data)
    if "code" in changed:
        await flush_or_raise(session, DuplicateCode(f"Code {data.code} is already used in this organization.", field=["code"]))
    await session.flush()
    return changed


def page_of(data: Any) -> Page:
    return Page(data.first, data.after, "code")


def filters(data: Any, visible: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    return [visible] + [
        getattr(Association, name) == getattr(data, name)
        for name in ("status", "kind", "master_association_id")
        if getattr(data, name) is not None
    ]


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> list[Association]:
    return list((await session.scalars(page_statement(Association, page_of(data), filters(data, visible)))).all())


def share_totals_statement(association_ids: list[UUID]) -> Any:
    """Active units' counts and share sums per association."""
    return (
        select(
            Unit.association_id,
            func.count(),
            func.coalesce(func.sum(Unit.voting_weight), 0),
            func.coalesce(func.sum(Unit.assessment_share), 0),
        )
        .where(Unit.association_id.in_(association_ids), Unit.status == UnitStatus.ACTIVE)
        .group_by(Unit.association_id)
    )


async def share_totals(session: AsyncSession, association_ids: list[UUID]) -> Sequence[Any]:
    """(association id, unit count, voting weight, assessment share) per association with active units."""
    return (await session.execute(share_totals_statement(association_ids))).all()


async def by_ids(session: AsyncSession, ids: list[UUID], visible: ColumnElement[bool]) -> Sequence[Association]:
    """The associations among `ids` the caller may read (`visible`: its list filter)."""
    return (await session.scalars(select(Association).where(Association.id.in_(ids), visible))).all()

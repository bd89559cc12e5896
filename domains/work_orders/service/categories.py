"""The classifier of an association's work orders: places, the categories of
work at each place, the problems of each category.

The default set below is installed on request (`workOrderCategory/v1/installDefaults`)
and is ordinary data afterwards: the association adds its own nodes beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.work_orders.errors import CategoryExists, InvalidClassifierParent
from domains.work_orders.models import ClassifierLevel, WorkOrderCategory
from graph.db import add_or_raise
from graph.pages import Page, page_statement

# place → category → problems
DEFAULTS: dict[str, dict[str, list[str]]] = {
    "Common area": {
        "Landscaping": ["Irrigation leak", "Dead or fallen tree", "Overgrown area"],
        "Lighting": ["Light out", "Light on during the day"],
        "Pool and spa": ["Gate or latch broken", "Water cloudy", "Equipment not running"],
        "Parking and paving": ["Pothole", "Trip hazard", "Striping faded"],
        "Trash and recycling": ["Missed pickup", "Enclosure damaged"],
    },
    "Building exterior": {
        "Roof": ["Leak", "Missing shingles or tiles"],
        "Gutters and drainage": ["Clogged gutter", "Standing water"],
        "Walls and paint": ["Stucco or siding damage", "Graffiti"],
        "Doors and gates": ["Does not lock", "Access system down"],
    },
    "Unit": {
        "Plumbing": ["Leak from above", "Main line backup", "No water"],
        "Electrical": ["Outage", "Sparking or burning smell"],
        "Structure": ["Crack", "Water intrusion"],
        "Pest control": ["Termites", "Rodents", "Insects"],
    },
}
PARENT_LEVEL = {
    ClassifierLevel.PLACE: None,
    ClassifierLevel.CATEGORY: ClassifierLevel.PLACE,
    ClassifierLevel.PROBLEM: ClassifierLevel.CATEGORY,
}


async def create(
    session: AsyncSession,
    organization_id: UUID,
    association_id: UUID,
    parent: WorkOrderCategory | None,
    level: ClassifierLevel,
    name: str,
) -> WorkOrderCategory:
    wanted = PARENT_LEVEL[level]
    if (parent.level if parent is not None else None) != wanted or (
        parent is not None and parent.association_id != association_id
    ):
        what = f"a {wanted.value} of the same association" if wanted else "no parent"
        raise InvalidClassifierParent(f"A {level.value} has {what}.", field=["parentId"])
    row = WorkOrderCategory(
        organization_id=organization_id,
        association_id=association_id,
        parent_id=parent.id if parent is not None else None,
        level=level,
        name=name,
    )
    await add_or_raise(session, row, CategoryExists(f"{name!r} already exists under this parent.", field=["name"]))
    return row


async def _add_level(
    session: AsyncSession, organization_id: UUID, association_id: UUID, level: ClassifierLevel, rows: list[dict[str, Any]]
) -> dict[tuple[UUID | None, str], UUID]:
    """Insert what is missing of one level; {(parent id, name): id} of the whole level."""
    if rows:
        await session.execute(
            insert(WorkOrderCategory)
            .values([{"organization_id": organization_id, "association_id": association_id, "level": level} | r for r in rows])
            .on_conflict_do_nothing(index_elements=["organization_id", "association_id", "parent_id", "name"])
        )
    found = await session.execute(
        select(WorkOrderCategory.parent_id, WorkOrderCategory.name, WorkOrderCategory.id).where(
            WorkOrderCategory.association_id == association_id, WorkOrderCategory.level == level
        )
    )
    return {(p, n): i for p, n, i in found.all()}


async def install_defaults(session: AsyncSession, organization_id: UUID, association_id: UUID) -> tuple[int, int]:
    """Add the default nodes the association lacks, level by level (six
    statements whatever the size); returns (added, total)."""
    before = await count(session, association_id)
    places = await _add_level(
        session, organization_id, association_id, ClassifierLevel.PLACE, [{"parent_id": None, "name": p} for p in DEFAULTS]
    )
    categories = await _add_level(
        session,
        organization_id,
        association_id,
        ClassifierLevel.CATEGORY,
        [{"parent_id": places[(None, p)], "name": c} for p, cs in DEFAULTS.items() for c in cs],
    )
    await _add_level(
        session,
        organization_id,
        association_id,
        ClassifierLevel.PROBLEM,
        [
            {"parent_id": categories[(places[(None, p)], c)], "name": problem}
            for p, cs in DEFAULTS.items()
            for c, problems in cs.items()
            for problem in problems
        ],
    )
    total = await count(session, association_id)
    return total - before, total


async def count(session: AsyncSession, association_id: UUID) -> int:
    return int(await session.scalar(select(func.count()).where(WorkOrderCategory.association_id == association_id)) or 0)


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[WorkOrderCategory], Page]:
    """An association's nodes by name (the page `data` asks for, of the rows `visible` admits)."""
    p = Page(data.first, data.after, "name")
    where = [visible, WorkOrderCategory.association_id == data.association_id]
    if data.level is not None:
        where.append(WorkOrderCategory.level == data.level)
    if data.parent_id is not None:
        where.append(WorkOrderCategory.parent_id == data.parent_id)
    return (await session.scalars(page_statement(WorkOrderCategory, p, where))).all(), p

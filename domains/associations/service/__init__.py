"""Use cases of the associations domain, one module per resource. Nothing here
commits: each runs inside the operation's transaction."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graph.errors import InvalidReference


def changes(row: Any, data: BaseModel, *, skip: tuple[str, ...] = ("id",)) -> dict[str, dict[str, str | None]]:
    """Apply the fields a patch names to `row`; returns {field: {from, to}} for the audit row."""
    changed = {}
    for name in data.model_fields_set - set(skip):
        if not hasattr(row, name):
            continue
        new, old = getattr(data, name), getattr(row, name)
        if new != old:
            changed[name] = {"from": None if old is None else str(old), "to": None if new is None else str(new)}
            setattr(row, name, new)
    return changed


async def require(session: AsyncSession, model: Any, row_id: Any, field: str, *, lock: bool = False) -> Any:
    """The row `row_id` of `model` in this organization, or INVALID_REFERENCE on `field`."""
    stmt = select(model).where(model.id == row_id)
    if lock:
        stmt = stmt.with_for_update()
    row = await session.scalar(stmt)
    if row is None:
        raise InvalidReference(f"`{field}` names no {model.__name__.lower()} in this organization.", field=[field])
    return row

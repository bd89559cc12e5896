"""The row an operation's `target` names, as its handler reads it."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from graph.errors import NotFound

T = TypeVar("T")


async def target_row(session: AsyncSession, model: type[T], row_id: Any) -> T:
    """The row the pipeline authorized before the handler ran (`@operation(..., target=model)`).

    A direct run finds it in the session's identity map. A durable run reads it again in its
    workflow's own transaction, so a row deleted in between answers NOT_FOUND, as it would
    have before authorization, rather than failing on None.
    """
    row = await session.get(model, row_id)
    if row is None:
        raise NotFound(f"No {model.__name__} with this id is visible to you.", field=["id"])
    return row

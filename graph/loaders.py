"""Request-scoped dataloaders that run inside the request's RLS-scoped transaction.

`Loaders` is created per request; `by_id(Model)` and `by_column(Model, column)`
give one batched, de-duplicated loader per (model, key) for that request, so a
list of N rows costs one statement per relation, not N.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar
from uuid import UUID

from sqlalchemy import Select, select
from sqlalchemy.orm import DeclarativeBase
from strawberry.dataloader import DataLoader

M = TypeVar("M", bound=DeclarativeBase)


class Database(Protocol):
    async def scalars(self, statement: Select[Any]) -> Sequence[Any]: ...


class Loaders:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: dict[tuple[Any, ...], DataLoader[Any, Any]] = {}

    def keyed(self, key: tuple[Any, ...], load: Callable[[list[Any]], Awaitable[list[Any]]]) -> DataLoader[Any, Any]:
        """The request's loader for `key`, made from `load` the first time it is asked for.
        Domains build their own loaders (filtered, paged) on this."""
        if key not in self._cache:
            self._cache[key] = DataLoader(load_fn=load)
        return self._cache[key]

    def by_id(self, model: type[M]) -> DataLoader[UUID, M | None]:
        """`<Model>ById`: one row per id, None where RLS hides it or it doesn't exist."""

        async def load(ids: list[UUID]) -> list[M | None]:
            rows = await self._db.scalars(select(model).where(model.id.in_(ids)))  # type: ignore[attr-defined]
            found = {row.id: row for row in rows}
            return [found.get(i) for i in ids]

        return self.keyed(("id", model), load)

    def by_column(self, model: type[M], column: str, *, order_by: str = "created_at") -> DataLoader[UUID, list[M]]:
        """`<Model>By<Column>`: every row whose `column` equals each key."""

        async def load(keys: list[UUID]) -> list[list[M]]:
            col = getattr(model, column)
            rows = await self._db.scalars(
                select(model).where(col.in_(keys)).order_by(getattr(model, order_by), model.id)  # type: ignore[attr-defined]
            )
            grouped: dict[UUID, list[M]] = defaultdict(list)
            for row in rows:
                grouped[getattr(row, column)].append(row)
            return [grouped.get(k, []) for k in keys]

        return self.keyed(("column", model, column), load)

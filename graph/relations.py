"""Relations declared as data: which rows a relation field reads, not how.

A domain declares a relation once (`to_one`, `to_many` in graph/gqltypes.py, or
`relation_field(..., compiled=Paged(...))` for a page of rows). The same
declaration gives the field its batched loader (the resolver path) and tells the
compiled read path (graph/compiler.py) how to read it inside one SQL statement,
so the two paths cannot disagree about which rows, in which order, a caller sees.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import distinct_on
from strawberry.dataloader import DataLoader

from graph.pages import Page, group

Clauses = Callable[[], Sequence[ColumnElement[bool]]]
Order = Callable[[], Sequence[Any]]


@dataclass(frozen=True)
class ToOne:
    """The row of `target` whose id the parent's `key` column holds; with `kind`,
    only if Cerbos lets the caller read it (else null, as `node` answers)."""

    key: str
    target: Any
    kind: str | None = None

    def loader(self, ctx: Any) -> DataLoader[Any, Any]:
        if self.kind is None:
            return ctx.loaders.by_id(self.target)  # type: ignore[no-any-return]
        target, kind = self.target, self.kind

        async def load(ids: list[Any]) -> list[Any]:
            visible = await ctx.visible(kind, "read", target)
            found = {r.id: r for r in await ctx.scalars(select(target).where(target.id.in_(ids), visible))}
            return [found.get(i) for i in ids]

        return ctx.loaders.keyed(("to_one", target, kind), load)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class ToMany:
    """Every row of `model` whose `key` column holds the parent's id, matching
    `where`, sorted by `order_by` then id; with `kind`, only rows Cerbos lets the
    caller read (without, they are visible wherever their parent is)."""

    model: Any
    key: str
    order_by: Order
    kind: str | None = None
    where: Clauses | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        return list(self.where()) if self.where is not None else []

    def order(self) -> list[Any]:
        return [*self.order_by(), self.model.id]

    def loader(self, ctx: Any) -> DataLoader[Any, list[Any]]:
        model, key = self.model, self.key

        async def load(parents: list[Any]) -> list[list[Any]]:
            where = [getattr(model, key).in_(parents), *self.clauses()]
            if self.kind is not None:
                where.append(await ctx.visible(self.kind, "read", model))
            rows = await ctx.scalars(select(model).where(*where).order_by(*self.order()))
            return group(rows, key, parents)

        return ctx.loaders.keyed(("to_many", self), load)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Latest:
    """The first row of `model` whose `key` column holds the parent's id, sorted by
    `newest_first` then id (descending): a record's last transition, say. Null when
    there is none; with `kind`, only a row Cerbos lets the caller read."""

    model: Any
    key: str
    newest_first: Order
    kind: str | None = None

    def order(self) -> list[Any]:
        return [*self.newest_first(), self.model.id.desc()]

    def loader(self, ctx: Any) -> DataLoader[Any, Any]:
        model, key = self.model, self.key

        async def load(parents: list[Any]) -> list[Any]:
            where = [getattr(model, key).in_(parents)]
            if self.kind is not None:
                where.append(await ctx.visible(self.kind, "read", model))
            column = getattr(model, key)
            rows = await ctx.scalars(select(model).where(*where).order_by(column, *self.order()).ext(distinct_on(column)))
            found = {getattr(r, key): r for r in rows}
            return [found.get(p) for p in parents]

        return ctx.loaders.keyed(("latest", self), load)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Paged:
    """A page of `model`'s rows whose `key` holds the parent's id (every row, for a
    list operation's root page: `key` None): `filters(data, visible)` are the list's
    filters (as its own list operation applies them), `page(data)` its size,
    cursor and order. Cerbos kind `kind` decides visibility."""

    model: Any
    key: str | None
    kind: str
    filters: Callable[[Any, ColumnElement[bool]], Sequence[ColumnElement[bool]]]
    page: Callable[[Any], Page]

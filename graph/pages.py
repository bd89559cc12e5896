"""Keyset pages of a table, for one parent or for many parents in one statement.

A page of units under each of 50 associations is one query: rows are numbered
per parent with `row_number() OVER (PARTITION BY parent ORDER BY sort, id)` and
cut at `first + 1` (the extra row only says whether a next page exists).
Cursors carry the sort value and the id, so a page never skips or repeats a row
when rows are added before it, and no OFFSET scan happens.
"""

from __future__ import annotations

import base64
import json
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, func, select, tuple_
from sqlalchemy.orm import aliased

from graph.errors import ValidationFailed
from graph.schemas import PageInfo

_PARSE: dict[type, Any] = {datetime: datetime.fromisoformat, date: date.fromisoformat, UUID: UUID, Decimal: Decimal, int: int}


@dataclass(frozen=True)
class Page:
    """What a client asked for: `first` rows after `after`, sorted by `sort`."""

    first: int
    after: str | None
    sort: str
    descending: bool = False


@dataclass
class Edge:
    cursor: str
    node: Any


@dataclass
class Connection:
    edges: list[Edge]
    nodes: list[Any]
    page_info: PageInfo


def _encode(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, date | datetime) else str(v) for v in values]
    # Not ASCII-escaped: the compiled read path builds the same bytes in Postgres.
    return base64.urlsafe_b64encode(json.dumps(plain, ensure_ascii=False).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, columns: Sequence[Any]) -> list[Any]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(raw, list) or len(raw) != len(columns):
            raise ValueError
        return [_PARSE.get(c.type.python_type, str)(v) for v, c in zip(raw, columns, strict=True)]
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ValidationFailed("`after` is not a cursor from this list with this order.", field=["after"]) from None


def page_statement(model: Any, page: Page, where: Sequence[ColumnElement[bool]], partition: Any = None) -> Select[Any]:
    """Rows of `model` matching `where`, the page `page` of each `partition` value."""
    sort, key = getattr(model, page.sort), model.id
    order = [sort.desc(), key.desc()] if page.descending else [sort.asc(), key.asc()]
    conditions = list(where)
    if page.after:
        position = tuple_(*decode_cursor(page.after, [sort, key]))
        conditions.append(tuple_(sort, key) < position if page.descending else tuple_(sort, key) > position)
    if partition is None:
        return select(model).where(*conditions).order_by(*order).limit(page.first + 1)
    numbered = (
        select(model, func.row_number().over(partition_by=partition, order_by=order).label("position"))
        .where(*conditions)
        .subquery()
    )
    row = aliased(model, numbered)
    return select(row).where(numbered.c.position <= page.first + 1).order_by(numbered.c[partition.key], numbered.c.position)


def connection(rows: Sequence[Any], page: Page) -> Connection:
    """`rows` holds up to first + 1 rows; the extra one only signals a next page."""
    kept = list(rows[: page.first])
    edges = [Edge(cursor=_encode([getattr(r, page.sort), r.id]), node=r) for r in kept]
    return Connection(
        edges=edges,
        nodes=kept,
        page_info=PageInfo(has_next_page=len(rows) > page.first, end_cursor=edges[-1].cursor if edges else None),
    )


def group(rows: Sequence[Any], attr: str, keys: Sequence[Hashable]) -> list[list[Any]]:
    """Rows split by `attr`, in the order of `keys` (a loader's answer)."""
    grouped: dict[Hashable, list[Any]] = defaultdict(list)
    for r in rows:
        grouped[getattr(r, attr)].append(r)
    return [grouped.get(k, []) for k in keys]

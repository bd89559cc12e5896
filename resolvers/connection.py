"""Relay connections with `first`/`after`, keyset-paginated (no OFFSET scans)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

import strawberry

from graph.errors import ValidationFailed
from graph.gqltypes import output_type
from graph.schemas import PageInfo

T = TypeVar("T")


PageInfoType = output_type(PageInfo)


@strawberry.type(description="One item of a page, with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="Items with their cursors.")
    nodes: list[T] = strawberry.field(description="The items alone.")
    page_info: PageInfoType = strawberry.field(description="Pagination state.")


def encode_cursor(at: datetime, row_id: UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, UUID]:
    try:
        at, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(at), UUID(row_id)
    except (ValueError, UnicodeDecodeError):
        raise ValidationFailed("`after` is not a cursor from this connection.", field=["after"]) from None


def build(rows: Sequence[Any], first: int, time_attr: str) -> Connection[Any]:
    """`rows` holds up to first + 1 items; the extra one only signals a next page."""
    page = list(rows[:first])
    edges = [Edge(cursor=encode_cursor(getattr(r, time_attr), r.id), node=r) for r in page]
    return Connection(
        edges=edges,
        nodes=page,
        page_info=PageInfo(has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None),
    )

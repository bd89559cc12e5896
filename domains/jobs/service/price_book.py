"""The provider's price book: services with a unit and a price, which estimate
and invoice lines copy (the price at that moment; a later change of the book
reaches no line already written)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.errors import PriceBookItemNameTaken, PriceBookItemRetired
from domains.jobs.models import PriceBookItem
from graph.db import add_or_raise, flush_or_raise
from graph.errors import InvalidReference
from graph.handlers import changes
from graph.pages import Page, page_statement


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> PriceBookItem:
    item = PriceBookItem(organization_id=organization_id, **data.model_dump())
    await add_or_raise(session, item, PriceBookItemNameTaken(f"Your price book has a service named {data.name}.", field=["name"]))
    return item


async def update(session: AsyncSession, item: PriceBookItem, data: Any) -> dict[str, Any]:
    # Every field is required in the table: null leaves it as it is.
    changed = changes(item, data, skip=("id", *(name for name in data.model_fields_set if getattr(data, name) is None)))
    await flush_or_raise(session, PriceBookItemNameTaken("Your price book has a service of that name.", field=["name"]))
    return changed


async def priced(session: AsyncSession, lines: Sequence[Any]) -> list[dict[str, Any]]:
    """Numbered line values from input lines, with what a price-book service
    gives a line that leaves it out (its name, its price) copied in.
    INVALID_REFERENCE for a service not in the book, PRICE_BOOK_ITEM_RETIRED
    for a retired one."""
    ids = {line.price_book_item_id for line in lines if line.price_book_item_id is not None}
    book = {i.id: i for i in await session.scalars(select(PriceBookItem).where(PriceBookItem.id.in_(ids)))} if ids else {}
    values = []
    for n, line in enumerate(lines, start=1):
        description, unit_price = line.description, line.unit_price
        if line.price_book_item_id is not None:
            field = ["lines", str(n - 1), "priceBookItemId"]
            item = book.get(line.price_book_item_id)
            if item is None:
                raise InvalidReference("`priceBookItemId` names no service of your price book.", field=field)
            if not item.active:
                raise PriceBookItemRetired(f"{item.name} is retired from your price book.", field=field)
            description = item.name if description is None else description
            unit_price = item.unit_price if unit_price is None else unit_price
        values.append(
            {
                "line_no": n,
                "description": description,
                "quantity": Decimal(line.quantity),
                "unit_price": unit_price,
                "price_book_item_id": line.price_book_item_id,
            }
        )
    return values


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[PriceBookItem], Page]:
    p = Page(data.first, data.after, "name")
    where = [visible]
    if data.category is not None:
        where.append(PriceBookItem.category == data.category)
    if data.active is not None:
        where.append(PriceBookItem.active.is_(data.active))
    return (await session.scalars(page_statement(PriceBookItem, p, where))).all(), p

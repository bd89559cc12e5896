"""priceBookItem/v1/{create,update,get,list}: the provider's price book."""

from __future__ import annotations

from domains.jobs.models import PriceBookItem
from domains.jobs.schemas import (
    PriceBookItemConnection,
    PriceBookItemCreateInput,
    PriceBookItemGetInput,
    PriceBookItemListInput,
    PriceBookItemRead,
    PriceBookItemUpdateInput,
)
from domains.jobs.service import price_book
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "priceBookItem/v1/create",
    input=PriceBookItemCreateInput,
    output=PriceBookItemRead,
    kind="price_book_item",
    action="create",
    summary="Add a service to the price book",
)
async def create_price_book_item(ctx: OperationContext, data: PriceBookItemCreateInput) -> PriceBookItemRead:
    """Add a service you sell (name, category, unit, price of one) to your price
    book; estimate and invoice lines may then copy its name and price.
    PRICE_BOOK_ITEM_NAME_TAKEN for a name already in the book."""
    item = await price_book.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"name": item.name, "unitPrice": str(item.unit_price)}
    return PriceBookItemRead.model_validate(item)


@operation(
    "priceBookItem/v1/update",
    input=PriceBookItemUpdateInput,
    output=PriceBookItemRead,
    kind="price_book_item",
    action="update",
    target=PriceBookItem,
    summary="Change or retire a service of the price book",
)
async def update_price_book_item(ctx: OperationContext, data: PriceBookItemUpdateInput) -> PriceBookItemRead:
    """Change a service; only the fields given change. Lines already priced from
    it keep the price they copied. `active: false` retires it (no new line may
    use it); services are retired, never deleted. PRICE_BOOK_ITEM_NAME_TAKEN for
    a name already in the book."""
    item: PriceBookItem = ctx.target
    ctx.audit_summary = {"changed": await price_book.update(ctx.session, item, data)}
    return PriceBookItemRead.model_validate(item)


@operation(
    "priceBookItem/v1/get",
    input=PriceBookItemGetInput,
    output=PriceBookItemRead,
    kind="price_book_item",
    action="read",
    target=PriceBookItem,
    mutates=False,
    summary="Read a service of the price book",
)
async def get_price_book_item(ctx: OperationContext, data: PriceBookItemGetInput) -> PriceBookItemRead:
    """One service of your price book."""
    return PriceBookItemRead.model_validate(ctx.target)


@operation(
    "priceBookItem/v1/list",
    input=PriceBookItemListInput,
    output=PriceBookItemConnection,
    kind="price_book_item",
    action="list",
    mutates=False,
    graphql_name="priceBookItems",
    summary="List the price book",
)
async def list_price_book_items(ctx: OperationContext, data: PriceBookItemListInput) -> PriceBookItemConnection:
    """Your price book by name, optionally of one category, offered or retired."""
    rows, page = await price_book.page(ctx.session, data, await ctx.visible("price_book_item", "read", PriceBookItem))
    return as_connection(PriceBookItemConnection, rows, page)

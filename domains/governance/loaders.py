"""Request-scoped loaders of the governance domain: one statement per level of
a nested read, admitting only the rows Cerbos lets the caller read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from domains.governance.models import Office, Seat
from domains.governance.service import seats
from graph.pages import group


def current_seats(ctx: Any) -> DataLoader[UUID, list[Seat]]:
    """`CurrentSeatsByBody`: the terms in force today, earliest start first."""

    async def load(body_ids: list[UUID]) -> list[list[Seat]]:
        visible = await ctx.visible("governing_body", "read", Seat)
        async with ctx.read_session() as session:
            rows = await seats.current_seats_of(session, body_ids, visible)
        return group(rows, "body_id", body_ids)

    return ctx.loaders.keyed(("current_seats",), load)


def _current_offices(ctx: Any, by: str) -> DataLoader[UUID, list[Office]]:
    async def load(keys: list[UUID]) -> list[list[Office]]:
        visible = await ctx.visible("governing_body", "read", Office)
        async with ctx.read_session() as session:
            rows = await seats.current_offices_of(session, getattr(Office, by), keys, visible)
        return group(rows, by, keys)

    return ctx.loaders.keyed(("current_offices", by), load)


def current_offices_by_body(ctx: Any) -> DataLoader[UUID, list[Office]]:
    """`CurrentOfficesByBody`, by title."""
    return _current_offices(ctx, "body_id")


def current_offices_by_seat(ctx: Any) -> DataLoader[UUID, list[Office]]:
    """`CurrentOfficesBySeat`, by title."""
    return _current_offices(ctx, "seat_id")

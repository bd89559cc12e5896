"""Amenities and their booking rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from domains.amenities.errors import AmenityNameTaken, InvalidAmenityRules
from domains.amenities.models import Amenity
from graph.db import add_or_raise, flush_or_raise
from graph.pages import Page, page_statement


def zone(amenity: Amenity) -> ZoneInfo:
    return ZoneInfo(amenity.time_zone)


def check(amenity: Amenity) -> None:
    """The rules agree with each other (the database checks the ranges too)."""
    try:
        zone(amenity)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidAmenityRules(f"{amenity.time_zone} is not a known IANA time zone.", field=["timeZone"]) from None
    day = datetime(2000, 1, 3)
    opens, closes = datetime.combine(day, amenity.opens_at), datetime.combine(day, amenity.closes_at)
    if opens + timedelta(minutes=amenity.slot_minutes) > closes:
        raise InvalidAmenityRules("Not one slot fits between the opening and the closing time.", field=["closesAt"])


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> Amenity:
    amenity = Amenity(organization_id=organization_id, is_active=True, **data.model_dump())
    check(amenity)
    await add_or_raise(session, amenity, AmenityNameTaken(f"The association has an amenity named {data.name}.", field=["name"]))
    return amenity


async def update(session: AsyncSession, amenity: Amenity, data: Any) -> dict[str, Any]:
    nullable = {"max_bookings_per_unit_week", "max_days_past_due"}
    changed = {}
    for name in sorted(data.model_fields_set - {"id"}):
        new, old = getattr(data, name), getattr(amenity, name)
        if new is None and name not in nullable:
            continue  # not nullable: null leaves it as it is
        if new != old:
            changed[name] = {"from": None if old is None else str(old), "to": None if new is None else str(new)}
            setattr(amenity, name, new)
    check(amenity)
    await flush_or_raise(session, AmenityNameTaken("The association has an amenity of that name.", field=["name"]))
    return changed


async def amenity_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Amenity], Page]:
    page = Page(data.first, data.after, "name")
    where = [visible, Amenity.association_id == data.association_id]
    if data.kind is not None:
        where.append(Amenity.kind == data.kind)
    if data.active is not None:
        where.append(Amenity.is_active.is_(data.active))
    return (await session.scalars(page_statement(Amenity, page, where))).all(), page

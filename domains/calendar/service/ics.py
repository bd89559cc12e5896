"""Calendar items as an iCalendar document (RFC 5545), written by `icalendar`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from domains.calendar.service.items import Item

PRODUCT = "-//Hestami//Calendar feed//EN"


def document(items: Iterable[Item], name: str, now: datetime | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    stamp = now or datetime.now(UTC)
    for item in items:
        event = Event()
        event.add("uid", f"{item.id}@hestami.app")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        event.add("categories", [item.kind.value])
        if item.all_day and item.day is not None:
            event.add("dtstart", item.day)
            event.add("dtend", item.day + timedelta(days=1))
            event.add("transp", "TRANSPARENT")
        else:
            event.add("dtstart", item.starts_at)
            if item.ends_at is not None:
                event.add("dtend", item.ends_at)
        if item.location:
            event.add("location", item.location)
        if item.amount is not None:
            event.add("description", f"Amount due: {item.amount:,.2f}")
        calendar.add_component(event)
    return calendar.to_ical()

"""Error codes of the calendar domain."""

from __future__ import annotations

from graph.errors import AppError


class CalendarFeedRevoked(AppError):
    """The calendar feed is already revoked: its URL works no more."""

    code = "CALENDAR_FEED_REVOKED"
    status = 409

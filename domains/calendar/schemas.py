"""API models of the calendar domain: feeds (derived from their table) and the
items a calendar shows, which come from other domains' rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Self

from pydantic import Field, model_validator

from domains.associations.models import AssociationId, UnitId
from domains.calendar.models import CalendarFeed, CalendarFeedId, CalendarItemKind
from graph.auth.sealing import SealedAtRest
from graph.schemas import ApiModel, Money, connection_model, derive

# The longest window one page of items may span: a year and a day (a leap year).
MAX_WINDOW_DAYS = 366

CalendarFeedRead = derive(
    CalendarFeed,
    "CalendarFeed",
    ["id", "user_id", "label", "token_hint", "created_at", "revoked_at", "revoked_by"],
    node=True,
)
CalendarFeedCreateInput = derive(
    CalendarFeed,
    "CalendarFeedCreateInput",
    ["label"],
    doc="A new feed of your calendar; name it after where you will use it.",
    constraints={"label": {"min_length": 1, "pattern": r"^\S(.*\S)?$"}},
)


class CalendarFeedCreated(ApiModel):
    """A new calendar feed and its secret URL. The URL is shown only in this
    response (and its idempotent replays for 24 hours): anyone holding it reads
    your calendar, so give it only to your calendar app; revoke it if it leaks."""

    calendar_feed: CalendarFeedRead = Field(description="The feed.")
    token: Annotated[str, SealedAtRest()] = Field(description="The feed's secret token.")
    path: Annotated[str, SealedAtRest()] = Field(
        description="Where the feed is served, relative to the API's origin: `/calendar/<token>.ics` (iCalendar, RFC 5545)."
    )


class CalendarFeedRevokeInput(ApiModel):
    """The feed whose URL stops working now."""

    id: CalendarFeedId = Field(description="The calendar feed.")


class CalendarFeedListInput(ApiModel):
    """Your calendar feeds in the active organization, newest first."""

    include_revoked: bool = Field(False, description="Also list revoked feeds.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


CalendarFeedConnection = connection_model(CalendarFeedRead)


class CalendarItemListInput(ApiModel):
    """Calendar items of the active organization between two days, soonest first."""

    from_: date | None = Field(None, alias="from", description="First day of the window (default today, UTC).")
    to: date | None = Field(
        None, description=f"Last day of the window, inclusive (default 90 days after `from`; at most {MAX_WINDOW_DAYS} days)."
    )
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.from_ is not None and self.to is not None:
            if self.to < self.from_:
                raise ValueError("`to` is before `from`")
            if (self.to - self.from_).days > MAX_WINDOW_DAYS:
                raise ValueError(f"a window spans at most {MAX_WINDOW_DAYS} days")
        return self


class CalendarItem(ApiModel):
    """One dated thing you may see: a meeting, charges due, an assessment not
    levied yet, a booking, an ARC decision deadline, a violation's cure deadline or hearing."""

    id: str = Field(
        description="Stable identity of the item, also its iCalendar UID: the kind, the record's id and, "
        "for charges, the unit and the day (a projected charge: its schedule, the unit and the day)."
    )
    kind: CalendarItemKind = Field(description="What it is.")
    title: str = Field(description="What it says on the calendar.")
    location: str | None = Field(description="Where (a meeting's place or video link; the amenity booked).")
    starts_at: datetime = Field(description="When it starts (UTC); an all-day item's day at 00:00 UTC.")
    ends_at: datetime | None = Field(description="When it ends (UTC), when it has a known end.")
    all_day: bool = Field(description="A day rather than a time (a due date, a deadline, a hearing day).")
    day: date | None = Field(description="The day of an all-day item.")
    association_id: AssociationId = Field(description="The association it belongs to.")
    unit_id: UnitId | None = Field(description="The unit it is about, if one.")
    subject_id: str = Field(
        description="Id of the record it comes from (a meeting, unit, booking, ARC request or violation; "
        "for a projected charge, the assessment schedule)."
    )
    amount: Money | None = Field(
        description="Charges due: their total; a projected charge: what a levy started now would charge the unit."
    )


CalendarItemConnection = connection_model(CalendarItem)

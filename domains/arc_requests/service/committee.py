"""The architectural committee is governance's: the body an association's
review settings name. Who sits on it is whoever holds a term on that body on
the day (through their party's user); its chair is the holder of the body's
`chair` office. Nothing here keeps seats of its own."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.arc_requests.errors import NotACommittee
from domains.arc_requests.models import ArcSettings
from domains.associations.models import Party
from domains.governance.models import GoverningBody, GoverningBodyKind, GoverningBodyStatus, Office, OfficeTitle, Seat
from domains.governance.service.seats import held_on


def seated(user_id: Any, on: Any) -> Any:
    """The associations whose committee the user sits on, on `on` (a statement)."""
    return (
        select(ArcSettings.association_id)
        .join(
            GoverningBody,
            and_(GoverningBody.organization_id == ArcSettings.organization_id, GoverningBody.id == ArcSettings.committee_body_id),
        )
        .join(Seat, and_(Seat.organization_id == GoverningBody.organization_id, Seat.body_id == GoverningBody.id))
        .join(Party, and_(Party.organization_id == Seat.organization_id, Party.id == Seat.party_id))
        .where(
            Party.user_id == user_id,
            GoverningBody.status == GoverningBodyStatus.ACTIVE,
            held_on(Seat.starts_on, Seat.ends_on, on),
        )
    )


async def seat_of(session: AsyncSession, association_id: UUID, user_id: UUID | None, on: date) -> tuple[Seat, bool] | None:
    """The user's term on the association's committee on `on`, and whether they hold its chair then."""
    if user_id is None:
        return None
    chair = exists().where(
        Office.seat_id == Seat.id, Office.title == OfficeTitle.CHAIR, held_on(Office.starts_on, Office.ends_on, on)
    )
    row = (
        await session.execute(
            select(Seat, chair.label("chair"))
            .join(
                ArcSettings,
                and_(ArcSettings.organization_id == Seat.organization_id, ArcSettings.committee_body_id == Seat.body_id),
            )
            .join(GoverningBody, and_(GoverningBody.organization_id == Seat.organization_id, GoverningBody.id == Seat.body_id))
            .join(Party, and_(Party.organization_id == Seat.organization_id, Party.id == Seat.party_id))
            .where(
                ArcSettings.association_id == association_id,
                Party.user_id == user_id,
                GoverningBody.status == GoverningBodyStatus.ACTIVE,
                held_on(Seat.starts_on, Seat.ends_on, on),
            )
            .limit(1)
        )
    ).first()
    return None if row is None else (row[0], bool(row[1]))


async def require_committee(session: AsyncSession, association_id: UUID, body_id: UUID | None) -> None:
    """`body_id` may be the association's architectural committee."""
    if body_id is None:
        return
    body = await session.get(GoverningBody, body_id)
    if (
        body is None
        or body.association_id != association_id
        or body.kind is not GoverningBodyKind.COMMITTEE
        or body.status is not GoverningBodyStatus.ACTIVE
    ):
        raise NotACommittee(
            "The architectural committee is one of the association's committees that sits (governingBody/v1/list).",
            field=["committeeBodyId"],
        )

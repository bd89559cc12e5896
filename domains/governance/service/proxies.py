"""Proxies: an owner gives their unit's vote at one meeting to another owner
or a named person, general or directed, until the meeting opens. One proxy in
force per unit and meeting (a partial unique index), so a unit's weight is
never given twice; revoking one frees the unit for another."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Ownership, Unit
from domains.governance.errors import (
    InvalidProxyDirections,
    NotEntitledToAttend,
    ProxiesNotAllowed,
    ProxyAlreadyGiven,
    ProxyLocked,
)
from domains.governance.models import MEMBERSHIP_KINDS, Meeting, MeetingAgendaItem, MeetingProxy, ProxyKind
from domains.governance.service import meetings
from graph.db import add_or_raise
from graph.errors import InvalidReference
from graph.pages import Page, page_statement


def _open(meeting: Meeting) -> None:
    if meeting.status not in meetings.PROXIES_OPEN:
        raise ProxyLocked(
            f"This meeting is {meeting.status.value}: proxies are given and revoked only until it opens.", field=["meetingId"]
        )


async def _directions(session: AsyncSession, meeting: Meeting, data: Any) -> list[dict[str, Any]]:
    if data.kind is ProxyKind.GENERAL:
        if data.directions:
            raise InvalidProxyDirections("A general proxy gives no directions.", field=["directions"])
        return []
    named = [d.agenda_item_id for d in data.directions]
    if not named or len(set(named)) != len(named):
        raise InvalidProxyDirections("A directed proxy names each item it directs once, at least one.", field=["directions"])
    votable = set(
        (
            await session.scalars(
                select(MeetingAgendaItem.id).where(
                    MeetingAgendaItem.meeting_id == meeting.id, MeetingAgendaItem.requires_vote, MeetingAgendaItem.id.in_(named)
                )
            )
        ).all()
    )
    if votable != set(named):
        raise InvalidProxyDirections("Directions name agenda items of this meeting that require a vote.", field=["directions"])
    return [{"agendaItemId": str(d.agenda_item_id), "choice": d.choice.value} for d in data.directions]


async def build(session: AsyncSession, meeting: Meeting, data: Any, by: UUID) -> MeetingProxy:
    """The proxy about to be given (unsaved), checked: a membership meeting
    whose settings allow proxies, not yet open; a current owner of a unit of
    its association giving it; a holder who is not the grantor."""
    if meeting.kind not in MEMBERSHIP_KINDS or not (await meetings.settings_of(session, meeting.association_id)).proxies_allowed:
        raise ProxiesNotAllowed("Proxies are given for membership meetings whose association allows them.", field=["meetingId"])
    _open(meeting)
    if (data.holder_party_id is None) == (data.holder_name is None):
        raise InvalidReference("Name the holder: `holderPartyId` or `holderName`, one of them.", field=["holderPartyId"])
    if data.holder_party_id == data.grantor_party_id:
        raise InvalidReference("An owner doesn't hold their own proxy.", field=["holderPartyId"])
    owner = await session.scalar(
        select(Ownership.id)
        .join(Unit, Unit.id == Ownership.unit_id)
        .where(
            Ownership.unit_id == data.unit_id,
            Ownership.party_id == data.grantor_party_id,
            Unit.association_id == meeting.association_id,
            meetings._owners_today(),
        )
    )
    if owner is None:
        raise NotEntitledToAttend("The grantor is not a current owner of that unit of the association.", field=["grantorPartyId"])
    return MeetingProxy(
        organization_id=meeting.organization_id,
        association_id=meeting.association_id,
        meeting_id=meeting.id,
        unit_id=data.unit_id,
        grantor_party_id=data.grantor_party_id,
        holder_party_id=data.holder_party_id,
        holder_name=data.holder_name,
        kind=data.kind,
        directions=await _directions(session, meeting, data),
        granted_by=by,
    )


async def give(session: AsyncSession, proxy: MeetingProxy) -> None:
    await add_or_raise(
        session, proxy, ProxyAlreadyGiven("The unit has a proxy in force for this meeting: revoke it first.", field=["unitId"])
    )


async def revoke(session: AsyncSession, proxy: MeetingProxy, meeting: Meeting, by: UUID) -> None:
    _open(meeting)
    if proxy.revoked_at is not None:
        raise ProxyLocked("This proxy is already revoked.", field=["id"])
    proxy.revoked_at, proxy.revoked_by = datetime.now(UTC), by
    await session.flush()


def direction(proxy: MeetingProxy, agenda_item_id: UUID | None) -> str | None:
    """The vote a directed proxy requires on an item (None: the holder's choice)."""
    for d in proxy.directions:
        if agenda_item_id is not None and d["agendaItemId"] == str(agenda_item_id):
            return str(d["choice"])
    return None


async def page(
    session: AsyncSession, meeting_id: UUID, data: Any, visible: ColumnElement[bool]
) -> tuple[Sequence[MeetingProxy], Page]:
    p = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, MeetingProxy.meeting_id == meeting_id]
    if not data.include_revoked:
        where.append(MeetingProxy.revoked_at.is_(None))
    return (await session.scalars(page_statement(MeetingProxy, p, where))).all(), p

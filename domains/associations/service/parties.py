"""Parties and their contact points."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.errors import (
    ElectronicConsentRequired,
    PartyUserTaken,
    UserNotMember,
)
from domains.associations.models import ContactPoint, DeliveryPreference, Party
from domains.organizations.models import Membership
from graph.db import add_or_raise, flush_or_raise
from graph.handlers import changes
from graph.pages import Page, page_statement


async def _check_user(session: AsyncSession, organization_id: UUID, user_id: UUID | None) -> None:
    if user_id is None:
        return
    member = await session.scalar(
        select(Membership.id).where(Membership.organization_id == organization_id, Membership.user_id == user_id)
    )
    if member is None:
        raise UserNotMember("`userId` must name a member of this organization.", field=["userId"])


def _check_consent(party: Party) -> None:
    if party.delivery_preference is not DeliveryPreference.POSTAL and party.electronic_consent_at is None:
        raise ElectronicConsentRequired(
            "Electronic delivery needs the time the party consented to it (`electronicConsentAt`).",
            field=["electronicConsentAt"],
        )


def _user_taken() -> PartyUserTaken:
    return PartyUserTaken("That user is already linked to another party here.", field=["userId"])


async def set_contact_points(session: AsyncSession, party: Party, points: Sequence[Any] | None) -> None:
    if points is None:
        return
    await session.execute(delete(ContactPoint).where(ContactPoint.party_id == party.id))
    session.add_all(ContactPoint(organization_id=party.organization_id, party_id=party.id, **p.model_dump()) for p in points)


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> Party:
    await _check_user(session, organization_id, data.user_id)
    party = Party(organization_id=organization_id, **data.model_dump(exclude={"contact_points"}))
    _check_consent(party)
    await add_or_raise(session, party, _user_taken())
    await set_contact_points(session, party, data.contact_points)
    return party


async def update(session: AsyncSession, party: Party, data: Any) -> dict[str, Any]:
    if "user_id" in data.model_fields_set:
        await _check_user(session, party.organization_id, data.user_id)
    changed = changes(party, data, skip=("id", "contact_points"))
    _check_consent(party)
    if "user_id" in changed:
        await flush_or_raise(session, _user_taken())
    await set_contact_points(session, party, data.contact_points)
    if data.contact_points is not None:
        changed["contact_points"] = {"from": None, "to": str(len(data.contact_points))}
    await session.flush()
    return changed


def page_of(data: Any) -> Page:
    return Page(data.first, data.after, "name")


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> list[Party]:
    where = [visible]
    if data.search:
        prefix = data.search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append(func.lower(Party.name).like(prefix + "%"))
    return list((await session.scalars(page_statement(Party, page_of(data), where))).all())

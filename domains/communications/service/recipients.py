"""Who an audience is, and how each of them is reached.

One statement per audience finds its people — with a unit of theirs in the
association, its address, their primary email and their delivery preference —
one row per person however many units they own. Each person is then reached by
email only where they consented to electronic delivery (`electronic_consent_at`
recorded, a preference other than postal, an email address on file); otherwise,
and also when they asked for both, by a printed letter to their mailing address
(or their unit's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, any_, func, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import (
    Association,
    ContactPoint,
    ContactPointKind,
    DeliveryPreference,
    Ownership,
    Party,
    Resident,
    ResidentKind,
    Unit,
    UnitStatus,
)
from domains.communications.errors import AudienceRefMissing, NoRecipients
from domains.communications.models import Audience, Channel
from domains.governance.models import GoverningBody, GoverningBodyKind, GoverningBodyStatus, Seat
from domains.identity.models import User
from domains.organizations.models import Membership
from domains.payables.models import Vendor


@dataclass(frozen=True)
class Recipient:
    """One person (or provider) an audience reaches, on one channel."""

    key: str
    name: str
    channel: Channel
    address: str
    party_id: UUID | None = None
    vendor_id: UUID | None = None
    user_id: UUID | None = None
    unit_number: str = ""
    unit_address: str = ""
    unit_id: UUID | None = None


def _today() -> Any:
    return func.current_date()


def _current(starts: Any, ends: Any) -> ColumnElement[bool]:
    return and_(starts <= _today(), or_(ends.is_(None), ends > _today()))


_EMAIL = (
    select(ContactPoint.value)
    .where(ContactPoint.party_id == Party.id, ContactPoint.kind == ContactPointKind.EMAIL)
    .order_by(ContactPoint.is_primary.desc(), ContactPoint.created_at)
    .limit(1)
    .scalar_subquery()
)
_UNIT_ADDRESS = func.concat_ws(", ", Unit.street, Unit.city, func.concat_ws(" ", Unit.region, Unit.postal_code))
_COLUMNS = (Party, Unit.unit_number, _UNIT_ADDRESS, _EMAIL)


def _people(association_id: UUID, audience: Audience, ref: UUID | None) -> Select[Any]:
    in_association = and_(Unit.association_id == association_id, Unit.status == UnitStatus.ACTIVE)
    if audience in (Audience.ALL_OWNERS, Audience.UNIT_OWNERS):
        statement = (
            select(*_COLUMNS)
            .join(Ownership, and_(Ownership.party_id == Party.id, _current(Ownership.starts_on, Ownership.ends_on)))
            .join(Unit, and_(Unit.id == Ownership.unit_id, in_association))
        )
        if audience is Audience.UNIT_OWNERS:
            statement = statement.where(Unit.id == ref)
    elif audience in (Audience.TENANTS, Audience.RESIDENTS):
        on = and_(Resident.party_id == Party.id, _current(Resident.moved_in_on, Resident.moved_out_on))
        if audience is Audience.TENANTS:
            on = and_(on, Resident.kind == ResidentKind.TENANT)
        statement = select(*_COLUMNS).join(Resident, on).join(Unit, and_(Unit.id == Resident.unit_id, in_association))
    else:  # the board or a committee: current seats; a unit of theirs if they own one
        body = GoverningBody.id == ref if audience is Audience.COMMITTEE else GoverningBody.kind == GoverningBodyKind.BOARD
        statement = (
            select(*_COLUMNS)
            .join(Seat, Seat.party_id == Party.id)
            .join(
                GoverningBody,
                and_(
                    GoverningBody.id == Seat.body_id,
                    GoverningBody.association_id == association_id,
                    GoverningBody.status == GoverningBodyStatus.ACTIVE,
                    body,
                ),
            )
            .outerjoin(Ownership, and_(Ownership.party_id == Party.id, _current(Ownership.starts_on, Ownership.ends_on)))
            .outerjoin(Unit, and_(Unit.id == Ownership.unit_id, in_association))
            .where(Seat.starts_on <= _today(), Seat.ends_on > _today())
        )
    return statement.order_by(Party.id, Unit.unit_sort.nulls_last()).ext(distinct_on(Party.id))


def reach(party: Party, email: str | None, unit_number: str | None, unit_address: str | None) -> list[Recipient]:
    """The channels a party is reached on: email with consent, else (or also, for `both`) printed mail."""
    electronic = party.delivery_preference is not DeliveryPreference.POSTAL and party.electronic_consent_at is not None
    out = []

    def one(channel: Channel, address: str) -> Recipient:
        return Recipient(
            key=f"party:{party.id}:{channel.value}",
            name=party.name,
            channel=channel,
            address=address,
            party_id=party.id,
            user_id=party.user_id,
            unit_number=unit_number or "",
            unit_address=unit_address or "",
        )

    if electronic and email:
        out.append(one(Channel.EMAIL, email))
    if not out or party.delivery_preference is DeliveryPreference.BOTH:
        out.append(one(Channel.MAIL, (party.mailing_address or unit_address or "")[:400]))
    return out


async def of_audience(
    session: AsyncSession,
    association_id: UUID,
    audience: Audience,
    ref: UUID | None = None,
    provider_email: str | None = None,
) -> list[Recipient]:
    """Everyone `audience` reaches in the association, each on their channels.
    An audience that names a unit, committee or vendor needs it (AUDIENCE_REF_MISSING);
    one that reaches nobody is NO_RECIPIENTS."""
    needs_ref = (Audience.UNIT_OWNERS, Audience.COMMITTEE, Audience.PROVIDER_CONTACT)
    if audience in needs_ref and ref is None:
        raise AudienceRefMissing(f"The {audience.value} audience names its unit, committee or vendor.", field=["audienceRef"])
    if audience is Audience.PROVIDER_CONTACT:
        vendor = await session.get(Vendor, ref)
        if vendor is None:
            raise NoRecipients("No such vendor in this organization.", field=["audienceRef"])
        if provider_email:
            return [
                Recipient(
                    key=f"vendor:{vendor.id}:email",
                    name=vendor.name,
                    channel=Channel.EMAIL,
                    address=provider_email,
                    vendor_id=vendor.id,
                )
            ]
        address = vendor.remittance_address or ""
        return [
            Recipient(
                key=f"vendor:{vendor.id}:mail", name=vendor.name, channel=Channel.MAIL, address=address, vendor_id=vendor.id
            )
        ]
    rows = (await session.execute(_people(association_id, audience, ref))).all()
    out = [r for party, number, address, email in rows for r in reach(party, email, number, address)]
    if not out:
        raise NoRecipients(f"The {audience.value} audience reaches nobody in this association today.", field=["audience"])
    return out


async def owners(session: AsyncSession, association_id: UUID, party_id: UUID | None = None) -> list[Recipient]:
    """The association's current owners (or the one party), each on their channels."""
    statement = _people(association_id, Audience.ALL_OWNERS, None)
    if party_id is not None:
        statement = statement.where(Party.id == party_id)
    rows = (await session.execute(statement.limit(1 if party_id is None else 2))).all()
    return [r for party, number, address, email in rows for r in reach(party, email, number, address)]


async def owners_of_units(session: AsyncSession, association_id: UUID, unit_ids: Sequence[UUID]) -> list[Recipient]:
    """The current owners of each of these units of the association, each on
    their channels, with the unit (`unit_id`): an owner of two of them is
    reached once for each. One statement, however many units."""
    if not unit_ids:
        return []
    statement = (
        select(*_COLUMNS, Unit.id)
        .join(Ownership, and_(Ownership.party_id == Party.id, _current(Ownership.starts_on, Ownership.ends_on)))
        .join(Unit, and_(Unit.id == Ownership.unit_id, Unit.association_id == association_id, Unit.id.in_(unit_ids)))
        .order_by(Unit.id, Party.id)
        .ext(distinct_on(Unit.id, Party.id))
    )
    rows = (await session.execute(statement)).all()
    return [
        replace(r, unit_id=unit_id)
        for party, number, address, email, unit_id in rows
        for r in reach(party, email, number, address)
    ]


async def of_party(session: AsyncSession, party_id: UUID, unit_id: UUID | None = None) -> list[Recipient]:
    """One party (an owner or a resident), on their channels, about `unit_id` if given."""
    row = (await session.execute(select(Party, _EMAIL).where(Party.id == party_id))).one_or_none()
    if row is None:
        return []
    unit = None
    if unit_id is not None:
        unit = (await session.execute(select(Unit.unit_number, _UNIT_ADDRESS).where(Unit.id == unit_id))).one_or_none()
    number, address = unit if unit is not None else (None, None)
    return [replace(r, unit_id=unit_id) for r in reach(row[0], row[1], number, address)]


async def board(session: AsyncSession, association_id: UUID) -> list[Recipient]:
    """The members of the association's board today, on their channels (none if it has no board)."""
    rows = (await session.execute(_people(association_id, Audience.BOARD, None))).all()
    return [r for p, number, address, email in rows for r in reach(p, email, number, address)]


def _user(user_id: UUID, name: str, email: str) -> Recipient:
    return Recipient(key=f"user:{user_id}:email", name=name, channel=Channel.EMAIL, address=email, user_id=user_id)


async def staff(session: AsyncSession, organization_id: UUID, roles: Sequence[str]) -> list[Recipient]:
    """The organization's members holding any of `roles` (its admins, its managers),
    by email to the address they sign in with — their own account, so no owner's
    consent is needed — and in their portal inbox."""
    rows = (
        await session.execute(
            select(User.id, User.display_name, User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organization_id == organization_id, or_(*(any_(Membership.roles) == role for role in roles)))
            .order_by(User.id)
        )
    ).all()
    return [_user(user_id, name, email) for user_id, name, email in rows]


async def of_user(session: AsyncSession, user_id: UUID) -> list[Recipient]:
    """A user with no party of their own in the organization, by email to the
    address they sign in with, and in their portal inbox."""
    row = (await session.execute(select(User.display_name, User.email).where(User.id == user_id))).one_or_none()
    return [] if row is None else [_user(user_id, row[0], row[1])]


async def association_vars(session: AsyncSession, association_id: UUID) -> dict[str, str]:
    """The `association` variable of every letter."""
    row = (await session.execute(select(Association.legal_name, Association.code).where(Association.id == association_id))).one()
    return {"name": row[0], "code": row[1]}


def recipient_vars(recipient: Recipient) -> dict[str, dict[str, str]]:
    """The `recipient` and `unit` variables of a letter to `recipient`."""
    return {
        "recipient": {"name": recipient.name, "address": recipient.address},
        "unit": {"number": recipient.unit_number, "address": recipient.unit_address},
    }

"""Recording, revoking and listing ACH authorizations. The bank numbers come in
sealed by the caller (graph/auth/sealing.py) and never leave sealed; only
their last four digits are kept in the clear."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.ach.errors import AuthorizationExists, AuthorizationNotActive, InvalidRoutingNumber
from domains.ach.models import AchAuthorization, AchAuthorizationStatus
from domains.ach.service.nacha import routing_valid
from domains.associations.models import Association, Unit
from domains.payables.models import Vendor
from graph.auth.sealing import Sealer
from graph.db import add_or_raise, new_id
from graph.errors import ValidationFailed
from graph.handlers import require
from graph.pages import Page, page_statement


async def create(session: AsyncSession, organization_id: UUID, data: Any, sealer: Sealer, by: UUID) -> AchAuthorization:
    if (data.unit_id is None) == (data.vendor_id is None):
        raise ValidationFailed("Name exactly one of a unit (autopay) and a vendor.", field=["unitId"])
    if not routing_valid(data.routing_number):
        raise InvalidRoutingNumber("The routing number fails its check digit.", field=["routingNumber"])
    await require(session, Association, data.association_id, "associationId")
    if data.unit_id is not None:
        unit = await require(session, Unit, data.unit_id, "unitId")
        if unit.association_id != data.association_id:
            raise ValidationFailed("The unit is in another association.", field=["unitId"])
    else:
        await require(session, Vendor, data.vendor_id, "vendorId")
    row = AchAuthorization(
        id=new_id(),
        organization_id=organization_id,
        association_id=data.association_id,
        unit_id=data.unit_id,
        vendor_id=data.vendor_id,
        holder_name=data.holder_name,
        account_kind=data.account_kind,
        routing_number=sealer.seal(data.routing_number),
        account_number=sealer.seal(data.account_number),
        routing_last4=data.routing_number[-4:],
        account_last4=data.account_number[-4:],
        authorized_on=data.authorized_on,
        terms=data.terms,
        max_amount=data.max_amount,
        autopay=data.autopay and data.unit_id is not None,
        status=AchAuthorizationStatus.ACTIVE,
        created_by=by,
    )
    await add_or_raise(
        session,
        row,
        AuthorizationExists(
            "There is an active authorization for this party already: revoke it first.",
            field=["unitId" if data.unit_id else "vendorId"],
        ),
    )
    return row


async def revoke(session: AsyncSession, row: AchAuthorization, data: Any, by: UUID) -> AchAuthorization:
    await session.refresh(row, with_for_update=True)
    if row.status is not AchAuthorizationStatus.ACTIVE:
        raise AuthorizationNotActive("This authorization is already revoked.", field=["id"])
    if data.revoked_on < row.authorized_on:
        raise ValidationFailed("An authorization can't be revoked before it was given.", field=["revokedOn"])
    await session.execute(
        update(AchAuthorization)
        .where(AchAuthorization.id == row.id)
        .values(
            status=AchAuthorizationStatus.REVOKED,
            revoked_on=data.revoked_on,
            revoke_reason=data.reason,
            revoked_by=by,
            updated_at=func.now(),
        )
    )
    await session.refresh(row)
    return row


async def set_autopay(session: AsyncSession, row: AchAuthorization, autopay: bool) -> AchAuthorization:
    await session.refresh(row, with_for_update=True)
    if row.status is not AchAuthorizationStatus.ACTIVE:
        raise AuthorizationNotActive("This authorization is revoked: record a new one.", field=["id"])
    if row.unit_id is None:
        raise ValidationFailed("A vendor's bank account has no autopay.", field=["id"])
    await session.execute(
        update(AchAuthorization).where(AchAuthorization.id == row.id).values(autopay=autopay, updated_at=func.now())
    )
    await session.refresh(row)
    return row


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[AchAuthorization], Page]:
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, AchAuthorization.association_id == data.association_id]
    if data.unit_id is not None:
        where.append(AchAuthorization.unit_id == data.unit_id)
    if data.status is not None:
        where.append(AchAuthorization.status == data.status)
    return (await session.scalars(page_statement(AchAuthorization, page, where))).all(), page

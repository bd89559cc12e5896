"""The receipt of an owner's payment: a letter to the unit's owners, written in
the payment's transaction (the outbox delivers it), once per payment."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.ach.models import AchAuthorization
from domains.communications.models import TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.communications.service.templates import money
from domains.owner_payments.models import OwnerPayment
from domains.receivables.service.payment_plans import unit_balance


async def send(session: AsyncSession, payment: OwnerPayment, actor: UUID) -> None:
    if payment.authorization_id is not None:
        last4 = await session.scalar(
            select(AchAuthorization.account_last4).where(AchAuthorization.id == payment.authorization_id)
        )
        method = f"bank account ending {last4}"
    else:
        method = f"card ({payment.processor})"
    balance = await unit_balance(session, payment.unit_id, payment.paid_at.date())
    variables = {
        "payment": {
            "receipt": payment.receipt_number,
            "amount": money(payment.amount),
            "method": method,
            "paid_on": payment.paid_at.date().isoformat(),
            "balance": money(balance),
        }
    }
    to = await people.owners_of_units(session, payment.association_id, [payment.unit_id])
    await outbox.write(
        session,
        payment.organization_id,
        payment.association_id,
        TemplateKind.PAYMENT_RECEIPT,
        f"owner-payment:{payment.id}",
        to,
        variables,
        actor,
    )

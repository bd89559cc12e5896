"""Owners' payments from the portal: a one-time payment an owner (or staff for
them) makes on a unit's balance — an ACH debit from the unit's saved
authorization, or a card charge taken by a payment processor — with its
receipt.

A payment posts at once on the unit's ledger as a pending payment (the balance
shows it the moment the owner pays) and is settled later: an ACH payment when
its debit — sent in the next morning's file of one-time debits — settles or is
returned (a trigger on `ach_entries` moves the payment with its entry, so the
ACH domain knows nothing of this one); a card payment when the processor calls
back. A returned or declined payment is reversed on the ledger through
receivables' returned-payment path.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import Date, DateTime, ForeignKeyConstraint, Index, Integer, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.ach import models as _ach  # noqa: F401  (FK targets)
from domains.receivables import models as _receivables  # noqa: F401  (FK targets)
from graph.db import Base, association_fk, new_id, pg_enum
from graph.schemas import register_id


class OwnerPaymentMethod(StrEnum):
    """How the owner pays."""

    ACH = "ach"
    """A debit from the unit's saved ACH authorization, sent in the next morning's file."""
    CARD = "card"
    """A card charge taken by the payment processor; the processor's reference is kept."""


class OwnerPaymentStatus(StrEnum):
    """A payment is pending until the bank or the processor settles or refuses it."""

    PENDING = "pending"
    """Posted on the ledger; the money has not cleared yet."""
    SETTLED = "settled"
    """The money cleared (the debit settled, or the processor confirmed the charge)."""
    RETURNED = "returned"
    """The bank returned the debit or the processor declined the charge: the payment was reversed."""


class OwnerPayment(Booked, Base):
    """A one-time payment an owner made on a unit's balance, pending until
    settled, with its receipt number."""

    __tablename__ = "owner_payments"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "receipt_number"),
        UniqueConstraint("organization_id", "payment_entry_id"),
        UniqueConstraint("organization_id", "processor", "processor_reference"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("unit_id", "units"),
        association_fk("authorization_id", "ach_authorizations"),
        ForeignKeyConstraint(
            ["organization_id", "payment_entry_id"], ["owner_ledger_entries.organization_id", "owner_ledger_entries.id"]
        ),
        ForeignKeyConstraint(["organization_id", "ach_entry_id"], ["ach_entries.organization_id", "ach_entries.id"]),
        # The morning's run looks for the ACH payments no file carries yet.
        Index(
            "ix_owner_payments_unfiled",
            "organization_id",
            "association_id",
            "debit_on",
            postgresql_where=text("method = 'ach' AND ach_entry_id IS NULL AND status = 'pending'"),
        ),
        Index("ix_owner_payments_unit", "organization_id", "unit_id", "paid_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The payment's id.")
    unit_id: Mapped[UUID] = mapped_column(doc="The unit whose balance it pays.")
    method: Mapped[OwnerPaymentMethod] = mapped_column(
        pg_enum(OwnerPaymentMethod, "owner_payment_method"), doc="ACH debit or card."
    )
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Amount paid.")
    status: Mapped[OwnerPaymentStatus] = mapped_column(
        pg_enum(OwnerPaymentStatus, "owner_payment_status"), doc="Pending, settled or returned."
    )
    receipt_number: Mapped[str] = mapped_column(String(20), doc="The receipt's number, sequential in the association.")
    receipt_seq: Mapped[int] = mapped_column(Integer, doc="The receipt's sequence number in the association.")
    authorization_id: Mapped[UUID | None] = mapped_column(doc="The ACH authorization debited (ACH).")
    debit_on: Mapped[date | None] = mapped_column(Date, doc="The day of the ACH file that carries the debit (ACH).")
    ach_entry_id: Mapped[UUID | None] = mapped_column(doc="The ACH entry once a file carries the debit (ACH).")
    processor: Mapped[str | None] = mapped_column(String(40), doc="The card processor that took the charge (card).")
    processor_reference: Mapped[str | None] = mapped_column(String(100), doc="The processor's id of the charge (card).")
    payment_entry_id: Mapped[UUID] = mapped_column(doc="The payment row it posted on the unit's ledger.")
    paid_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When the owner paid (UTC)."
    )
    paid_by: Mapped[UUID] = mapped_column(doc="The user who paid (the owner, or staff for them).")
    settled_on: Mapped[date | None] = mapped_column(Date, doc="When the money cleared.")
    return_reason: Mapped[str | None] = mapped_column(
        String(200), doc="Why it came back: the bank's return code, or the processor's decline."
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


OwnerPaymentId = register_id(OwnerPayment, "opy", "owner_payment")

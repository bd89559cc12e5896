"""ACH: money moving as bank files.

- An authorization is a party's bank account and their permission to move
  money through it: an owner's debit authorization for a unit (autopay, PPD
  debits on each due date) or a vendor's remittance instructions (CCD
  credits). The routing and account numbers are sealed (graph/auth/sealing.py)
  and only their last four digits are ever read. Revoking one keeps the row.
- A file is one NACHA file we originated, kept verbatim: the autopay debits of
  one association and due date (exactly once: unique per association and
  effective date), or a run of vendor credits.
- An entry is one line of a file: the owner payment it posted (pending until
  its deposit clears or the return window passes, then settled; or returned) or the vendor payment it pays.
- A return file is the bank's NACHA file of returned entries (R01, R02…),
  imported once by digest; each entry is returned at most once.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import Boolean, Date, DateTime, ForeignKeyConstraint, Index, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from domains.banking import models as _banking  # noqa: F401  (FK targets)
from domains.payables import models as _payables  # noqa: F401  (FK targets)
from domains.receivables import models as _receivables  # noqa: F401  (FK targets)
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class AchAccountKind(StrEnum):
    """The kind of bank account an authorization names (it picks the transaction code)."""

    CHECKING = "checking"
    """A checking account (codes 27 debit, 22 credit)."""
    SAVINGS = "savings"
    """A savings account (codes 37 debit, 32 credit)."""


class AchAuthorizationStatus(StrEnum):
    """An authorization is active until revoked."""

    ACTIVE = "active"
    """Files may use it."""
    REVOKED = "revoked"
    """Revoked: no file uses it again."""


class AchAuthorization(TimestampMixin, Booked, Base):
    """A party's bank account and permission to move money through it: an
    owner's debit authorization for a unit (autopay) or a vendor's remittance
    instructions. Its numbers are sealed; reads show their last four digits."""

    __tablename__ = "ach_authorizations"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"unit_id": "unit_id", "association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("unit_id", "units"),
        tenant_fk("vendor_id", "vendors"),
        # One active authorization per unit, and per vendor in an association.
        Index(
            "uq_ach_authorizations_active_unit",
            "organization_id",
            "unit_id",
            unique=True,
            postgresql_where=text("status = 'active' AND unit_id IS NOT NULL"),
        ),
        Index(
            "uq_ach_authorizations_active_vendor",
            "organization_id",
            "association_id",
            "vendor_id",
            unique=True,
            postgresql_where=text("status = 'active' AND vendor_id IS NOT NULL"),
        ),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The authorization's id.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit whose owner authorized debits (autopay); null for a vendor.")
    vendor_id: Mapped[UUID | None] = mapped_column(doc="The vendor paid by ACH credit; null for an owner's autopay.")
    holder_name: Mapped[str] = mapped_column(String(100), doc="Name on the bank account.")
    account_kind: Mapped[AchAccountKind] = mapped_column(pg_enum(AchAccountKind, "ach_account_kind"), doc="Checking or savings.")
    # Sealed (graph/auth/sealing.py): a file needs them whole, nobody reads them.
    routing_number: Mapped[str] = mapped_column(Text, doc="The bank's routing number, sealed.")
    account_number: Mapped[str] = mapped_column(Text, doc="The account number, sealed.")
    routing_last4: Mapped[str] = mapped_column(String(4), doc="Last four digits of the routing number.")
    account_last4: Mapped[str] = mapped_column(String(4), doc="Last four digits of the account number.")
    authorized_on: Mapped[date] = mapped_column(Date, doc="The day the holder signed the authorization.")
    terms: Mapped[str] = mapped_column(String(1000), doc="The terms the holder agreed to, as signed.")
    max_amount: Mapped[Decimal | None] = mapped_column(MONEY, doc="Most one debit may take, if the terms cap it.")
    autopay: Mapped[bool] = mapped_column(
        Boolean,
        server_default=text("true"),
        doc="Whether each due date debits the balance (autopay); off, the account stays saved for one-time payments. "
        "Always false for a vendor's.",
    )
    status: Mapped[AchAuthorizationStatus] = mapped_column(
        pg_enum(AchAuthorizationStatus, "ach_authorization_status"), doc="Active or revoked."
    )
    revoked_on: Mapped[date | None] = mapped_column(Date, doc="The day it was revoked.")
    revoke_reason: Mapped[str | None] = mapped_column(String(200), doc="Why it was revoked.")
    revoked_by: Mapped[UUID | None] = mapped_column(doc="Who revoked it.")
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that recorded it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class AchFileKind(StrEnum):
    """Debits we collect (autopay, PPD) or credits we pay (vendors, CCD)."""

    DEBIT = "debit"
    """Owners' autopay debits (PPD, codes 27/37)."""
    CREDIT = "credit"
    """Vendor payments (CCD, codes 22/32)."""
    ONE_TIME_DEBIT = "one_time_debit"
    """Owners' one-time payments from the portal (PPD, codes 27/37), a file each morning."""


class AchFile(Booked, Base):
    """A NACHA file we originated for an association's bank, kept verbatim."""

    __tablename__ = "ach_files"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("bank_account_id", "bank_accounts"),
        # Autopay debits: one file per association and due date, whatever replays.
        Index(
            "uq_ach_files_debit_date",
            "organization_id",
            "association_id",
            "effective_date",
            unique=True,
            postgresql_where=text("kind = 'debit'"),
        ),
        # Owners' one-time debits: one file per association and morning, likewise.
        Index(
            "uq_ach_files_one_time_debit_date",
            "organization_id",
            "association_id",
            "effective_date",
            unique=True,
            postgresql_where=text("kind = 'one_time_debit'"),
        ),
        UniqueConstraint("organization_id", "association_id", "effective_date", "file_id_modifier"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The file's id.")
    kind: Mapped[AchFileKind] = mapped_column(
        pg_enum(AchFileKind, "ach_file_kind"), doc="Autopay debits, vendor credits, or owners' one-time debits."
    )
    bank_account_id: Mapped[UUID] = mapped_column(doc="The association's bank account the money comes into or goes out of.")
    effective_date: Mapped[date] = mapped_column(Date, doc="The day the entries settle (a due date for autopay).")
    file_id_modifier: Mapped[str] = mapped_column(String(1), doc="Tells apart files of one day (A, B, …).")
    content: Mapped[str] = mapped_column(Text, doc="The NACHA file as sent to the bank.")
    digest: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the content, hex.")
    entry_count: Mapped[int] = mapped_column(Integer, doc="Entries in the file.")
    total: Mapped[Decimal] = mapped_column(MONEY, doc="Sum of the entries' amounts.")
    created_by: Mapped[UUID | None] = mapped_column(doc="User or service account that built it; null for the daily workflow.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was built (UTC)."
    )


class AchEntryStatus(StrEnum):
    """An entry is pending until its deposit clears or its return window passes (settled), or the bank returns it."""

    PENDING = "pending"
    """Sent; the bank has not returned it."""
    RETURNED = "returned"
    """The bank returned it: its payment was reversed."""
    SETTLED = "settled"
    """Its deposit cleared at the bank, or the return window passed: final, though a late
    return (an unauthorized debit, R10, may come back for 60 days) still reverses it."""


class AchEntry(Booked, Base):
    """One entry of a file: an owner's autopay debit (with the payment it
    posted) or a vendor credit (with the vendor payment it pays)."""

    __tablename__ = "ach_entries"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        # A return names its entry by trace number.
        UniqueConstraint("organization_id", "association_id", "trace_number"),
        association_fk("file_id", "ach_files"),
        association_fk("authorization_id", "ach_authorizations"),
        association_fk("unit_id", "units"),
        ForeignKeyConstraint(
            ["organization_id", "payment_entry_id"], ["owner_ledger_entries.organization_id", "owner_ledger_entries.id"]
        ),
        ForeignKeyConstraint(["organization_id", "vendor_payment_id"], ["vendor_payments.organization_id", "vendor_payments.id"]),
        ForeignKeyConstraint(
            ["organization_id", "return_entry_id"], ["owner_ledger_entries.organization_id", "owner_ledger_entries.id"]
        ),
        association_fk("return_file_id", "ach_return_files"),
        association_fk("settled_transaction_id", "bank_transactions"),
        # A vendor payment goes out in one file.
        UniqueConstraint("organization_id", "vendor_payment_id"),
        Index("ix_ach_entries_file", "organization_id", "file_id", "line_no"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The entry's id.")
    file_id: Mapped[UUID] = mapped_column(doc="The file.")
    line_no: Mapped[int] = mapped_column(Integer, doc="Its order in the file, from 1.")
    authorization_id: Mapped[UUID] = mapped_column(doc="The authorization it used.")
    trace_number: Mapped[str] = mapped_column(String(15), doc="The entry's trace number (the bank's handle on it).")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Amount debited or credited.")
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit debited (autopay or a one-time payment).")
    payment_entry_id: Mapped[UUID | None] = mapped_column(
        doc="The owner payment it carries (autopay posts it with the file; a one-time payment before)."
    )
    vendor_payment_id: Mapped[UUID | None] = mapped_column(doc="The vendor payment it pays (credits).")
    status: Mapped[AchEntryStatus] = mapped_column(pg_enum(AchEntryStatus, "ach_entry_status"), doc="Pending or returned.")
    return_code: Mapped[str | None] = mapped_column(
        String(3), doc="The bank's return reason (R01 insufficient funds, R02 account closed…)."
    )
    returned_on: Mapped[date | None] = mapped_column(Date, doc="When it came back.")
    return_file_id: Mapped[UUID | None] = mapped_column(doc="The return file that brought it back.")
    return_entry_id: Mapped[UUID | None] = mapped_column(doc="The owner-ledger row reversing its payment.")
    settled_on: Mapped[date | None] = mapped_column(
        Date, doc="When it settled: its deposit's day at the bank, or the last day of the return window."
    )
    settled_transaction_id: Mapped[UUID | None] = mapped_column(
        doc="The bank transaction its deposit cleared in; null when it settled by the return window passing."
    )


class AchReturnFile(Booked, Base):
    """The bank's file of returned entries, imported once (by its digest)."""

    __tablename__ = "ach_return_files"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "digest"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The return file's id.")
    digest: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the file, hex: a file is imported once.")
    line_count: Mapped[int] = mapped_column(Integer, doc="Returned entries in the file.")
    returned_count: Mapped[int] = mapped_column(Integer, doc="Entries whose payments this import reversed.")
    skipped_count: Mapped[int] = mapped_column(
        Integer, doc="Entries not reversed: unknown trace numbers, credits, or entries already returned."
    )
    imported_by: Mapped[UUID] = mapped_column(doc="User or service account that imported it.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was imported (UTC)."
    )


AchAuthorizationId = register_id(AchAuthorization, "ach", "ach_authorization")
AchFileId = register_id(AchFile, "acf", "ach_file")
AchEntryId = register_id(AchEntry, "ace", "ach_file")
AchReturnFileId = register_id(AchReturnFile, "acr", "ach_file")

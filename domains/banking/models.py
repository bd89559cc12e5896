"""Bank accounts of an association, the statements imported for them, their
transactions, the matches that clear book lines against those transactions, and
the monthly reconciliations.

- A bank account is tied to one cash account of the chart (an asset account of
  one fund): its book balance is that account's balance in that fund. Only the
  last four digits of the account number are kept.
- A transaction is unique per bank account by the bank's own id (OFX FITID, a
  CSV's id column or a digest of the row), so importing a statement twice adds
  nothing.
- A match says that one journal line of the cash account cleared in one bank
  transaction (several lines may clear in one transaction, a deposit of many
  payments). Undoing it stamps it, keeping the history; a line is in at most
  one live match (a partial unique index).
- A reconciliation of one account and month holds the statement's ending
  balance; finishing it records the book balance, the outstanding items and a
  zero difference, and locks the month: its matches can't be undone and no
  statement line can be added into it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.accounting.models import MONEY, Booked
from graph.db import Base, TimestampMixin, association_fk, new_id, pg_enum
from graph.schemas import register_id


class BankAccountKind(StrEnum):
    """The kind of account at the bank."""

    CHECKING = "checking"
    """A checking (current) account."""
    SAVINGS = "savings"
    """A savings account."""
    MONEY_MARKET = "money_market"
    """A money market account."""


class BankAccount(TimestampMixin, Booked, Base):
    """An association's account at a bank, tied to one cash account and fund of its chart."""

    __tablename__ = "bank_accounts"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        # One bank account per cash account: the book balance is the account's.
        UniqueConstraint("organization_id", "association_id", "gl_account_id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("gl_account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        CheckConstraint("ach_return_window_days BETWEEN 1 AND 90", name="ach_return_window"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The bank account's id.")
    name: Mapped[str] = mapped_column(String(100), doc="Name on reports (e.g. Operating Checking).")
    institution: Mapped[str] = mapped_column(String(100), doc="The bank.")
    kind: Mapped[BankAccountKind] = mapped_column(
        pg_enum(BankAccountKind, "bank_account_kind"), doc="Checking, savings or money market."
    )
    routing_number: Mapped[str | None] = mapped_column(String(9), doc="The bank's ABA routing number (nine digits).")
    account_number_last4: Mapped[str] = mapped_column(
        String(4), doc="Last four digits of the account number; the full number is never stored."
    )
    gl_account_id: Mapped[UUID] = mapped_column(doc="The cash account of the chart whose balance this account holds.")
    fund_id: Mapped[UUID] = mapped_column(doc="The cash account's fund (operating, reserve…).")
    opened_on: Mapped[date] = mapped_column(Date, doc="First day reconciled: months before it need no reconciliation to close.")
    is_active: Mapped[bool] = mapped_column(Boolean, doc="Inactive accounts keep their history but take no statements.")
    ach_return_window_days: Mapped[int] = mapped_column(
        SmallInteger,
        server_default=text("2"),
        doc="Days after an ACH debit's effective date that the bank may still return it for want of funds "
        "(the bank's agreement; two banking days under NACHA's rules): past them a debit whose deposit "
        "the statement never showed is settled.",
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


class StatementFormat(StrEnum):
    """The file a statement came in."""

    OFX = "ofx"
    """An OFX file from the bank."""
    CSV = "csv"
    """A CSV file read through its column mapping."""
    BAI2 = "bai2"
    """A BAI2 file (the banks' cash-management format): its detail records (type 16)."""


class BankStatement(Booked, Base):
    """One imported statement file of a bank account. The same file (by digest)
    is imported once; its transactions are kept once each however often they
    appear in files."""

    __tablename__ = "bank_statements"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "bank_account_id", "digest"),
        association_fk("bank_account_id", "bank_accounts"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The statement's id.")
    bank_account_id: Mapped[UUID] = mapped_column(doc="The bank account.")
    format: Mapped[StatementFormat] = mapped_column(pg_enum(StatementFormat, "statement_format"), doc="OFX, CSV or BAI2.")
    digest: Mapped[str] = mapped_column(String(64), doc="SHA-256 of the file, hex: the same file is imported once.")
    starts_on: Mapped[date | None] = mapped_column(Date, doc="First day the statement covers, if it says.")
    ends_on: Mapped[date | None] = mapped_column(Date, doc="Last day the statement covers, if it says.")
    ending_balance: Mapped[Decimal | None] = mapped_column(MONEY, doc="The bank's balance at the end, if the file gives it.")
    transaction_count: Mapped[int] = mapped_column(Integer, doc="Transactions in the file.")
    added_count: Mapped[int] = mapped_column(Integer, doc="Of those, the ones not already imported from an earlier file.")
    imported_by: Mapped[UUID] = mapped_column(doc="User or service account that imported it.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was imported (UTC)."
    )


class BankTransaction(Booked, Base):
    """A deposit or withdrawal the bank reported, once per bank transaction id."""

    __tablename__ = "bank_transactions"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "bank_account_id", "bank_transaction_id"),
        association_fk("bank_account_id", "bank_accounts"),
        association_fk("statement_id", "bank_statements"),
        Index("ix_bank_transactions_posted", "organization_id", "bank_account_id", "posted_on"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The transaction's id.")
    bank_account_id: Mapped[UUID] = mapped_column(doc="The bank account.")
    statement_id: Mapped[UUID] = mapped_column(doc="The statement that first brought it.")
    bank_transaction_id: Mapped[str] = mapped_column(
        String(100), doc="The bank's id of the transaction (OFX FITID, the CSV's id column, or a digest of the row)."
    )
    posted_on: Mapped[date] = mapped_column(Date, doc="The day the bank posted it.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Signed: positive a deposit, negative a withdrawal.")
    kind: Mapped[str | None] = mapped_column(String(20), doc="The bank's type of transaction (OFX TRNTYPE: CHECK, DEP, FEE…).")
    check_number: Mapped[str | None] = mapped_column(String(20), doc="Check number, for a check.")
    reference: Mapped[str | None] = mapped_column(String(60), doc="The bank's reference number.")
    description: Mapped[str | None] = mapped_column(String(255), doc="Payee or description, with the bank's memo.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was imported (UTC)."
    )


class MatchMethod(StrEnum):
    """How a match was made."""

    AUTOMATIC = "automatic"
    MANUAL = "manual"
    CREATED = "created"


class BankMatch(Booked, Base):
    """A journal line of the cash account cleared in a bank transaction."""

    __tablename__ = "bank_matches"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("bank_transaction_id", "bank_transactions"),
        ForeignKeyConstraint(["organization_id", "journal_line_id"], ["journal_lines.organization_id", "journal_lines.id"]),
        Index(
            "uq_bank_matches_line",
            "organization_id",
            "journal_line_id",
            unique=True,
            postgresql_where=text("unmatched_at IS NULL"),
        ),
        Index("ix_bank_matches_transaction", "organization_id", "bank_transaction_id"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The match's id.")
    bank_transaction_id: Mapped[UUID] = mapped_column(doc="The bank transaction.")
    journal_line_id: Mapped[UUID] = mapped_column(doc="The journal line of the bank account's cash account.")
    method: Mapped[MatchMethod] = mapped_column(
        pg_enum(MatchMethod, "bank_match_method"), doc="Automatic, manual, or made with the entry it created."
    )
    matched_by: Mapped[UUID | None] = mapped_column(doc="User or service account that matched it.")
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was matched (UTC)."
    )
    unmatched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was undone, if it was.")
    unmatched_by: Mapped[UUID | None] = mapped_column(doc="Who undid it.")


class ReconciliationStatus(StrEnum):
    """In progress until finished; a finished reconciliation is locked."""

    IN_PROGRESS = "in_progress"
    """Being worked on."""
    FINISHED = "finished"
    """Tied out and locked: the month's bank transactions and matches no longer change."""


class BankReconciliation(TimestampMixin, Booked, Base):
    """A bank account's reconciliation for one month: the statement's ending
    balance against the books, with the items still outstanding."""

    __tablename__ = "bank_reconciliations"
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012 - SQLAlchemy declares it a plain attribute
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "bank_account_id", "month"),
        association_fk("bank_account_id", "bank_accounts"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The reconciliation's id.")
    bank_account_id: Mapped[UUID] = mapped_column(doc="The bank account.")
    month: Mapped[date] = mapped_column(Date, doc="First day of the month reconciled.")
    statement_ending_balance: Mapped[Decimal] = mapped_column(MONEY, doc="The bank statement's balance on the month's last day.")
    status: Mapped[ReconciliationStatus] = mapped_column(
        pg_enum(ReconciliationStatus, "reconciliation_status"), doc="In progress or finished (locked)."
    )
    book_balance: Mapped[Decimal | None] = mapped_column(MONEY, doc="The cash account's balance at month end, when finished.")
    outstanding: Mapped[Decimal | None] = mapped_column(
        MONEY, doc="Deposits in transit less outstanding checks at month end, when finished."
    )
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that started it.")
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it was finished (UTC).")
    finished_by: Mapped[UUID | None] = mapped_column(doc="Who finished it.")
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), doc="Last change (UTC)."
    )


BankAccountId = register_id(BankAccount, "bka", "bank_account")
BankStatementId = register_id(BankStatement, "bst", "bank_statement")
BankTransactionId = register_id(BankTransaction, "btx", "bank_transaction")
BankMatchId = register_id(BankMatch, "bmt", "bank_transaction")
BankReconciliationId = register_id(BankReconciliation, "brc", "bank_reconciliation")

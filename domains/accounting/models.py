"""The general ledger of each association: funds, chart of accounts, closed
periods, journal entries and their lines, budgets.

The database, not convention, keeps the books right:
- every entry balances per fund, in both the accrual and the cash view
  (a deferred constraint trigger checks it when the transaction commits);
- posted entries and lines can't be updated or deleted by the application
  role; a correction is a reversing entry linked to the one it reverses;
- nothing posts into a closed month;
- every line's account, fund and unit belong to the entry's association
  (composite foreign keys that include `association_id`).

Each line says which view of the books it belongs to (`basis`): most lines are
in both; an accrual-only line (a receivable, a payable) and a cash-only line
(income recognised when the owner pays) let one posting serve associations on
either basis, and reports pick a view by filtering on it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar
from uuid import UUID

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column

from domains.associations import models as _associations  # noqa: F401  (FK targets)
from graph.db import (
    Base,
    TimestampMixin,
    association_fk,
    new_id,
    pg_enum,
)
from graph.schemas import register_id

MONEY = Numeric(14, 2)


class Booked:
    """A row of an association's books; receivables and payables keep theirs in the same shape."""

    organization_id: Mapped[UUID] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), doc="The organization that holds the books."
    )
    association_id: Mapped[UUID] = mapped_column(doc="The association whose books these are.")


class FundKind(StrEnum):
    """What a fund is for: day-to-day operations, long-term reserves, or one special assessment."""

    OPERATING = "operating"
    """Day-to-day operations, funded by regular assessments."""
    RESERVE = "reserve"
    """Long-term repair and replacement of common components."""
    SPECIAL_ASSESSMENT = "special_assessment"
    """The money raised by one special assessment, kept apart."""


class Fund(TimestampMixin, Booked, Base):
    """A self-balancing set of accounts: operating, reserve or special-assessment money."""

    __tablename__ = "funds"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "code"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The fund's id.")
    code: Mapped[str] = mapped_column(String(10), doc="Short code, unique in the association (e.g. OPER, RESV).")
    name: Mapped[str] = mapped_column(String(100), doc="Name on reports (e.g. Operating Fund).")
    kind: Mapped[FundKind] = mapped_column(pg_enum(FundKind, "fund_kind"), doc="Operating, reserve or special assessment.")


class AccountType(StrEnum):
    """Where an account sits: balance sheet (asset, liability, equity) or income statement (income, expense)."""

    ASSET = "asset"
    """What the association owns: cash, receivables, prepaid expenses (numbers 1xxx)."""
    LIABILITY = "liability"
    """What it owes: payables, prepaid assessments, deposits (2xxx)."""
    EQUITY = "equity"
    """Fund balances: assets less liabilities, per fund (3xxx)."""
    INCOME = "income"
    """Assessments, fees, fines and interest earned (4xxx)."""
    EXPENSE = "expense"
    """What it spends on operations and reserve projects (5xxx–9xxx)."""


# First digit of an account number per type: 1xxx assets … 5xxx–9xxx expenses.
NUMBER_RANGES: dict[AccountType, str] = {
    AccountType.ASSET: "1",
    AccountType.LIABILITY: "2",
    AccountType.EQUITY: "3",
    AccountType.INCOME: "4",
    AccountType.EXPENSE: "5-9",
}


class ControlRole(StrEnum):
    """The job an account does for the subledgers, so they find it without
    knowing account numbers: at most one account per role and fund."""

    CASH = "cash"
    """The fund's cash account, where payments land."""
    ACCOUNTS_RECEIVABLE = "accounts_receivable"
    """What owners owe: the owner ledger's control account."""
    PREPAID_ASSESSMENTS = "prepaid_assessments"
    """Owners' payments ahead of their charges: a liability."""
    ACCOUNTS_PAYABLE = "accounts_payable"
    """What the association owes vendors: the payables control account."""
    FUND_BALANCE = "fund_balance"
    """The fund's equity, where opening balances and year-end close land."""
    ASSESSMENT_INCOME = "assessment_income"
    """Income from regular and special assessments."""
    LATE_FEE_INCOME = "late_fee_income"
    """Income from late fees."""
    NSF_FEE_INCOME = "nsf_fee_income"
    """Income from returned-payment (NSF) fees."""
    FINE_INCOME = "fine_income"
    """Income from violation fines."""
    ESTOPPEL_FEE_INCOME = "estoppel_fee_income"
    """Income from resale and estoppel certificate fees."""
    INTERFUND = "interfund"
    """What other funds owe this fund (an asset; a credit balance is what it owes
    them): the account a reserve transfer moves through, so that each fund
    balances on its own. The interfund balances of all funds add up to zero."""
    DELINQUENCY_INTEREST_INCOME = "delinquency_interest_income"
    """Interest charged on delinquent assessments (not late fees, not bank interest)."""


class GlAccount(TimestampMixin, Booked, Base):
    """An account of the association's chart of accounts. Balance-sheet accounts
    belong to one fund; income and expense accounts are shared and each posting
    names its fund."""

    __tablename__ = "gl_accounts"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        UniqueConstraint("organization_id", "association_id", "number"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("fund_id", "funds"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The account's id.")
    number: Mapped[str] = mapped_column(
        String(10),
        doc="Account number, unique in the association; its first digit follows the type "
        "(1 asset, 2 liability, 3 equity, 4 income, 5–9 expense).",
    )
    name: Mapped[str] = mapped_column(String(100), doc="Name on reports.")
    type: Mapped[AccountType] = mapped_column(
        pg_enum(AccountType, "account_type"), doc="Asset, liability, equity, income or expense."
    )
    fund_id: Mapped[UUID | None] = mapped_column(doc="The fund of a balance-sheet account; null for income and expense accounts.")
    control: Mapped[ControlRole | None] = mapped_column(
        pg_enum(ControlRole, "control_role"), doc="The subledger job this account does (receivable, cash…), if any."
    )
    is_active: Mapped[bool] = mapped_column(Boolean, doc="Inactive accounts keep their history but take no new postings.")


class FiscalPeriodClose(Booked, Base):
    """A closed month: nothing more posts into it. Closing is final."""

    __tablename__ = "fiscal_period_closes"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "month"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The close's id.")
    month: Mapped[date] = mapped_column(Date, doc="First day of the closed month.")
    closed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was closed (UTC)."
    )
    closed_by: Mapped[UUID] = mapped_column(doc="User or service account that closed it.")


class EntrySource(StrEnum):
    """What produced a journal entry."""

    MANUAL = "manual"
    """Posted by a person as a journal entry."""
    REVERSAL = "reversal"
    """The mirror image of an earlier entry, undoing it."""
    OPENING_BALANCE = "opening_balance"
    """The books' starting balances when the association moved in."""
    ASSESSMENT = "assessment"
    """A levy of assessment charges on the owner ledger."""
    LATE_FEE = "late_fee"
    """A late fee charged on the owner ledger."""
    PAYMENT = "payment"
    """An owner's payment."""
    PAYMENT_RETURN = "payment_return"
    """A returned (bounced) owner payment, with its NSF fee."""
    CREDIT = "credit"
    """A credit given to an owner."""
    INVOICE = "invoice"
    """A vendor invoice booked to payables."""
    VENDOR_PAYMENT = "vendor_payment"
    """A payment to a vendor."""
    VIOLATION_FINE = "violation_fine"
    """A violation fine charged to an owner."""
    ESTOPPEL_FEE = "estoppel_fee"
    """A resale or estoppel certificate's fee charged to an owner."""
    BANK = "bank"
    """A bank fee or interest found while reconciling a bank account."""
    COLLECTION_FEE = "collection_fee"
    """A collection step's fee charged to an owner."""
    RECURRING = "recurring"
    """One month's occurrence of a recurring journal entry (an accrual), or its automatic reversal."""
    RESERVE_TRANSFER = "reserve_transfer"
    """Cash moved between an operating and a reserve fund through their interfund accounts."""
    YEAR_END_CLOSE = "year_end_close"
    """A fiscal year's closing entry (income and expenses into each fund's fund balance), or its reversal."""
    DELINQUENCY_INTEREST = "delinquency_interest"
    """A month's interest on delinquent assessments charged to owners."""


class Basis(StrEnum):
    """Which view of the books a line belongs to."""

    BOTH = "both"
    """The line counts in both the accrual and the cash view."""
    ACCRUAL = "accrual"
    """The line counts in the accrual view only (e.g. a charge not yet paid)."""
    CASH = "cash"
    """The line counts in the cash view only (e.g. income recognised when paid)."""


class JournalEntry(Booked, Base):
    """A posted, balanced journal entry. Never changed: a correction is a
    reversing entry that points at it."""

    __tablename__ = "journal_entries"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("reverses_entry_id", "journal_entries"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The entry's id.")
    number: Mapped[int] = mapped_column(BigInteger, Identity(), doc="Sequence number, increasing in posting order.")
    entry_date: Mapped[date] = mapped_column(Date, doc="Accounting date; its month must be open.")
    memo: Mapped[str] = mapped_column(String(500), doc="What the entry is for.")
    source: Mapped[EntrySource] = mapped_column(pg_enum(EntrySource, "entry_source"), doc="What produced it.")
    source_id: Mapped[UUID | None] = mapped_column(doc="The record it came from (levy, payment, invoice…), if any.")
    reverses_entry_id: Mapped[UUID | None] = mapped_column(doc="The entry this one reverses, if it is a reversal.")
    posted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was posted (UTC)."
    )
    posted_by: Mapped[UUID | None] = mapped_column(doc="User or service account that posted it; null for system postings.")


class JournalLine(Booked, Base):
    """One debit or credit of a journal entry, to one account in one fund."""

    __tablename__ = "journal_lines"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        association_fk("entry_id", "journal_entries"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
        association_fk("unit_id", "units"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    entry_id: Mapped[UUID] = mapped_column(doc="The journal entry.")
    line_no: Mapped[int] = mapped_column(SmallInteger, doc="Position in the entry, from 1.")
    entry_date: Mapped[date] = mapped_column(Date, doc="The entry's date (kept on the line for reports).")
    account_id: Mapped[UUID] = mapped_column(doc="The account.")
    fund_id: Mapped[UUID] = mapped_column(doc="The fund.")
    debit: Mapped[Decimal] = mapped_column(MONEY, doc="Debit amount (0 on a credit line).")
    credit: Mapped[Decimal] = mapped_column(MONEY, doc="Credit amount (0 on a debit line).")
    basis: Mapped[Basis] = mapped_column(
        pg_enum(Basis, "ledger_basis"), doc="Both views of the books, accrual only, or cash only."
    )
    unit_id: Mapped[UUID | None] = mapped_column(doc="The unit, on receivable and owner-income lines.")
    memo: Mapped[str | None] = mapped_column(String(200), doc="Line memo.")


class BudgetAmount(Booked, Base):
    """The budget of one account and fund for one month of a fiscal year."""

    __tablename__ = "budget_amounts"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "fiscal_year", "account_id", "fund_id", "period"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The budget line's id.")
    fiscal_year: Mapped[int] = mapped_column(SmallInteger, doc="Fiscal year, named by the calendar year it starts in.")
    period: Mapped[int] = mapped_column(SmallInteger, doc="Month of the fiscal year, 1–12.")
    account_id: Mapped[UUID] = mapped_column(doc="Income or expense account.")
    fund_id: Mapped[UUID] = mapped_column(doc="Fund.")
    amount: Mapped[Decimal] = mapped_column(MONEY, doc="Budgeted amount for the month.")


class FiscalYearClose(Booked, Base):
    """A fiscal year closed into each fund's fund balance: the closing entry it
    posted on the year's last day. Undone only by a reversing entry, after which
    the row stays as history and the year may be closed again."""

    __tablename__ = "fiscal_year_closes"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
        association_fk("entry_id", "journal_entries"),
        association_fk("reversal_entry_id", "journal_entries"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The close's id.")
    fiscal_year: Mapped[int] = mapped_column(SmallInteger, doc="The fiscal year, named by the calendar year it starts in.")
    entry_id: Mapped[UUID | None] = mapped_column(doc="The closing entry; null when the year had no income or expenses to close.")
    closed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When the year was closed (UTC)."
    )
    closed_by: Mapped[UUID | None] = mapped_column(doc="User or service account that closed it.")
    reversal_entry_id: Mapped[UUID | None] = mapped_column(doc="The entry that reversed the closing entry, if undone.")
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When the close was undone (UTC).")
    reversed_by: Mapped[UUID | None] = mapped_column(doc="Who undid it.")
    reversal_reason: Mapped[str | None] = mapped_column(String(500), doc="Why it was undone.")


class RecurringEntryStatus(StrEnum):
    """Whether a recurring entry posts its occurrences."""

    ACTIVE = "active"
    """Posts each month's occurrence when it falls due."""
    PAUSED = "paused"
    """Posts nothing; months that fall due while paused are skipped when it resumes."""


class RecurringEntry(TimestampMixin, Booked, Base):
    """A journal entry posted every month on a set day (an accrual, a standing
    allocation), optionally reversed on the first day of the next month."""

    __tablename__ = "recurring_entries"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "association_id", "id"),
        ForeignKeyConstraint(["organization_id", "association_id"], ["associations.organization_id", "associations.id"]),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The recurring entry's id.")
    memo: Mapped[str] = mapped_column(String(500), doc="Memo of every entry it posts.")
    day_of_month: Mapped[int] = mapped_column(SmallInteger, doc="Day of the month each occurrence is dated (1–28).")
    starts_on: Mapped[date] = mapped_column(Date, doc="No occurrence is dated before this day.")
    ends_on: Mapped[date | None] = mapped_column(Date, doc="No occurrence is dated after this day; null: no end.")
    auto_reverse: Mapped[bool] = mapped_column(
        Boolean, doc="Reverse each occurrence on the first day of the next month (an accrual)."
    )
    status: Mapped[RecurringEntryStatus] = mapped_column(
        pg_enum(RecurringEntryStatus, "recurring_entry_status"), doc="Active or paused."
    )
    created_by: Mapped[UUID | None] = mapped_column(doc="User or service account that set it up.")


class RecurringEntryLine(Booked, Base):
    """One debit or credit of a recurring entry."""

    __tablename__ = "recurring_entry_lines"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "recurring_entry_id", "line_no"),
        association_fk("recurring_entry_id", "recurring_entries"),
        association_fk("account_id", "gl_accounts"),
        association_fk("fund_id", "funds"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The line's id.")
    recurring_entry_id: Mapped[UUID] = mapped_column(doc="The recurring entry.")
    line_no: Mapped[int] = mapped_column(SmallInteger, doc="Position in the entry, from 1.")
    account_id: Mapped[UUID] = mapped_column(doc="The account.")
    fund_id: Mapped[UUID] = mapped_column(doc="The fund.")
    debit: Mapped[Decimal] = mapped_column(MONEY, doc="Debit amount (0 on a credit line).")
    credit: Mapped[Decimal] = mapped_column(MONEY, doc="Credit amount (0 on a debit line).")
    memo: Mapped[str | None] = mapped_column(String(200), doc="Line memo.")


class OccurrenceStatus(StrEnum):
    """What became of one month's occurrence of a recurring entry."""

    POSTED = "posted"
    """Posted (and reversed the next month if the entry auto-reverses)."""
    SKIPPED = "skipped"
    """Skipped by a person, or while the entry was paused."""
    REFUSED = "refused"
    """The books refused it (a closed month, an inactive account): `refusalCode` says why."""


class RecurringEntryOccurrence(Booked, Base):
    """One month of a recurring entry: posted, skipped or refused, exactly once."""

    __tablename__ = "recurring_entry_occurrences"
    __cerbos_attrs__: ClassVar[dict[str, str]] = {"association_id": "association_id"}
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        UniqueConstraint("organization_id", "recurring_entry_id", "period"),
        association_fk("recurring_entry_id", "recurring_entries"),
        association_fk("entry_id", "journal_entries"),
        association_fk("reversal_entry_id", "journal_entries"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The occurrence's id.")
    recurring_entry_id: Mapped[UUID] = mapped_column(doc="The recurring entry.")
    period: Mapped[date] = mapped_column(Date, doc="First day of the month it is for.")
    status: Mapped[OccurrenceStatus] = mapped_column(
        pg_enum(OccurrenceStatus, "recurring_occurrence_status"), doc="Posted, skipped or refused."
    )
    entry_id: Mapped[UUID | None] = mapped_column(doc="The journal entry posted, when posted.")
    reversal_entry_id: Mapped[UUID | None] = mapped_column(doc="Its reversal on the next month's first day, if it auto-reverses.")
    refusal_code: Mapped[str | None] = mapped_column(String(60), doc="The error code the books answered, when refused.")
    reason: Mapped[str | None] = mapped_column(String(500), doc="Why it was skipped or refused.")
    decided_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it was posted, skipped or refused (UTC)."
    )
    decided_by: Mapped[UUID | None] = mapped_column(doc="Who posted or skipped it; null for the daily run.")


FundId = register_id(Fund, "fnd", "fund")
GlAccountId = register_id(GlAccount, "gla", "gl_account")
FiscalPeriodCloseId = register_id(FiscalPeriodClose, "fpc", "fiscal_period")
JournalEntryId = register_id(JournalEntry, "jen", "journal_entry")
JournalLineId = register_id(JournalLine, "jln", "journal_entry")
BudgetAmountId = register_id(BudgetAmount, "bud", "budget")
FiscalYearCloseId = register_id(FiscalYearClose, "fyc", "fiscal_year")
RecurringEntryId = register_id(RecurringEntry, "rje", "recurring_entry")
RecurringEntryLineId = register_id(RecurringEntryLine, "rjl", "recurring_entry")
RecurringEntryOccurrenceId = register_id(RecurringEntryOccurrence, "rjo", "recurring_entry")

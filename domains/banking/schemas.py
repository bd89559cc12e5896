"""API models of the banking domain, derived from its tables where a table has the fields."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Optional, Self

from pydantic import Field, model_validator

from domains.accounting.models import GlAccountId, JournalEntryId, JournalLineId
from domains.associations.models import AssociationId
from domains.banking.models import (
    BankAccount,
    BankAccountId,
    BankReconciliation,
    BankReconciliationId,
    BankStatement,
    BankTransaction,
    BankTransactionId,
)
from graph.schemas import ApiModel, Money, connection_model, derive

# Report amounts, always with their two decimals (clients compare strings).
_FIRST = Field(50, ge=1, le=100, description="Page size, 1–100 (default 50).")
_AFTER = Field(None, description="Cursor of the last item seen.")

# --- bank accounts ------------------------------------------------------------

BankAccountRead = derive(
    BankAccount,
    "BankAccount",
    [
        "id",
        "organization_id",
        "association_id",
        "name",
        "institution",
        "kind",
        "routing_number",
        "account_number_last4",
        "gl_account_id",
        "fund_id",
        "opened_on",
        "is_active",
        "ach_return_window_days",
        "created_at",
        "updated_at",
    ],
    node=True,
)
BankAccountCreateInput = derive(
    BankAccount,
    "BankAccountCreateInput",
    ["association_id", "name", "institution", "kind", "routing_number", "gl_account_id", "opened_on"],
    doc="A new bank account of an association, tied to one of its cash accounts. "
    "Only the account number's last four digits are kept.",
    constraints={"routing_number": {"pattern": r"^[0-9]{9}$"}},
    extra={
        "account_number": (
            str,
            Field(
                pattern=r"^[0-9]{4,17}$",
                description="The account number at the bank (4–17 digits); only its last four digits are stored.",
            ),
        ),
        "ach_return_window_days": (
            int,
            Field(
                2,
                ge=1,
                le=90,
                description="Days after an ACH debit's effective date the bank may still return it for want of funds "
                "(the bank's agreement; default 2, NACHA's two banking days).",
            ),
        ),
    },
    examples=[
        {
            "associationId": "asn_…",
            "name": "Operating Checking",
            "institution": "First Community Bank",
            "kind": "checking",
            "routingNumber": "121000358",
            "accountNumber": "000123456789",
            "glAccountId": "gla_…",
            "openedOn": "2026-01-01",
        }
    ],
)
BankAccountUpdateInput = derive(
    BankAccount,
    "BankAccountUpdateInput",
    ["id"],
    doc="Rename a bank account or (de)activate it. Its cash account and fund never change once it exists.",
    extra={
        "name": (Optional[str], Field(None, min_length=1, max_length=100, description="New name.")),  # noqa: UP045
        "institution": (Optional[str], Field(None, min_length=1, max_length=100, description="New bank name.")),  # noqa: UP045
        "is_active": (Optional[bool], Field(None, description="False stops statement imports; history stays.")),  # noqa: UP045
    },
)


class BankAccountGetInput(ApiModel):
    """Which bank account to read."""

    id: BankAccountId = Field(description="The bank account.")


class BankAccountListInput(ApiModel):
    """An association's bank accounts, by name."""

    association_id: AssociationId = Field(description="The association.")
    first: int = _FIRST
    after: str | None = _AFTER


BankAccountConnection = connection_model(BankAccountRead)

# --- statements ---------------------------------------------------------------

BankStatementRead = derive(
    BankStatement,
    "BankStatement",
    [
        "id",
        "association_id",
        "bank_account_id",
        "format",
        "digest",
        "starts_on",
        "ends_on",
        "ending_balance",
        "transaction_count",
        "added_count",
        "imported_by",
        "created_at",
    ],
    node=True,
)


class CsvMapping(ApiModel):
    """Which CSV column holds what (names as in the header row). Give `amount`
    (signed, deposits positive) or both `debit` and `credit` columns."""

    date: str = Field(min_length=1, max_length=60, description="Column of the posting date.")
    date_format: str = Field(
        "%Y-%m-%d", min_length=2, max_length=20, description="strptime format of the dates (default %Y-%m-%d; e.g. %m/%d/%Y)."
    )
    amount: str | None = Field(None, max_length=60, description="Column of the signed amount (deposits positive).")
    debit: str | None = Field(None, max_length=60, description="Column of withdrawals (positive numbers), with `credit`.")
    credit: str | None = Field(None, max_length=60, description="Column of deposits (positive numbers), with `debit`.")
    transaction_id: str | None = Field(
        None, max_length=60, description="Column of the bank's transaction id; without one, a digest of the row stands in."
    )
    description: str | None = Field(None, max_length=60, description="Column of the payee or description.")
    check_number: str | None = Field(None, max_length=60, description="Column of the check number.")
    reference: str | None = Field(None, max_length=60, description="Column of the bank's reference.")

    @model_validator(mode="after")
    def _amounts(self) -> Self:
        if (self.amount is None) == (self.debit is None and self.credit is None) or (
            self.amount is None and (self.debit is None or self.credit is None)
        ):
            raise ValueError("give `amount`, or both `debit` and `credit`")
        return self


class BankStatementImportInput(ApiModel):
    """A statement file for one bank account: OFX, BAI2, or CSV with its column
    mapping. Transactions already imported (by the bank's id) are skipped, so
    importing a file twice adds nothing."""

    bank_account_id: BankAccountId = Field(description="The bank account.")
    ofx: str | None = Field(
        None, max_length=5_000_000, description="The OFX (1.x SGML or 2.x XML) file's text. Give one of `ofx`, `csv`, `bai2`."
    )
    csv: str | None = Field(
        None, max_length=5_000_000, description="The CSV file's text, with a header row. Give one of `ofx`, `csv`, `bai2`."
    )
    bai2: str | None = Field(
        None,
        max_length=5_000_000,
        description="The BAI2 file's text (the bank's previous-day report): its account's detail records "
        "(type 16) are the transactions, its closing ledger (015) the ending balance. Give one of `ofx`, `csv`, `bai2`.",
    )
    csv_mapping: CsvMapping | None = Field(None, description="How to read the CSV's columns; required with `csv`.")
    ending_balance: Decimal | None = Field(
        None, max_digits=14, decimal_places=2, description="The statement's ending balance, for a CSV (OFX gives its own)."
    )

    @model_validator(mode="after")
    def _one_file(self) -> Self:
        if [self.ofx, self.csv, self.bai2].count(None) != 2:
            raise ValueError("give exactly one of `ofx`, `csv` and `bai2`")
        if self.csv is not None and self.csv_mapping is None:
            raise ValueError("a CSV needs its `csvMapping`")
        return self


class BankStatementImportResult(ApiModel):
    """What an import added."""

    statement: BankStatementRead = Field(description="The statement (the earlier one, when the same file came before).")
    added: int = Field(description="Transactions added.")
    duplicates: int = Field(description="Transactions of the file already imported, skipped.")


class BankStatementListInput(ApiModel):
    """A bank account's imported statements, newest first."""

    bank_account_id: BankAccountId = Field(description="The bank account.")
    first: int = _FIRST
    after: str | None = _AFTER


BankStatementConnection = connection_model(BankStatementRead)

# --- transactions and matching --------------------------------------------------

BankTransactionRead = derive(
    BankTransaction,
    "BankTransaction",
    [
        "id",
        "association_id",
        "bank_account_id",
        "statement_id",
        "bank_transaction_id",
        "posted_on",
        "amount",
        "kind",
        "check_number",
        "reference",
        "description",
        "created_at",
    ],
    node=True,
    extra={
        "journal_line_ids": (
            list[JournalLineId],
            Field(default_factory=list, description="The journal lines it clears (live matches); empty while unmatched."),
        )
    },
)


class BankTransactionListInput(ApiModel):
    """A bank account's transactions, by posting date then id."""

    bank_account_id: BankAccountId = Field(description="The bank account.")
    from_date: date | None = Field(None, description="Posted on or after this day.")
    to_date: date | None = Field(None, description="Posted on or before this day.")
    unmatched_only: bool = Field(False, description="Only transactions not matched to the books.")
    first: int = _FIRST
    after: str | None = _AFTER


BankTransactionConnection = connection_model(BankTransactionRead)


class BankTransactionAutoMatchInput(ApiModel):
    """Match a bank account's unmatched transactions to unmatched lines of its
    cash account: the same amount, within `windowDays` of each other, the check
    number or reference deciding between candidates. A transaction with two
    equally good candidates is left for a person."""

    bank_account_id: BankAccountId = Field(description="The bank account.")
    through: date | None = Field(None, description="Only transactions posted on or before this day.")
    window_days: int = Field(5, ge=0, le=31, description="Most days between the bank's date and the entry's (default 5).")


class BankTransactionAutoMatchResult(ApiModel):
    """What an automatic match did."""

    matched: int = Field(description="Transactions matched now.")
    ambiguous: int = Field(description="Transactions left unmatched because two lines fit equally well.")
    unmatched: int = Field(description="Transactions still unmatched (ambiguous ones included).")


class BankTransactionMatchInput(ApiModel):
    """Match a transaction by hand to lines of the bank account's cash account
    that add up to it (a deposit of several payments)."""

    id: BankTransactionId = Field(description="The bank transaction.")
    journal_line_ids: list[JournalLineId] = Field(
        min_length=1, max_length=200, description="Unmatched lines of the cash account, their net amounts adding up to it."
    )


class BankTransactionUnmatchInput(ApiModel):
    """Undo a transaction's matches (not in a reconciled month)."""

    id: BankTransactionId = Field(description="The bank transaction.")


class BankTransactionCreateEntryInput(ApiModel):
    """Book a transaction the books lack — a bank fee, interest earned — and match it."""

    id: BankTransactionId = Field(description="An unmatched bank transaction.")
    account_id: GlAccountId = Field(
        description="The other side: an expense account for a fee, an income account for interest (any active account but "
        "the owner-ledger ones)."
    )
    memo: str | None = Field(None, max_length=500, description="The entry's memo; defaults to the bank's description.")


class BankTransactionCreateEntryResult(ApiModel):
    """The transaction, now matched, and the entry created."""

    transaction: BankTransactionRead = Field(description="The transaction, matched to the new entry's cash line.")
    journal_entry_id: JournalEntryId = Field(description="The journal entry created (source `bank`).")


# --- reconciliations ------------------------------------------------------------

BankReconciliationRead = derive(
    BankReconciliation,
    "BankReconciliation",
    [
        "id",
        "association_id",
        "bank_account_id",
        "month",
        "statement_ending_balance",
        "status",
        "book_balance",
        "outstanding",
        "created_by",
        "created_at",
        "finished_at",
        "finished_by",
    ],
    node=True,
)


class BankReconciliationStartInput(ApiModel):
    """Start reconciling a bank account for a month with the statement's ending balance."""

    bank_account_id: BankAccountId = Field(description="The bank account.")
    month: date = Field(description="Any day of the month (e.g. 2026-03-01).")
    statement_ending_balance: Decimal = Field(
        max_digits=14, decimal_places=2, description="The bank statement's balance on the month's last day."
    )


class BankReconciliationIdInput(ApiModel):
    """Which reconciliation."""

    id: BankReconciliationId = Field(description="The reconciliation.")


class BankReconciliationListInput(ApiModel):
    """A bank account's reconciliations, latest month first."""

    bank_account_id: BankAccountId = Field(description="The bank account.")
    first: int = _FIRST
    after: str | None = _AFTER


BankReconciliationConnection = connection_model(BankReconciliationRead)


class OutstandingItem(ApiModel):
    """A line of the cash account on or before the month's end that the bank had
    not cleared by then: a deposit in transit (positive) or an outstanding check
    or payment (negative)."""

    journal_line_id: JournalLineId = Field(description="The journal line.")
    journal_entry_id: JournalEntryId = Field(description="Its entry.")
    entry_date: date = Field(description="The entry's date.")
    memo: str = Field(description="The entry's memo (or the line's).")
    amount: Money = Field(description="Debit minus credit: positive a deposit in transit, negative an outstanding payment.")


class BankReconciliationReport(ApiModel):
    """A reconciliation with its figures as of the month's end: the books'
    balance equals the statement's plus what is outstanding when it ties. A
    finished reconciliation reports the figures it was finished with."""

    reconciliation: BankReconciliationRead = Field(description="The reconciliation.")
    period_end: date = Field(description="The month's last day.")
    book_balance: Money = Field(description="The cash account's balance in its fund at the month's end.")
    cleared_balance: Money = Field(description="The book balance less the outstanding items: what the bank should show.")
    deposits_in_transit: Money = Field(description="Outstanding deposits, total.")
    outstanding_payments: Money = Field(description="Outstanding checks and payments, total (positive).")
    difference: Money = Field(description="Statement ending balance minus cleared balance: zero to finish.")
    outstanding_items: list[OutstandingItem] = Field(description="The outstanding lines, by date.")
    unmatched_transactions: list[BankTransactionRead] = Field(
        description="Bank transactions of the month or before not matched to the books: match them or create their entries."
    )

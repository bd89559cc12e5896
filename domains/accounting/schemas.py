"""API models of the accounting domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, Field, model_validator

from domains.accounting.models import (
    AccountType,
    EntrySource,
    FiscalPeriodClose,
    Fund,
    FundId,
    GlAccount,
    GlAccountId,
    JournalEntry,
    JournalEntryId,
    JournalLine,
)
from domains.associations.models import AssociationId, UnitId
from graph.schemas import ApiModel, connection_model, derive

FundRead = derive(Fund, "Fund", ["id", "organization_id", "association_id", "code", "name", "kind", "created_at"], node=True)
FundCreateInput = derive(
    Fund,
    "FundCreateInput",
    ["association_id", "code", "name", "kind"],
    doc="A new fund of an association.",
    constraints={"code": {"pattern": r"^[A-Z0-9]{2,10}$"}},
    examples=[{"associationId": "asn_…", "code": "ROOF", "name": "Roof Special Assessment", "kind": "special_assessment"}],
)


class FundListInput(ApiModel):
    """The funds of one association, by code."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    first: int = Field(50, ge=1, le=100, description="Page size, 1–100 (default 50).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


FundConnection = connection_model(FundRead)

_ACCOUNT = ["number", "name", "type", "fund_id", "control"]
GlAccountRead = derive(
    GlAccount, "GlAccount", ["id", "organization_id", "association_id", *_ACCOUNT, "is_active", "created_at"], node=True
)
GlAccountCreateInput = derive(
    GlAccount,
    "GlAccountCreateInput",
    ["association_id", *_ACCOUNT],
    doc="A new account in an association's chart of accounts.",
    constraints={"number": {"pattern": r"^[0-9]{4,6}(-[0-9]{1,3})?$"}},
    examples=[{"associationId": "asn_…", "number": "5310", "name": "Pool Maintenance", "type": "expense"}],
)
GlAccountUpdateInput = derive(
    GlAccount,
    "GlAccountUpdateInput",
    ["id"],
    doc="Rename an account, (de)activate it or give it a control role. Its number, type and fund never change once it exists.",
    extra={
        "name": (str | None, Field(None, min_length=1, max_length=100, description="New name.")),
        "is_active": (bool | None, Field(None, description="False stops new postings; history stays.")),
    },
)


class GlAccountListInput(ApiModel):
    """An association's chart of accounts, by number."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    type: AccountType | None = Field(None, description="Only accounts of this type.")
    include_inactive: bool = Field(False, description="Also list inactive accounts.")
    first: int = Field(100, ge=1, le=100, description="Page size, 1–100 (default 100).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


GlAccountConnection = connection_model(GlAccountRead)


class ChartInstallInput(ApiModel):
    """Which association gets the standard chart of accounts."""

    association_id: AssociationId = Field(description="An association with no accounts yet.")  # type: ignore[valid-type]


class ChartInstallResult(ApiModel):
    """The funds and accounts installed."""

    funds: list[FundRead] = Field(description="Operating and reserve funds.")  # type: ignore[valid-type]
    accounts: list[GlAccountRead] = Field(description="The standard accounts, by number.")  # type: ignore[valid-type]


JournalLineRead = derive(
    JournalLine,
    "JournalLine",
    ["id", "entry_id", "line_no", "account_id", "fund_id", "debit", "credit", "basis", "unit_id", "memo"],
    node=True,
)
JournalEntryRead = derive(
    JournalEntry,
    "JournalEntry",
    ["id", "organization_id", "association_id", "number", "entry_date", "memo", "source", "source_id", "reverses_entry_id", "posted_at", "posted_by"],
    node=True,
    extra={"lines": (list[JournalLineRead], Field(default_factory=list, description="The entry's debits and credits, in order."))},  # type: ignore[valid-type]
)


class JournalLineInput(ApiModel):
    """One debit or credit. Give exactly one of `debit` and `credit`."""

    account_id: GlAccountId = Field(description="An active account of the association.")  # type: ignore[valid-type]
    fund_id: FundId = Field(description="The fund (a balance-sheet account posts only to its own).")  # type: ignore[valid-type]
    debit: Decimal = Field(Decimal(0), ge=0, decimal_places=2, description="Debit amount, at most two decimals.")
    credit: Decimal = Field(Decimal(0), ge=0, decimal_places=2, description="Credit amount, at most two decimals.")
    unit_id: UnitId | None = Field(None, description="The unit, for a line about one owner's account.")  # type: ignore[valid-type]
    memo: str | None = Field(None, max_length=200, description="Line memo.")


class JournalEntryPostInput(ApiModel):
    """A manual journal entry. It must balance in every fund; its month must be open."""

    association_id: AssociationId = Field(description="The association whose books it goes in.")  # type: ignore[valid-type]
    entry_date: date = Field(description="Accounting date.")
    memo: str = Field(min_length=1, max_length=500, description="What the entry is for.")
    lines: list[JournalLineInput] = Field(min_length=2, max_length=500, description="Two or more lines.")


class JournalEntryReverseInput(ApiModel):
    """Which entry to reverse, and when."""

    id: JournalEntryId = Field(description="The entry to reverse.")  # type: ignore[valid-type]
    entry_date: date = Field(description="Date of the reversal, in an open month, not before the entry.")
    memo: str | None = Field(None, max_length=500, description="Why; defaults to 'Reversal of entry N'.")


class JournalEntryGetInput(ApiModel):
    """Which entry to read."""

    id: JournalEntryId = Field(description="The entry.")  # type: ignore[valid-type]


class JournalEntryListInput(ApiModel):
    """An association's journal, newest first."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    from_date: date | None = Field(None, description="Entries on or after this date.")
    to_date: date | None = Field(None, description="Entries on or before this date.")
    source: EntrySource | None = Field(None, description="Only entries from this source.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


JournalEntryConnection = connection_model(JournalEntryRead)

FiscalPeriodCloseRead = derive(
    FiscalPeriodClose, "FiscalPeriodClose", ["id", "association_id", "month", "closed_at", "closed_by"], node=True
)


class FiscalPeriodCloseInput(ApiModel):
    """Close one month of an association's books. Final: nothing posts into it afterwards."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    month: date = Field(description="Any day of the month to close (e.g. 2026-10-01).")


class FiscalPeriodListInput(ApiModel):
    """An association's closed months, latest first."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    first: int = Field(24, ge=1, le=100, description="Page size, 1–100 (default 24).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


FiscalPeriodCloseConnection = connection_model(FiscalPeriodCloseRead)


# --- budgets ------------------------------------------------------------------

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
# Answers always carry cents ("0.00", not "0"): clients compare strings.
Amount = Annotated[Decimal, AfterValidator(lambda value: value.quantize(Decimal("0.01")))]


class BudgetLineInput(ApiModel):
    """The budget of one income or expense account in one fund: twelve monthly
    amounts, or an annual amount spread evenly (periods 1–11 get annual / 12 cut
    down to the cent, period 12 the rest, so the months add up to it exactly)."""

    account_id: GlAccountId = Field(description="An active income or expense account of the association.")  # type: ignore[valid-type]
    fund_id: FundId = Field(description="The fund whose budget this is.")  # type: ignore[valid-type]
    months: list[Money] | None = Field(
        None, min_length=12, max_length=12, description="Amounts for periods 1–12 (month 1 = the fiscal year's first month). Give this or `annual`."
    )
    annual: Money | None = Field(None, description="Amount for the whole year, spread over the twelve months. Give this or `months`.")

    @model_validator(mode="after")
    def _one_form(self) -> BudgetLineInput:
        if (self.months is None) == (self.annual is None):
            raise ValueError("give either `months` (twelve amounts) or `annual`, not both")
        return self


class BudgetSetInput(ApiModel):
    """An association's whole budget for one fiscal year. It replaces the
    year's budget: accounts and funds not listed have no budget afterwards."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    fiscal_year: int = Field(
        ge=1900, le=2999, description="The fiscal year, named by the calendar year it starts in (the association's fiscalYearStartMonth)."
    )
    lines: list[BudgetLineInput] = Field(max_length=1000, description="One line per account and fund; empty clears the year's budget.")


class BudgetGetInput(ApiModel):
    """Which association and fiscal year."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    fiscal_year: int = Field(ge=1900, le=2999, description="The fiscal year, named by the calendar year it starts in.")


class _AccountAndFund(ApiModel):
    account_id: GlAccountId = Field(description="The account.")  # type: ignore[valid-type]
    account_number: str = Field(description="The account's number.")
    account_name: str = Field(description="The account's name.")
    account_type: AccountType = Field(description="The account's type.")
    fund_id: FundId = Field(description="The fund.")  # type: ignore[valid-type]
    fund_code: str = Field(description="The fund's code.")


class BudgetLine(_AccountAndFund):
    """The budget of one account in one fund for a fiscal year."""

    months: list[Amount] = Field(description="Amounts for periods 1–12 of the fiscal year.")
    annual: Amount = Field(description="The twelve months added up.")


class Budget(ApiModel):
    """An association's budget for one fiscal year, by account number and fund code."""

    association_id: AssociationId = Field(description="The association.")  # type: ignore[valid-type]
    fiscal_year: int = Field(description="The fiscal year, named by the calendar year it starts in.")
    starts_on: date = Field(description="First day of the fiscal year (first day of period 1).")
    lines: list[BudgetLine] = Field(description="One line per account and fund; none when no budget is set.")
    total_income: Amount = Field(description="Budgeted income for the year, all funds.")
    total_expense: Amount = Field(description="Budgeted expenses for the year, all funds.")


"""API models of the accounting domain, derived from its tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from domains.accounting.models import (
    AccountType,
    EntrySource,
    FiscalPeriodClose,
    FiscalYearClose,
    FiscalYearCloseId,
    Fund,
    FundId,
    GlAccount,
    GlAccountId,
    JournalEntry,
    JournalEntryId,
    JournalLine,
    OccurrenceStatus,
    RecurringEntry,
    RecurringEntryId,
    RecurringEntryLine,
    RecurringEntryOccurrence,
    RecurringEntryStatus,
)
from domains.associations.models import AccountingBasis, AssociationId, UnitId
from graph.schemas import ApiModel, connection_model, derive
from graph.schemas import Money as Amount

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

    association_id: AssociationId = Field(description="The association.")
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

    association_id: AssociationId = Field(description="The association.")
    type: AccountType | None = Field(None, description="Only accounts of this type.")
    include_inactive: bool = Field(False, description="Also list inactive accounts.")
    first: int = Field(100, ge=1, le=100, description="Page size, 1–100 (default 100).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


GlAccountConnection = connection_model(GlAccountRead)


class ChartInstallInput(ApiModel):
    """Which association gets the standard chart of accounts."""

    association_id: AssociationId = Field(description="An association with no accounts yet.")


class ChartInstallResult(ApiModel):
    """The funds and accounts installed."""

    funds: list[FundRead] = Field(description="Operating and reserve funds.")
    accounts: list[GlAccountRead] = Field(description="The standard accounts, by number.")


JournalLineRead = derive(
    JournalLine,
    "JournalLine",
    ["id", "entry_id", "line_no", "account_id", "fund_id", "debit", "credit", "basis", "unit_id", "memo"],
    node=True,
)
JournalEntryRead = derive(
    JournalEntry,
    "JournalEntry",
    [
        "id",
        "organization_id",
        "association_id",
        "number",
        "entry_date",
        "memo",
        "source",
        "source_id",
        "reverses_entry_id",
        "posted_at",
        "posted_by",
    ],
    node=True,
    extra={
        "lines": (list[JournalLineRead], Field(default_factory=list, description="The entry's debits and credits, in order."))
    },
)


class JournalLineInput(ApiModel):
    """One debit or credit. Give exactly one of `debit` and `credit`."""

    account_id: GlAccountId = Field(description="An active account of the association.")
    fund_id: FundId = Field(description="The fund (a balance-sheet account posts only to its own).")
    debit: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Debit amount, at most two decimals.")
    credit: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Credit amount, at most two decimals.")
    unit_id: UnitId | None = Field(None, description="The unit, for a line about one owner's account.")
    memo: str | None = Field(None, max_length=200, description="Line memo.")


class JournalEntryPostInput(ApiModel):
    """A manual journal entry. It must balance in every fund; its month must be open."""

    association_id: AssociationId = Field(description="The association whose books it goes in.")
    entry_date: date = Field(description="Accounting date.")
    memo: str = Field(min_length=1, max_length=500, description="What the entry is for.")
    lines: list[JournalLineInput] = Field(min_length=2, max_length=500, description="Two or more lines.")


class JournalEntryReverseInput(ApiModel):
    """Which entry to reverse, and when."""

    id: JournalEntryId = Field(description="The entry to reverse.")
    entry_date: date = Field(description="Date of the reversal, in an open month, not before the entry.")
    memo: str | None = Field(None, max_length=500, description="Why; defaults to 'Reversal of entry N'.")


class JournalEntryGetInput(ApiModel):
    """Which entry to read."""

    id: JournalEntryId = Field(description="The entry.")


class JournalEntryListInput(ApiModel):
    """An association's journal, newest first."""

    association_id: AssociationId = Field(description="The association.")
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

    association_id: AssociationId = Field(description="The association.")
    month: date = Field(description="Any day of the month to close (e.g. 2026-10-01).")


class FiscalPeriodListInput(ApiModel):
    """An association's closed months, latest first."""

    association_id: AssociationId = Field(description="The association.")
    first: int = Field(24, ge=1, le=100, description="Page size, 1–100 (default 24).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


FiscalPeriodCloseConnection = connection_model(FiscalPeriodCloseRead)


# --- reserve transfers --------------------------------------------------------


class ReserveTransferCreateInput(ApiModel):
    """Cash moved from one fund's cash account to another's: between the
    operating fund and a reserve fund, either way."""

    association_id: AssociationId = Field(description="The association.")
    from_fund_id: FundId = Field(description="The fund the cash leaves (operating or reserve).")
    to_fund_id: FundId = Field(description="The fund the cash goes to (the other kind).")
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="How much, more than zero, at most two decimals.")
    transfer_date: date = Field(description="Accounting date, in an open month.")
    memo: str | None = Field(
        None, min_length=1, max_length=500, description="What it is for; defaults to 'Transfer from … to …'."
    )


# --- year-end close -----------------------------------------------------------

FiscalYearCloseRead = derive(
    FiscalYearClose,
    "FiscalYearClose",
    [
        "id",
        "association_id",
        "fiscal_year",
        "entry_id",
        "closed_at",
        "closed_by",
        "reversal_entry_id",
        "reversed_at",
        "reversed_by",
        "reversal_reason",
    ],
    node=True,
)


class FiscalYearCloseInput(ApiModel):
    """Close a fiscal year into each fund's fund balance."""

    association_id: AssociationId = Field(description="The association.")
    fiscal_year: int = Field(
        ge=1900, le=2999, description="The fiscal year, named by the calendar year it starts in (fiscalYearStartMonth)."
    )
    close_open_months: bool = Field(
        False,
        description="Close the year's months still open first, each as fiscalPeriodClose would (its checks apply); "
        "otherwise open months refuse the close (FISCAL_MONTHS_OPEN).",
    )


class FiscalYearReopenInput(ApiModel):
    """Undo a year-end close by reversing its closing entry."""

    id: FiscalYearCloseId = Field(description="The close to undo.")
    reason: str = Field(min_length=1, max_length=500, description="Why, kept with the close.")


class FiscalYearListInput(ApiModel):
    """An association's year-end closes, undone ones included, latest first."""

    association_id: AssociationId = Field(description="The association.")
    fiscal_year: int | None = Field(None, ge=1900, le=2999, description="Only this fiscal year's closes.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


FiscalYearCloseConnection = connection_model(FiscalYearCloseRead)


# --- recurring entries --------------------------------------------------------

RecurringEntryLineRead = derive(
    RecurringEntryLine,
    "RecurringEntryLine",
    ["id", "recurring_entry_id", "line_no", "account_id", "fund_id", "debit", "credit", "memo"],
    node=True,
)
RecurringEntryRead = derive(
    RecurringEntry,
    "RecurringEntry",
    [
        "id",
        "organization_id",
        "association_id",
        "memo",
        "day_of_month",
        "starts_on",
        "ends_on",
        "auto_reverse",
        "status",
        "created_by",
        "created_at",
    ],
    node=True,
    extra={"lines": (list[RecurringEntryLineRead], Field(default_factory=list, description="The entry's debits and credits."))},
)
RecurringEntryOccurrenceRead = derive(
    RecurringEntryOccurrence,
    "RecurringEntryOccurrence",
    [
        "id",
        "recurring_entry_id",
        "period",
        "status",
        "entry_id",
        "reversal_entry_id",
        "refusal_code",
        "reason",
        "decided_at",
        "decided_by",
    ],
    node=True,
)


class RecurringEntryLineInput(ApiModel):
    """One debit or credit of every occurrence. Give exactly one of `debit` and `credit`."""

    account_id: GlAccountId = Field(description="An active account of the association.")
    fund_id: FundId = Field(description="The fund (a balance-sheet account posts only to its own).")
    debit: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Debit amount, at most two decimals.")
    credit: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Credit amount, at most two decimals.")
    memo: str | None = Field(None, max_length=200, description="Line memo.")


class RecurringEntryCreateInput(ApiModel):
    """A journal entry to post every month on a set day. Its lines must balance in every fund."""

    association_id: AssociationId = Field(description="The association whose books it goes in.")
    memo: str = Field(min_length=1, max_length=500, description="Memo of every entry it posts.")
    day_of_month: int = Field(ge=1, le=28, description="Day of the month each occurrence is dated, 1–28.")
    starts_on: date = Field(description="No occurrence is dated before this day.")
    ends_on: date | None = Field(None, description="No occurrence is dated after this day; omit for no end.")
    auto_reverse: bool = Field(
        False, description="Reverse each occurrence on the first day of the next month (an accrual of an expense not yet billed)."
    )
    lines: list[RecurringEntryLineInput] = Field(min_length=2, max_length=100, description="Two or more lines.")

    @model_validator(mode="after")
    def _ordered(self) -> RecurringEntryCreateInput:
        if self.ends_on is not None and self.ends_on < self.starts_on:
            raise ValueError("`endsOn` is before `startsOn`")
        return self


class RecurringEntryGetInput(ApiModel):
    """Which recurring entry."""

    id: RecurringEntryId = Field(description="The recurring entry.")


class RecurringEntryPauseInput(ApiModel):
    """Pause or resume a recurring entry."""

    id: RecurringEntryId = Field(description="The recurring entry.")
    reason: str | None = Field(None, max_length=500, description="Why, for the audit log.")


class RecurringEntrySkipInput(ApiModel):
    """Skip one month's occurrence before it posts."""

    id: RecurringEntryId = Field(description="The recurring entry.")
    period: date = Field(description="Any day of the month to skip.")
    reason: str = Field(min_length=1, max_length=500, description="Why it is skipped, kept with the occurrence.")


class RecurringEntryListInput(ApiModel):
    """An association's recurring entries, newest first."""

    association_id: AssociationId = Field(description="The association.")
    status: RecurringEntryStatus | None = Field(None, description="Only active or only paused ones.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


RecurringEntryConnection = connection_model(RecurringEntryRead)


class RecurringEntryOccurrenceListInput(ApiModel):
    """A recurring entry's history: its months, latest first."""

    recurring_entry_id: RecurringEntryId = Field(description="The recurring entry.")
    status: OccurrenceStatus | None = Field(None, description="Only posted, skipped or refused months.")
    first: int = Field(24, ge=1, le=100, description="Page size, 1–100 (default 24).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


RecurringEntryOccurrenceConnection = connection_model(RecurringEntryOccurrenceRead)


class RecurringEntryPostDueInput(ApiModel):
    """Post an association's occurrences that are due, now, as the daily run would."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date | None = Field(None, description="Post occurrences dated on or before this day; defaults to today.")


class RecurringEntryPostDueResult(ApiModel):
    """What this run decided: occurrences posted, refused, or skipped because their entry was paused."""

    occurrences: list[RecurringEntryOccurrenceRead] = Field(description="The months decided now, by entry and month.")


# --- budgets ------------------------------------------------------------------

Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class BudgetLineInput(ApiModel):
    """The budget of one income or expense account in one fund: twelve monthly
    amounts, or an annual amount spread evenly (periods 1–11 get annual / 12 cut
    down to the cent, period 12 the rest, so the months add up to it exactly)."""

    account_id: GlAccountId = Field(description="An active income or expense account of the association.")
    fund_id: FundId = Field(description="The fund whose budget this is.")
    months: list[Money] | None = Field(
        None,
        min_length=12,
        max_length=12,
        description="Amounts for periods 1–12 (month 1 = the fiscal year's first month). Give this or `annual`.",
    )
    annual: Money | None = Field(
        None, description="Amount for the whole year, spread over the twelve months. Give this or `months`."
    )

    @model_validator(mode="after")
    def _one_form(self) -> BudgetLineInput:
        if (self.months is None) == (self.annual is None):
            raise ValueError("give either `months` (twelve amounts) or `annual`, not both")
        return self


class BudgetSetInput(ApiModel):
    """An association's whole budget for one fiscal year. It replaces the
    year's budget: accounts and funds not listed have no budget afterwards."""

    association_id: AssociationId = Field(description="The association.")
    fiscal_year: int = Field(
        ge=1900,
        le=2999,
        description="The fiscal year, named by the calendar year it starts in (the association's fiscalYearStartMonth).",
    )
    lines: list[BudgetLineInput] = Field(
        max_length=1000, description="One line per account and fund; empty clears the year's budget."
    )


class BudgetGetInput(ApiModel):
    """Which association and fiscal year."""

    association_id: AssociationId = Field(description="The association.")
    fiscal_year: int = Field(ge=1900, le=2999, description="The fiscal year, named by the calendar year it starts in.")


class _AccountAndFund(ApiModel):
    account_id: GlAccountId = Field(description="The account.")
    account_number: str = Field(description="The account's number.")
    account_name: str = Field(description="The account's name.")
    account_type: AccountType = Field(description="The account's type.")
    fund_id: FundId = Field(description="The fund.")
    fund_code: str = Field(description="The fund's code.")


class BudgetLine(_AccountAndFund):
    """The budget of one account in one fund for a fiscal year."""

    months: list[Amount] = Field(description="Amounts for periods 1–12 of the fiscal year.")
    annual: Amount = Field(description="The twelve months added up.")


class Budget(ApiModel):
    """An association's budget for one fiscal year, by account number and fund code."""

    association_id: AssociationId = Field(description="The association.")
    fiscal_year: int = Field(description="The fiscal year, named by the calendar year it starts in.")
    starts_on: date = Field(description="First day of the fiscal year (first day of period 1).")
    lines: list[BudgetLine] = Field(description="One line per account and fund; none when no budget is set.")
    total_income: Amount = Field(description="Budgeted income for the year, all funds.")
    total_expense: Amount = Field(description="Budgeted expenses for the year, all funds.")


# --- reports ------------------------------------------------------------------

_BASIS = (
    "Cash or accrual view of the books; defaults to the association's accounting basis. An accrual report reads "
    "receivables, payables and the income and expenses they carry; a cash report income when paid and expenses when settled."
)


class _Report(ApiModel):
    association_id: AssociationId = Field(description="The association.")
    basis: AccountingBasis | None = Field(None, description=_BASIS)


class AsOfReportInput(_Report):
    """An association's books as of the end of a day."""

    as_of: date = Field(description="The last day included.")


class IncomeStatementInput(_Report):
    """An association's income and expenses over a range of days."""

    from_date: date = Field(description="First day included.")
    to_date: date = Field(description="Last day included; the year to date runs from the start of its fiscal year.")

    @model_validator(mode="after")
    def _ordered(self) -> IncomeStatementInput:
        if self.from_date > self.to_date:
            raise ValueError("`fromDate` is after `toDate`")
        return self


class _ReportHeader(ApiModel):
    association_id: AssociationId = Field(description="The association.")
    basis: AccountingBasis = Field(description="The view of the books reported (cash or accrual).")
    fiscal_year_start: date = Field(
        description="First day of the fiscal year of the report's last day: "
        "income and expenses before it are closed into fund balances."
    )


class _AsOfHeader(_ReportHeader):
    as_of: date = Field(description="The last day included.")


class TrialBalanceLine(ApiModel):
    """The balance of one account in one fund: a debit or a credit."""

    account_id: GlAccountId | None = Field(
        None,
        description="The account; null on the line that carries earlier years' net income "
        "of a fund without a fund-balance account.",
    )
    account_number: str | None = Field(description="The account's number (null as for accountId).")
    account_name: str = Field(description="The account's name.")
    account_type: AccountType = Field(description="The account's type.")
    fund_id: FundId = Field(description="The fund.")
    fund_code: str = Field(description="The fund's code.")
    debit: Amount = Field(description="Debit balance (0 when the balance is a credit).")
    credit: Amount = Field(description="Credit balance (0 when the balance is a debit).")


class TrialBalance(_AsOfHeader):
    """Every account × fund with a balance, by fund code and account number.
    Balance-sheet accounts hold everything up to the day; income and expense
    accounts the fiscal year to date, earlier years' net income being in each
    fund's fund-balance account (as a year-end close would put it). Debits equal
    credits."""

    lines: list[TrialBalanceLine] = Field(description="Accounts × funds with a non-zero balance.")
    total_debit: Amount = Field(description="Sum of the debit balances.")
    total_credit: Amount = Field(description="Sum of the credit balances; equals totalDebit.")


class BalanceSheetLine(ApiModel):
    """One account's balance on the balance sheet, positive in its normal direction."""

    account_id: GlAccountId | None = Field(
        None,
        description="The account; null on the line that carries earlier years' net income "
        "of a fund without a fund-balance account.",
    )
    account_number: str | None = Field(description="The account's number (null as for accountId).")
    account_name: str = Field(description="The account's name.")
    amount: Amount = Field(description="Balance: debit minus credit for assets, credit minus debit for liabilities and equity.")


class BalanceSheetFund(ApiModel):
    """One fund's balance sheet: its assets equal its liabilities plus its equity."""

    fund_id: FundId = Field(description="The fund.")
    fund_code: str = Field(description="The fund's code.")
    fund_name: str = Field(description="The fund's name.")
    assets: list[BalanceSheetLine] = Field(description="Asset accounts with a balance, by number.")
    liabilities: list[BalanceSheetLine] = Field(description="Liability accounts with a balance, by number.")
    equity: list[BalanceSheetLine] = Field(
        description="Equity accounts with a balance (fund balances include earlier years' net income)."
    )
    current_year_net_income: Amount = Field(
        description="The fund's income minus expenses from the start of the fiscal year to the day."
    )
    total_assets: Amount = Field(description="Sum of the assets.")
    total_liabilities: Amount = Field(description="Sum of the liabilities.")
    total_equity: Amount = Field(description="Sum of the equity lines plus the current year's net income.")
    total_liabilities_and_equity: Amount = Field(description="Liabilities plus equity; equals totalAssets.")


class BalanceSheet(_AsOfHeader):
    """Assets, liabilities and equity of each fund as of a day, the current
    fiscal year's net income rolled into each fund's equity."""

    funds: list[BalanceSheetFund] = Field(description="Every fund of the association, by code.")
    total_assets: Amount = Field(description="Assets of all funds.")
    total_liabilities_and_equity: Amount = Field(description="Liabilities and equity of all funds; equals totalAssets.")


class BudgetComparison(ApiModel):
    """Actual against budget. Variance is favourable when positive: income
    above budget, expenses below (actual − budget for income, budget − actual
    for expenses; for net income, actual − budget)."""

    actual: Amount = Field(
        description="Posted amount, in the account's normal direction (income credit − debit, expense debit − credit)."
    )
    budget: Amount = Field(description="Budgeted amount of the months the span touches.")
    variance: Amount = Field(description="Favourable when positive.")


class BudgetComparisons(ApiModel):
    """The report's range and the fiscal year to date."""

    period: BudgetComparison = Field(description="The days from fromDate to toDate (budget: every month they touch).")
    year_to_date: BudgetComparison = Field(description="From the start of toDate's fiscal year to toDate.")


class IncomeStatementLine(_AccountAndFund):
    """One income or expense account in one fund."""

    period: BudgetComparison = Field(description="The days from fromDate to toDate (budget: every month they touch).")
    year_to_date: BudgetComparison = Field(description="From the start of toDate's fiscal year to toDate.")


class IncomeStatementTotal(ApiModel):
    """Totals of one fund, or of all funds (fund null)."""

    fund_id: FundId | None = Field(None, description="The fund; null for all funds together.")
    fund_code: str | None = Field(description="The fund's code; null for all funds together.")
    income: BudgetComparisons = Field(description="Total income.")
    expense: BudgetComparisons = Field(description="Total expenses.")
    net_income: BudgetComparisons = Field(description="Income minus expenses.")


class IncomeStatement(_ReportHeader):
    """Income and expenses per account and fund over a range of days, against
    the budget for the same months and for the fiscal year to date."""

    from_date: date = Field(description="First day included.")
    to_date: date = Field(description="Last day included.")
    lines: list[IncomeStatementLine] = Field(
        description="Income accounts, then expense accounts, by number and fund code: those with postings or a budget."
    )
    totals: list[IncomeStatementTotal] = Field(description="Per fund by code, then all funds together (fundId null).")

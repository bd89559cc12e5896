"""API models of the receivables domain, derived from its tables where a table
has the fields; reports have their own."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Optional, Self

from pydantic import Field, model_validator

from domains.accounting.models import FundId, GlAccountId
from domains.associations.models import AssociationId, UnitId
from domains.receivables.models import (
    AssessmentMethod,
    AssessmentSchedule,
    AssessmentScheduleId,
    EntryKind,
    InterestAccrual,
    InterestPolicy,
    LateFeeRule,
    Levy,
    LevyId,
    LockboxFile,
    LockboxFileId,
    LockboxItem,
    LockboxItemId,
    LockboxItemStatus,
    OpeningBalance,
    OwnerLedgerAllocation,
    OwnerLedgerEntry,
    OwnerLedgerEntryId,
    PaymentMethod,
    PaymentPlan,
    PaymentPlanId,
    PaymentPlanInstalment,
    PaymentVoid,
    PlanStatus,
)
from graph.schemas import ApiModel, Money, connection_model, derive

_MONEY = {"gt": 0, "max_digits": 14, "decimal_places": 2}
# Report amounts, always with their two decimals (clients compare strings).
_FIRST = Field(50, ge=1, le=100, description="Page size, 1–100 (default 50).")
_AFTER = Field(None, description="Cursor of the last item seen.")


def _money(description: str) -> Decimal:
    return Field(gt=0, max_digits=14, decimal_places=2, description=description)


# --- assessment schedules ---------------------------------------------------

_SCHEDULE = ["name", "kind", "frequency", "method", "amount", "income_account_id", "fund_id", "starts_on", "ends_on", "due_day"]
AssessmentScheduleRead = derive(
    AssessmentSchedule,
    "AssessmentSchedule",
    ["id", "organization_id", "association_id", *_SCHEDULE, "is_active", "created_at", "updated_at"],
    node=True,
)
AssessmentScheduleCreateInput = derive(
    AssessmentSchedule,
    "AssessmentScheduleCreateInput",
    ["association_id", *_SCHEDULE],
    doc="A new assessment schedule. `startsOn` is the first of a month; periods follow every 1, 3 or 12 months from it.",
    constraints={"amount": _MONEY, "due_day": {"ge": 1, "le": 28}},
    examples=[
        {
            "associationId": "asn_…",
            "name": "Regular Assessment",
            "kind": "regular",
            "frequency": "monthly",
            "method": "share",
            "amount": "25000.00",
            "incomeAccountId": "gla_…",
            "fundId": "fnd_…",
            "startsOn": "2026-01-01",
            "dueDay": 1,
        }
    ],
)
AssessmentScheduleUpdateInput = derive(
    AssessmentSchedule,
    "AssessmentScheduleUpdateInput",
    ["id"],
    doc="Change a schedule for the periods not yet levied; levies already posted keep their amounts.",
    extra={
        "name": (Optional[str], Field(None, min_length=1, max_length=100, description="New name.")),  # noqa: UP045
        "amount": (Optional[Decimal], Field(None, gt=0, max_digits=14, decimal_places=2, description="New amount.")),  # noqa: UP045
        "ends_on": (Optional[date], Field(None, description="Last day a period may start on.")),  # noqa: UP045
        "due_day": (Optional[int], Field(None, ge=1, le=28, description="New due day.")),  # noqa: UP045
        "is_active": (Optional[bool], Field(None, description="False stops further levies.")),  # noqa: UP045
    },
)


class AssessmentScheduleListInput(ApiModel):
    """An association's assessment schedules, by name."""

    association_id: AssociationId = Field(description="The association.")
    include_inactive: bool = Field(False, description="Also list inactive schedules.")
    first: int = _FIRST
    after: str | None = _AFTER


AssessmentScheduleConnection = connection_model(AssessmentScheduleRead)

# --- levies -----------------------------------------------------------------

LevyRead = derive(
    Levy,
    "Levy",
    [
        "id",
        "organization_id",
        "association_id",
        "schedule_id",
        "period",
        "due_date",
        "total",
        "unit_count",
        "remainder_cents",
        "workflow_id",
        "created_by",
        "created_at",
    ],
    node=True,
    extra={
        "posted_units": (
            int,
            Field(0, description="Units whose charge is posted so far; equals `unitCount` when the levy is complete."),
        )
    },
)


class LevyInput(ApiModel):
    """One period of a schedule."""

    schedule_id: AssessmentScheduleId = Field(description="The assessment schedule.")
    period: date = Field(description="First day of the period (e.g. 2026-03-01 for March, or the quarter's first month).")


class LevyPreviewLine(ApiModel):
    """What one unit would be charged."""

    unit_id: UnitId = Field(description="The unit.")
    unit_number: str = Field(description="The unit's number.")
    assessment_share: Decimal = Field(description="The unit's assessment share (0–1).")
    exact: Decimal = Field(description="The unrounded amount (share-based), or the fixed amount.")
    amount: Money = Field(description="The charge, in cents.")


class LevyPreview(ApiModel):
    """What a levy would post, without posting it. Rounding (method `share`): each
    unit's exact amount is total × share ÷ (sum of the active units' shares),
    rounded down to the cent; the cents left over go one each to the units with
    the largest remainders (ties: lower unit number first), so the charges add up
    to the total exactly."""

    schedule_id: AssessmentScheduleId = Field(description="The assessment schedule.")
    association_id: AssociationId = Field(description="The association.")
    period: date = Field(description="First day of the period.")
    due_date: date = Field(description="When the charges would be due.")
    method: AssessmentMethod = Field(description="Split by share, or fixed per unit.")
    total: Money = Field(description="Sum of the charges.")
    unit_count: int = Field(description="Units that would be charged (active, with a positive amount).")
    remainder_cents: int = Field(description="Cents given out by largest remainder (method `share`).")
    levy_id: LevyId | None = Field(None, description="The levy of this period, if it was already started.")
    lines: list[LevyPreviewLine] = Field(description="Per unit, by unit number.")


class LevyGetInput(ApiModel):
    """Which levy to read."""

    id: LevyId = Field(description="The levy.")


class LevyListInput(ApiModel):
    """An association's levies, latest period first."""

    association_id: AssociationId = Field(description="The association.")
    schedule_id: AssessmentScheduleId | None = Field(None, description="Only levies of this schedule.")
    first: int = _FIRST
    after: str | None = _AFTER


LevyConnection = connection_model(LevyRead)

# --- late fees --------------------------------------------------------------

LateFeeRuleRead = derive(
    LateFeeRule,
    "LateFeeRule",
    ["id", "organization_id", "association_id", "grace_days", "method", "amount", "cap", "is_active", "created_at", "updated_at"],
    node=True,
)
LateFeeRuleSetInput = derive(
    LateFeeRule,
    "LateFeeRuleSetInput",
    ["association_id", "grace_days", "method", "amount", "cap"],
    doc="An association's late-fee rule (replaces the current one).",
    constraints={"grace_days": {"ge": 0, "le": 365}, "amount": _MONEY, "cap": _MONEY},
    extra={"is_active": (bool, Field(True, description="False suspends late fees."))},
    examples=[{"associationId": "asn_…", "graceDays": 15, "method": "percent", "amount": "10.00", "cap": "50.00"}],
)


class LateFeeRuleGetInput(ApiModel):
    """Which association's rule to read."""

    association_id: AssociationId = Field(description="The association.")


class LateFeeRuleApplyInput(ApiModel):
    """Charge late fees now, as of a date."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(
        description="Fees go on assessment charges still open on this date and due more than the grace days before it; "
        "they are dated this day."
    )


# --- interest on delinquent assessments -------------------------------------

InterestPolicyRead = derive(
    InterestPolicy,
    "InterestPolicy",
    [
        "id",
        "organization_id",
        "association_id",
        "version",
        "annual_rate",
        "grace_days",
        "min_balance",
        "is_active",
        "limit_used",
        "created_by",
        "created_at",
    ],
    node=True,
)


class InterestPolicySetInput(ApiModel):
    """The association's interest on delinquent assessments, replacing the
    current policy (a new version). Simple interest, never compounded: only
    assessment charges bear it, not fees or interest. Refused where it is looser
    than the jurisdiction's limit (a higher rate, an earlier start)."""

    association_id: AssociationId = Field(description="The association.")
    annual_rate: Decimal = Field(
        gt=0,
        le=100,
        max_digits=5,
        decimal_places=2,
        description="Annual percentage rate (10.00 = 10% a year), at most the jurisdiction's.",
    )
    grace_days: int = Field(
        30, ge=0, le=365, description="Days after a charge's due date before it bears interest (at least the jurisdiction's)."
    )
    min_balance: Decimal = Field(
        Decimal("0.00"),
        ge=0,
        max_digits=14,
        decimal_places=2,
        description="Units whose delinquent assessments average less than this over the month are charged none.",
    )
    is_active: bool = Field(True, description="False suspends the monthly accrual.")


class InterestPolicyGetInput(ApiModel):
    """Which association's interest policy to read."""

    association_id: AssociationId = Field(description="The association.")


class InterestAccrueInput(ApiModel):
    """Charge a past month's interest now."""

    association_id: AssociationId = Field(description="The association.")
    month: date = Field(description="The month (any day of it; its first day is kept); it must be over.")


InterestAccrualRead = derive(
    InterestAccrual,
    "InterestAccrual",
    [
        "id",
        "association_id",
        "unit_id",
        "period",
        "policy_id",
        "principal",
        "annual_rate",
        "days",
        "amount",
        "entry_id",
        "created_at",
    ],
    node=True,
)


class InterestRun(ApiModel):
    """The interest one run charged."""

    association_id: AssociationId = Field(description="The association.")
    month: date = Field(description="The month charged (its first day).")
    count: int = Field(description="Units charged this run (a unit is charged once per month: a second run charges none).")
    total: Money = Field(description="Sum of the interest charged this run.")
    accruals: list[InterestAccrualRead] = Field(description="Each unit's interest: principal, rate applied, amount, ledger row.")


# --- owner ledger -----------------------------------------------------------

OwnerLedgerAllocationRead = derive(
    OwnerLedgerAllocation,
    "OwnerLedgerAllocation",
    ["id", "unit_id", "credit_entry_id", "charge_entry_id", "amount", "applied_on", "journal_entry_id", "created_at"],
    node=True,
)
OwnerLedgerEntryRead = derive(
    OwnerLedgerEntry,
    "OwnerLedgerEntry",
    [
        "id",
        "organization_id",
        "association_id",
        "unit_id",
        "kind",
        "entry_date",
        "due_date",
        "amount",
        "fund_id",
        "account_id",
        "journal_entry_id",
        "levy_id",
        "related_entry_id",
        "method",
        "reference",
        "memo",
        "posted_by",
        "created_at",
    ],
    node=True,
    extra={
        "allocations": (
            list[OwnerLedgerAllocationRead],
            Field(default_factory=list, description="For a payment or credit: the charges it paid; for a charge: what paid it."),
        )
    },
)


class LateFeeRun(ApiModel):
    """The late fees one run charged."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(description="The date the fees are dated and computed at.")
    count: int = Field(description="Fees charged (a charge never gets a second one).")
    total: Money = Field(description="Sum of the fees.")
    fees: list[OwnerLedgerEntryRead] = Field(description="The fee rows, with what paid them from existing credit.")


class AllocationInput(ApiModel):
    """Apply part of a payment to one open charge."""

    charge_id: OwnerLedgerEntryId = Field(description="An open charge of the unit.")
    amount: Decimal = _money("Amount to apply, at most the charge's open amount.")


class PaymentRecordInput(ApiModel):
    """A payment received from a unit's owner. Without `allocations` it pays the
    oldest open charges first; with them, those charges first and then the
    oldest; whatever is left is a credit the next charges use."""

    unit_id: UnitId = Field(description="The unit paid for.")
    received_on: date = Field(description="Date received (deposit date).")
    amount: Decimal = _money("Amount received, positive, at most two decimals.")
    method: PaymentMethod = Field(description="Check, ACH, card, cash or other.")
    reference: str | None = Field(None, max_length=60, description="Check number or processor reference.")
    memo: str = Field("Payment received", min_length=1, max_length=200, description="Text on the owner's statement.")
    allocations: list[AllocationInput] = Field(
        default_factory=list, max_length=100, description="Charges to pay first, with amounts."
    )


class PaymentReturnInput(ApiModel):
    """A payment the bank returned (NSF, stopped, closed account)."""

    id: OwnerLedgerEntryId = Field(description="The payment.")
    returned_on: date = Field(description="Date of the return, not before the payment.")
    fee: Decimal = Field(
        ge=0, max_digits=14, decimal_places=2, description="Returned-payment fee to charge the owner (0 for none)."
    )
    memo: str = Field("Returned payment", min_length=1, max_length=200, description="Text on the owner's statement.")


class PaymentReturnResult(ApiModel):
    """The return and its fee."""

    returned: OwnerLedgerEntryRead = Field(description="The returned-payment row; its charges are open again.")
    fee: OwnerLedgerEntryRead | None = Field(None, description="The returned-payment fee, if one was charged.")


class PaymentVoidInput(ApiModel):
    """A payment entered in error (wrong unit, wrong amount, never received) to void."""

    id: OwnerLedgerEntryId = Field(description="The payment.")
    voided_on: date = Field(description="Accounting date of the reversal, not before the payment (an open month).")
    reason: str = Field(min_length=1, max_length=200, description="Why it is voided.")


PaymentVoidRead = derive(
    PaymentVoid,
    "PaymentVoid",
    [
        "id",
        "association_id",
        "unit_id",
        "payment_entry_id",
        "reversal_entry_id",
        "voided_on",
        "reason",
        "voided_by",
        "created_at",
    ],
    node=True,
)


class PaymentVoidResult(ApiModel):
    """The void and the row reversing the payment."""

    void: PaymentVoidRead = Field(description="The void, with its reason.")
    reversal: OwnerLedgerEntryRead = Field(
        description="The owner-ledger row taking the payment back; its charges are open again."
    )


class OwnerLedgerEntryChargeInput(ApiModel):
    """A one-off charge to a unit (a fine, a repair charged back, a correction)."""

    unit_id: UnitId = Field(description="The unit.")
    amount: Decimal = _money("Amount, positive, at most two decimals.")
    entry_date: date = Field(description="Accounting date.")
    due_date: date | None = Field(None, description="When it is due; defaults to the entry date.")
    account_id: GlAccountId | None = Field(None, description="Income account to credit; defaults to assessment income.")
    fund_id: FundId | None = Field(None, description="Fund; defaults to the operating fund.")
    memo: str = Field(min_length=1, max_length=200, description="Text on the owner's statement.")


class OwnerLedgerEntryCreditInput(ApiModel):
    """A credit to a unit (a waived fee, a concession). With `chargeId` it goes
    on that charge first, in its fund and income account."""

    unit_id: UnitId = Field(description="The unit.")
    amount: Decimal = _money("Amount, positive, at most two decimals.")
    entry_date: date = Field(description="Accounting date.")
    charge_id: OwnerLedgerEntryId | None = Field(None, description="An open charge of the unit to credit first.")
    account_id: GlAccountId | None = Field(
        None, description="Income account given back; defaults to the charge's, or assessment income."
    )
    fund_id: FundId | None = Field(None, description="Fund; defaults to the charge's, or the operating fund.")
    memo: str = Field(min_length=1, max_length=200, description="Text on the owner's statement.")


class OwnerLedgerEntryGetInput(ApiModel):
    """Which owner-ledger row to read."""

    id: OwnerLedgerEntryId = Field(description="The row.")


class OwnerLedgerEntryListInput(ApiModel):
    """Owner-ledger rows of an association (or one unit), newest first."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's rows.")
    kind: EntryKind | None = Field(None, description="Only rows of this kind.")
    first: int = _FIRST
    after: str | None = _AFTER


OwnerLedgerEntryConnection = connection_model(OwnerLedgerEntryRead)

# --- reports ----------------------------------------------------------------


class _Range(ApiModel):
    @model_validator(mode="after")
    def _ordered(self) -> Self:
        # The subclasses declare the two dates, each with its own description.
        if self.from_date > self.to_date:  # type: ignore[attr-defined]
            raise ValueError("fromDate must not be after toDate")
        return self


class OwnerStatementInput(_Range):
    """A unit's statement for a date range."""

    id: UnitId = Field(description="The unit.")
    from_date: date = Field(description="First day of the statement.")
    to_date: date = Field(description="Last day of the statement.")


class StatementLine(ApiModel):
    """One row of a statement, with the balance after it."""

    entry_id: OwnerLedgerEntryId = Field(description="The owner-ledger row.")
    entry_date: date = Field(description="Date.")
    kind: EntryKind = Field(description="What it is.")
    memo: str = Field(description="Description.")
    reference: str | None = Field(None, description="Check number or reference of a payment.")
    due_date: date | None = Field(None, description="When a charge is due.")
    amount: Money = Field(description="Positive: charged; negative: paid or credited.")
    balance: Money = Field(description="Running balance after this row (positive: owed).")


class OwnerStatement(ApiModel):
    """What a unit's owners were charged and paid over a date range."""

    unit_id: UnitId = Field(description="The unit.")
    association_id: AssociationId = Field(description="Its association.")
    unit_number: str = Field(description="The unit's number.")
    owner_names: list[str] = Field(description="Owners on the last day, primary first.")
    from_date: date = Field(description="First day.")
    to_date: date = Field(description="Last day.")
    opening_balance: Money = Field(description="Balance before the first day (positive: owed).")
    charges: Money = Field(description="Sum of the charges and returned payments in the range.")
    credits: Money = Field(description="Sum of the payments and credits in the range (negative).")
    closing_balance: Money = Field(description="Balance at the end of the last day.")
    lines: list[StatementLine] = Field(description="The rows in the range, in posting order.")


class ArAgingInput(ApiModel):
    """An association's receivables aged as of a date."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(description="Aging date: postings after it are ignored, days past due count to it.")


class AgingAmounts(ApiModel):
    """Open charges by days past their due date, unapplied credit, and the net balance."""

    current: Money = Field(description="Not yet past due.")
    days_1_to_30: Money = Field(description="1–30 days past due.")
    days_31_to_60: Money = Field(description="31–60 days past due.")
    days_61_to_90: Money = Field(description="61–90 days past due.")
    over_90: Money = Field(description="More than 90 days past due.")
    credit: Money = Field(description="Unapplied payments and credits (prepaid), as a positive amount.")
    balance: Money = Field(description="Open charges less credit.")


class ArAgingRow(AgingAmounts):
    """One unit's aging."""

    unit_id: UnitId = Field(description="The unit.")
    unit_number: str = Field(description="The unit's number.")
    owner_names: list[str] = Field(description="Owners on the aging date, primary first.")


class ArAging(ApiModel):
    """Accounts receivable aging: every unit with open charges or credit on the
    date, from the owner ledger (which equals the receivable and prepaid accounts)."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(description="Aging date.")
    rows: list[ArAgingRow] = Field(description="Units by unit number.")
    totals: AgingAmounts = Field(description="The association's totals.")


class DelinquencyListInput(ApiModel):
    """Units behind on their payments."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(description="Date to measure at.")
    min_days_past_due: int = Field(
        30, ge=0, le=3650, description="List units owing on charges more than this many days past due (default 30)."
    )
    min_amount: Decimal = Field(
        Decimal("0.01"), gt=0, decimal_places=2, description="…of at least this much in total (default 0.01)."
    )


class DelinquentUnit(ApiModel):
    """A unit behind on its payments."""

    unit_id: UnitId = Field(description="The unit.")
    unit_number: str = Field(description="The unit's number.")
    owner_names: list[str] = Field(description="Owners on the date, primary first.")
    past_due: Money = Field(description="Open on charges more than the given days past due.")
    balance: Money = Field(description="Everything the unit owes less its credit.")
    oldest_due_date: date = Field(description="Due date of its oldest open charge.")
    days_past_due: int = Field(description="Days since that due date.")


class DelinquencyList(ApiModel):
    """Units owing on old charges, most past due first."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(description="Date measured at.")
    min_days_past_due: int = Field(description="Threshold used.")
    rows: list[DelinquentUnit] = Field(description="Most days past due first, then by unit number.")
    total_past_due: Money = Field(description="Sum of the rows' past-due amounts.")


# --- opening balances ---------------------------------------------------------

OpeningBalanceRead = derive(
    OpeningBalance,
    "OpeningBalance",
    [
        "id",
        "organization_id",
        "association_id",
        "cut_over_date",
        "journal_entry_id",
        "account_lines",
        "unit_items",
        "total_debit",
        "receivable",
        "prepaid",
        "posted_by",
        "created_at",
    ],
    node=True,
)


class OpeningAccountRow(ApiModel):
    """One line of the opening trial balance: an account's balance in one fund,
    as a debit or a credit. Receivable and prepaid-assessment lines must equal the
    owners' opening items of their fund."""

    account_number: str = Field(min_length=1, max_length=10, description="The account's number in the association's chart.")
    fund_code: str = Field(min_length=1, max_length=10, description="The fund's code (e.g. OPER, RESV).")
    debit: Decimal = Field(
        Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Debit balance (0 or absent on a credit)."
    )
    credit: Decimal = Field(
        Decimal(0), ge=0, max_digits=14, decimal_places=2, description="Credit balance (0 or absent on a debit)."
    )

    @model_validator(mode="after")
    def _one_side(self) -> Self:
        if (self.debit == 0) == (self.credit == 0):
            raise ValueError("give exactly one of `debit` and `credit`, above zero")
        return self


class OpeningUnitKind(StrEnum):
    """An amount the owner still owed at cut-over (a charge, aged by its original
    due date) or money they had paid ahead (prepaid credit)."""

    CHARGE = "charge"
    PREPAID = "prepaid"


class OpeningUnitRow(ApiModel):
    """One owner opening item of a unit."""

    unit_number: str = Field(min_length=1, max_length=20, description="The unit's number in the association.")
    kind: OpeningUnitKind = Field(description="`charge` (owed) or `prepaid` (paid ahead).")
    amount: Decimal = Field(gt=0, max_digits=14, decimal_places=2, description="Amount, positive.")
    due_date: date | None = Field(
        None, description="A charge's original due date, on or before the cut-over date (aging counts from it)."
    )
    fund_code: str | None = Field(
        None, max_length=10, description="The fund; defaults to the operating fund that holds owners' credit."
    )
    memo: str | None = Field(None, max_length=150, description="What it was in the previous system (e.g. 'Dues 2025-11').")

    @model_validator(mode="after")
    def _dated(self) -> Self:
        if self.kind is OpeningUnitKind.CHARGE and self.due_date is None:
            raise ValueError("a charge needs its original `dueDate`")
        if self.kind is OpeningUnitKind.PREPAID and self.due_date is not None:
            raise ValueError("prepaid credit has no `dueDate`")
        return self


class OpeningBalancePostInput(ApiModel):
    """An association's opening balances as of its cut-over date, posted all or
    nothing: if any row is wrong nothing is posted and every problem is reported
    with its section and row number. Give the trial balance as `accounts` (JSON
    rows) or `accountsCsv`, and the owners' items as `units` or `unitsCsv`."""

    association_id: AssociationId = Field(description="The association moving in; its chart of accounts must be installed.")
    cut_over_date: date = Field(description="The day the balances are as of (its month must be open).")
    accounts: list[dict[str, Any]] | None = Field(
        None,
        max_length=2000,
        description="Trial-balance rows as objects with OpeningAccountRow's camelCase keys. Give this or `accountsCsv`.",
    )
    accounts_csv: str | None = Field(
        None, max_length=500_000, description="CSV with the header accountNumber,fundCode,debit,credit. Give this or `accounts`."
    )
    units: list[dict[str, Any]] | None = Field(
        None,
        max_length=20_000,
        description="Owner items as objects with OpeningUnitRow's camelCase keys; none when nobody owed or had paid ahead.",
    )
    units_csv: str | None = Field(
        None,
        max_length=2_000_000,
        description="CSV with the header unitNumber,kind,amount,dueDate,fundCode,memo. Give this or `units` (or neither).",
    )


class OpeningBalanceGetInput(ApiModel):
    """Which association's opening balances to read."""

    association_id: AssociationId = Field(description="The association.")


# --- payment plans ------------------------------------------------------------

PaymentPlanInstalmentRead = derive(
    PaymentPlanInstalment, "PaymentPlanInstalment", ["id", "plan_id", "seq", "due_on", "amount"], node=True
)


class InstalmentStanding(ApiModel):
    """Where one instalment stands on the day asked."""

    seq: int = Field(description="Its number in the plan.")
    due_on: date = Field(description="When it is due.")
    amount: Money = Field(description="Amount due.")
    paid: Money = Field(description="What the unit's payments since the plan began cover of it (in due-date order).")
    state: str = Field(description="`paid`, `open` (not yet due, or within the grace days) or `missed`.")


PaymentPlanRead = derive(
    PaymentPlan,
    "PaymentPlan",
    [
        "id",
        "organization_id",
        "association_id",
        "unit_id",
        "amount",
        "starts_on",
        "grace_days",
        "status",
        "memo",
        "created_by",
        "created_at",
        "updated_at",
    ],
    node=True,
    extra={
        "instalments": (
            list[InstalmentStanding],
            Field(default_factory=list, description="The schedule, with where each instalment stands."),
        ),
        "paid": (Money, Field(Decimal(0), description="Payments on the unit since the plan began, less returned ones.")),
        "as_of": (Optional[date], Field(None, description="The day the standing is computed for.")),  # noqa: UP045
    },
)


class PaymentPlanCreateInput(ApiModel):
    """An agreement splitting a unit's balance into equal instalments (the last
    takes the cents left over), due every `intervalMonths` from `firstDueOn`."""

    unit_id: UnitId = Field(description="The unit.")
    starts_on: date = Field(description="The day it is agreed: payments from then on count toward it.")
    amount: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description="The balance covered; defaults to the unit's whole balance."
    )
    instalments: int = Field(ge=2, le=60, description="How many instalments (2–60).")
    first_due_on: date = Field(description="Due date of the first instalment, on or after `startsOn`.")
    interval_months: int = Field(1, ge=1, le=3, description="Months between instalments (default 1).")
    grace_days: int = Field(5, ge=0, le=60, description="Days after a due date before an uncovered instalment defaults the plan.")
    memo: str | None = Field(None, max_length=200, description="Terms or notes.")

    @model_validator(mode="after")
    def _dates(self) -> Self:
        if self.first_due_on < self.starts_on:
            raise ValueError("`firstDueOn` is before `startsOn`")
        return self


class PaymentPlanGetInput(ApiModel):
    """Which plan, and the day to compute its standing for."""

    id: PaymentPlanId = Field(description="The payment plan.")
    as_of: date | None = Field(None, description="Standing on this day; defaults to today (UTC).")


class PaymentPlanCancelInput(ApiModel):
    """Cancel an active plan."""

    id: PaymentPlanId = Field(description="The payment plan.")
    reason: str = Field(min_length=1, max_length=200, description="Why.")


class PaymentPlanListInput(ApiModel):
    """An association's payment plans, newest first."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's plans.")
    status: PlanStatus | None = Field(None, description="Only plans in this status.")
    first: int = _FIRST
    after: str | None = _AFTER


PaymentPlanConnection = connection_model(PaymentPlanRead)


class PaymentPlanReviewInput(ApiModel):
    """Review an association's active plans as of a day: paid off → completed, an
    instalment uncovered past its grace days → defaulted (the nightly run does
    this every day)."""

    association_id: AssociationId = Field(description="The association.")
    as_of: date = Field(description="The day to review for.")


class PaymentPlanReview(ApiModel):
    """What a review changed."""

    completed: int = Field(description="Plans paid off, now completed.")
    defaulted: int = Field(description="Plans with a missed instalment, now defaulted.")


# --- lockbox ------------------------------------------------------------------

LockboxFileRead = derive(
    LockboxFile,
    "LockboxFile",
    ["id", "association_id", "digest", "line_count", "posted_count", "exception_count", "total", "imported_by", "created_at"],
    node=True,
)
LockboxItemRead = derive(
    LockboxItem,
    "LockboxItem",
    [
        "id",
        "association_id",
        "file_id",
        "line_no",
        "account",
        "amount",
        "check_number",
        "paid_on",
        "status",
        "problem",
        "unit_id",
        "payment_entry_id",
        "resolved_by",
        "resolved_at",
    ],
    node=True,
)


class LockboxFileImportInput(ApiModel):
    """A lockbox file from the association's bank: CSV with the header
    account,amount,checkNumber,date (account: the coupon's unit number; date:
    YYYY-MM-DD). Each line that names a unit becomes a payment on its ledger (by
    check); the others are queued as exceptions. A file is imported once."""

    association_id: AssociationId = Field(description="The association the payments are for.")
    csv: str = Field(min_length=1, max_length=5_000_000, description="The file's text, with its header row.")


class LockboxFileImportResult(ApiModel):
    """What an import did."""

    file: LockboxFileRead = Field(description="The file (the earlier import, when the same file came before).")
    already_imported: bool = Field(description="True when this file had been imported before: nothing was posted now.")


class LockboxItemListInput(ApiModel):
    """An association's lockbox lines by line number — the exceptions queue with `status: exception`."""

    association_id: AssociationId = Field(description="The association.")
    file_id: LockboxFileId | None = Field(None, description="Only this file's lines.")
    status: LockboxItemStatus | None = Field(None, description="Only lines in this status.")
    first: int = _FIRST
    after: str | None = _AFTER


LockboxItemConnection = connection_model(LockboxItemRead)


class LockboxItemResolveInput(ApiModel):
    """Post an exception as a payment of the unit a person identified."""

    id: LockboxItemId = Field(description="The exception.")
    unit_id: UnitId = Field(description="The unit it pays for.")
    amount: Decimal | None = Field(
        None, gt=0, max_digits=14, decimal_places=2, description="The amount, when the line's was unreadable."
    )
    paid_on: date | None = Field(None, description="The deposit date, when the line's was unreadable.")

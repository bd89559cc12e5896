"""Error codes of the accounting domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class UnbalancedEntry(AppError):
    """Debits and credits differ in a fund (details name the fund and view)."""

    code = "UNBALANCED_ENTRY"
    status = 422


class PeriodClosed(AppError):
    """The entry's month is closed."""

    code = "PERIOD_CLOSED"
    status = 422


class UnknownAccount(AppError):
    """An account id names no active account of this association."""

    code = "UNKNOWN_ACCOUNT"
    status = 422


class UnknownFund(AppError):
    """A fund id names no active fund of this association."""

    code = "UNKNOWN_FUND"
    status = 422


class FundMismatch(AppError):
    """A balance-sheet account posts only to its own fund."""

    code = "FUND_MISMATCH"
    status = 422


class AlreadyReversed(Conflict):
    """The journal entry was already reversed."""

    code = "ENTRY_ALREADY_REVERSED"


class NotReversible(AppError):
    """The entry can't be reversed: it is itself a reversal, receivables posted it
    (correct it there), or the date is before the entry's."""

    code = "ENTRY_NOT_REVERSIBLE"
    status = 422


class AccountNumberTaken(Conflict):
    """The association already has an account with this number."""

    code = "ACCOUNT_NUMBER_TAKEN"


class FundCodeTaken(Conflict):
    """The association already has a fund with this code."""

    code = "FUND_CODE_TAKEN"


class InvalidAccount(AppError):
    """An account's number, type and fund don't fit together (ranges: 1 asset, 2 liability, 3 equity, 4 income, 5–9 expense)."""

    code = "INVALID_ACCOUNT"
    status = 422


class ControlAccountMissing(AppError):
    """A subledger needs an account with this control role (install the chart of accounts, or mark one)."""

    code = "CONTROL_ACCOUNT_MISSING"
    status = 422


class OwnerLedgerAccount(AppError):
    """Receivable and prepaid-assessment accounts are kept by the owner ledger:
    charges, payments and credits go through receivables."""

    code = "OWNER_LEDGER_ACCOUNT"
    status = 422


class PeriodAlreadyClosed(Conflict):
    """The month is already closed."""

    code = "PERIOD_ALREADY_CLOSED"


class InvalidBudget(AppError):
    """A budget line names an account that isn't an income or expense account, or repeats an account and fund."""

    code = "INVALID_BUDGET"
    status = 422


class InvalidTransfer(AppError):
    """A reserve transfer moves cash between two different funds of the
    association, one operating and one reserve fund."""

    code = "INVALID_TRANSFER"
    status = 422


class InsufficientCash(AppError):
    """The fund's cash account holds less than the transfer on its date (details give the balance)."""

    code = "INSUFFICIENT_CASH"
    status = 422


class YearNotEnded(AppError):
    """The fiscal year's last day has not passed yet."""

    code = "FISCAL_YEAR_NOT_ENDED"
    status = 422


class MonthsOpen(AppError):
    """Months of the fiscal year are still open (details list them); close them, or ask the year-end close to."""

    code = "FISCAL_MONTHS_OPEN"
    status = 422


class YearCloseReversed(Conflict):
    """This year-end close has already been undone."""

    code = "YEAR_CLOSE_ALREADY_REVERSED"


class RecurringEntryState(Conflict):
    """The recurring entry is already in the state asked for (paused, or active)."""

    code = "RECURRING_ENTRY_STATE"


class OccurrenceDecided(Conflict):
    """That month's occurrence was already posted, skipped or refused."""

    code = "OCCURRENCE_ALREADY_DECIDED"


class NotAnOccurrence(AppError):
    """The month is not one of the recurring entry's: before it starts, after it ends."""

    code = "NOT_AN_OCCURRENCE"
    status = 422

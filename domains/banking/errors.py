"""Error codes of the banking domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class InvalidCashAccount(AppError):
    """A bank account holds the balance of an active asset account of one fund (a cash account)."""

    code = "INVALID_CASH_ACCOUNT"
    status = 422


class CashAccountTaken(Conflict):
    """Another bank account already holds this cash account."""

    code = "CASH_ACCOUNT_TAKEN"


class BankAccountInactive(AppError):
    """The bank account is closed: it takes no statements, matches or reconciliations."""

    code = "BANK_ACCOUNT_INACTIVE"
    status = 422


class StatementUnreadable(AppError):
    """The file isn't OFX, or the CSV doesn't fit its column mapping (details name the row)."""

    code = "STATEMENT_UNREADABLE"
    status = 422


class StatementAccountMismatch(AppError):
    """The OFX file is for another account (its number doesn't end in this account's last four digits)."""

    code = "STATEMENT_ACCOUNT_MISMATCH"
    status = 422


class MonthReconciled(AppError):
    """The month is reconciled and locked: its bank transactions and matches don't change."""

    code = "MONTH_RECONCILED"
    status = 422


class NotMatchable(AppError):
    """The journal lines aren't unmatched lines of the bank account's cash account, or don't add up to the transaction."""

    code = "NOT_MATCHABLE"
    status = 422


class AlreadyMatched(Conflict):
    """The transaction is already matched: unmatch it first."""

    code = "ALREADY_MATCHED"


class NotMatched(AppError):
    """The bank transaction is not matched, so there is nothing to unmatch."""

    code = "NOT_MATCHED"
    status = 422


class ReconciliationExists(Conflict):
    """The account's month already has a reconciliation."""

    code = "RECONCILIATION_EXISTS"


class ReconciliationNotBalanced(AppError):
    """The statement and the books don't tie, or bank transactions of the month are unmatched (details give the figures)."""

    code = "RECONCILIATION_NOT_BALANCED"
    status = 422


class ReconciliationFinished(Conflict):
    """A finished reconciliation is locked."""

    code = "RECONCILIATION_FINISHED"


class CashNotReconciled(AppError):
    """A month closes only when each of its bank accounts is reconciled for it (details list them)."""

    code = "CASH_NOT_RECONCILED"
    status = 422

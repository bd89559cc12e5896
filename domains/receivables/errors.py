"""Error codes of the receivables domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict, NotFound


class InvalidPeriod(AppError):
    """The period isn't one of the schedule's (first of a month, on its cadence, inside its dates)."""

    code = "INVALID_PERIOD"
    status = 422


class ScheduleInactive(AppError):
    """The assessment schedule is inactive: it bills nothing."""

    code = "SCHEDULE_INACTIVE"
    status = 422


class NoAssessableUnits(AppError):
    """The association has no active unit to charge (or, by share, none with a share)."""

    code = "NO_ASSESSABLE_UNITS"
    status = 422


class InvalidSchedule(AppError):
    """A schedule's income account, fund or dates don't fit."""

    code = "INVALID_SCHEDULE"
    status = 422


class UnknownCharge(AppError):
    """The charge named is not an open charge of this unit."""

    code = "UNKNOWN_CHARGE"
    status = 422


class AllocationTooLarge(AppError):
    """Applications exceed the payment, or a charge's open amount."""

    code = "ALLOCATION_TOO_LARGE"
    status = 422


class NotAPayment(AppError):
    """The owner-ledger entry named is not a payment."""

    code = "NOT_A_PAYMENT"
    status = 422


class PaymentAlreadyReturned(Conflict):
    """The payment was already returned."""

    code = "PAYMENT_ALREADY_RETURNED"


class LateFeeRuleMissing(NotFound):
    """The association has no active late-fee rule."""

    code = "LATE_FEE_RULE_MISSING"


class OpeningBalanceExists(Conflict):
    """An association's opening balances are posted once; correct them with a journal entry."""

    code = "OPENING_BALANCE_EXISTS"


class BooksAlreadyStarted(AppError):
    """Opening balances come before any other entry: the books already hold one on or before the cut-over date."""

    code = "BOOKS_ALREADY_STARTED"
    status = 422


class OpeningBalanceMissing(NotFound):
    """The association has not moved in through openingBalance/v1/post."""

    code = "OPENING_BALANCE_MISSING"


class NothingOwed(AppError):
    """A payment plan covers a balance the unit owes; this one owes nothing (or less than the amount asked)."""

    code = "NOTHING_OWED"
    status = 422


class PlanExists(Conflict):
    """The unit already has an active payment plan."""

    code = "PAYMENT_PLAN_EXISTS"


class PlanNotActive(AppError):
    """Only an active payment plan can be cancelled."""

    code = "PAYMENT_PLAN_NOT_ACTIVE"
    status = 422


class NotAnException(AppError):
    """Only a lockbox line queued as an exception can be resolved."""

    code = "NOT_A_LOCKBOX_EXCEPTION"
    status = 422


class PaymentAlreadyVoided(Conflict):
    """The payment has already been voided."""

    code = "PAYMENT_ALREADY_VOIDED"


class InterestPolicyMissing(NotFound):
    """The association has no interest policy (interestPolicy/v1/set)."""

    code = "INTEREST_POLICY_MISSING"


class InterestPolicyBelowStatute(AppError):
    """The interest policy is looser than its jurisdiction's limit (a higher rate, or interest beginning sooner after
    the due date); `details` names the limit with its citation."""

    code = "INTEREST_POLICY_BELOW_STATUTE"
    status = 422


class InterestPeriodNotOver(AppError):
    """A month's interest is charged once the month is over: `month` must be a past month."""

    code = "INTEREST_PERIOD_NOT_OVER"
    status = 422

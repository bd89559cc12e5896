"""Error codes of the reserves domain."""

from __future__ import annotations

from graph.errors import AppError


class ReserveAccountInvalid(AppError):
    """A component's spending lands on expense accounts of its own association."""

    code = "RESERVE_ACCOUNT_INVALID"
    status = 422


class NoReserveFund(AppError):
    """The association has no reserve fund in its chart of accounts, so there is no balance to study."""

    code = "NO_RESERVE_FUND"
    status = 422


class NoQualifyingComponents(AppError):
    """A study needs at least one active component that passes the four-part test."""

    code = "NO_QUALIFYING_COMPONENTS"
    status = 422


class NoReserveStudy(AppError):
    """The association has no reserve study yet: record one first."""

    code = "NO_RESERVE_STUDY"
    status = 422


class InvalidDates(AppError):
    """A date is out of order (a status before the study's date, a study in the future)."""

    code = "INVALID_DATES"
    status = 422

"""Error codes of the jurisdictions domain."""

from __future__ import annotations

from graph.errors import AppError


class LooserThanStatute(AppError):
    """Governing documents may make a rule stricter, never looser than the statute; the message cites it."""

    code = "LOOSER_THAN_STATUTE"
    status = 422


class UnknownRule(AppError):
    """No rule with this key is in force for the association."""

    code = "UNKNOWN_RULE"
    status = 422


class RuleValueMismatch(AppError):
    """The value given is not of the rule's kind (days, flag, money or methods)."""

    code = "RULE_VALUE_MISMATCH"
    status = 422

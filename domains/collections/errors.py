"""Error codes of the collections domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict, NotFound


class PolicyBelowStatute(AppError):
    """The collection policy is looser than its jurisdiction's rules (a shorter wait, a missing offer or approval,
    a fee over the cap); `details.violations` names each rule with its citation."""

    code = "COLLECTION_POLICY_BELOW_STATUTE"
    status = 422


class PolicyMissing(NotFound):
    """The association has no collection policy (collectionPolicy/v1/set)."""

    code = "COLLECTION_POLICY_MISSING"


class NoticePeriodRunning(Conflict):
    """The statutory wait after the notice of intent has not ended: no lien can be approved yet."""

    code = "COLLECTION_NOTICE_PERIOD_RUNNING"


class NotAwaitingApproval(Conflict):
    """The case is not waiting for the board's approval of this step."""

    code = "COLLECTION_NOT_AWAITING_APPROVAL"


class ForeclosureNotAllowed(AppError):
    """The jurisdiction forbids foreclosing this lien (too small an amount, or not delinquent long enough);
    `details.reasons` names each rule with its citation. The account may still be referred without foreclosure."""

    code = "COLLECTION_FORECLOSURE_NOT_ALLOWED"
    status = 422

"""API models of the jurisdictions domain."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, StringConstraints, model_validator

from domains.associations.models import AssociationId
from domains.jurisdictions.models import RuleValueKind, StricterDirection
from graph.schemas import ApiModel

RuleKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,59}$")]
Method = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
_JURISDICTION = r"^(default|[A-Z]{2}-[A-Z0-9]{1,3})$"
_KEY = "What the rule governs: hearing_notice_days, hearing_decision_delivery_days, fine_schedule_required, max_fine, "
_KEY += "arc_decision_days, arc_deemed_approval, solar_arc_decision_days, notice_delivery_methods, appeal_required; "
_KEY += "the compliance calendar's annual_meeting_required, budget_distribution_days, financial_review_revenue_threshold, "
_KEY += "financial_review_due_days, reserve_study_inspection_days or fidelity_bond_required; the meetings' "
_KEY += "board_meeting_notice_days, executive_session_notice_days, membership_meeting_notice_days or "
_KEY += "membership_meeting_notice_max_days."
_AS_OF = "The day to resolve the rules for (default: today, UTC)."


class RuleSource(StrEnum):
    """Where an association's effective value comes from: its state's statute,
    Hestami's default (no statute of its state here), or its governing documents."""

    STATUTE = "statute"
    """The association's state statute."""
    DEFAULT = "default"
    """Hestami's default: no statute of its state is on file."""
    GOVERNING_DOCUMENTS = "governing_documents"
    """The association's governing documents (an override)."""


class _Value(ApiModel):
    days: int | None = Field(None, description="The number of days (kind `days`).")
    flag: bool | None = Field(None, description="Yes or no (kind `flag`).")
    amount: Decimal | None = Field(None, description="An amount in dollars (kind `money`); null there: no cap.")
    methods: list[Method] | None = Field(None, description="Delivery methods allowed (kind `methods`).")


class JurisdictionRuleRead(_Value):
    """One version of a statutory rule of a jurisdiction."""

    jurisdiction: str = Field(description="Country and subdivision (e.g. US-CA), or `default`.")
    key: str = Field(description=_KEY)
    kind: RuleValueKind = Field(description="The kind of value, which says which value field is set.")
    stricter: StricterDirection = Field(description="The direction in which governing documents may be stricter.")
    citation: str = Field(description="The statute the value comes from, with what it says.")
    effective_on: date = Field(description="First day this version is in force.")
    superseded_on: date | None = Field(None, description="The day a later version took over; null while in force.")


class JurisdictionRuleListInput(ApiModel):
    """Which jurisdiction's rules to read."""

    jurisdiction: str = Field(pattern=_JURISDICTION, description="Country and subdivision (e.g. US-CA), or `default`.")
    as_of: date | None = Field(None, description=_AS_OF)
    include_history: bool = Field(False, description="Every version, superseded ones included, oldest first per rule.")


class JurisdictionRuleSet(ApiModel):
    """A jurisdiction's rules: those in force on a day, or their whole history."""

    jurisdiction: str = Field(description="The jurisdiction.")
    as_of: date = Field(description="The day the rules are in force.")
    rules: list[JurisdictionRuleRead] = Field(description="The rules, by key (and effective date with the history).")


class EffectiveRule(_Value):
    """One rule as it applies to an association: the statute's value or the
    governing documents' stricter one, with where it comes from."""

    key: str = Field(description=_KEY)
    kind: RuleValueKind = Field(description="The kind of value, which says which value field is set.")
    source: RuleSource = Field(description="Where the value comes from.")
    citation: str = Field(description="The statute (or default) that bounds the value.")
    document_reference: str | None = Field(None, description="Where the governing documents set it (source governing_documents).")
    statute: JurisdictionRuleRead = Field(description="The rule in force that bounds the value.")


class EffectiveRulesInput(ApiModel):
    """Whose rules to read."""

    id: AssociationId = Field(description="The association.")
    as_of: date | None = Field(None, description=_AS_OF)


class EffectiveRules(ApiModel):
    """An association's rules: its state's statute where one is on file, the
    default otherwise, each made stricter where its governing documents say so."""

    association_id: AssociationId = Field(description="The association.")
    jurisdiction: str = Field(description="Its jurisdiction (from its country and region), or `default`.")
    as_of: date = Field(description="The day the rules are resolved for.")
    rules: list[EffectiveRule] = Field(description="Every rule, by key.")


class JurisdictionRuleOverrideSetInput(_Value):
    """A stricter value of one rule from the association's governing documents;
    give exactly the value field of the rule's kind."""

    id: AssociationId = Field(description="The association.")
    key: RuleKey = Field(description=_KEY)
    document_reference: str = Field(
        min_length=1, max_length=200, description="Where the governing documents set it (e.g. CC&Rs §7.3)."
    )

    @model_validator(mode="after")
    def _one_value(self) -> Self:
        given = [v for v in (self.days, self.flag, self.amount, self.methods) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of days, flag, amount, methods")
        if self.days is not None and not 0 <= self.days <= 3650:
            raise ValueError("days must be between 0 and 3650")
        if self.amount is not None and (self.amount < 0 or self.amount != self.amount.quantize(Decimal("0.01"))):
            raise ValueError("amount must be a non-negative dollar amount with at most two decimals")
        if self.amount is not None and self.amount >= Decimal("1e12"):
            raise ValueError("amount is too large")
        if self.methods is not None and (not self.methods or len(set(self.methods)) != len(self.methods)):
            raise ValueError("methods must list at least one method, each once")
        return self


class JurisdictionRuleOverrideClearInput(ApiModel):
    """Which override to remove: the rule goes back to the statute's value."""

    id: AssociationId = Field(description="The association.")
    key: RuleKey = Field(description=_KEY)

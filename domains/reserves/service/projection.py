"""The arithmetic of a reserve study, in Decimal, with no database: the
projections over the study's horizon by both methods and the four funding
scenarios. Everything here is a pure function of a study's figures, so a test
can check it against a published example figure by figure.

Years. Year t (t = 0 … H−1) is the study year that starts on the study date
plus t years; the tables number it t + 1 ("year 1" starts on the study date).

Per component i (National Reserve Study Standards; Browning Reserve Group,
"Fully Funded Balance", whose worked example tests/reserves/test_projection.py
reproduces):
    cost_i(t)  = cost_i × (1 + inflation_i)^t                 (inflated replacement cost)
    RL_i(t)    = (RUL_i − t) mod UL_i                         (remaining life; 0: replaced in year t)
    age_i(t)   = UL_i − RL_i(t)                               (effective age, 1 … UL)
    FFB_i(t)   = cost_i(t) × age_i(t) / UL_i                  (fully funded balance at the start of year t)
    E_i(t)     = cost_i(t) if RL_i(t) = 0 else 0              (expenditure in year t)
Before its first replacement a component's remaining life is RUL_i − t itself
(RUL may be as long as UL).

The fund, cash-flow (pooled) method, in cents (each year's expenditures, interest
and contributions are rounded to the cent, as they would post, so every row
reconciles: closing = opening + contribution + interest − expenditures):
    B(0)       = the reserve balance on the study date (from the general ledger)
    I(t)       = r × max(B(t), 0)                             (interest on the opening balance, none on a deficit)
    B(t+1)     = B(t) + C(t) + I(t) − E(t)                    (E(t) = Σ E_i(t))
    FFB(t)     = Σ FFB_i(t);  percent funded(t) = B(t) / FFB(t)

Funding scenarios (what C(t) is):
    current    C(t) = C_now × (1 + g)^t: the budget's contribution, growing at g.
    baseline   C(t) = C × (1 + g)^t, the least C (to the cent) with B(t+1) ≥ 0 every year.
    threshold  the same with B(t+1) ≥ max(threshold balance, threshold % × FFB(t+1)) every year.
    full       the component (straight-line) method: each component's share of the
               fund, A_i, grows toward its next replacement in equal steps,
                   C_i(t) = max(0, (cost_i(t + n) − A_i(t)) / n),
                   n = RL_i(t) if RL_i(t) > 0, else UL_i (the next cycle, after this year's replacement),
               A_i(0) = B(0) × FFB_i(0) / FFB(0) (the balance shared in proportion to
               each component's fully funded balance), A_i(t+1) = A_i(t)(1 + r) + C_i(t) − E_i(t);
               each C_i(t) rounded up to the cent; C(t) = Σ C_i(t). With no inflation, interest or starting balance this is the
               textbook cost / life; with inflation, future cost / years to go (the
               "Adequate Reserve" example of assetinsights.net, also in the tests).

Special assessments are suggested wherever a scenario's balance goes negative:
walking the years, each year that would still close below zero gets an
assessment of exactly its shortfall, due at its start, and the later years are
read with the assessments so far added in (a lump sum raises every later
balance by at least itself, interest only adds to it), so the years after it
close at zero or above with the fewest dollars levied, as late as possible.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache

CENT = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)
PERCENT = Decimal("0.0001")


class Scenario(StrEnum):
    """A funding scenario: how the association pays in."""

    CURRENT = "current"
    """The contribution the association pays today, kept up."""
    BASELINE = "baseline"
    """The least level contribution that keeps the reserve balance above zero."""
    THRESHOLD = "threshold"
    """The least level contribution that keeps the balance above the threshold (an amount or a percent funded)."""
    FULL = "full"
    """The contribution that brings the balance to fully funded (100%)."""


@dataclass(frozen=True, eq=False)
class Component:
    """A studied component's figures on the study date. Compared and hashed by
    identity: the cache of inflated costs then keys on the object in hand, which
    costs nothing, instead of hashing its four Decimals on every lookup."""

    cost: Decimal
    useful_life: int
    remaining_life: int
    inflation: Decimal


@dataclass(frozen=True)
class Assumptions:
    """A study's assumptions."""

    starting_balance: Decimal
    interest_rate: Decimal
    horizon: int
    current_contribution: Decimal
    contribution_increase: Decimal = ZERO
    threshold_balance: Decimal = ZERO
    threshold_percent: Decimal = ZERO


def remaining_life(c: Component, t: int) -> int:
    """RL(t): years left at the start of year t; 0 in a replacement year."""
    if t <= c.remaining_life:
        return c.remaining_life - t
    return (c.remaining_life - t) % c.useful_life


def age(c: Component, t: int) -> int:
    """Effective age at the start of year t (useful life − remaining life, at least 0)."""
    return max(c.useful_life - remaining_life(c, t), 0)


@lru_cache(maxsize=65536)
def inflated(c: Component, t: int) -> Decimal:
    """cost × (1 + inflation)^t, unrounded (cached: the schedule, the scenarios and the
    component method ask for the same years of the same components), each year one
    multiplication of the year before (at Decimal's 28 digits, far below a cent)."""
    return c.cost if t == 0 else inflated(c, t - 1) * (ONE + c.inflation)


def fully_funded(c: Component, t: int) -> Decimal:
    """FFB_i(t) = cost_i(t) × age_i(t) / UL_i, unrounded."""
    return inflated(c, t) * age(c, t) / c.useful_life


def expenditure(c: Component, t: int) -> Decimal:
    """E_i(t): the inflated cost in a replacement year, else 0, unrounded."""
    return inflated(c, t) if remaining_life(c, t) == 0 else ZERO


def money(x: Decimal) -> Decimal:
    return x.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Schedule:
    """What does not depend on the contributions: per year, the expenditures and the fully funded balance."""

    expenditures: list[Decimal]
    fully_funded: list[Decimal]  # H + 1 values: the start of each year, and the end of the last

    @classmethod
    def of(cls, components: Sequence[Component], horizon: int) -> Schedule:
        return cls(
            [money(sum((expenditure(c, t) for c in components), ZERO)) for t in range(horizon)],
            [sum((fully_funded(c, t) for c in components), ZERO) for t in range(horizon + 1)],
        )


@dataclass(frozen=True)
class Year:
    """One row of a projection table."""

    year: int
    opening_balance: Decimal
    contribution: Decimal
    interest: Decimal
    expenditures: Decimal
    closing_balance: Decimal
    fully_funded_balance: Decimal
    percent_funded: Decimal | None


@dataclass(frozen=True)
class SpecialAssessment:
    """A lump sum to levy so the balance never goes negative."""

    year: int
    amount: Decimal


@dataclass(frozen=True)
class Projection:
    scenario: Scenario
    annual_contribution: Decimal  # year 1's
    years: list[Year]
    lowest_balance: Decimal
    special_assessments: list[SpecialAssessment] = field(default_factory=list)


def _run(a: Assumptions, schedule: Schedule, contributions: Sequence[Decimal]) -> list[Decimal]:
    """B(0) … B(H), unrounded."""
    balances = [a.starting_balance]
    for t in range(a.horizon):
        b = balances[-1]
        balances.append(b + contributions[t] + money(a.interest_rate * max(b, ZERO)) - schedule.expenditures[t])
    return balances


def _table(a: Assumptions, schedule: Schedule, contributions: Sequence[Decimal]) -> tuple[list[Year], list[Decimal]]:
    balances = _run(a, schedule, contributions)
    years = []
    for t in range(a.horizon):
        ffb = schedule.fully_funded[t]
        years.append(
            Year(
                year=t + 1,
                opening_balance=money(balances[t]),
                contribution=money(contributions[t]),
                interest=money(a.interest_rate * max(balances[t], ZERO)),
                expenditures=money(schedule.expenditures[t]),
                closing_balance=money(balances[t + 1]),
                fully_funded_balance=money(ffb),
                percent_funded=(balances[t] / ffb).quantize(PERCENT, ROUND_HALF_UP) if ffb > 0 else None,
            )
        )
    return years, balances


def _level(a: Assumptions, amount: Decimal) -> list[Decimal]:
    return [money(amount * (ONE + a.contribution_increase) ** t) for t in range(a.horizon)]


def _least_level(a: Assumptions, schedule: Schedule, floors: Sequence[Decimal]) -> Decimal:
    """The least C, in whole cents, with B(t+1) ≥ floors[t] every year when C(t) = C(1+g)^t.
    B(t+1) grows with C, so a binary search over cents finds it exactly."""

    def holds(cents: int) -> bool:
        balances = _run(a, schedule, _level(a, Decimal(cents) * CENT))
        return all(balances[t + 1] >= floors[t] for t in range(a.horizon))

    if holds(0):
        return ZERO
    high = 1
    while not holds(high):
        high *= 2
    low = high // 2  # fails (or is 0, which failed)
    while high - low > 1:
        mid = (low + high) // 2
        if holds(mid):
            high = mid
        else:
            low = mid
    return Decimal(high) * CENT


def _component_contributions(a: Assumptions, components: Sequence[Component], schedule: Schedule) -> list[Decimal]:
    """C(t) of the component method (see the module docstring)."""
    total_ffb = schedule.fully_funded[0]
    if total_ffb > 0:
        shares = [a.starting_balance * fully_funded(c, 0) / total_ffb for c in components]
    else:
        total_cost = sum((c.cost for c in components), ZERO)
        shares = [a.starting_balance * c.cost / total_cost if total_cost else ZERO for c in components]
    contributions = []
    for t in range(a.horizon):
        year_total = ZERO
        for i, c in enumerate(components):
            rl = remaining_life(c, t)
            n = rl if rl > 0 else c.useful_life
            needed = (inflated(c, t + n) - (shares[i] - expenditure(c, t))) / n
            step = max(needed, ZERO).quantize(CENT, ROUND_CEILING)
            shares[i] = shares[i] * (ONE + a.interest_rate) + step - expenditure(c, t)
            year_total += step
        contributions.append(year_total)
    return contributions


def project(a: Assumptions, components: Sequence[Component], scenario: Scenario, schedule: Schedule | None = None) -> Projection:
    """The year-by-year table of one scenario over the horizon."""
    schedule = schedule or Schedule.of(components, a.horizon)
    if scenario is Scenario.CURRENT:
        contributions = _level(a, a.current_contribution)
    elif scenario is Scenario.BASELINE:
        contributions = _level(a, _least_level(a, schedule, [ZERO] * a.horizon))
    elif scenario is Scenario.THRESHOLD:
        floors = [max(a.threshold_balance, a.threshold_percent * schedule.fully_funded[t + 1]) for t in range(a.horizon)]
        contributions = _level(a, _least_level(a, schedule, floors))
    else:
        contributions = _component_contributions(a, components, schedule)
    years, balances = _table(a, schedule, contributions)
    lowest = min(balances[1:], default=a.starting_balance)
    return Projection(scenario, contributions[0] if contributions else ZERO, years, money(lowest), _assessments(balances))


def _assessments(balances: Sequence[Decimal]) -> list[SpecialAssessment]:
    """The special assessments keeping every closing balance at or above zero (see the module docstring)."""
    found: list[SpecialAssessment] = []
    levied = ZERO
    for t, closing in enumerate(balances[1:]):
        if closing + levied < 0:
            amount = (-(closing + levied)).quantize(CENT, ROUND_CEILING)
            found.append(SpecialAssessment(year=t + 1, amount=amount))
            levied += amount
    return found

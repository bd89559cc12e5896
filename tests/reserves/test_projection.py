"""The reserve study arithmetic (domains/reserves/service/projection.py) checked
against published worked examples, figure by figure, and against its own
definitions of the funding scenarios."""

from __future__ import annotations

from decimal import Decimal

from domains.reserves.service.projection import (
    Assumptions,
    Component,
    Scenario,
    Schedule,
    age,
    expenditure,
    fully_funded,
    inflated,
    project,
    remaining_life,
)

D = Decimal


def dollars(x: Decimal) -> Decimal:
    return x.quantize(D(1))


def test_fully_funded_balance_matches_browning_reserve_group_example() -> None:
    """Browning Reserve Group, "Fully Funded Balance" (browningrg.com, Education
    Resources > Reserve Funding > Fully Funded Balance), "Single Component FFB
    Example": inflation 2.5%, replacement cost $3,000, useful life 3 years,
    remaining life 2. Its table, years 1–7:

        Inflated Replacement Cost  $3,000 $3,075 $3,152 $3,231 $3,311 $3,394 $3,479
        Remaining Life                  2      1      0      2      1      0      2
        Age                             1      2      3      1      2      3      1
        Fully Funded Balance       $1,000 $2,050 $3,152 $1,077 $2,208 $3,394 $1,160

    (FFB = cost × age / useful life, age = useful life − remaining life; the
    replacement years are those with remaining life 0.)"""
    roof = Component(cost=D("3000"), useful_life=3, remaining_life=2, inflation=D("0.025"))
    assert [dollars(inflated(roof, t)) for t in range(7)] == [D(x) for x in (3000, 3075, 3152, 3231, 3311, 3394, 3479)]
    assert [remaining_life(roof, t) for t in range(7)] == [2, 1, 0, 2, 1, 0, 2]
    assert [age(roof, t) for t in range(7)] == [1, 2, 3, 1, 2, 3, 1]
    assert [dollars(fully_funded(roof, t)) for t in range(7)] == [D(x) for x in (1000, 2050, 3152, 1077, 2208, 3394, 1160)]
    # Spent in the replacement years only, at the inflated cost.
    assert [dollars(expenditure(roof, t)) for t in range(7)] == [D(x) for x in (0, 0, 3152, 0, 0, 3394, 0)]
    # The projection's table carries the same fully funded balances.
    table = project(Assumptions(D(0), D(0), 7, D(0)), [roof], Scenario.CURRENT).years
    assert [dollars(y.fully_funded_balance) for y in table] == [D(x) for x in (1000, 2050, 3152, 1077, 2208, 3394, 1160)]


def test_fully_funded_balance_matches_the_textbook_cases() -> None:
    """Two more published figures of FFB = current cost × age / useful life, no inflation:
    - Staebler Appraisal, "Reserve Studies Demystified – Ideal Reserves vs. Fully
      Funded": a 10-year-old tile roof with a 30-year useful life costing $45,000
      → $15,000;
    - CA Reserves (careserves.com), "Funding Principles": a $10,000 pool resurface with
      a 10-year useful life, after two years → $2,000."""
    roof = Component(cost=D("45000"), useful_life=30, remaining_life=20, inflation=D(0))
    pool = Component(cost=D("10000"), useful_life=10, remaining_life=8, inflation=D(0))
    assert fully_funded(roof, 0) == D("15000")
    assert fully_funded(pool, 0) == D("2000")
    # Percent funded is the balance over the sum of the components' FFBs.
    table = project(Assumptions(D("8500"), D(0), 1, D(0)), [roof, pool], Scenario.CURRENT).years
    assert table[0].fully_funded_balance == D("17000.00") and table[0].percent_funded == D("0.5000")


def test_component_method_matches_the_adequate_reserve_example() -> None:
    """Asset Insights glossary, "Adequate Reserve Formula" (assetinsights.net): "a
    boiler replacement every 10 years (Frequency) at $10,000 (Current Value),
    escalated (at 2%) is $12,190, and should be funded at $1,219 per year."
    The component (full funding) method, starting from nothing and earning no
    interest, contributes the escalated cost over the years to go: $1,219 a year
    for the ten years before the replacement, which then finds $12,190 in the fund."""
    boiler = Component(cost=D("10000"), useful_life=10, remaining_life=10, inflation=D("0.02"))
    assert dollars(inflated(boiler, 10)) == D("12190")
    p = project(Assumptions(D(0), D(0), 11, D(0)), [boiler], Scenario.FULL)
    assert dollars(p.annual_contribution) == D("1219")
    assert [dollars(y.contribution) for y in p.years[:10]] == [D("1219")] * 10
    assert dollars(p.years[9].closing_balance) == D("12190")  # the fund on the morning of year 11
    assert dollars(p.years[10].expenditures) == D("12190")
    assert p.lowest_balance >= 0 and p.special_assessments == []


def _community() -> tuple[Assumptions, list[Component]]:
    components = [
        Component(D("120000"), 25, 4, D("0.03")),  # roof
        Component(D("80000"), 20, 9, D("0.03")),  # paving
        Component(D("30000"), 12, 1, D("0.03")),  # pool plaster
        Component(D("15000"), 8, 0, D("0.03")),  # exterior paint, due now
    ]
    return Assumptions(D("60000"), D("0.015"), 30, D("12000"), D("0.03"), D("25000"), D("0.30")), components


def test_baseline_and_threshold_are_the_least_contributions_meeting_their_goal() -> None:
    """Baseline: the least level contribution (growing at the study's rate) whose
    balance never closes a year below zero — a cent less and some year does.
    Threshold: the same with the balance at or above max($25,000, 30% of the FFB)."""
    a, components = _community()
    schedule = Schedule.of(components, a.horizon)
    baseline = project(a, components, Scenario.BASELINE, schedule)
    assert min(y.closing_balance for y in baseline.years) >= 0
    tighter = Assumptions(**{**vars(a), "current_contribution": baseline.annual_contribution - D("0.01")})
    assert project(tighter, components, Scenario.CURRENT, schedule).lowest_balance < 0

    threshold = project(a, components, Scenario.THRESHOLD, schedule)
    floors = [max(D("25000"), D("0.30") * f) for f in schedule.fully_funded[1:]]
    assert all(y.closing_balance >= floor.quantize(D("0.01")) for y, floor in zip(threshold.years, floors, strict=False))
    assert threshold.annual_contribution > baseline.annual_contribution
    # Contributions grow at 3% a year after year 1 (to the cent).
    assert threshold.years[1].contribution == (threshold.annual_contribution * D("1.03")).quantize(D("0.01"))


def test_a_negative_projection_suggests_the_special_assessment_that_fixes_it() -> None:
    """Current contributions too small: the first assessment falls in the first year
    closing below zero, for exactly its shortfall; with all of them levied at the
    start of their years no year closes below zero, and each is needed (the year
    before it, with the earlier ones, closes at zero or above; its own would not)."""
    a, components = _community()
    a = Assumptions(**{**vars(a), "current_contribution": D("2000"), "contribution_increase": D(0)})
    current = project(a, components, Scenario.CURRENT)
    assert current.lowest_balance < 0 and current.special_assessments
    first = next(y for y in current.years if y.closing_balance < 0)
    assert current.special_assessments[0].year == first.year
    assert current.special_assessments[0].amount == -first.closing_balance
    for y in current.years:
        levied = sum((s.amount for s in current.special_assessments if s.year <= y.year), D(0))
        assert y.closing_balance + levied >= 0
        if any(s.year == y.year for s in current.special_assessments):
            assert y.closing_balance + levied - next(s.amount for s in current.special_assessments if s.year == y.year) < 0
    # In all, the deepest shortfall (each assessment rounded up to the cent), spread over the years it is needed.
    total = sum((s.amount for s in current.special_assessments), D(0))
    assert 0 <= total + current.lowest_balance <= D("0.01") * len(current.special_assessments)
    # The cash-flow identity holds in every row.
    for y in current.years:
        assert y.closing_balance == y.opening_balance + y.contribution + y.interest - y.expenditures
    for before, after in zip(current.years, current.years[1:], strict=False):
        assert after.opening_balance == before.closing_balance


def test_full_funding_moves_toward_fully_funded() -> None:
    """The component method from a 60% funded start ends the horizon near 100% funded."""
    a, components = _community()
    full = project(a, components, Scenario.FULL)
    assert full.years[0].percent_funded is not None and full.years[0].percent_funded < D("0.7")
    assert all(y.closing_balance >= 0 for y in full.years[1:])
    assert full.years[-1].percent_funded is not None and full.years[-1].percent_funded > D("0.95")

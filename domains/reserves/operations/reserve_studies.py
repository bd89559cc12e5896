"""reserveStudy/v1/{create,get,list,project,status}, reserveFunding/v1/dashboard."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from domains.reserves.errors import InvalidDates
from domains.reserves.models import ReserveStudy, ReserveStudyComponent
from domains.reserves.schemas import (
    ComponentStatusRow,
    ProjectionYear,
    ReserveDashboard,
    ReserveDashboardInput,
    ReserveDashboardRow,
    ReserveProjection,
    ReserveProjectionInput,
    ReserveStatus,
    ReserveStatusInput,
    ReserveStudyComponentRead,
    ReserveStudyConnection,
    ReserveStudyCreateInput,
    ReserveStudyGetInput,
    ReserveStudyListInput,
    ReserveStudyRead,
    ScenarioProjection,
    SuggestedAssessment,
)
from domains.reserves.service import studies
from domains.reserves.service.projection import Assumptions, Scenario, Schedule, project
from graph.clock import today
from graph.handlers import OperationContext, actor, as_connection, org, with_nodes
from graph.ids import encode
from graph.operations import operation

PERCENT = Decimal("0.0001")


def _read(study: ReserveStudy, lines: Sequence[ReserveStudyComponent]) -> Any:
    return ReserveStudyRead.model_validate(study).model_copy(
        update={"components": [ReserveStudyComponentRead.model_validate(line) for line in lines]}
    )


async def _with_components(ctx: OperationContext, rows: Sequence[ReserveStudy]) -> list[Any]:
    by_study: dict[Any, list[ReserveStudyComponent]] = defaultdict(list)
    for line in await studies.components_of(ctx.session, [r.id for r in rows]):
        by_study[line.study_id].append(line)
    return [_read(r, by_study[r.id]) for r in rows]


@operation(
    "reserveStudy/v1/create",
    input=ReserveStudyCreateInput,
    output=ReserveStudyRead,
    kind="reserve_study",
    action="create",
    summary="Record a new version of a reserve study",
)
async def create_study(ctx: OperationContext, data: ReserveStudyCreateInput) -> ReserveStudyRead:
    """Record the association's next study version (1, 2, 3…; earlier ones are
    kept as they were) with its assumptions. Its starting balance is read from
    the general ledger: the reserve funds' assets less liabilities on the study
    date (NO_RESERVE_FUND without a reserve fund). It copies every active
    component passing the four-part test, its remaining life carried to the study
    date (NO_QUALIFYING_COMPONENTS when there is none). A study date in the
    future is INVALID_DATES."""
    study, lines = await studies.create(ctx.session, org(ctx), data, today(), actor(ctx))
    ctx.audit_summary = {
        "version": study.version,
        "studyDate": str(study.study_date),
        "startingBalance": str(study.starting_balance),
        "components": len(lines),
    }
    ctx.audit_targets = [encode("asn", data.association_id)]
    return _read(study, lines)


@operation(
    "reserveStudy/v1/get",
    input=ReserveStudyGetInput,
    output=ReserveStudyRead,
    kind="reserve_study",
    action="read",
    target=ReserveStudy,
    mutates=False,
    summary="Read a reserve study",
)
async def get_study(ctx: OperationContext, data: ReserveStudyGetInput) -> ReserveStudyRead:
    """One study version with its assumptions and the components it studied."""
    return (await _with_components(ctx, [ctx.target]))[0]


@operation(
    "reserveStudy/v1/list",
    input=ReserveStudyListInput,
    output=ReserveStudyConnection,
    kind="reserve_study",
    action="list",
    mutates=False,
    graphql_name="reserveStudies",
    summary="List an association's reserve studies",
)
async def list_studies(ctx: OperationContext, data: ReserveStudyListInput) -> ReserveStudyConnection:
    """An association's study versions, newest first, each with its components."""
    rows, page = await studies.study_page(ctx.session, data, await ctx.visible("reserve_study", "read", ReserveStudy))
    return with_nodes(as_connection(ReserveStudyConnection, rows, page), await _with_components(ctx, rows[: page.first]))


def _assumptions(study: ReserveStudy) -> Assumptions:
    return Assumptions(
        starting_balance=study.starting_balance,
        interest_rate=study.interest_rate,
        horizon=study.horizon_years,
        current_contribution=study.current_annual_contribution,
        contribution_increase=study.contribution_increase_rate,
        threshold_balance=study.threshold_balance,
        threshold_percent=study.threshold_percent_funded,
    )


@operation(
    "reserveStudy/v1/project",
    input=ReserveProjectionInput,
    output=ReserveProjection,
    kind="reserve_study",
    action="read",
    target=ReserveStudy,
    mutates=False,
    graphql_name="reserveProjection",
    summary="Project a reserve study's funding scenarios",
)
async def project_study(ctx: OperationContext, data: ReserveProjectionInput) -> ReserveProjection:
    """The study's year-by-year projection over its horizon under each funding
    scenario asked for: `current` (the budget's contribution, growing at the
    study's rate), `baseline` (the least level contribution keeping the balance at
    or above zero), `threshold` (the least keeping it at or above the study's
    threshold balance and percent funded), `full` (the component method: each
    component funded straight-line toward its next replacement). Each returns
    year 1's contribution, the table, the lowest balance, and a special
    assessment for each year the balance would close below zero, in the shape of
    a one-time special assessment schedule in the reserve fund. Formulas:
    domains/reserves/service/projection.py."""
    study: ReserveStudy = ctx.target
    lines = await studies.components_of(ctx.session, [study.id])
    components = [studies.as_component(line) for line in lines]
    assumptions = _assumptions(study)
    schedule = Schedule.of(components, assumptions.horizon)
    fund_id = await studies.reserve_fund(ctx.session, study.association_id)
    results = []
    for scenario in data.scenarios or list(Scenario):
        p = project(assumptions, components, scenario, schedule)
        assessments = [
            SuggestedAssessment(
                year=a.year, due_on=studies.add_years(study.study_date, a.year - 1), amount=a.amount, fund_id=fund_id
            )
            for a in p.special_assessments
        ]
        results.append(
            ScenarioProjection(
                scenario=scenario,
                annual_contribution=p.annual_contribution,
                contribution_increase_rate=study.contribution_increase_rate,
                lowest_balance=p.lowest_balance,
                special_assessments=assessments,
                years=[ProjectionYear(starts_on=studies.add_years(study.study_date, y.year - 1), **vars(y)) for y in p.years],
            )
        )
    return ReserveProjection(
        study_id=study.id,
        horizon_years=study.horizon_years,
        starting_balance=study.starting_balance,
        scenarios=results,
    )


def _percent(balance: Decimal, ffb: Decimal) -> Decimal | None:
    return (balance / ffb).quantize(PERCENT, ROUND_HALF_UP) if ffb > 0 else None


def _status_rows(
    study: ReserveStudy, lines: Sequence[Any], spent: dict[Any, dict[int, Decimal]], as_of: date
) -> tuple[int, list[dict[str, Any]]]:
    t = studies.years_between(study.study_date, as_of)
    rows = [
        studies.live_component(line, t, spent.get((study.id, line.component_id), {}), study.replacement_completion_ratio)
        for line in lines
    ]
    return t, rows


@operation(
    "reserveStudy/v1/status",
    input=ReserveStatusInput,
    output=ReserveStatus,
    kind="reserve_study",
    action="read",
    mutates=False,
    graphql_name="reserveStatus",
    summary="Read an association's percent funded now, from the books",
)
async def reserve_status(ctx: OperationContext, data: ReserveStatusInput) -> ReserveStatus:
    """Percent funded on a day (today by default), computed when asked: the
    reserve funds' balance read from the general ledger that day, against the
    fully funded balance of the latest study version, each component's age
    corrected by what its accounts show was spent (a due replacement with enough
    spending posted restarts its age; one without counts as fully used up). A
    reserve contribution or a roof invoice moves it as soon as it posts.
    NO_RESERVE_STUDY before the first study; INVALID_DATES before its date."""
    as_of = data.as_of or today()
    study = await studies.latest_of(ctx.session, data.association_id, await ctx.visible("reserve_study", "read", ReserveStudy))
    if as_of < study.study_date:
        raise InvalidDates("Read the status on or after the latest study's date.", field=["asOf"])
    lines = await studies.components_of(ctx.session, [study.id])
    balance = (await studies.reserve_balances(ctx.session, org(ctx), [data.association_id], as_of))[data.association_id]
    spent = await studies.spending(ctx.session, org(ctx), [study.id], as_of)
    t, rows = _status_rows(study, lines, spent, as_of)
    ffb = sum((r["fully_funded_balance"] for r in rows), Decimal(0))
    return ReserveStatus(
        association_id=data.association_id,
        study_id=study.id,
        study_version=study.version,
        as_of=as_of,
        study_year=t + 1,
        reserve_balance=balance,
        fully_funded_balance=ffb,
        percent_funded=_percent(balance, ffb),
        components=[ComponentStatusRow(**r) for r in rows],
    )


@operation(
    "reserveFunding/v1/dashboard",
    input=ReserveDashboardInput,
    output=ReserveDashboard,
    kind="reserve_study",
    action="read",
    mutates=False,
    graphql_name="reserveDashboard",
    summary="Percent funded of every association, from the books",
)
async def dashboard(ctx: OperationContext, data: ReserveDashboardInput) -> ReserveDashboard:
    """Percent funded on a day of every association of the organization with a
    reserve study (as reserveStatus computes it), weakest first: what a
    management company watches across its portfolio. Four statements however
    many associations: the latest studies, their components, the reserve
    balances, the spending on the components' accounts."""
    as_of = data.as_of or today()
    latest = [
        s
        for s in await studies.latest(ctx.session, None, await ctx.visible("reserve_study", "read", ReserveStudy))
        if s.study_date <= as_of
    ]
    by_study: dict[Any, list[Any]] = defaultdict(list)
    if latest:
        for line in await studies.component_figures(ctx.session, [s.id for s in latest]):
            by_study[line.study_id].append(line)
    balances = await studies.reserve_balances(ctx.session, org(ctx), [s.association_id for s in latest], as_of)
    spent = await studies.spending(ctx.session, org(ctx), [s.id for s in latest], as_of) if latest else {}
    rows = []
    for s in latest:
        _, components = _status_rows(s, by_study[s.id], spent, as_of)
        ffb = sum((r["fully_funded_balance"] for r in components), Decimal(0))
        balance = balances[s.association_id]
        rows.append(
            ReserveDashboardRow(
                association_id=s.association_id,
                study_id=s.id,
                study_date=s.study_date,
                reserve_balance=balance,
                fully_funded_balance=ffb,
                percent_funded=_percent(balance, ffb),
            )
        )
    rows.sort(key=lambda r: (r.percent_funded is None, r.percent_funded or 0, str(r.association_id)))
    return ReserveDashboard(as_of=as_of, associations=rows)

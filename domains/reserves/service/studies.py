"""Reserve studies: recording a version, and reading the books for them.

What the books say, read at query time:
- the reserve balance of an association on a day is the net of the asset and
  liability accounts of its reserve funds (funds of kind `reserve`): what the
  reserves hold less what they owe, in the association's basis (a vendor
  invoice coded to the reserve fund lowers it when it posts on the accrual
  basis, when it is paid on the cash basis);
- spending on a component is what is posted (debit less credit) to its
  accounts in the reserve funds, by study year.
Each is one statement for any number of associations (the dashboard's).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, func, insert, select, text
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import Fund, FundKind
from domains.associations.models import Association
from domains.reserves.errors import InvalidDates, NoQualifyingComponents, NoReserveFund, NoReserveStudy
from domains.reserves.models import ComponentStatus, ReserveComponent, ReserveStudy, ReserveStudyComponent
from domains.reserves.service.projection import Component, age, inflated
from graph.db import new_id
from graph.handlers import require
from graph.pages import Page, page_statement

ZERO = Decimal(0)

# Reserve funds' assets less liabilities per association, as of :as_of, in each association's basis.
BALANCES = text(
    """
    SELECT l.association_id, coalesce(sum(l.debit - l.credit), 0) AS balance
      FROM journal_lines l
      JOIN associations s ON s.organization_id = l.organization_id AND s.id = l.association_id
      JOIN funds f ON f.organization_id = l.organization_id AND f.association_id = l.association_id AND f.id = l.fund_id
      JOIN gl_accounts a ON a.organization_id = l.organization_id AND a.association_id = l.association_id AND a.id = l.account_id
     WHERE l.organization_id = :org AND l.association_id = ANY(:associations)
       AND f.kind = 'reserve' AND a.type IN ('asset', 'liability')
       AND l.entry_date <= :as_of
       AND l.basis IN ('both', CAST(CAST(s.accounting_basis AS text) AS ledger_basis))
     GROUP BY l.association_id
    """
)

# Per study and component, what its accounts show spent in the reserve funds, by
# study year (0 is the year starting on the study date), up to :as_of.
SPENDING = text(
    """
    SELECT st.id AS study_id, k.component_id,
           CAST(extract(year FROM age(l.entry_date, st.study_date)) AS int) AS year,
           sum(l.debit - l.credit) AS spent
      FROM reserve_studies st
      JOIN associations s ON s.organization_id = st.organization_id AND s.id = st.association_id
      JOIN reserve_study_components sc
        ON sc.organization_id = st.organization_id AND sc.association_id = st.association_id AND sc.study_id = st.id
      JOIN reserve_component_accounts k
        ON k.organization_id = sc.organization_id AND k.association_id = sc.association_id AND k.component_id = sc.component_id
      JOIN journal_lines l
        ON l.organization_id = k.organization_id AND l.association_id = k.association_id AND l.account_id = k.account_id
      JOIN funds f ON f.organization_id = l.organization_id AND f.association_id = l.association_id AND f.id = l.fund_id
     WHERE st.organization_id = :org AND st.id = ANY(:studies)
       AND f.kind = 'reserve'
       AND l.entry_date >= st.study_date AND l.entry_date <= :as_of
       AND l.basis IN ('both', CAST(CAST(s.accounting_basis AS text) AS ledger_basis))
     GROUP BY 1, 2, 3
    """
)


async def reserve_balances(
    session: AsyncSession, organization_id: UUID, association_ids: Sequence[UUID], as_of: date
) -> dict[UUID, Decimal]:
    rows = await session.execute(BALANCES, {"org": organization_id, "associations": list(association_ids), "as_of": as_of})
    found = {r.association_id: r.balance for r in rows}
    return {a: found.get(a, ZERO) for a in association_ids}


async def spending(
    session: AsyncSession, organization_id: UUID, study_ids: Sequence[UUID], as_of: date
) -> dict[tuple[UUID, UUID], dict[int, Decimal]]:
    """(study, component) → {study year: spent}."""
    found: dict[tuple[UUID, UUID], dict[int, Decimal]] = defaultdict(dict)
    rows = await session.execute(SPENDING, {"org": organization_id, "studies": list(study_ids), "as_of": as_of})
    for r in rows:
        found[(r.study_id, r.component_id)][r.year] = r.spent
    return found


def years_between(start: date, day: date) -> int:
    """Whole years from `start` to `day` (0 within the first year)."""
    years = day.year - start.year - ((day.month, day.day) < (start.month, start.day))
    return max(years, 0)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


async def reserve_fund(session: AsyncSession, association_id: UUID) -> UUID | None:
    """The association's reserve fund (the first by code, if it keeps several)."""
    return await session.scalar(
        select(Fund.id).where(Fund.association_id == association_id, Fund.kind == FundKind.RESERVE).order_by(Fund.code).limit(1)
    )


async def create(
    session: AsyncSession, organization_id: UUID, data: Any, today: date, actor: UUID
) -> tuple[ReserveStudy, list[ReserveStudyComponent]]:
    """Record the next version of the association's study: its starting balance from
    the books on the study date, and a copy of each active component passing the
    four-part test, its remaining life carried to the study date."""
    if data.study_date > today:
        raise InvalidDates("A study is as of a day that has come: the books can't be read for the future.", field=["studyDate"])
    # Locked, so two studies recorded at once take versions one after the other.
    await require(session, Association, data.association_id, "associationId", lock=True)
    if await reserve_fund(session, data.association_id) is None:
        raise NoReserveFund("The association has no reserve fund: install the chart of accounts or create one.")
    components = (
        await session.scalars(
            select(ReserveComponent)
            .where(
                ReserveComponent.association_id == data.association_id,
                ReserveComponent.status == ComponentStatus.ACTIVE,
                ReserveComponent.qualifies.is_(True),
            )
            .order_by(ReserveComponent.category, ReserveComponent.name, ReserveComponent.id)
        )
    ).all()
    if not components:
        raise NoQualifyingComponents("No active component of the association passes the four-part test.")
    version = await session.scalar(
        select(func.coalesce(func.max(ReserveStudy.version), 0) + 1).where(ReserveStudy.association_id == data.association_id)
    )
    balance = (await reserve_balances(session, organization_id, [data.association_id], data.study_date))[data.association_id]
    study = ReserveStudy(
        id=new_id(),
        organization_id=organization_id,
        version=version,
        starting_balance=balance,
        created_by=actor,
        **data.model_dump(),
    )
    session.add(study)
    await session.flush()
    lines = [
        {
            "id": new_id(),
            "organization_id": organization_id,
            "association_id": data.association_id,
            "study_id": study.id,
            "component_id": c.id,
            "category": c.category,
            "name": c.name,
            "replacement_cost": c.replacement_cost,
            "useful_life_years": c.useful_life_years,
            # Carried from the day it was estimated to the study date, never below 0 (overdue: due in year 1).
            "remaining_life_years": max(c.remaining_life_years - years_between(c.remaining_life_as_of, data.study_date), 0)
            if data.study_date >= c.remaining_life_as_of
            else c.remaining_life_years + years_between(data.study_date, c.remaining_life_as_of),
            "inflation_rate": c.inflation_rate if c.inflation_rate is not None else data.inflation_rate,
            "association_responsibility": c.association_responsibility,
            "limited_useful_life": c.limited_useful_life,
            "predictable_remaining_life": c.predictable_remaining_life,
            "above_threshold": c.above_threshold,
        }
        for c in components
    ]
    await session.execute(insert(ReserveStudyComponent), lines)
    return study, await components_of(session, [study.id])


async def components_of(session: AsyncSession, study_ids: Sequence[UUID]) -> list[ReserveStudyComponent]:
    return list(
        (
            await session.scalars(
                select(ReserveStudyComponent)
                .where(ReserveStudyComponent.study_id.in_(study_ids))
                .order_by(ReserveStudyComponent.study_id, ReserveStudyComponent.category, ReserveStudyComponent.name)
            )
        ).all()
    )


async def latest(
    session: AsyncSession, association_ids: Sequence[UUID] | None, visible: ColumnElement[bool]
) -> list[ReserveStudy]:
    """The latest version of each association's study (of all of them, with None)."""
    statement = select(ReserveStudy).where(visible)
    if association_ids is not None:
        statement = statement.where(ReserveStudy.association_id.in_(association_ids))
    statement = statement.order_by(ReserveStudy.association_id, ReserveStudy.version.desc()).ext(
        distinct_on(ReserveStudy.association_id)
    )
    return list((await session.scalars(statement)).all())


async def latest_of(session: AsyncSession, association_id: UUID, visible: ColumnElement[bool]) -> ReserveStudy:
    found = await latest(session, [association_id], visible)
    if not found:
        raise NoReserveStudy("The association has no reserve study yet: record one first.", field=["associationId"])
    return found[0]


async def study_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[ReserveStudy], Page]:
    """An association's studies, newest version first."""
    page = Page(data.first, data.after, "version", descending=True)
    where = [visible, ReserveStudy.association_id == data.association_id]
    return (await session.scalars(page_statement(ReserveStudy, page, where))).all(), page


async def component_figures(session: AsyncSession, study_ids: Sequence[UUID]) -> list[Any]:
    """What the live status needs of each studied component (plain rows, not
    entities: the dashboard reads twenty thousand of them for a thousand associations)."""
    c = ReserveStudyComponent
    return list(
        (
            await session.execute(
                select(
                    c.study_id,
                    c.component_id,
                    c.name,
                    c.replacement_cost,
                    c.useful_life_years,
                    c.remaining_life_years,
                    c.inflation_rate,
                ).where(c.study_id.in_(study_ids))
            )
        ).all()
    )


def as_component(line: Any) -> Component:
    return Component(line.replacement_cost, line.useful_life_years, line.remaining_life_years, line.inflation_rate)


def live_component(line: Any, t: int, spent_by_year: dict[int, Decimal], completion: Decimal) -> dict[str, Any]:
    """One component in study year `t`, its age corrected by the books:

    - not yet due: the study's effective age, UL − RL(t);
    - due in year d ≤ t (its latest replacement year), and what its accounts show
      spent since the start of year d reaches `completion` × its cost then: replaced,
      age t − d (0 in the year of the work);
    - due and not (enough) spent: deferred, fully used up (age UL) until it is done.
    Earlier cycles are taken as done (the study's own assumption)."""
    c = as_component(line)
    due = None
    if c.remaining_life <= t:
        due = t - (t - c.remaining_life) % c.useful_life
    spent_since_due = sum((v for y, v in spent_by_year.items() if due is not None and y >= due), ZERO)
    replaced = deferred = False
    if due is None:
        effective_age = age(c, t)
    elif spent_since_due >= completion * inflated(c, due):
        replaced, effective_age = True, t - due
    else:
        deferred, effective_age = True, c.useful_life
    cost = inflated(c, t)
    return {
        "component_id": line.component_id,
        "name": line.name,
        "current_cost": cost,
        "effective_age": effective_age,
        "useful_life_years": c.useful_life,
        "fully_funded_balance": cost * effective_age / c.useful_life,
        "spent_since_study": sum(spent_by_year.values(), ZERO),
        "due_in_year": None if due is None else due + 1,
        "replaced": replaced,
        "deferred": deferred,
    }

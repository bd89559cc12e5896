"""Units: create, change, import in bulk, list; the share totals they must respect."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy import ColumnElement, and_, delete, exists, func, insert, join, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.errors import (
    DuplicateUnitNumber,
    ImportRejected,
    SharesExceeded,
)
from domains.associations.models import (
    Association,
    EmergencyContact,
    Ownership,
    Party,
    Unit,
    UnitStatus,
)
from domains.associations.schemas import UnitImportRow, UnitOrder
from domains.associations.service.access import current
from graph.db import add_or_raise, flush_or_raise
from graph.handlers import changes, require
from graph.pages import Page, page_statement

_SHARES = ("voting_weight", "assessment_share")


async def lock_association(session: AsyncSession, association_id: UUID, field: str = "associationId") -> Association:
    """The association, locked: share totals are checked and changed one writer at a time."""
    return await require(session, Association, association_id, field, lock=True)


async def _check_shares(
    session: AsyncSession, association_id: UUID, adding: dict[str, Decimal], excluding: UUID | None = None
) -> None:
    where = [Unit.association_id == association_id, Unit.status == UnitStatus.ACTIVE]
    if excluding is not None:
        where.append(Unit.id != excluding)
    totals = (await session.execute(select(*(func.coalesce(func.sum(getattr(Unit, s)), 0) for s in _SHARES)).where(*where))).one()
    for name, total in zip(_SHARES, totals, strict=True):
        if total + adding[name] > 1:
            raise SharesExceeded(
                f"Active units' {name.replace('_', ' ')}s would sum to {total + adding[name]}, above 1.",
                field=[to_camel(name)],
                details={"field": [to_camel(name)], "currentTotal": str(total), "adding": str(adding[name])},
            )


async def _set_emergency_contacts(session: AsyncSession, unit: Unit, contacts: Sequence[Any] | None) -> None:
    if contacts is None:
        return
    await session.execute(delete(EmergencyContact).where(EmergencyContact.unit_id == unit.id))
    session.add_all(
        EmergencyContact(organization_id=unit.organization_id, unit_id=unit.id, priority=i, **c.model_dump())
        for i, c in enumerate(contacts, start=1)
    )


def _taken(number: str) -> DuplicateUnitNumber:
    return DuplicateUnitNumber(f"Unit number {number} is already used in this association.", field=["unitNumber"])


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> Unit:
    await lock_association(session, data.association_id)
    values = data.model_dump(exclude={"emergency_contacts"})
    if values["status"] is UnitStatus.ACTIVE:
        await _check_shares(session, data.association_id, {s: values[s] for s in _SHARES})
    unit = Unit(organization_id=organization_id, **values)
    await add_or_raise(session, unit, _taken(data.unit_number))
    await _set_emergency_contacts(session, unit, data.emergency_contacts)
    return unit


async def update(session: AsyncSession, unit: Unit, data: Any) -> dict[str, Any]:
    await lock_association(session, unit.association_id)
    changed = changes(unit, data, skip=("id", "emergency_contacts"))
    if unit.status is UnitStatus.ACTIVE and changed.keys() & {"status", *_SHARES}:
        await _check_shares(session, unit.association_id, {s: getattr(unit, s) for s in _SHARES}, excluding=unit.id)
    if "unit_number" in changed:
        await flush_or_raise(session, _taken(unit.unit_number))
    await _set_emergency_contacts(session, unit, data.emergency_contacts)
    if data.emergency_contacts is not None:
        changed["emergency_contacts"] = {"from": None, "to": str(len(data.emergency_contacts))}
    await session.flush()
    return changed


def parse_rows(data: Any) -> list[dict[str, Any]]:
    """The import's rows as dicts, from JSON objects or CSV text (empty cells → absent)."""
    if (data.rows is None) == (data.csv is None):
        raise ImportRejected("Give exactly one of `rows` or `csv`.", field=["rows"])
    if data.rows is not None:
        return list(data.rows)
    reader = csv.DictReader(io.StringIO(data.csv))
    return [{k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""} for row in reader]


async def bulk_import(session: AsyncSession, organization_id: UUID, data: Any) -> list[UUID]:
    """All rows or none. Every problem is reported with its row number (1 = first data row)."""
    raw_rows = parse_rows(data)
    if not raw_rows:
        raise ImportRejected("The import has no rows.", field=["rows"])
    await lock_association(session, data.association_id)
    problems: list[dict[str, Any]] = []
    numbered: list[tuple[int, UnitImportRow]] = []
    for number, raw in enumerate(raw_rows, start=1):
        try:
            numbered.append((number, UnitImportRow.model_validate(raw)))
        except ValidationError as exc:
            problems.extend(
                {"row": number, "field": ".".join(to_camel(str(p)) for p in err["loc"]), "message": err["msg"]}
                for err in exc.errors(include_url=False, include_input=False)
            )
    rows = [row for _, row in numbered]
    numbers = [r.unit_number for r in rows]
    existing = set(
        (
            await session.scalars(
                select(Unit.unit_number).where(Unit.association_id == data.association_id, Unit.unit_number.in_(numbers))
            )
        ).all()
    )
    seen: set[str] = set()
    for number, row in numbered:
        if row.unit_number in existing or row.unit_number in seen:
            problems.append({"row": number, "field": "unitNumber", "message": f"unit number {row.unit_number} is already used"})
        seen.add(row.unit_number)
    if not problems:
        active = [r for r in rows if r.status is UnitStatus.ACTIVE]
        try:
            await _check_shares(
                session, data.association_id, {s: sum((getattr(r, s) for r in active), Decimal(0)) for s in _SHARES}
            )
        except SharesExceeded as exc:
            problems.append({"row": None, "field": exc.field[0] if exc.field else None, "message": exc.message})
    if problems:
        problems.sort(key=lambda p: (p["row"] is None, p["row"] or 0))
        raise ImportRejected(
            f"Nothing was imported: {len(problems)} problem(s), first in row {problems[0]['row']}: {problems[0]['message']}.",
            details={"rows": problems[:500], "problemCount": len(problems)},
        )
    values = [{"organization_id": organization_id, "association_id": data.association_id, **r.model_dump()} for r in rows]
    return list((await session.scalars(insert(Unit).returning(Unit.id), values)).all())


def search_clause(text: str) -> ColumnElement[bool]:
    """Unit number or a current owner's name contains `text` (case-insensitive)."""
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    # An explicit join: SQLAlchemy's linter takes the comma-joined form for a cartesian
    # product once the unit is correlated from inside a compiled read's lateral page.
    owners = join(Ownership, Party, and_(Party.organization_id == Ownership.organization_id, Party.id == Ownership.party_id))
    owner = exists(
        select(1)
        .select_from(owners)
        .where(
            Ownership.organization_id == Unit.organization_id,
            Ownership.unit_id == Unit.id,
            current(Ownership.starts_on, Ownership.ends_on),
            Party.name.ilike(pattern),
        )
    )
    return or_(Unit.unit_number.ilike(pattern), owner)


def filters(data: Any, visible: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    where = [visible]
    if data.unit_type is not None:
        where.append(Unit.unit_type == data.unit_type)
    if data.status is not None:
        where.append(Unit.status == data.status)
    if data.search is not None:
        where.append(search_clause(data.search))
    return where


# Sort keys by the column that orders them.
_SORT_COLUMNS = {UnitOrder.UNIT_NUMBER: "unit_sort", UnitOrder.CREATED_AT: "created_at"}


def page_of(data: Any) -> Page:
    return Page(data.first, data.after, _SORT_COLUMNS[data.order_by], data.descending)


def list_filters(data: Any, visible: ColumnElement[bool]) -> list[ColumnElement[bool]]:
    """`unit/v1/list`'s filters: a nested page's, and its association if named."""
    where = filters(data, visible)
    if data.association_id is not None:
        where.append(Unit.association_id == data.association_id)
    return where


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> list[Unit]:
    return list((await session.scalars(page_statement(Unit, page_of(data), list_filters(data, visible)))).all())


def by_association(data: Any, visible: ColumnElement[bool], association_ids: list[UUID]) -> Any:
    """One page per association, all in one statement (nested `association { units }`)."""
    where = [*filters(data, visible), Unit.association_id.in_(association_ids)]
    return page_statement(Unit, page_of(data), where, partition=Unit.association_id)


async def pages_by_association(
    session: AsyncSession, data: Any, visible: ColumnElement[bool], association_ids: list[UUID]
) -> Sequence[Unit]:
    """A page of units per association (`by_association`)."""
    return (await session.scalars(by_association(data, visible, association_ids))).all()

"""What a user is to the units of the active organization, for Cerbos.

An owner or tenant holds the plain `member` role; what they may see follows
from their party's current ownerships and residencies. Those unit ids travel as
principal attributes (`owner_of`, `resident_of`, `party_ids`, and the
associations of those units, `association_ids`), so a policy condition like
`R.attr.unit_id in P.attr.owner_of` decides single rows and turns into
`unit_id IN (…)` for lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, union

from domains.associations.models import Association, Ownership, Party, Resident, Unit
from domains.associations.schemas import AssociationRead
from graph.auth.principal import Principal, relation
from graph.authz import Decisions, ResourceRef, resource_attrs


def current(starts: Any, ends: Any) -> ColumnElement[bool]:
    """A date range [starts, ends) that holds today."""
    today = func.current_date()
    return and_(starts <= today, or_(ends.is_(None), ends > today))


def _unit_ids(model: Any, starts: Any, ends: Any, user_id: UUID) -> Select[Any]:
    return (
        select(model.unit_id)
        .join(Party, and_(Party.organization_id == model.organization_id, Party.id == model.party_id))
        .where(Party.user_id == user_id, current(starts, ends))
    )


def _owned(user_id: UUID) -> Select[Any]:
    return _unit_ids(Ownership, Ownership.starts_on, Ownership.ends_on, user_id)


def _lived_in(user_id: UUID) -> Select[Any]:
    return _unit_ids(Resident, Resident.moved_in_on, Resident.moved_out_on, user_id)


@relation("owner_of")
def owner_of(user_id: UUID) -> Any:
    return func.array(_owned(user_id).scalar_subquery())


@relation("resident_of")
def resident_of(user_id: UUID) -> Any:
    return func.array(_lived_in(user_id).scalar_subquery())


@relation("association_ids")
def association_ids(user_id: UUID) -> Any:
    """The associations of the units the user owns or lives in today, and their
    master associations: what an owner or tenant may see of the organization's
    associations (one level up, as a resident belongs to the master through
    their own association)."""
    theirs = (
        select(Association.id, Association.master_association_id)
        .where(Association.id.in_(select(Unit.association_id).where(Unit.id.in_(union(_owned(user_id), _lived_in(user_id))))))
        .subquery()
    )
    return func.array(
        union(
            select(theirs.c.id),
            select(theirs.c.master_association_id).where(theirs.c.master_association_id.is_not(None)),
        ).scalar_subquery()
    )


@relation("party_ids")
def party_ids(user_id: UUID) -> Any:
    return func.array(select(Party.id).where(Party.user_id == user_id).scalar_subquery())


# Field-level: who may read an association's tax id (Cerbos `read_tax_id`).
READ_TAX_ID = "read_tax_id"


async def tax_id_readable(decisions: Decisions, principal: Principal, rows: Sequence[Association]) -> list[bool]:
    """Whether `principal` may read each row's tax id, in one CheckResources call."""
    refs = [ResourceRef(id=str(r.id), attrs=resource_attrs(r)) for r in rows]
    allowed = await decisions.check(principal, "association", refs, {READ_TAX_ID})
    return [allowed[str(r.id)][READ_TAX_ID] for r in rows]


async def shown(decisions: Decisions, principal: Principal, rows: Sequence[Association]) -> list[AssociationRead]:
    """Rows as the caller may see them: the tax id is null where they may not read it."""
    readable = await tax_id_readable(decisions, principal, rows)
    out = [AssociationRead.model_validate(r) for r in rows]
    return [o if ok else o.model_copy(update={"tax_id": None}) for o, ok in zip(out, readable, strict=True)]

"""What a user is to the units of the active organization, for Cerbos.

An owner or tenant holds the plain `member` role; what they may see follows
from their party's current ownerships and residencies. Those unit ids travel as
principal attributes (`owner_of`, `resident_of`, `party_ids`), so a policy
condition like `R.attr.unit_id in P.attr.owner_of` decides single rows and turns
into `unit_id IN (…)` for lists.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, and_, func, or_, select

from domains.associations.models import Ownership, Party, Resident
from graph.auth.principal import relation


def current(starts: Any, ends: Any) -> ColumnElement[bool]:
    """A date range [starts, ends) that holds today."""
    today = func.current_date()
    return and_(starts <= today, or_(ends.is_(None), ends > today))


def _units_of(model: Any, starts: Any, ends: Any, user_id: UUID) -> Any:
    return func.array(
        select(model.unit_id)
        .join(Party, and_(Party.organization_id == model.organization_id, Party.id == model.party_id))
        .where(Party.user_id == user_id, current(starts, ends))
        .scalar_subquery()
    )


@relation("owner_of")
def owner_of(user_id: UUID) -> Any:
    return _units_of(Ownership, Ownership.starts_on, Ownership.ends_on, user_id)


@relation("resident_of")
def resident_of(user_id: UUID) -> Any:
    return _units_of(Resident, Resident.moved_in_on, Resident.moved_out_on, user_id)


@relation("party_ids")
def party_ids(user_id: UUID) -> Any:
    return func.array(select(Party.id).where(Party.user_id == user_id).scalar_subquery())

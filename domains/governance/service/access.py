"""What a seat makes a user, for Cerbos: a current term on an active board of
an association gives the `board_member` role (graph/auth/principal.py's
ROLE_GRANTS, read in the same statement as the membership's roles on every
request). The term is current from its first day until the day before
`ends_on`, by the database's date, so the powers end the day the term does
with nothing to revoke.

Only in the association's own organization (a self-managed association): there
the organization is the association, and the role's reach (every policy's
`org_board`) is exactly the board's. In a management company's organization
the role would reach every association it runs, so a seat there grants nothing
and the board role stays the membership's.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import String, and_, cast, exists, func, select

from domains.associations.models import Party
from domains.governance.models import GoverningBody, GoverningBodyKind, GoverningBodyStatus, Seat
from domains.governance.service.seats import held_on
from domains.organizations.models import OrganizationType
from graph.auth.principal import granted_role

BOARD_MEMBER = "board_member"


def board_seats_of(user_id: UUID) -> Any:
    """The user's terms in force today on an active board."""
    return (
        select(Seat.id)
        .join(Party, and_(Party.organization_id == Seat.organization_id, Party.id == Seat.party_id))
        .join(GoverningBody, and_(GoverningBody.organization_id == Seat.organization_id, GoverningBody.id == Seat.body_id))
        .where(
            Party.user_id == user_id,
            held_on(Seat.starts_on, Seat.ends_on, func.current_date()),
            GoverningBody.kind == GoverningBodyKind.BOARD,
            GoverningBody.status == GoverningBodyStatus.ACTIVE,
        )
    )


@granted_role(BOARD_MEMBER)
def board_member(user_id: UUID) -> Any:
    self_managed = cast(func.organization_kind(func.app_current_org()), String) == OrganizationType.ASSOCIATION.value
    return and_(self_managed, exists(board_seats_of(user_id)))

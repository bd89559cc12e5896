"""Who is calling, and in which organization."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from uuid import UUID

# Relations a domain derives for a user from its own rows in the active
# organization — e.g. the units they own — sent to Cerbos as principal
# attributes (lists of ids). Each maps a user id to a scalar subquery returning
# an array; they are read in the same statement as the roles.
RELATIONS: dict[str, Callable[[UUID], Any]] = {}


def relation(name: str) -> Callable[[Callable[[UUID], Any]], Callable[[UUID], Any]]:
    def register(fn: Callable[[UUID], Any]) -> Callable[[UUID], Any]:
        RELATIONS[name] = fn
        return fn

    return register


# Roles a domain grants from its own rows rather than from the membership —
# e.g. `board_member` from a current seat on the board, so the role ends the
# day the term does. Each maps a user id to a boolean SQL expression, read in
# the same statement as the membership's roles; the role is added when true.
ROLE_GRANTS: dict[str, Callable[[UUID], Any]] = {}


def granted_role(name: str) -> Callable[[Callable[[UUID], Any]], Callable[[UUID], Any]]:
    def register(fn: Callable[[UUID], Any]) -> Callable[[UUID], Any]:
        ROLE_GRANTS[name] = fn
        return fn

    return register


class PrincipalKind(StrEnum):
    USER = "user"
    SERVICE_ACCOUNT = "service_account"


@dataclass(slots=True)
class Principal:
    """An authenticated caller.

    `roles` holds only the roles of the active organization (filled once the
    membership has been read inside the request's RLS-scoped transaction), so an
    admin of one organization is never an admin anywhere else.
    """

    kind: PrincipalKind
    id: UUID
    session_id: str | None = None
    active_organization_id: UUID | None = None
    roles: list[str] = field(default_factory=list)
    # Filled with the roles: {relation name: [ids]} (see RELATIONS).
    relations: dict[str, list[str]] = field(default_factory=dict)
    email: str | None = None
    # The active organization's roles version when the request was admitted
    # (graph/roles.py); None when unknown, and then roles are read, not kept.
    roles_version: Any = None

    @property
    def user_id(self) -> UUID | None:
        """The id RLS knows as `app.user_id`: a user's own id; None for a service account."""
        return self.id if self.kind is PrincipalKind.USER else None

    @property
    def cerbos_id(self) -> str:
        return f"{self.kind.value}:{self.id}"

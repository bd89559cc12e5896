"""Who is calling, and in which organization."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from uuid import UUID


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
    email: str | None = None

    @property
    def user_id(self) -> UUID | None:
        """The id RLS knows as `app.user_id`: a user's own id; None for a service account."""
        return self.id if self.kind is PrincipalKind.USER else None

    @property
    def cerbos_id(self) -> str:
        return f"{self.kind.value}:{self.id}"

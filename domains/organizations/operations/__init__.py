"""Operations of the organizations domain, one module per resource."""

from __future__ import annotations

from uuid import UUID

from graph.errors import Forbidden
from graph.handlers import OperationContext


def acting_user(ctx: OperationContext) -> UUID:
    """The acting user; FORBIDDEN for a service account."""
    if ctx.user_id is None:
        raise Forbidden("Only a user (not a service account) can do this.")
    return ctx.user_id

"""What a user is to the architectural committees, for Cerbos: the associations
whose committee they sit on today — a current term, through their party, on the
active body the association's review settings name — travel as the principal
attribute `committee_of`, so `R.attr.association_id in P.attr.committee_of`
decides the `committee_member` derived role for rows and lists alike."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func

from domains.arc_requests.service.committee import seated
from graph.auth.principal import relation


@relation("committee_of")
def committee_of(user_id: UUID) -> Any:
    return func.array(seated(user_id, func.current_date()).scalar_subquery())

"""What a user is to the architectural committees, for Cerbos: the associations
whose committee they sit on today travel as the principal attribute
`committee_of`, so `R.attr.association_id in P.attr.committee_of` decides the
`committee_member` derived role for rows and lists alike."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import func, or_, select

from domains.arc_requests.models import CommitteeMember
from graph.auth.principal import relation


@relation("committee_of")
def committee_of(user_id: UUID) -> Any:
    today = func.current_date()
    seated = select(CommitteeMember.association_id).where(
        CommitteeMember.user_id == user_id,
        CommitteeMember.started_on <= today,
        or_(CommitteeMember.ended_on.is_(None), CommitteeMember.ended_on > today),
    )
    return func.array(seated.scalar_subquery())

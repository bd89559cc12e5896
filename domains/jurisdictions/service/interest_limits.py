"""The limit a jurisdiction's statute sets on interest charged on delinquent
assessments, in force on a day: the association's own jurisdiction's latest
version effective by then, else the default's."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association
from domains.jurisdictions.models import DEFAULT_JURISDICTION, InterestLimit


async def in_force(session: AsyncSession, association: Association, as_of: date) -> InterestLimit:
    code = f"{association.country}-{association.region}"
    own_first = case((InterestLimit.jurisdiction == code, 0), else_=1)
    limit = await session.scalar(
        select(InterestLimit)
        .where(InterestLimit.jurisdiction.in_((code, DEFAULT_JURISDICTION)), InterestLimit.effective_on <= as_of)
        .order_by(own_first, InterestLimit.effective_on.desc())
        .limit(1)
    )
    assert limit is not None, "migration 0037 seeds a default limit effective from 2000"
    return limit


def snapshot(limit: InterestLimit) -> dict[str, Any]:
    """The limit as a policy keeps it: the statute version it was checked against."""
    return {
        "jurisdiction": limit.jurisdiction,
        "effectiveOn": limit.effective_on.isoformat(),
        "maxAnnualRate": None if limit.max_annual_rate is None else str(limit.max_annual_rate),
        "minGraceDays": limit.min_grace_days,
        "citation": limit.citation,
    }

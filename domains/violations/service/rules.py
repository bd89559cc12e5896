"""The rule library: each association's rules with their notice text and fine schedule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from domains.violations.errors import InvalidFineSchedule, RuleCodeTaken
from domains.violations.models import ViolationRule
from graph.db import add_or_raise, flush_or_raise
from graph.pages import Page, page_statement


def check(rule: ViolationRule) -> None:
    """The schedule's fields agree with each other (the database checks them too)."""
    if rule.curable != (rule.cure_days is not None):
        raise InvalidFineSchedule("A curable rule gives its cure days; an incurable one gives none.", field=["cureDays"])
    if (rule.fine_continuing is None) != (rule.continuing_period is None):
        raise InvalidFineSchedule("A continuing fine gives its period (day or week).", field=["continuingPeriod"])
    if rule.fine_cap is not None:
        for name in ("fine_first", "fine_repeat", "fine_continuing"):
            amount = getattr(rule, name)
            if amount is not None and amount > rule.fine_cap:
                camel = "".join(w.capitalize() if i else w for i, w in enumerate(name.split("_")))
                raise InvalidFineSchedule(f"{camel} is above the rule's fine cap.", field=[camel])


async def create(session: AsyncSession, organization_id: UUID, data: Any) -> ViolationRule:
    rule = ViolationRule(organization_id=organization_id, is_active=True, **data.model_dump())
    check(rule)
    await add_or_raise(session, rule, RuleCodeTaken(f"Rule code {data.code} is already in this library.", field=["code"]))
    return rule


async def update(session: AsyncSession, rule: ViolationRule, data: Any) -> dict[str, Any]:
    changed = {}
    for name in data.model_fields_set - {"id"}:
        new, old = getattr(data, name), getattr(rule, name)
        if (
            name
            in (
                "repeat_window_days",
                "is_active",
                "notice_review_required",
                "curable",
                "title",
                "document_reference",
                "notice_text",
            )
            and new is None
        ):
            continue  # not nullable: null leaves them as they are
        if new != old:
            changed[name] = {"from": None if old is None else str(old), "to": None if new is None else str(new)}
            setattr(rule, name, new)
    check(rule)
    await flush_or_raise(session, InvalidFineSchedule("The rule's fields disagree.", field=["id"]))
    return changed


async def rule_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[ViolationRule], Page]:
    page = Page(data.first, data.after, "code")
    where = [visible, ViolationRule.association_id == data.association_id]
    if data.active is not None:
        where.append(ViolationRule.is_active.is_(data.active))
    return (await session.scalars(page_statement(ViolationRule, page, where))).all(), page

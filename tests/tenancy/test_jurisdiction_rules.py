"""The jurisdiction rules are platform data: every organization reads the same
rows, inside its own scope only, and the application role can't change them."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError

from graph.db import scoped_transaction
from tests.tenancy.conftest import INSUFFICIENT_PRIVILEGE, new_org, sqlstate


async def test_rules_are_shared_read_only_and_need_a_scope(app_sessions) -> None:
    a, b = await new_org(app_sessions), await new_org(app_sessions)
    counts = []
    for tenant in (a, b):
        async with scoped_transaction(app_sessions, tenant.org, tenant.user) as s:
            counts.append(await s.scalar(text("SELECT count(*) FROM jurisdiction_rules")))
    assert counts[0] == counts[1] > 0
    async with scoped_transaction(app_sessions, None, a.user) as s:
        assert await s.scalar(text("SELECT count(*) FROM jurisdiction_rules")) == 0
    for statement in (
        "UPDATE jurisdiction_rules SET days = 1 WHERE key = 'hearing_notice_days'",
        "DELETE FROM jurisdiction_rules",
        "INSERT INTO jurisdiction_rules (jurisdiction, key, kind, days, stricter, citation, effective_on)"
        " VALUES ('US-CA', 'hearing_notice_days', 'days', 1, 'more', 'x', '2030-01-01')",
    ):
        with pytest.raises(ProgrammingError) as info:
            async with scoped_transaction(app_sessions, a.org, a.user) as s:
                await s.execute(text(statement))
        assert sqlstate(info.value) == INSUFFICIENT_PRIVILEGE, statement

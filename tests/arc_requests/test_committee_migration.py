"""Migration 0025a moves the ARC domain's own committee seats into governance:
on a database of their own, seats written at 0025 come out as terms on the
association's Architectural Review Committee (a chair with its office), the
settings name that body, and downgrading gives the seats back."""

from __future__ import annotations

import uuid
from datetime import date

from tests.scratch_database import scratch_database


async def test_committee_seats_become_terms_on_the_named_committee(settings) -> None:
    async with scratch_database(settings) as db:
        await db.upgrade("0025")
        org, association, chair, member, ended = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        conn = await db.connect()
        try:
            await conn.execute("INSERT INTO organizations (id, type, name) VALUES ($1, 'association', 'Migrated HOA')", org)
            for user, display in ((chair, "Casey Chair"), (member, "Mo Member"), (ended, "Ed Ended")):
                await conn.execute(
                    "INSERT INTO users (id, email, display_name, password_hash) VALUES ($1, $2, $3, 'x')",
                    user,
                    f"{user}@example.org",
                    display,
                )
            await conn.execute(
                """INSERT INTO associations (id, organization_id, code, legal_name, kind, status, region, country,
                                             fiscal_year_start_month, accounting_basis)
                   VALUES ($1, $2, 'MIG', 'Migrated HOA', 'hoa', 'active', 'CA', 'US', 1, 'accrual')""",
                association,
                org,
            )
            # Mo already has a party (an owner): the term is theirs; the others get one.
            mo = uuid.uuid4()
            await conn.execute(
                "INSERT INTO parties (id, organization_id, kind, name, user_id, delivery_preference) "
                "VALUES ($1, $2, 'person', 'Mo Owner', $3, 'postal')",
                mo,
                org,
                member,
            )
            seats = [
                (chair, "chair", date(2026, 1, 1), None),
                (member, "member", date(2026, 2, 1), None),
                (ended, "member", date(2025, 1, 1), date(2025, 12, 31)),
            ]
            for user, role, started, ended_on in seats:
                await conn.execute(
                    "INSERT INTO committee_members (id, organization_id, association_id, user_id, role, started_on, ended_on) "
                    "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    uuid.uuid4(),
                    org,
                    association,
                    user,
                    role,
                    started,
                    ended_on,
                )
        finally:
            await conn.close()

        await db.upgrade("0025a")
        conn = await db.connect()
        try:
            (body,) = await conn.fetch("SELECT id, kind, name, seat_count, status FROM governing_bodies")
            assert (body["kind"], body["name"], body["seat_count"], body["status"]) == (
                "committee",
                "Architectural Review Committee",
                3,
                "active",
            )
            settings_row = await conn.fetchrow("SELECT committee_body_id, decision_mode, updated_by FROM arc_settings")
            assert settings_row is not None
            assert settings_row["committee_body_id"] == body["id"] and settings_row["decision_mode"] == "vote"
            assert settings_row["updated_by"] == uuid.UUID(int=0)
            terms = await conn.fetch(
                """SELECT p.user_id, p.name, s.starts_on, s.ends_on, s.filled_by,
                          EXISTS (SELECT 1 FROM offices o WHERE o.seat_id = s.id AND o.title = 'chair') AS chair
                     FROM seats s JOIN parties p ON p.id = s.party_id WHERE s.body_id = $1 ORDER BY s.starts_on""",
                body["id"],
            )
            assert [(t["user_id"], t["name"], t["starts_on"], t["ends_on"], t["chair"]) for t in terms] == [
                (ended, "Ed Ended", date(2025, 1, 1), date(2025, 12, 31), False),
                (chair, "Casey Chair", date(2026, 1, 1), date(9999, 12, 31), True),
                (member, "Mo Owner", date(2026, 2, 1), date(9999, 12, 31), False),
            ]
            assert {t["filled_by"] for t in terms} == {"appointed"}
            assert not await conn.fetchval("SELECT to_regclass('committee_members') IS NOT NULL")
        finally:
            await conn.close()

        await db.downgrade("0025")
        conn = await db.connect()
        try:
            back = await conn.fetch("SELECT user_id, role, started_on, ended_on FROM committee_members ORDER BY started_on")
            assert [(r["user_id"], r["role"], r["started_on"], r["ended_on"]) for r in back] == [
                (ended, "member", date(2025, 1, 1), date(2025, 12, 31)),
                (chair, "chair", date(2026, 1, 1), None),
                (member, "member", date(2026, 2, 1), None),
            ]
        finally:
            await conn.close()

"""Migration 0026 turns free-text references into document ids: on a database of
its own, an ARC request's and a work order's references written at 0022 that
are a document's public id (of the record's association's library or the
organization's own, not destroyed) become those ids, in order; any other is
appended to the description, marked; downgrading gives public ids back."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from graph.ids import encode
from tests.scratch_database import scratch_database


async def test_references_naming_documents_become_their_ids(settings) -> None:
    async with scratch_database(settings) as db:
        await db.upgrade("0022")
        org, association, other, unit, user = (uuid.uuid4() for _ in range(5))
        plan, photo, elsewhere, gone = (uuid.uuid4() for _ in range(4))
        request, order = uuid.uuid4(), uuid.uuid4()
        conn = await db.connect()
        try:
            await conn.execute("INSERT INTO organizations (id, type, name) VALUES ($1, 'association', 'Migrated HOA')", org)
            for a, code in ((association, "MIG"), (other, "OTH")):
                await conn.execute(
                    """INSERT INTO associations (id, organization_id, code, legal_name, kind, status, region, country,
                                                 fiscal_year_start_month, accounting_basis)
                       VALUES ($1, $2, $3, 'Migrated HOA', 'hoa', 'active', 'CA', 'US', 1, 'accrual')""",
                    a,
                    org,
                    code,
                )
            await conn.execute(
                """INSERT INTO units (id, organization_id, association_id, unit_number, unit_type, status, street, city,
                                      region, postal_code, country, voting_weight, assessment_share)
                   VALUES ($1, $2, $3, '1', 'condo', 'active', '1 Main St', 'Springfield', 'CA', '90000', 'US', 1, 1)""",
                unit,
                org,
                association,
            )
            # The plan in the association's library, the photo in the organization's own; one
            # document in another association's library, one destroyed.
            documents = [
                (plan, association, None),
                (photo, None, None),
                (elsewhere, other, None),
                (gone, association, datetime(2026, 1, 1, tzinfo=UTC)),
            ]
            for doc, library, destroyed in documents:
                await conn.execute(
                    """INSERT INTO documents (id, organization_id, association_id, category, title, visibility,
                                              retention_class, record_date, retain_until, created_by, destroyed_at,
                                              destroyed_by)
                       VALUES ($1, $2, $3, 'plans', 'Plan', 'owners', 'three_years', $4::date, $4::date + 1095, $5, $6, $7)""",
                    doc,
                    org,
                    library,
                    date(2020, 1, 1),
                    user,
                    destroyed,
                    user if destroyed else None,
                )
            refs = [encode("doc", photo), "https://files.example.org/roof.jpg", encode("doc", plan)]
            refs += [encode("doc", elsewhere), encode("doc", gone)]
            await conn.execute(
                """INSERT INTO arc_requests (id, organization_id, association_id, unit_id, submitted_by, project_type,
                                             description, document_refs, neighbor_acknowledgements, status, jurisdiction,
                                             rules_used, submitted_on, decision_due_by, deemed_approval, review_round,
                                             workflow_id)
                   VALUES ($1, $2, $3, $4, $5, 'fence', 'Fence', $6, '[]', 'submitted', 'US-CA', '{}', $7, $7, false, 1,
                           'arc-migrated')""",
                request,
                org,
                association,
                unit,
                user,
                refs,
                date(2026, 1, 15),
            )
            await conn.execute(
                """INSERT INTO work_orders (id, organization_id, association_id, unit_id, title, priority, status,
                                            requester_kind, requester_user_id, respond_by, complete_by, workflow_id,
                                            created_by, attachments)
                   VALUES ($1, $2, $3, $4, 'Leak', 'routine', 'received', 'staff', $5, now(), now(), 'wo-migrated', $5,
                           $6)""",
                order,
                org,
                association,
                unit,
                user,
                ["s3://photos/leak.jpg"],
            )
        finally:
            await conn.close()

        await db.upgrade("0026")
        conn = await db.connect()
        try:
            arc = await conn.fetchrow("SELECT document_ids, description FROM arc_requests WHERE id = $1", request)
            assert arc is not None
            assert arc["document_ids"] == [photo, plan]
            assert arc["description"] == (
                "Fence\n\nPlans and photos referenced before the document library: https://files.example.org/roof.jpg; "
                f"{encode('doc', elsewhere)}; {encode('doc', gone)}"
            )
            wo = await conn.fetchrow("SELECT document_ids, description FROM work_orders WHERE id = $1", order)
            assert wo is not None
            assert (wo["document_ids"], wo["description"]) == (
                [],
                "Attachments referenced before the document library: s3://photos/leak.jpg",
            )
        finally:
            await conn.close()

        await db.downgrade("0022")
        conn = await db.connect()
        try:
            back = await conn.fetchval("SELECT document_refs FROM arc_requests WHERE id = $1", request)
            assert back == [encode("doc", photo), encode("doc", plan)]
        finally:
            await conn.close()

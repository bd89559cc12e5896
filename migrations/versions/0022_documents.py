"""Documents and records: each association's library and the organization's
own (documents with no association), their files as versions, retention, and
owners' requests to inspect records.

Retention is enforced here, not only in the application: a trigger refuses the
application role destroying a document before its retention date, moving the
date earlier (or making a permanent record destructible), and undoing a
destruction; the role deletes neither documents nor versions. The records
request period is a jurisdiction rule (migrations/data/0022_records_rules.json).

Revision ID: 0022
Revises: 0024
"""

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import booked, created_at, id_column, in_organization, org_column, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0022"
down_revision = "0024"
branch_labels = None
depends_on = None

DATA = Path(__file__).parent.parent / "data" / "0022_records_rules.json"
CATEGORY = pg.ENUM(
    "governing_documents",
    "financial",
    "minutes",
    "contracts",
    "insurance",
    "plans",
    "photos",
    "correspondence",
    "other",
    name="document_category",
)
VISIBILITY = pg.ENUM("staff", "board", "owners", "residents", "public", name="document_visibility")
RETENTION = pg.ENUM("permanent", "seven_years", "three_years", name="retention_class")
VERSION_STATUS = pg.ENUM("pending", "confirmed", "purged", name="document_version_status")
REQUEST_STATUS = pg.ENUM("open", "fulfilled", "denied", name="records_request_status")


def _rules() -> None:
    # Platform rules: FORCE binds the owner too, and no policy lets anyone write;
    # lifted for the seeding only.
    rules = sa.table(
        "jurisdiction_rules",
        *(sa.column(c) for c in ("jurisdiction", "key", "days", "citation", "effective_on")),
        sa.column("kind", pg.ENUM(name="rule_value_kind", create_type=False)),
        sa.column("stricter", pg.ENUM(name="rule_stricter_direction", create_type=False)),
    )
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    op.bulk_insert(
        rules,
        [
            {
                "jurisdiction": r["jurisdiction"],
                "key": r["key"],
                "kind": r["kind"],
                "days": r["days"],
                "stricter": r["stricter"],
                "citation": r["citation"],
                "effective_on": date.fromisoformat(r["effective_on"]),
            }
            for r in json.loads(DATA.read_text())["rules"]
        ],
    )
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    _rules()
    op.create_table(
        "documents",
        id_column(),
        org_column(),
        sa.Column("association_id", sa.Uuid),
        sa.Column(
            "library",
            sa.String(12),
            sa.Computed("CASE WHEN association_id IS NULL THEN 'organization' ELSE 'association' END", persisted=True),
            nullable=False,
        ),
        sa.Column("category", CATEGORY, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.String(4000)),
        sa.Column("visibility", VISIBILITY, nullable=False),
        sa.Column("retention_class", RETENTION, nullable=False),
        sa.Column("record_date", sa.Date, nullable=False),
        sa.Column("retain_until", sa.Date),
        sa.Column("created_by", sa.Uuid, nullable=False),
        sa.Column("destroyed_at", sa.DateTime(timezone=True)),
        sa.Column("destroyed_by", sa.Uuid),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("association_id", "associations"),
        sa.CheckConstraint("(retention_class = 'permanent') = (retain_until IS NULL)", name="retention_dated"),
        sa.CheckConstraint("(destroyed_at IS NULL) = (destroyed_by IS NULL)", name="destruction_signed"),
    )
    op.create_index("ix_documents_library", "documents", ["organization_id", "association_id", "record_date", "id"])
    tenant_table("documents")
    op.execute(
        f"""CREATE FUNCTION documents_keep_retention() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF current_user <> '{APP_ROLE}' THEN
            RETURN NEW;
          END IF;
          IF OLD.destroyed_at IS NOT NULL AND NEW.destroyed_at IS DISTINCT FROM OLD.destroyed_at THEN
            RAISE EXCEPTION 'a destroyed document stays destroyed' USING ERRCODE = 'check_violation';
          END IF;
          IF NEW.retain_until IS DISTINCT FROM OLD.retain_until
             AND (OLD.retain_until IS NULL OR NEW.retain_until IS NULL OR NEW.retain_until < OLD.retain_until) THEN
            RAISE EXCEPTION 'a retention date is never moved earlier' USING ERRCODE = 'check_violation';
          END IF;
          IF OLD.destroyed_at IS NULL AND NEW.destroyed_at IS NOT NULL
             AND (NEW.retain_until IS NULL OR NEW.retain_until > current_date) THEN
            RAISE EXCEPTION 'a document is kept until its retention date' USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER documents_keep_retention BEFORE UPDATE ON documents "
        "FOR EACH ROW EXECUTE FUNCTION documents_keep_retention()"
    )

    op.create_table(
        "document_versions",
        id_column(),
        org_column(),
        sa.Column("document_id", sa.Uuid, nullable=False),
        sa.Column("number", sa.Integer),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("storage_key", sa.String(200), nullable=False),
        sa.Column("status", VERSION_STATUS, nullable=False),
        sa.Column("uploaded_by", sa.Uuid, nullable=False),
        created_at(),
        sa.Column("confirmed_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "document_id", "number"),
        in_organization("document_id", "documents"),
        sa.CheckConstraint("size >= 0", name="size_positive"),
        sa.CheckConstraint("sha256 ~ '^[0-9a-f]{64}$'", name="sha256_hex"),
        sa.CheckConstraint("(status = 'pending') = (number IS NULL)", name="numbered_when_confirmed"),
    )
    tenant_table("document_versions")

    op.create_table(
        "records_requests",
        *booked(),
        sa.Column("requested_by", sa.Uuid, nullable=False),
        sa.Column("description", sa.String(4000), nullable=False),
        sa.Column("status", REQUEST_STATUS, nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("rules_used", pg.JSONB, nullable=False),
        sa.Column("answered_on", sa.Date),
        sa.Column("answered_by", sa.Uuid),
        sa.Column("answer", sa.String(4000)),
        sa.Column("document_ids", pg.ARRAY(sa.Uuid), nullable=False),
        sa.Column("escalated_on", sa.Date),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        sa.CheckConstraint("(status = 'open') = (answered_on IS NULL)", name="answered_when_closed"),
        sa.CheckConstraint("status <> 'denied' OR answer IS NOT NULL", name="denial_reasoned"),
    )
    op.create_index("ix_records_requests_list", "records_requests", ["organization_id", "association_id", "submitted_on", "id"])
    tenant_table("records_requests")

    op.execute(f"REVOKE DELETE ON documents, document_versions, records_requests FROM {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("records_requests")
    op.drop_table("document_versions")
    op.drop_table("documents")
    op.execute("DROP FUNCTION documents_keep_retention()")
    for enum in (REQUEST_STATUS, VERSION_STATUS, RETENTION, VISIBILITY, CATEGORY):
        enum.drop(op.get_bind())
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    op.execute("DELETE FROM jurisdiction_rules WHERE key = 'records_request_business_days'")
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")

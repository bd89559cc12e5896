"""Resale and estoppel certificates: each state's form as data, and the
certificates issued from live data.

`estoppel_forms` holds the forms (migrations/data/0027_estoppel_forms.json):
one row per jurisdiction and effective date, like `jurisdiction_rules` — the
fields the form asks for, its validity in days and its fees. Readable inside an
organization's transaction, written only by migrations.

`estoppel_certificates` keeps what each certificate said the day it was issued
(the figures, as printed). It is never changed: the application role may only
insert and read, so a payment posted after issue cannot alter an issued
certificate. Its fee, where an owner pays it through their ledger, is an
owner-ledger charge on the new `estoppel_fee_income` control account.

Revision ID: 0027
Revises: 0029
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, in_organization
from migrations.rls import APP_ROLE, CURRENT_ORG, grant, tenant_table

revision = "0027"
down_revision = "0029"
branch_labels = None
depends_on = None

DATA = Path(__file__).parent.parent / "data" / "0027_estoppel_forms.json"
REQUESTER = pg.ENUM("owner", "staff", "service_account", name="estoppel_requester_kind")
FEE = pg.ENUM("owner_ledger", "at_closing", "waived", name="estoppel_fee_disposition")
MONEY = sa.Numeric(14, 2)


def upgrade() -> None:
    # New enum values are usable once this migration's transaction commits;
    # nothing below uses them.
    op.execute("ALTER TYPE control_role ADD VALUE IF NOT EXISTS 'estoppel_fee_income'")
    op.execute("ALTER TYPE entry_source ADD VALUE IF NOT EXISTS 'estoppel_fee'")

    forms = op.create_table(
        "estoppel_forms",
        sa.Column("id", sa.Uuid, primary_key=True, server_default=sa.text("gen_random_uuid()")),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("effective_on", sa.Date, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("citation", sa.String(400), nullable=False),
        sa.Column("validity_days", sa.Integer, nullable=False),
        sa.Column("validity_citation", sa.String(400), nullable=False),
        sa.Column("fee", MONEY, nullable=False),
        sa.Column("delinquent_fee", MONEY, nullable=False),
        sa.Column("fee_citation", sa.String(400), nullable=False),
        sa.Column("sections", pg.JSONB, nullable=False),
        sa.UniqueConstraint("jurisdiction", "effective_on"),
        sa.CheckConstraint(r"jurisdiction = 'default' OR jurisdiction ~ '^[A-Z]{2}-[A-Z0-9]{1,3}$'", name="jurisdiction_code"),
        sa.CheckConstraint("validity_days BETWEEN 1 AND 365", name="validity_in_range"),
        sa.CheckConstraint("fee >= 0 AND delinquent_fee >= 0", name="fees_not_negative"),
    )
    op.bulk_insert(
        forms,
        [
            {
                **{k: f[k] for k in ("jurisdiction", "title", "citation", "validity_days", "validity_citation", "fee_citation")},
                "effective_on": date.fromisoformat(f["effective_on"]),
                "fee": Decimal(f["fee"]),
                "delinquent_fee": Decimal(f["delinquent_fee"]),
                "sections": f["sections"],
            }
            for f in json.loads(DATA.read_text())["forms"]
        ],
    )
    # Seeded before FORCE, which binds the owner too (as jurisdiction_rules).
    op.execute("ALTER TABLE estoppel_forms ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE estoppel_forms FORCE ROW LEVEL SECURITY")
    op.execute(f"CREATE POLICY in_organization ON estoppel_forms FOR SELECT USING ({CURRENT_ORG} IS NOT NULL)")
    grant("estoppel_forms", "SELECT")

    op.create_table(
        "estoppel_certificates",
        *booked(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("form_effective_on", sa.Date, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("citation", sa.String(400), nullable=False),
        sa.Column("requester_kind", REQUESTER, nullable=False),
        sa.Column("requested_by", sa.Uuid, nullable=False),
        sa.Column("requester_name", sa.String(200), nullable=False),
        sa.Column("closing_date", sa.Date),
        sa.Column("issued_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("issued_on", sa.Date, nullable=False),
        sa.Column("valid_through", sa.Date, nullable=False),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("fee", MONEY, nullable=False),
        sa.Column("fee_disposition", FEE, nullable=False),
        sa.Column("fee_entry_id", sa.Uuid),
        sa.Column("document_id", sa.Uuid, nullable=False),
        sa.Column("figures", pg.JSONB, nullable=False),
        association_fk("unit_id", "units"),
        in_organization("document_id", "documents"),
        in_organization("fee_entry_id", "owner_ledger_entries"),
        sa.CheckConstraint("valid_through >= issued_on", name="valid_after_issue"),
        sa.CheckConstraint("fee >= 0", name="fee_not_negative"),
        sa.CheckConstraint("(fee_entry_id IS NOT NULL) = (fee_disposition = 'owner_ledger' AND fee > 0)", name="fee_posted"),
    )
    op.create_index(
        "ix_estoppel_certificates_list", "estoppel_certificates", ["organization_id", "association_id", "issued_at", "id"]
    )
    op.create_index("ix_estoppel_certificates_unit", "estoppel_certificates", ["organization_id", "unit_id", "issued_at"])
    tenant_table("estoppel_certificates")
    op.execute(f"REVOKE UPDATE, DELETE ON estoppel_certificates FROM {APP_ROLE}")


def downgrade() -> None:
    op.drop_table("estoppel_certificates")
    op.drop_table("estoppel_forms")
    for enum in (FEE, REQUESTER):
        enum.drop(op.get_bind())

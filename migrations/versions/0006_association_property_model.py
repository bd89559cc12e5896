"""Associations, units, parties, contact points, ownerships, residents and
emergency contacts. Association profiles become associations: an organization
may now hold many associations (a management company runs dozens).

Ownerships and residencies are history: the application role cannot delete
them, and a trigger freezes an ended row entirely and lets a current one
change only its end date (and, for ownerships, which owner is primary).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import created_at, id_column, in_organization, org_column, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


# Units sort the way people count: 2 before 10, 12A before 12B (a leading number
# is zero-padded; anything else sorts as written).
UNIT_SORT = (
    "coalesce(lpad(substring(unit_number from '^[0-9]+'), 10, '0') || substring(unit_number from '^[0-9]+(.*)$'), unit_number)"
)


def _address() -> list[sa.Column]:
    return [
        sa.Column("region", sa.String(3), nullable=False),
        sa.Column("country", sa.String(2), nullable=False),
    ]


def upgrade() -> None:
    op.drop_table("association_profiles")

    op.create_table(
        "associations",
        id_column(),
        org_column(),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("legal_name", sa.String(200), nullable=False),
        sa.Column("kind", pg.ENUM("hoa", "condominium", "cooperative", "master", name="association_kind"), nullable=False),
        sa.Column("status", pg.ENUM("onboarding", "active", "inactive", name="association_status"), nullable=False),
        *_address(),
        sa.Column("tax_id", sa.String(20)),
        sa.Column("fiscal_year_start_month", sa.SmallInteger, nullable=False),
        sa.Column("accounting_basis", pg.ENUM(name="accounting_basis", create_type=False), nullable=False),
        sa.Column("master_association_id", sa.Uuid),
        sa.Column("managing_organization_id", sa.Uuid, sa.ForeignKey("organizations.id", ondelete="SET NULL")),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "code"),
        in_organization("master_association_id", "associations"),
        sa.CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="month"),
        sa.CheckConstraint("master_association_id IS DISTINCT FROM id", name="not_own_master"),
        sa.CheckConstraint("country ~ '^[A-Z]{2}$' AND region ~ '^[A-Z0-9]{1,3}$'", name="jurisdiction"),
    )
    op.create_index("ix_associations_master", "associations", ["organization_id", "master_association_id"])
    tenant_table("associations")

    op.create_table(
        "units",
        id_column(),
        org_column(),
        sa.Column("association_id", sa.Uuid, nullable=False),
        sa.Column("unit_number", sa.String(20), nullable=False),
        sa.Column("unit_sort", sa.String(40), sa.Computed(UNIT_SORT, persisted=True), nullable=False),
        sa.Column("building", sa.String(60)),
        sa.Column(
            "unit_type",
            pg.ENUM("single_family", "condo", "townhome", "commercial", "parking", "storage", name="unit_type"),
            nullable=False,
        ),
        sa.Column("status", pg.ENUM("active", "inactive", name="unit_status"), nullable=False),
        sa.Column("street", sa.String(200), nullable=False),
        sa.Column("city", sa.String(100), nullable=False),
        sa.Column("postal_code", sa.String(10), nullable=False),
        *_address(),
        sa.Column("square_feet", sa.Integer),
        sa.Column("voting_weight", sa.Numeric(9, 8), nullable=False),
        sa.Column("assessment_share", sa.Numeric(9, 8), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "unit_number"),
        in_organization("association_id", "associations"),
        sa.CheckConstraint("voting_weight BETWEEN 0 AND 1 AND assessment_share BETWEEN 0 AND 1", name="shares"),
        sa.CheckConstraint("square_feet IS NULL OR square_feet > 0", name="area"),
    )
    op.create_index("ix_units_sort", "units", ["organization_id", "association_id", "unit_sort", "id"])
    tenant_table("units")

    op.create_table(
        "emergency_contacts",
        id_column(),
        org_column(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("relationship", sa.String(60)),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("priority", sa.SmallInteger, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("unit_id", "units"),
    )
    op.create_index("ix_emergency_contacts_unit", "emergency_contacts", ["organization_id", "unit_id"])
    tenant_table("emergency_contacts")

    op.create_table(
        "parties",
        id_column(),
        org_column(),
        sa.Column("kind", pg.ENUM("person", "company", name="party_kind"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("delivery_preference", pg.ENUM("postal", "electronic", "both", name="delivery_preference"), nullable=False),
        sa.Column("electronic_consent_at", sa.DateTime(timezone=True)),
        sa.Column("mailing_address", sa.String(400)),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "id"),
        sa.UniqueConstraint("organization_id", "user_id"),
        # E-delivery of association notices needs the member's consent on record
        # (e.g. California Civil Code §4040(b)).
        sa.CheckConstraint("delivery_preference = 'postal' OR electronic_consent_at IS NOT NULL", name="electronic_consent"),
    )
    op.execute("CREATE INDEX ix_parties_name ON parties (organization_id, lower(name) text_pattern_ops)")
    tenant_table("parties")

    op.create_table(
        "contact_points",
        id_column(),
        org_column(),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("kind", pg.ENUM("email", "phone", name="contact_point_kind"), nullable=False),
        sa.Column("value", sa.String(254), nullable=False),
        sa.Column("label", sa.String(30)),
        sa.Column("is_primary", sa.Boolean, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("party_id", "parties"),
    )
    op.create_index("ix_contact_points_party", "contact_points", ["organization_id", "party_id"])
    tenant_table("contact_points")

    op.create_table(
        "ownerships",
        id_column(),
        org_column(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("interest", sa.Numeric(5, 4), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date),
        sa.Column("is_primary", sa.Boolean, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("unit_id", "units"),
        in_organization("party_id", "parties"),
        sa.CheckConstraint("interest > 0 AND interest <= 1", name="interest"),
        sa.CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="range"),
    )
    op.create_index("ix_ownerships_unit", "ownerships", ["organization_id", "unit_id", "starts_on"])
    op.create_index("ix_ownerships_party", "ownerships", ["organization_id", "party_id"])

    op.create_table(
        "residents",
        id_column(),
        org_column(),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("kind", pg.ENUM("owner", "tenant", "household_member", name="resident_kind"), nullable=False),
        sa.Column("moved_in_on", sa.Date, nullable=False),
        sa.Column("moved_out_on", sa.Date),
        created_at(),
        sa.UniqueConstraint("organization_id", "id"),
        in_organization("unit_id", "units"),
        in_organization("party_id", "parties"),
        sa.CheckConstraint("moved_out_on IS NULL OR moved_out_on >= moved_in_on", name="range"),
    )
    op.create_index("ix_residents_unit", "residents", ["organization_id", "unit_id", "moved_in_on"])
    op.create_index("ix_residents_party", "residents", ["organization_id", "party_id"])

    # History tables: rows are never deleted; an ended row never changes, and a
    # current one may only be ended (and an ownership's primary flag moved).
    for table, end, fixed in (
        ("ownerships", "ends_on", ("organization_id", "unit_id", "party_id", "interest", "starts_on", "created_at")),
        ("residents", "moved_out_on", ("organization_id", "unit_id", "party_id", "kind", "moved_in_on", "created_at")),
    ):
        tenant_table(table)
        op.execute(f"REVOKE DELETE ON {table} FROM {APP_ROLE}")
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in ("id", *fixed))
        op.execute(
            f"""CREATE FUNCTION {table}_keep_history() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF OLD.{end} IS NOT NULL OR {changed} THEN
                RAISE EXCEPTION '{table} keep their history: an ended row never changes, a current one only gets its {end}'
                  USING ERRCODE = 'check_violation';
              END IF;
              RETURN NEW;
            END $$"""
        )
        op.execute(
            f"CREATE TRIGGER {table}_keep_history BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_keep_history()"
        )
    # Units become inactive, parties and associations stay for their history.
    op.execute(f"REVOKE DELETE ON units, parties, associations FROM {APP_ROLE}")

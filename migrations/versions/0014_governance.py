"""Governance: an association's boards and committees, the terms of the seats
on them (elected or appointed), and the offices their members hold.

Terms are history: the application role can't delete a term, and of a term it
can change only the end (earlier, with a reason). Office holdings likewise
change only their end. A current board term is what gives a user the
board_member role (domains/governance/service/access.py).

Revision ID: 0014
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, in_organization, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "governing_bodies",
        *booked(),
        sa.Column("kind", pg.ENUM("board", "committee", name="governing_body_kind"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("purpose", sa.String(500)),
        sa.Column("seat_count", sa.SmallInteger, nullable=False),
        sa.Column("status", pg.ENUM("active", "dissolved", name="governing_body_status"), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "name"),
        sa.CheckConstraint("seat_count BETWEEN 1 AND 99", name="seat_count_range"),
    )
    tenant_table("governing_bodies")

    reason = pg.ENUM("resigned", "removed", "disqualified", "deceased", name="seat_end_reason")
    op.create_table(
        "seats",
        *booked(in_its_association=False),
        sa.Column("body_id", sa.Uuid, nullable=False),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("filled_by", pg.ENUM("elected", "appointed", name="seat_filled_by"), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("ended_early", reason),
        sa.Column("scheduled_ends_on", sa.Date, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("body_id", "governing_bodies"),
        in_organization("party_id", "parties"),
        sa.CheckConstraint("ends_on > starts_on", name="term_not_empty"),
        sa.CheckConstraint("ends_on <= scheduled_ends_on", name="ends_no_later_than_scheduled"),
        sa.CheckConstraint("(ended_early IS NULL) = (ends_on = scheduled_ends_on)", name="early_end_has_reason"),
    )
    # The roles statement looks up a user's current terms by party.
    op.create_index("ix_seats_party", "seats", ["organization_id", "party_id", "ends_on"])
    op.create_index("ix_seats_body", "seats", ["organization_id", "body_id", "starts_on"])
    tenant_table("seats")

    title = pg.ENUM("president", "vice_president", "secretary", "treasurer", "chair", "vice_chair", name="office_title")
    op.create_table(
        "offices",
        *booked(in_its_association=False),
        sa.Column("body_id", sa.Uuid, nullable=False),
        sa.Column("seat_id", sa.Uuid, nullable=False),
        sa.Column("title", title, nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        created_at(),
        association_fk("body_id", "governing_bodies"),
        association_fk("seat_id", "seats"),
        sa.CheckConstraint("ends_on > starts_on", name="holding_not_empty"),
    )
    op.create_index("ix_offices_body", "offices", ["organization_id", "body_id", "title", "starts_on"])
    tenant_table("offices")

    # History: nothing is deleted; of a term or an office holding only the end changes.
    op.execute(f"REVOKE DELETE ON governing_bodies FROM {APP_ROLE}")
    for table in ("seats", "offices"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (ends_on, ended_early) ON seats TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (ends_on) ON offices TO {APP_ROLE}")
    # An end only ever moves earlier: a term (or holding) can't be extended
    # after the fact, and an ended one stays as it ended.
    op.execute(
        """CREATE FUNCTION governance_end_only_earlier() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.ends_on > OLD.ends_on THEN
            RAISE EXCEPTION '% keep their history: the end of % only moves earlier', TG_TABLE_NAME, OLD.id
              USING ERRCODE = 'check_violation';
          END IF;
          IF OLD.ends_on <= current_date AND NEW.ends_on IS DISTINCT FROM OLD.ends_on THEN
            RAISE EXCEPTION '% keep their history: % has ended and never changes', TG_TABLE_NAME, OLD.id
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$"""
    )
    for table in ("seats", "offices"):
        op.execute(
            f"CREATE TRIGGER {table}_end_only_earlier BEFORE UPDATE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION governance_end_only_earlier()"
        )

"""Amenities: each association's bookable places (clubhouse, pool, court, guest
parking) with their booking rules as data, the capacity left in each slot, the
bookings and each booking's lifecycle transitions.

A slot's row counts its bookings and a CHECK keeps the count within the
capacity: two owners asking for the last place serialize on that row and the
second one's increment fails, whatever the timing. Transitions are append-only
for the application role; amenities and bookings are never deleted.

Revision ID: 0033
Revises: 0032
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(14, 2)
STATUSES = ("requested", "confirmed", "checked_in", "closed", "cancelled", "no_show")


def _ledger_fk(column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["organization_id", "unit_id", column],
        ["owner_ledger_entries.organization_id", "owner_ledger_entries.unit_id", "owner_ledger_entries.id"],
    )


def upgrade() -> None:
    kind = pg.ENUM("clubhouse", "pool", "court", "guest_parking", "other", name="amenity_kind")
    op.create_table(
        "amenities",
        *booked(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("kind", kind, nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("time_zone", sa.String(60), nullable=False),
        sa.Column("opens_at", sa.Time, nullable=False),
        sa.Column("closes_at", sa.Time, nullable=False),
        sa.Column("slot_minutes", sa.Integer, nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("max_bookings_per_unit_week", sa.Integer),
        sa.Column("booking_days_ahead", sa.Integer, nullable=False),
        sa.Column("requires_approval", sa.Boolean, nullable=False),
        sa.Column("fee", MONEY, nullable=False),
        sa.Column("deposit", MONEY, nullable=False),
        sa.Column("cancellation_hours", sa.Integer, nullable=False),
        sa.Column("max_days_past_due", sa.Integer),
        sa.Column("blocking_rule_codes", pg.ARRAY(sa.String(20)), nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "association_id", "name"),
        sa.CheckConstraint("opens_at < closes_at", name="opens_before_closing"),
        sa.CheckConstraint("slot_minutes BETWEEN 15 AND 1440", name="slot_minutes_range"),
        sa.CheckConstraint("capacity BETWEEN 1 AND 1000", name="capacity_range"),
        sa.CheckConstraint("max_bookings_per_unit_week IS NULL OR max_bookings_per_unit_week >= 1", name="weekly_limit"),
        sa.CheckConstraint("booking_days_ahead BETWEEN 1 AND 365", name="days_ahead_range"),
        sa.CheckConstraint("fee >= 0 AND deposit >= 0", name="money_not_negative"),
        sa.CheckConstraint("cancellation_hours BETWEEN 0 AND 720", name="cancellation_range"),
        sa.CheckConstraint("max_days_past_due IS NULL OR max_days_past_due >= 0", name="past_due_range"),
    )
    tenant_table("amenities")

    op.create_table(
        "amenity_slots",
        *booked(),
        sa.Column("amenity_id", sa.Uuid, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer, nullable=False),
        sa.Column("taken", sa.Integer, nullable=False),
        # One row per slot: bookings of a slot serialize on it.
        sa.UniqueConstraint("organization_id", "amenity_id", "starts_at"),
        association_fk("amenity_id", "amenities"),
        # The race guard: the last place goes to one booking only.
        sa.CheckConstraint("taken BETWEEN 0 AND capacity", name="within_capacity"),
    )
    tenant_table("amenity_slots")

    status = pg.ENUM(*STATUSES, name="amenity_booking_status")
    op.create_table(
        "amenity_bookings",
        *booked(),
        sa.Column("amenity_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("fee", MONEY, nullable=False),
        sa.Column("deposit", MONEY, nullable=False),
        sa.Column("fee_entry_id", sa.Uuid),
        sa.Column("deposit_entry_id", sa.Uuid),
        sa.Column("requested_by", sa.Uuid, nullable=False),
        sa.Column("note", sa.String(1000)),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("amenity_id", "amenities"),
        association_fk("unit_id", "units"),
        _ledger_fk("fee_entry_id"),
        _ledger_fk("deposit_entry_id"),
        sa.CheckConstraint("starts_at < ends_at", name="starts_before_end"),
        sa.CheckConstraint("fee >= 0 AND deposit >= 0", name="money_not_negative"),
    )
    op.create_index("ix_amenity_bookings_amenity", "amenity_bookings", ["organization_id", "amenity_id", "starts_at", "id"])
    op.create_index("ix_amenity_bookings_unit", "amenity_bookings", ["organization_id", "unit_id", "starts_at"])
    tenant_table("amenity_bookings")

    op.create_table(
        "amenity_booking_transitions",
        *booked(),
        sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False),
        sa.Column("booking_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("from_status", pg.ENUM(name="amenity_booking_status", create_type=False)),
        sa.Column("to_status", pg.ENUM(name="amenity_booking_status", create_type=False), nullable=False),
        sa.Column("actor_id", sa.Uuid),
        sa.Column("reason", sa.String(1000)),
        sa.Column("details", pg.JSONB, nullable=False),
        created_at(),
        association_fk("booking_id", "amenity_bookings"),
        association_fk("unit_id", "units"),
    )
    op.create_index(
        "ix_amenity_booking_transitions_booking", "amenity_booking_transitions", ["organization_id", "booking_id", "seq"]
    )
    tenant_table("amenity_booking_transitions")

    op.execute(f"REVOKE UPDATE, DELETE ON amenity_booking_transitions FROM {APP_ROLE}")
    op.execute(f"REVOKE DELETE ON amenities, amenity_bookings FROM {APP_ROLE}")


def downgrade() -> None:
    for table in ("amenity_booking_transitions", "amenity_bookings", "amenity_slots", "amenities"):
        op.drop_table(table)
    op.execute("DROP TYPE amenity_booking_status")
    op.execute("DROP TYPE amenity_kind")

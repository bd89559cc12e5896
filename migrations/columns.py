"""Column and key helpers the migrations share.

Migrations are history: they import nothing from the application (`graph/`,
`domains/`), whose helpers may change after a migration has run. A helper here
is versioned with the migrations that use it — change it only in ways that
leave every existing migration's DDL as it was.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg


def id_column() -> sa.Column:
    return sa.Column("id", sa.Uuid, primary_key=True)


def org_column() -> sa.Column:
    return sa.Column("organization_id", sa.Uuid, sa.ForeignKey("organizations.id", ondelete="CASCADE"), nullable=False)


def created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def updated_at() -> sa.Column:
    return sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False)


def in_organization(column: str, table: str) -> sa.ForeignKeyConstraint:
    """A reference that stays inside the organization."""
    return sa.ForeignKeyConstraint(["organization_id", column], [f"{table}.organization_id", f"{table}.id"])


def association_fk(column: str, table: str, **options: Any) -> sa.ForeignKeyConstraint:
    """A reference that stays inside the organization and the association."""
    return sa.ForeignKeyConstraint(
        ["organization_id", "association_id", column],
        [f"{table}.organization_id", f"{table}.association_id", f"{table}.id"],
        **options,
    )


def in_association() -> sa.ForeignKeyConstraint:
    """The row's association, inside its organization."""
    return in_organization("association_id", "associations")


def booked(*, in_its_association: bool = True) -> list[Any]:
    """The key of a row kept in one association's books. `in_its_association=False`
    leaves out the association's own key, for a table whose other composite keys
    already pin the association."""
    return [
        id_column(),
        org_column(),
        sa.Column("association_id", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "id"),
        *([in_association()] if in_its_association else []),
    ]


# Estimates (migration 0031 on both sides of a work order's dispatch, 0035 on a service request's).
MONEY = sa.Numeric(14, 2)
QUANTITY = sa.Numeric(12, 3)


def estimate_columns(status: pg.ENUM) -> list[sa.Column]:
    return [
        sa.Column("revision", sa.SmallInteger, nullable=False),
        sa.Column("status", status, nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("note", sa.String(1000)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_note", sa.String(1000)),
        created_at(),
        sa.CheckConstraint("revision >= 1", name="revision_from_one"),
        sa.CheckConstraint("total >= 0", name="total_not_negative"),
    ]


def estimate_line_columns() -> list[sa.Column]:
    return [
        sa.Column("line_no", sa.SmallInteger, nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("quantity", QUANTITY, nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("amount", MONEY, sa.Computed("round(quantity * unit_price, 2)", persisted=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    ]


def estimate_total_check(estimates: str, lines: str, key: str = "estimate_id") -> None:
    """An estimate's total is the sum of its lines, checked at commit (lines and
    estimate are written in one transaction)."""
    op.execute(
        f"""
        CREATE FUNCTION {estimates}_total_check() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            expected numeric;
        BEGIN
            SELECT coalesce(sum(amount), 0) INTO expected FROM {lines} WHERE {key} = NEW.id;
            IF expected <> NEW.total THEN
                RAISE EXCEPTION 'estimate % totals % but its lines sum to %', NEW.id, NEW.total, expected
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE CONSTRAINT TRIGGER {estimates}_total AFTER INSERT ON {estimates}
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {estimates}_total_check()
        """
    )

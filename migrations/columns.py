"""Column and key helpers the migrations share.

Migrations are history: they import nothing from the application (`graph/`,
`domains/`), whose helpers may change after a migration has run. A helper here
is versioned with the migrations that use it — change it only in ways that
leave every existing migration's DDL as it was.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


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

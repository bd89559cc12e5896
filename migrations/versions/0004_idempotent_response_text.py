"""Store idempotent responses as json, not jsonb: jsonb reorders object keys,
so a replay would not be byte-for-byte the first response.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE idempotency_keys ALTER COLUMN response_body TYPE json USING response_body::json")

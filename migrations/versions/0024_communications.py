"""Communications: message templates per association, the messages sent to its
people (the outbox, one row per event and recipient) with their delivery log,
announcements, and the contact log.

History is kept: a message's delivery events and the contact log are
append-only for the application role; of a message only its delivery state
changes (a column grant), never what it said or to whom.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import booked, created_at, in_organization, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

TEMPLATE_KIND = pg.ENUM(
    "meeting_notice",
    "violation_notice",
    "hearing_notice",
    "late_payment_reminder",
    "announcement",
    "general",
    name="template_kind",
)
CHANNEL = pg.ENUM("email", "mail", name="message_channel")
STATUS = pg.ENUM("pending", "sending", "sent", "bounced", "failed", "print_queued", "mailed", name="message_status")
EVENT = pg.ENUM(
    "queued", "attempt", "sent", "deferred", "bounced", "failed", "printed", "mailed", "read", name="message_event_kind"
)
AUDIENCE = pg.ENUM(
    "unit_owners", "all_owners", "tenants", "residents", "board", "committee", "provider_contact", name="message_audience"
)
DIRECTION = pg.ENUM("inbound", "outbound", name="contact_direction")
CONTACT_CHANNEL = pg.ENUM("phone", "email", "letter", "in_person", "other", name="contact_channel")


def upgrade() -> None:
    op.create_table(
        "message_templates",
        *booked(),
        sa.Column("kind", TEMPLATE_KIND, nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "kind"),
        sa.CheckConstraint("version >= 1", name="version_positive"),
    )
    tenant_table("message_templates")
    op.execute(f"REVOKE DELETE ON message_templates FROM {APP_ROLE}")

    op.create_table(
        "messages",
        *booked(),
        sa.Column("kind", pg.ENUM(name="template_kind", create_type=False), nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("recipient_key", sa.String(60), nullable=False),
        sa.Column("template_id", sa.Uuid),
        sa.Column("template_version", sa.Integer),
        sa.Column("party_id", sa.Uuid),
        sa.Column("vendor_id", sa.Uuid),
        sa.Column("user_id", sa.Uuid),
        sa.Column("recipient_name", sa.String(200), nullable=False),
        sa.Column("channel", CHANNEL, nullable=False),
        sa.Column("address", sa.String(400), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.String(500)),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("mailed_at", sa.DateTime(timezone=True)),
        sa.Column("letter_path", sa.String(400)),
        sa.Column("read_at", sa.DateTime(timezone=True)),
        sa.Column("created_by", sa.Uuid, nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "source", "recipient_key"),
        in_organization("party_id", "parties"),
        in_organization("vendor_id", "vendors"),
        in_organization("template_id", "message_templates"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.CheckConstraint("(party_id IS NULL) <> (vendor_id IS NULL)", name="one_recipient"),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
    )
    op.create_index("ix_messages_association", "messages", ["organization_id", "association_id", "created_at"])
    op.create_index("ix_messages_inbox", "messages", ["organization_id", "user_id", "created_at"])
    op.create_index("ix_messages_source", "messages", ["organization_id", "source"])
    op.create_index(
        "ix_messages_undelivered", "messages", ["created_at"], postgresql_where=sa.text("status = 'pending' AND attempts = 0")
    )
    tenant_table("messages")
    # What a message said, and to whom, never changes: only its delivery state.
    op.execute(f"REVOKE UPDATE, DELETE ON messages FROM {APP_ROLE}")
    op.execute(
        "GRANT UPDATE (status, attempts, last_error, sent_at, mailed_at, letter_path, read_at, updated_at) "
        f"ON messages TO {APP_ROLE}"
    )

    # The minute's sweep reads across organizations which messages were written
    # but never tried (the demo seed writes without DBOS): their ids, and nothing else.
    op.execute(
        """CREATE FUNCTION undelivered_messages(older_than interval) RETURNS TABLE (organization_id uuid, id uuid)
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
          SELECT m.organization_id, m.id FROM messages m
           WHERE m.status = 'pending' AND m.attempts = 0 AND m.created_at < now() - older_than
           ORDER BY m.created_at LIMIT 1000 $$"""
    )
    op.execute("REVOKE ALL ON FUNCTION undelivered_messages(interval) FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION undelivered_messages(interval) TO {APP_ROLE}")

    op.create_table(
        "message_events",
        *booked(in_its_association=False),
        sa.Column("message_id", sa.Uuid, nullable=False),
        sa.Column("kind", EVENT, nullable=False),
        sa.Column("attempt", sa.Integer),
        sa.Column("detail", sa.String(500)),
        created_at(),
        in_organization("message_id", "messages"),
    )
    op.create_index("ix_message_events_message", "message_events", ["organization_id", "message_id", "created_at"])
    tenant_table("message_events")
    op.execute(f"REVOKE UPDATE, DELETE ON message_events FROM {APP_ROLE}")

    op.create_table(
        "announcements",
        *booked(),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("audience", AUDIENCE, nullable=False),
        sa.Column("audience_ref", sa.Uuid),
        sa.Column("recipients", sa.Integer, nullable=False),
        sa.Column("by_email", sa.Integer, nullable=False),
        sa.Column("posted_by", sa.Uuid, nullable=False),
        created_at(),
    )
    op.create_index("ix_announcements_association", "announcements", ["organization_id", "association_id", "created_at"])
    tenant_table("announcements")
    op.execute(f"REVOKE UPDATE, DELETE ON announcements FROM {APP_ROLE}")

    op.create_table(
        "contact_log_entries",
        *booked(),
        sa.Column("party_id", sa.Uuid),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("vendor_id", sa.Uuid),
        sa.Column("direction", DIRECTION, nullable=False),
        sa.Column("channel", CONTACT_CHANNEL, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("notes", sa.String(4000)),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Uuid, nullable=False),
        created_at(),
        in_organization("party_id", "parties"),
        in_organization("unit_id", "units"),
        in_organization("vendor_id", "vendors"),
    )
    op.create_index("ix_contact_log_association", "contact_log_entries", ["organization_id", "association_id", "occurred_at"])
    tenant_table("contact_log_entries")
    op.execute(f"REVOKE UPDATE, DELETE ON contact_log_entries FROM {APP_ROLE}")


def downgrade() -> None:
    op.execute("DROP FUNCTION undelivered_messages(interval)")
    for table in ("contact_log_entries", "announcements", "message_events", "messages", "message_templates"):
        op.drop_table(table)
    for enum in (
        "contact_channel",
        "contact_direction",
        "message_audience",
        "message_event_kind",
        "message_status",
        "message_channel",
        "template_kind",
    ):
        op.execute(f"DROP TYPE {enum}")

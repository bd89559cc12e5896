"""Communications wired to the other domains: the template kinds of the letters
they now cause (a levy's statement notice, an invoice's approval request, a
join request for the admins, an architectural decision, a work order's
update), and a message to a member of the staff: one addressed to a user of
the organization (an approver, an admin) rather than to a party or a vendor,
by email to the address they sign in with, and in their portal inbox. A
letter of the organization's own (a join request) is about no association:
`association_id` is null on it and on its delivery events.

Revision ID: 0028
Revises: 0026
"""

from alembic import op

revision = "0028"
down_revision = "0026"
branch_labels = None
depends_on = None

KINDS = ("statement_notice", "invoice_approval_request", "join_request", "arc_decision", "work_order_update")


def upgrade() -> None:
    for kind in KINDS:
        op.execute(f"ALTER TYPE template_kind ADD VALUE IF NOT EXISTS '{kind}'")
    # A party, a vendor, or (neither) a user of the staff: never both a party and a vendor.
    op.execute(
        "ALTER TABLE messages DROP CONSTRAINT one_recipient, ADD CONSTRAINT one_recipient "
        "CHECK (num_nonnulls(party_id, vendor_id) <= 1 AND num_nonnulls(party_id, vendor_id, user_id) >= 1)"
    )
    for table in ("messages", "message_events"):
        op.alter_column(table, "association_id", nullable=True)


def downgrade() -> None:
    op.execute(
        "DELETE FROM message_events e USING messages m WHERE e.message_id = m.id AND m.party_id IS NULL AND m.vendor_id IS NULL"
    )
    op.execute("DELETE FROM messages WHERE party_id IS NULL AND vendor_id IS NULL")
    op.execute(
        "ALTER TABLE messages DROP CONSTRAINT one_recipient, ADD CONSTRAINT one_recipient "
        "CHECK ((party_id IS NULL) <> (vendor_id IS NULL))"
    )
    # Postgres cannot drop an enum's value: the kinds stay, unused.

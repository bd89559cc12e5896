"""The architectural committee is one of governance's bodies: an association's
review settings name the committee (`arc_settings.committee_body_id`), and its
members are whoever holds a term on that body today (a chair, the holder of
its `chair` office). The ARC domain's own seats (`committee_members`) go: each
association that had some gets an "Architectural Review Committee" body (or
keeps the one of that name), each seat becomes a term of the user's party (made
for them where they had none), a chair's seat an office, and the settings name
the body (settings made with the defaults where there were none, changed by
the system). A seat that had no end gets the farthest end a term can have: it
runs until someone ends it, as before; one that ended the day it started was
never in force and is not carried over.

Revision ID: 0025a
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import booked, created_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0025a"
down_revision = "0025"
branch_labels = None
depends_on = None

NAME = "Architectural Review Committee"
SYSTEM = "00000000-0000-0000-0000-000000000000"
OPEN_END = "9999-12-31"


def upgrade() -> None:
    op.add_column("arc_settings", sa.Column("committee_body_id", sa.Uuid))
    op.create_foreign_key(
        "arc_settings_committee_body_fkey",
        "arc_settings",
        "governing_bodies",
        ["organization_id", "association_id", "committee_body_id"],
        ["organization_id", "association_id", "id"],
    )
    # The migration runs as the owner, beside RLS: every organization's rows at once.
    op.execute(
        f"""INSERT INTO governing_bodies (id, organization_id, association_id, kind, name, purpose, seat_count, status)
            SELECT gen_random_uuid(), c.organization_id, c.association_id, 'committee', '{NAME}',
                   'Reviews owners'' applications for exterior changes.', least(greatest(count(*), 1), 99), 'active'
              FROM committee_members c
             GROUP BY c.organization_id, c.association_id
            ON CONFLICT (organization_id, association_id, name) DO NOTHING"""
    )
    op.execute(
        f"""INSERT INTO arc_settings (id, organization_id, association_id, decision_mode, votes_required,
                                      neighbor_acknowledgements_required, more_info_clock, inspection_required, updated_by)
            SELECT DISTINCT ON (c.organization_id, c.association_id) gen_random_uuid(), c.organization_id, c.association_id,
                   'vote', 1, false, 'pause', false, '{SYSTEM}'
              FROM committee_members c
            ON CONFLICT (organization_id, association_id) DO NOTHING"""
    )
    op.execute(
        f"""UPDATE arc_settings s SET committee_body_id = b.id
              FROM governing_bodies b
             WHERE b.organization_id = s.organization_id AND b.association_id = s.association_id AND b.name = '{NAME}'
               AND EXISTS (SELECT 1 FROM committee_members c
                            WHERE c.organization_id = s.organization_id AND c.association_id = s.association_id)"""
    )
    op.execute(
        """INSERT INTO parties (id, organization_id, kind, name, user_id, delivery_preference)
           SELECT gen_random_uuid(), c.organization_id, 'person', min(u.display_name), c.user_id, 'postal'
             FROM committee_members c JOIN users u ON u.id = c.user_id
            WHERE NOT EXISTS (SELECT 1 FROM parties p WHERE p.organization_id = c.organization_id AND p.user_id = c.user_id)
            GROUP BY c.organization_id, c.user_id"""
    )
    op.execute("CREATE TEMPORARY TABLE moved_seats (seat_id uuid, member_id uuid) ON COMMIT DROP")
    op.execute(
        f"""WITH moved AS (
              SELECT gen_random_uuid() AS seat_id, c.id AS member_id, c.organization_id, c.association_id, s.committee_body_id,
                     p.id AS party_id, c.started_on, coalesce(c.ended_on, DATE '{OPEN_END}') AS ends_on
                FROM committee_members c
                JOIN arc_settings s ON s.organization_id = c.organization_id AND s.association_id = c.association_id
                JOIN parties p ON p.organization_id = c.organization_id AND p.user_id = c.user_id
               WHERE c.ended_on IS NULL OR c.ended_on > c.started_on
            ), seated AS (
              INSERT INTO seats (id, organization_id, association_id, body_id, party_id, filled_by, starts_on, ends_on,
                                 scheduled_ends_on)
              SELECT seat_id, organization_id, association_id, committee_body_id, party_id, 'appointed', started_on, ends_on,
                     ends_on
                FROM moved
            )
            INSERT INTO moved_seats SELECT seat_id, member_id FROM moved"""
    )
    op.execute(
        """INSERT INTO offices (id, organization_id, association_id, body_id, seat_id, title, starts_on, ends_on)
           SELECT gen_random_uuid(), t.organization_id, t.association_id, t.body_id, t.id, 'chair', t.starts_on, t.ends_on
             FROM moved_seats m
             JOIN committee_members c ON c.id = m.member_id
             JOIN seats t ON t.id = m.seat_id
            WHERE c.role = 'chair'"""
    )
    op.drop_table("committee_members")
    op.execute("DROP TYPE committee_role")


def downgrade() -> None:
    op.create_table(
        "committee_members",
        *booked(),
        sa.Column("user_id", sa.Uuid, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", pg.ENUM("member", "chair", name="committee_role"), nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date),
        created_at(),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
    )
    op.execute(
        "CREATE UNIQUE INDEX uq_committee_members_seated ON committee_members (organization_id, association_id, user_id) "
        "WHERE ended_on IS NULL"
    )
    op.create_index("ix_committee_members_user", "committee_members", ["organization_id", "user_id"])
    tenant_table("committee_members")
    op.execute(f"REVOKE DELETE ON committee_members FROM {APP_ROLE}")
    # The terms on each association's named committee go back to seats of their users.
    op.execute(
        f"""INSERT INTO committee_members (id, organization_id, association_id, user_id, role, started_on, ended_on)
            SELECT t.id, t.organization_id, t.association_id, p.user_id,
                   CASE WHEN EXISTS (SELECT 1 FROM offices o WHERE o.seat_id = t.id AND o.title = 'chair')
                        THEN 'chair' ELSE 'member' END::committee_role,
                   t.starts_on, nullif(t.ends_on, DATE '{OPEN_END}')
              FROM arc_settings s
              JOIN seats t ON t.organization_id = s.organization_id AND t.body_id = s.committee_body_id
              JOIN parties p ON p.organization_id = t.organization_id AND p.id = t.party_id
             WHERE p.user_id IS NOT NULL"""
    )
    op.drop_constraint("arc_settings_committee_body_fkey", "arc_settings")
    op.drop_column("arc_settings", "committee_body_id")

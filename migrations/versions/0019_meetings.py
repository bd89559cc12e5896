"""Meetings: the association's board, committee and membership meetings with
their agendas, the notices sent for them (who, how, when), proxies, attendance
and the live quorum tally, motions with their votes, and minutes.

History is kept: transitions, notices, votes, minutes and their approvals are
append-only for the application role; of a proxy only its revocation, and of
an attendance only the time the attendee left, is ever written after the fact.
Minutes once approved are permanent: no later version can be drafted (a
trigger), and nothing of an approved version changes (no UPDATE at all).
The meeting notice periods are jurisdiction rules (migrations/data/0019_meeting_rules.json).

Revision ID: 0019
Revises: 0021
"""

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, in_organization, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0019"
down_revision = "0021"
branch_labels = None
depends_on = None

DATA = Path(__file__).parent.parent / "data" / "0019_meeting_rules.json"
WEIGHT = sa.Numeric(14, 8)
KIND = pg.ENUM("board_open", "board_executive", "annual_membership", "special_membership", "committee", name="meeting_kind")
STATUS = pg.ENUM(
    "scheduled", "noticed", "in_session", "adjourned", "canceled", "notice_lapsed", "not_held", name="meeting_status"
)


def _rules() -> None:
    # Platform rules: FORCE binds the owner too, and no policy lets anyone write;
    # lifted for the seeding only.
    rules = sa.table(
        "jurisdiction_rules",
        *(sa.column(c) for c in ("jurisdiction", "key", "days", "citation", "effective_on")),
        sa.column("kind", pg.ENUM(name="rule_value_kind", create_type=False)),
        sa.column("stricter", pg.ENUM(name="rule_stricter_direction", create_type=False)),
    )
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    op.bulk_insert(
        rules,
        [
            {
                "jurisdiction": r["jurisdiction"],
                "key": r["key"],
                "kind": r["kind"],
                "days": r["days"],
                "stricter": r["stricter"],
                "citation": r["citation"],
                "effective_on": date.fromisoformat(r["effective_on"]),
            }
            for r in json.loads(DATA.read_text())["rules"]
        ],
    )
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    _rules()
    op.create_table(
        "meeting_settings",
        *booked(),
        sa.Column("membership_quorum_share", sa.Numeric(5, 4), nullable=False),
        sa.Column("board_quorum_share", sa.Numeric(5, 4), nullable=False),
        sa.Column("proxies_allowed", sa.Boolean, nullable=False),
        created_at(),
        updated_at(),
        sa.Column("updated_by", sa.Uuid, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id"),
        sa.CheckConstraint("membership_quorum_share > 0 AND membership_quorum_share <= 1", name="membership_quorum_range"),
        sa.CheckConstraint("board_quorum_share >= 0 AND board_quorum_share < 1", name="board_quorum_range"),
    )
    tenant_table("meeting_settings")
    op.execute(f"REVOKE DELETE ON meeting_settings FROM {APP_ROLE}")

    op.create_table(
        "meetings",
        *booked(),
        sa.Column("body_id", sa.Uuid),
        sa.Column("kind", KIND, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(300)),
        sa.Column("video_link", sa.String(500)),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("notice_days", sa.SmallInteger, nullable=False),
        sa.Column("notice_by", sa.Date, nullable=False),
        sa.Column("notice_not_before", sa.Date),
        sa.Column("jurisdiction", sa.String(10), nullable=False),
        sa.Column("rules_used", pg.JSONB, nullable=False),
        sa.Column("quorum_total", WEIGHT, nullable=False),
        sa.Column("quorum_required", WEIGHT, nullable=False),
        sa.Column("present_weight", WEIGHT, nullable=False),
        sa.Column("present_voters", sa.Integer, nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True)),
        sa.Column("adjourned_at", sa.DateTime(timezone=True)),
        sa.Column("called_by", sa.Uuid, nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("body_id", "governing_bodies"),
        sa.CheckConstraint("place IS NOT NULL OR video_link IS NOT NULL", name="meets_somewhere"),
        sa.CheckConstraint(
            "(kind IN ('annual_membership', 'special_membership')) = (body_id IS NULL)", name="body_meetings_have_a_body"
        ),
        sa.CheckConstraint("present_weight >= 0 AND present_voters >= 0", name="tally_not_negative"),
    )
    op.create_index("ix_meetings_starts", "meetings", ["organization_id", "association_id", "starts_at"])
    tenant_table("meetings")
    op.execute(f"REVOKE DELETE ON meetings FROM {APP_ROLE}")

    op.create_table(
        "meeting_transitions",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("from_status", STATUS),
        sa.Column("to_status", STATUS, nullable=False),
        sa.Column("actor_id", sa.Uuid),
        sa.Column("note", sa.String(1000)),
        created_at(),
        association_fk("meeting_id", "meetings"),
    )
    op.create_index("ix_meeting_transitions", "meeting_transitions", ["organization_id", "meeting_id", "created_at"])

    op.create_table(
        "meeting_agenda_items",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.String(4000)),
        sa.Column("requires_vote", sa.Boolean, nullable=False),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "meeting_id", "position"),
        association_fk("meeting_id", "meetings"),
    )

    op.create_table(
        "meeting_notices",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("address", sa.String(400), nullable=False),
        sa.Column("sent_on", sa.Date, nullable=False),
        sa.Column("sent_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "meeting_id", "party_id"),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        in_organization("party_id", "parties"),
    )

    op.create_table(
        "meeting_proxies",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("grantor_party_id", sa.Uuid, nullable=False),
        sa.Column("holder_party_id", sa.Uuid),
        sa.Column("holder_name", sa.String(200)),
        sa.Column("kind", pg.ENUM("general", "directed", name="proxy_kind"), nullable=False),
        sa.Column("directions", pg.JSONB, nullable=False),
        sa.Column("granted_by", sa.Uuid, nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        sa.Column("revoked_by", sa.Uuid),
        created_at(),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        in_organization("grantor_party_id", "parties"),
        in_organization("holder_party_id", "parties"),
        sa.CheckConstraint("(holder_party_id IS NULL) <> (holder_name IS NULL)", name="one_holder"),
        sa.CheckConstraint("(revoked_at IS NULL) = (revoked_by IS NULL)", name="revocation_recorded"),
    )
    # One unit, one proxy in force per meeting: its weight can't be given twice.
    op.create_index(
        "ux_meeting_proxies_unit",
        "meeting_proxies",
        ["organization_id", "meeting_id", "unit_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )

    op.create_table(
        "meeting_attendance",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("voter_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("seat_id", sa.Uuid),
        sa.Column("party_id", sa.Uuid),
        sa.Column("proxy_id", sa.Uuid),
        sa.Column("attendee_name", sa.String(200), nullable=False),
        sa.Column("weight", WEIGHT, nullable=False),
        sa.Column("checked_in_by", sa.Uuid, nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True)),
        created_at(),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        association_fk("seat_id", "seats"),
        in_organization("party_id", "parties"),
        in_organization("proxy_id", "meeting_proxies"),
        sa.CheckConstraint("(unit_id IS NULL) <> (seat_id IS NULL)", name="a_unit_or_a_seat"),
    )
    # Someone present is present once.
    op.create_index(
        "ux_meeting_attendance_present",
        "meeting_attendance",
        ["organization_id", "meeting_id", "voter_id", "attendee_name"],
        unique=True,
        postgresql_where=sa.text("left_at IS NULL"),
    )

    # The live tally: one row per unit (or seat) present, with how many of its
    # people are in the room; the meeting's counters add its weight once.
    op.create_table(
        "meeting_presence",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("voter_id", sa.Uuid, nullable=False),
        sa.Column("weight", WEIGHT, nullable=False),
        sa.Column("attendees", sa.Integer, nullable=False),
        sa.UniqueConstraint("organization_id", "meeting_id", "voter_id"),
        association_fk("meeting_id", "meetings"),
        sa.CheckConstraint("attendees > 0", name="someone_present"),
    )

    op.create_table(
        "meeting_motions",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("agenda_item_id", sa.Uuid),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("moved_by", sa.String(200), nullable=False),
        sa.Column("seconded_by", sa.String(200)),
        sa.Column("status", pg.ENUM("moved", "open", "carried", "failed", "withdrawn", name="motion_status"), nullable=False),
        sa.Column("votes_for", WEIGHT, nullable=False),
        sa.Column("votes_against", WEIGHT, nullable=False),
        sa.Column("abstentions", WEIGHT, nullable=False),
        sa.Column("present_at_close", WEIGHT),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("meeting_id", "meetings"),
        association_fk("agenda_item_id", "meeting_agenda_items"),
    )

    op.create_table(
        "meeting_votes",
        *booked(in_its_association=False),
        sa.Column("motion_id", sa.Uuid, nullable=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("voter_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid),
        sa.Column("seat_id", sa.Uuid),
        sa.Column("voter_name", sa.String(200), nullable=False),
        sa.Column("proxy_id", sa.Uuid),
        sa.Column("choice", pg.ENUM("yes", "no", "abstain", name="vote_choice"), nullable=False),
        sa.Column("weight", WEIGHT, nullable=False),
        sa.Column("recorded_by", sa.Uuid, nullable=False),
        created_at(),
        # A unit (or board seat) votes once on a motion, whoever casts it.
        sa.UniqueConstraint("organization_id", "motion_id", "voter_id"),
        association_fk("motion_id", "meeting_motions"),
        association_fk("meeting_id", "meetings"),
        association_fk("unit_id", "units"),
        association_fk("seat_id", "seats"),
        in_organization("proxy_id", "meeting_proxies"),
    )

    op.create_table(
        "meeting_minutes",
        *booked(in_its_association=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("drafted_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "meeting_id", "version"),
        association_fk("meeting_id", "meetings"),
        sa.CheckConstraint("length(text) BETWEEN 1 AND 200000", name="minutes_length"),
    )
    op.create_table(
        "meeting_minutes_approvals",
        *booked(in_its_association=False),
        sa.Column("minutes_id", sa.Uuid, nullable=False),
        sa.Column("meeting_id", sa.Uuid, nullable=False),
        sa.Column("approved_at_meeting_id", sa.Uuid, nullable=False),
        sa.Column("approved_by", sa.Uuid, nullable=False),
        created_at(),
        # One approved version per meeting, for good.
        sa.UniqueConstraint("organization_id", "meeting_id"),
        association_fk("minutes_id", "meeting_minutes"),
        association_fk("meeting_id", "meetings"),
        association_fk("approved_at_meeting_id", "meetings"),
    )
    for table in (
        "meeting_transitions",
        "meeting_agenda_items",
        "meeting_notices",
        "meeting_proxies",
        "meeting_attendance",
        "meeting_presence",
        "meeting_motions",
        "meeting_votes",
        "meeting_minutes",
        "meeting_minutes_approvals",
    ):
        tenant_table(table)
    for table in (
        "meeting_transitions",
        "meeting_agenda_items",
        "meeting_notices",
        "meeting_votes",
        "meeting_minutes",
        "meeting_minutes_approvals",
        "meeting_proxies",
        "meeting_attendance",
        "meeting_motions",
    ):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (revoked_at, revoked_by) ON meeting_proxies TO {APP_ROLE}")
    op.execute(f"GRANT UPDATE (left_at) ON meeting_attendance TO {APP_ROLE}")
    op.execute(
        f"GRANT UPDATE (seconded_by, status, votes_for, votes_against, abstentions, present_at_close, decided_at) "
        f"ON meeting_motions TO {APP_ROLE}"
    )
    # Approved minutes are permanent: no version after the approved one.
    op.execute(
        """CREATE FUNCTION meeting_minutes_locked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM meeting_minutes_approvals a
                      WHERE a.organization_id = NEW.organization_id AND a.meeting_id = NEW.meeting_id) THEN
            RAISE EXCEPTION 'the minutes of meeting % are approved and permanent', NEW.meeting_id
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END $$"""
    )
    op.execute(
        "CREATE TRIGGER meeting_minutes_locked BEFORE INSERT ON meeting_minutes "
        "FOR EACH ROW EXECUTE FUNCTION meeting_minutes_locked()"
    )


def downgrade() -> None:
    for table in (
        "meeting_minutes_approvals",
        "meeting_minutes",
        "meeting_votes",
        "meeting_motions",
        "meeting_presence",
        "meeting_attendance",
        "meeting_proxies",
        "meeting_notices",
        "meeting_agenda_items",
        "meeting_transitions",
        "meetings",
        "meeting_settings",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION meeting_minutes_locked()")
    for enum in ("vote_choice", "motion_status", "proxy_kind", "meeting_status", "meeting_kind"):
        op.execute(f"DROP TYPE {enum}")
    op.execute("ALTER TABLE jurisdiction_rules NO FORCE ROW LEVEL SECURITY")
    keys = sorted({r["key"] for r in json.loads(DATA.read_text())["rules"]})
    op.execute(sa.text("DELETE FROM jurisdiction_rules WHERE key = ANY(:keys)").bindparams(keys=keys))
    op.execute("ALTER TABLE jurisdiction_rules FORCE ROW LEVEL SECURITY")

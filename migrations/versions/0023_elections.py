"""Elections: the call for candidates, who voted, the ballots and the results.

Secrecy is kept by the tables' shape: `election_voters` (who voted) and
`election_ballots` (what was voted) share no key and ballots carry no time.
A ballot cast waits in `election_ballot_box`, sealed by the application (the
database never holds the key), and the close writes all of an election's
ballots in one shuffled statement. History is kept: transitions, candidates,
who voted, ballots and results are append-only for the application role but for
the columns a later step fills; only the ballot box's rows are ever deleted.
Meeting settings gain whether cumulative voting is allowed.

Revision ID: 0023
Revises: 0025a
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

from migrations.columns import association_fk, booked, created_at, in_organization, updated_at
from migrations.rls import APP_ROLE, tenant_table

revision = "0023"
down_revision = "0025a"
branch_labels = None
depends_on = None

WEIGHT = sa.Numeric(14, 8)
METHOD = pg.ENUM("plurality", "cumulative", name="election_method")
STATUS = pg.ENUM("nominating", "voting", "closed", "tallying", "tallied", "certified", "canceled", name="election_status")


def upgrade() -> None:
    op.add_column("meeting_settings", sa.Column("cumulative_voting", sa.Boolean, nullable=False, server_default=sa.false()))
    op.create_table(
        "elections",
        *booked(),
        sa.Column("body_id", sa.Uuid, nullable=False),
        sa.Column("meeting_id", sa.Uuid),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("seats_to_fill", sa.SmallInteger, nullable=False),
        sa.Column("term_starts_on", sa.Date, nullable=False),
        sa.Column("term_ends_on", sa.Date, nullable=False),
        sa.Column("method", METHOD, nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("nominations_close_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voting_closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inspector_party_id", sa.Uuid, nullable=False),
        sa.Column("inspector_user_id", sa.Uuid, nullable=False),
        sa.Column("eligible_units", sa.Integer),
        sa.Column("eligible_weight", WEIGHT),
        sa.Column("ballots_cast", sa.Integer, nullable=False, server_default="0"),
        sa.Column("weight_cast", WEIGHT, nullable=False, server_default="0"),
        sa.Column("tallied_at", sa.DateTime(timezone=True)),
        sa.Column("certified_at", sa.DateTime(timezone=True)),
        sa.Column("called_by", sa.Uuid, nullable=False),
        sa.Column("workflow_id", sa.String(80), nullable=False),
        created_at(),
        updated_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        association_fk("body_id", "governing_bodies"),
        association_fk("meeting_id", "meetings"),
        in_organization("inspector_party_id", "parties"),
        sa.CheckConstraint("seats_to_fill BETWEEN 1 AND 99", name="seats_to_fill_range"),
        sa.CheckConstraint("term_ends_on > term_starts_on", name="term_ends_after_start"),
        sa.CheckConstraint("voting_closes_at > nominations_close_at", name="window_after_nominations"),
        sa.CheckConstraint("ballots_cast >= 0 AND weight_cast >= 0", name="cast_not_negative"),
    )
    op.create_index("ix_elections_closes", "elections", ["organization_id", "association_id", "voting_closes_at"])
    tenant_table("elections")
    op.execute(f"REVOKE DELETE ON elections FROM {APP_ROLE}")

    op.create_table(
        "election_transitions",
        *booked(in_its_association=False),
        sa.Column("election_id", sa.Uuid, nullable=False),
        sa.Column("from_status", STATUS),
        sa.Column("to_status", STATUS, nullable=False),
        sa.Column("actor_id", sa.Uuid),
        sa.Column("note", sa.String(1000)),
        created_at(),
        association_fk("election_id", "elections"),
    )
    op.create_index("ix_election_transitions_election", "election_transitions", ["organization_id", "election_id"])

    op.create_table(
        "election_candidates",
        *booked(in_its_association=False),
        sa.Column("election_id", sa.Uuid, nullable=False),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("statement", sa.String(4000)),
        sa.Column("nominated_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "association_id", "id"),
        sa.UniqueConstraint("organization_id", "election_id", "party_id"),
        association_fk("election_id", "elections"),
        in_organization("party_id", "parties"),
    )

    op.create_table(
        "election_voters",
        *booked(in_its_association=False),
        sa.Column("election_id", sa.Uuid, nullable=False),
        sa.Column("unit_id", sa.Uuid, nullable=False),
        sa.Column("party_id", sa.Uuid, nullable=False),
        sa.Column("proxy_id", sa.Uuid),
        sa.Column("weight", WEIGHT, nullable=False),
        sa.Column("cast_by", sa.Uuid, nullable=False),
        created_at(),
        sa.UniqueConstraint("organization_id", "election_id", "unit_id"),
        association_fk("election_id", "elections"),
        association_fk("unit_id", "units"),
        in_organization("party_id", "parties"),
        in_organization("proxy_id", "meeting_proxies"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )

    # No timestamps, no voter: see the module's docstring.
    op.create_table(
        "election_ballot_box",
        *booked(in_its_association=False),
        sa.Column("election_id", sa.Uuid, nullable=False),
        sa.Column("sealed", sa.Text, nullable=False),
        association_fk("election_id", "elections"),
    )
    op.create_table(
        "election_ballots",
        *booked(in_its_association=False),
        sa.Column("election_id", sa.Uuid, nullable=False),
        sa.Column("weight", WEIGHT, nullable=False),
        sa.Column("choices", pg.JSONB, nullable=False),
        association_fk("election_id", "elections"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )
    op.create_index("ix_election_ballots_election", "election_ballots", ["organization_id", "election_id"])

    op.create_table(
        "election_results",
        *booked(in_its_association=False),
        sa.Column("election_id", sa.Uuid, nullable=False),
        sa.Column("candidate_id", sa.Uuid, nullable=False),
        sa.Column("votes", WEIGHT, nullable=False),
        sa.Column("place", sa.SmallInteger, nullable=False),
        sa.Column("elected", sa.Boolean, nullable=False),
        sa.Column("seat_id", sa.Uuid),
        created_at(),
        sa.UniqueConstraint("organization_id", "election_id", "candidate_id"),
        association_fk("election_id", "elections"),
        association_fk("candidate_id", "election_candidates"),
        association_fk("seat_id", "seats"),
    )
    for table in (
        "election_transitions",
        "election_candidates",
        "election_voters",
        "election_ballot_box",
        "election_ballots",
        "election_results",
    ):
        tenant_table(table)
    for table in ("election_transitions", "election_candidates", "election_voters", "election_ballots", "election_results"):
        op.execute(f"REVOKE UPDATE, DELETE ON {table} FROM {APP_ROLE}")
    # The ballot box is only ever written and emptied, never changed.
    op.execute(f"REVOKE UPDATE ON election_ballot_box FROM {APP_ROLE}")
    op.execute(f"GRANT UPDATE (seat_id) ON election_results TO {APP_ROLE}")


def downgrade() -> None:
    for table in (
        "election_results",
        "election_ballots",
        "election_ballot_box",
        "election_voters",
        "election_candidates",
        "election_transitions",
        "elections",
    ):
        op.drop_table(table)
    for enum in ("election_status", "election_method"):
        op.execute(f"DROP TYPE {enum}")
    op.drop_column("meeting_settings", "cumulative_voting")

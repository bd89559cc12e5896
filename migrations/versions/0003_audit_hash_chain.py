"""Tamper-evident audit log: each organization's events form a SHA-256 hash chain.

A BEFORE INSERT trigger (so no code path can skip it) takes a per-organization
advisory lock, links the new row to the previous one and hashes it; editing or
deleting a row breaks every later link, which `verify_audit_chain` reports.
The chain position is per organization (no shared sequence), and timestamps are
hashed as epoch seconds so the session's TimeZone can't change a hash.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from migrations import audit_chain

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("chain_seq", sa.BigInteger))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(64)))
    op.add_column("audit_events", sa.Column("hash", sa.String(64)))
    op.create_index(
        "uq_audit_events_chain",
        "audit_events",
        ["organization_id", "chain_seq"],
        unique=True,
        postgresql_nulls_not_distinct=True,
    )
    # SECURITY DEFINER: the previous link may be a row the caller's RLS hides
    # (account-level events of other users share the null-organization chain).
    op.execute(
        f"""CREATE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE prev record;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtextextended('audit-chain:' || coalesce(NEW.organization_id::text, '-'), 0));
          SELECT chain_seq, hash INTO prev FROM audit_events
           WHERE organization_id IS NOT DISTINCT FROM NEW.organization_id
           ORDER BY chain_seq DESC LIMIT 1;
          NEW.chain_seq := coalesce(prev.chain_seq, 0) + 1;
          NEW.prev_hash := coalesce(prev.hash, '');
          NEW.hash := encode(sha256(convert_to({audit_chain.row_text("NEW.")}, 'UTF8')), 'hex');
          RETURN NEW;
        END $$"""
    )
    op.execute("CREATE TRIGGER audit_chain_link BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_chain_link()")
    # SECURITY INVOKER: an organization verifies the chain it can see (its own).
    op.execute(
        f"""CREATE FUNCTION verify_audit_chain(org uuid) RETURNS TABLE (checked bigint, first_broken bigint)
        LANGUAGE sql STABLE AS $$
          WITH ordered AS (
            SELECT e.chain_seq, e.hash, e.prev_hash,
                   lag(e.hash, 1, '') OVER (ORDER BY e.chain_seq) AS expected_prev,
                   lag(e.chain_seq, 1, 0::bigint) OVER (ORDER BY e.chain_seq) AS expected_seq,
                   encode(sha256(convert_to({audit_chain.row_text("e.")}, 'UTF8')), 'hex') AS recomputed
              FROM audit_events e WHERE e.organization_id = org)
          SELECT count(*),
                 min(chain_seq) FILTER (WHERE hash <> recomputed OR prev_hash <> expected_prev
                                           OR chain_seq <> expected_seq + 1)
            FROM ordered $$"""
    )

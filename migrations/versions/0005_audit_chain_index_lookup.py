"""The audit chain trigger finds the previous link through the
(organization_id, chain_seq) index: `IS NOT DISTINCT FROM` can't use an index,
so 0003's lookup scanned and sorted the whole table on every insert (19–25 ms at
200k rows, under the chain lock), found by bench/mutations.py --preload-audit.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

from migrations import audit_chain

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        f"""CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger LANGUAGE plpgsql
        SECURITY DEFINER SET search_path = public, pg_temp AS $$
        DECLARE prev record;
        BEGIN
          PERFORM pg_advisory_xact_lock(hashtextextended('audit-chain:' || coalesce(NEW.organization_id::text, '-'), 0));
          IF NEW.organization_id IS NULL THEN
            SELECT chain_seq, hash INTO prev FROM audit_events
             WHERE organization_id IS NULL ORDER BY chain_seq DESC LIMIT 1;
          ELSE
            SELECT chain_seq, hash INTO prev FROM audit_events
             WHERE organization_id = NEW.organization_id ORDER BY chain_seq DESC LIMIT 1;
          END IF;
          NEW.chain_seq := coalesce(prev.chain_seq, 0) + 1;
          NEW.prev_hash := coalesce(prev.hash, '');
          NEW.hash := encode(sha256(convert_to({audit_chain.row_text("NEW.")}, 'UTF8')), 'hex');
          RETURN NEW;
        END $$"""
    )

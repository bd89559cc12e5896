"""Other domains attach documents by reference: a violation sighting's photos,
an ARC request's plans and photos and a work order's photos and documents
become lists of document ids (`document_ids`), an invoice gains its scan
(`scan_id`, a key into documents). The application checks that each is in the
record's association's library or the organization's own and not destroyed.

The free-text references they replace are carried over: one that is a
document's public id (`doc_…`) of such a library and not destroyed becomes
that document's id, in order; any other (a URL, a path) can't name a document,
so it is appended to the record's description, marked, rather than lost — the
old columns go.

Revision ID: 0026
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0026"
down_revision = "0022"
branch_labels = None
depends_on = None

# (table, old column, its type, the description column and its length, what the references were)
MOVED = (
    ("violation_observations", "photo_refs", sa.String(400), 2000, "Photos"),
    ("arc_requests", "document_refs", sa.String(400), 4000, "Plans and photos"),
    ("work_orders", "attachments", sa.String(500), 4000, "Attachments"),
)


# The document a reference `r.ref` of a row `o` names, as the application accepts it.
REFERABLE = (
    "SELECT d.id FROM documents d WHERE d.organization_id = o.organization_id "
    "AND public_id('doc', d.id) = r.ref AND d.destroyed_at IS NULL "
    "AND (d.association_id IS NULL OR d.association_id = o.association_id)"
)


def upgrade() -> None:
    # The migration runs as the owner, beside RLS: every organization's rows at once.
    for table, old, _type, length, label in MOVED:
        op.add_column(table, sa.Column("document_ids", pg.ARRAY(sa.Uuid), nullable=False, server_default="{}"))
        op.execute(
            f"""UPDATE {table} t SET document_ids = m.ids
                  FROM (SELECT o.id, array_agg(({REFERABLE}) ORDER BY r.ord) AS ids
                          FROM {table} o CROSS JOIN LATERAL unnest(o.{old}) WITH ORDINALITY AS r(ref, ord)
                         WHERE EXISTS ({REFERABLE})
                         GROUP BY o.id) m
                 WHERE m.id = t.id"""
        )
        op.execute(
            f"""UPDATE {table} t
                   SET description = left(coalesce(t.description || E'\\n\\n', '')
                                          || '{label} referenced before the document library: '
                                          || array_to_string(m.refs, '; '), {length})
                  FROM (SELECT o.id, array_agg(r.ref ORDER BY r.ord) AS refs
                          FROM {table} o CROSS JOIN LATERAL unnest(o.{old}) WITH ORDINALITY AS r(ref, ord)
                         WHERE NOT EXISTS ({REFERABLE})
                         GROUP BY o.id) m
                 WHERE m.id = t.id"""
        )
        op.drop_column(table, old)
        if table != "work_orders":  # only work orders had a default before
            op.alter_column(table, "document_ids", server_default=None)
    op.add_column("invoices", sa.Column("scan_id", sa.Uuid))
    op.create_foreign_key(
        "fk_invoices_organization_id_scan_id_documents",
        "invoices",
        "documents",
        ["organization_id", "scan_id"],
        ["organization_id", "id"],
    )


def downgrade() -> None:
    op.drop_constraint("fk_invoices_organization_id_scan_id_documents", "invoices", type_="foreignkey")
    op.drop_column("invoices", "scan_id")
    for table, old, type_, _length, _label in MOVED:
        op.add_column(table, sa.Column(old, pg.ARRAY(type_), nullable=False, server_default="{}"))
        op.execute(
            f"UPDATE {table} SET {old} = ARRAY(SELECT public_id('doc', d) FROM unnest(document_ids) WITH ORDINALITY AS u(d, n) "
            "ORDER BY n)"
        )
        op.drop_column(table, "document_ids")
        if table != "work_orders":
            op.alter_column(table, old, server_default=None)

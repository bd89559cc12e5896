"""Banking: an association's bank accounts, each tied to one cash account and
fund of its chart; statements imported from the bank (OFX, BAI2, or CSV
with a column mapping), idempotent by the bank's transaction ids; matching bank
transactions to the books (automatic — one line, or a batch's
lines for one deposit —, manual, or by creating the missing entry
for a fee or interest); and the monthly reconciliation, which a closed month
requires."""

from graph.registry import Domain

domain = Domain(
    name="banking",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.bank_accounts",
        "operations.bank_statements",
        "operations.bank_transactions",
        "operations.bank_reconciliations",
    ),
)

"""Payables: vendors (with payment holds and insurance certificates), vendor
invoices posted to the general ledger and approved by the manager and, above a
threshold, the board, payments of approved invoices, the AP register and the 1099-NEC report."""

from graph.registry import Domain

domain = Domain(
    name="payables",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.vendors",
        "operations.invoices",
        "operations.payments",
        "operations.settings",
        "operations.register",
        "operations.form_1099",
        "workflows",
    ),
)

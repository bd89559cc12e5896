"""ACH: money in and out as bank files. Owners' debit authorizations (autopay)
and vendors' bank accounts, their numbers sealed; the NACHA files we originate
— each due date's autopay debits (a daily durable workflow, once per
association and date), posted at once as pending payments and settled when their deposit
clears or their return window passes (an hourly durable run), and vendor
payments as CCD credits — and the bank's returns files, which reverse the
returned debits through receivables' returned-payment path."""

from graph.registry import Domain

domain = Domain(
    name="ach",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.ach_authorizations",
        "operations.ach_files",
        "workflows",
    ),
)

"""GraphQL relation fields of owners' payments, resolved through loaders."""

from __future__ import annotations

from domains.owner_payments.schemas import OwnerPaymentRead
from graph.gqltypes import extend, output_type, to_one


@extend(OwnerPaymentRead)
class OwnerPaymentRelations:
    unit = to_one("The unit whose balance it paid.")
    authorization = to_one("The ACH authorization debited (ACH).")
    ach_entry = to_one("The ACH entry that carries the debit, once filed (ACH).")
    payment_entry = to_one("The payment row it posted on the unit's ledger.")


# Built after every extension.
OwnerPaymentType = output_type(OwnerPaymentRead)

"""GraphQL relation fields of the estoppels domain, resolved through loaders."""

from __future__ import annotations

from domains.estoppels.schemas import EstoppelCertificateRead
from graph.gqltypes import extend, output_type, to_one


@extend(EstoppelCertificateRead)
class EstoppelCertificateRelations:
    unit = to_one("The unit it certifies.")
    fee_entry = to_one("The owner-ledger charge of its fee, when the owner's ledger was charged.")


# Built after every extension.
EstoppelCertificateType = output_type(EstoppelCertificateRead)

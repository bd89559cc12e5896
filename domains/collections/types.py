"""GraphQL relation fields of the collections domain, resolved through loaders."""

from __future__ import annotations

from domains.collections.schemas import CollectionCaseRead, CollectionPolicyRead, CollectionStepRead
from graph.gqltypes import extend, output_type, to_one


@extend(CollectionCaseRead)
class CollectionCaseRelations:
    unit = to_one("The delinquent unit.")


@extend(CollectionStepRead)
class CollectionStepRelations:
    fee_entry = to_one("The fee's owner-ledger entry.")


CollectionCaseType = output_type(CollectionCaseRead)
CollectionStepType = output_type(CollectionStepRead)
CollectionPolicyType = output_type(CollectionPolicyRead)

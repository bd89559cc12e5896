"""GraphQL relation fields of the violations domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.documents.types import attached
from domains.violations.models import ViolationEvent, ViolationFine, ViolationObservation
from domains.violations.schemas import (
    ViolationEventRead,
    ViolationFineRead,
    ViolationObservationRead,
    ViolationRead,
    ViolationRuleRead,
)
from graph.gqltypes import extend, output_type, to_one


@extend(ViolationRuleRead)
class ViolationRuleRelations:
    association = to_one("The association whose library holds the rule.")


@extend(ViolationRead)
class ViolationRelations:
    unit = to_one("The unit where it was observed.")
    rule = to_one("The rule violated.")
    repeat_of = to_one("The latest earlier violation that makes this one a repeat.")

    @strawberry.field(description="Every step so far, oldest first.")
    async def events(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ViolationEventType]:
        if isinstance(getattr(root, "events", None), list):  # an operation's result carries them
            return root.events
        return await info.context.loaders.by_column(ViolationEvent, "violation_id", order_by="seq").load(root.id)

    @strawberry.field(description="Every sighting, oldest first.")
    async def observations(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ViolationObservationType]:
        if isinstance(getattr(root, "observations", None), list):
            return root.observations
        return await info.context.loaders.by_column(ViolationObservation, "violation_id").load(root.id)

    @strawberry.field(description="Fines posted, oldest first.")
    async def fines(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ViolationFineType]:
        if isinstance(getattr(root, "fines", None), list):
            return root.fines
        return await info.context.loaders.by_column(ViolationFine, "violation_id", order_by="fined_on").load(root.id)


@extend(ViolationObservationRead)
class ViolationObservationRelations:
    documents = attached("document_ids", "Its photos, as `documentIds` names them (those you may read).")


@extend(ViolationFineRead)
class ViolationFineRelations:
    owner_ledger_entry = to_one("The owner-ledger charge that posted it.")


# Built after every extension: return annotations above name these lazily.
ViolationRuleType = output_type(ViolationRuleRead)
ViolationEventType = output_type(ViolationEventRead)
ViolationObservationType = output_type(ViolationObservationRead)
ViolationFineType = output_type(ViolationFineRead)
ViolationType = output_type(ViolationRead)

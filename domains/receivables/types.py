"""GraphQL relation fields of the receivables domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.receivables import loaders
from domains.receivables.schemas import (
    AssessmentScheduleRead,
    LateFeeRuleRead,
    LevyRead,
    OwnerLedgerAllocationRead,
    OwnerLedgerEntryRead,
    PaymentPlanRead,
)
from graph.gqltypes import extend, output_type, to_one


@extend(OwnerLedgerEntryRead)
class OwnerLedgerEntryRelations:
    @strawberry.field(description="For a payment or credit: the charges it paid; for a charge: what paid it.")
    async def allocations(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[OwnerLedgerAllocationType]:
        if getattr(root, "allocations", None) is not None:  # an operation's result carries them
            return root.allocations
        return await loaders.allocations(info.context).load(root.id)

    unit = to_one("The unit.")


@extend(OwnerLedgerAllocationRead)
class OwnerLedgerAllocationRelations:
    credit_entry = to_one("The payment or credit applied.")
    charge_entry = to_one("The charge it paid.")


@extend(LevyRead)
class LevyRelations:
    @strawberry.field(description="Units whose charge is posted so far; equals `unitCount` when the levy is complete.")
    async def posted_units(self, root: strawberry.Parent[Any], info: strawberry.Info) -> int:
        if getattr(root, "posted_units", None) is not None:
            return root.posted_units
        return await loaders.posted_units(info.context).load(root.id)

    schedule = to_one("The assessment schedule levied.")


@extend(AssessmentScheduleRead)
class AssessmentScheduleRelations:
    income_account = to_one("The income account the charges credit.")
    fund = to_one("The fund the charges belong to.")


@extend(PaymentPlanRead)
class PaymentPlanRelations:
    unit = to_one("The unit whose balance it pays.")


# Built after every extension: return annotations above name these lazily.
OwnerLedgerAllocationType = output_type(OwnerLedgerAllocationRead)
OwnerLedgerEntryType = output_type(OwnerLedgerEntryRead)
LevyType = output_type(LevyRead)
AssessmentScheduleType = output_type(AssessmentScheduleRead)
LateFeeRuleType = output_type(LateFeeRuleRead)
PaymentPlanType = output_type(PaymentPlanRead)

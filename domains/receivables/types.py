"""GraphQL relation fields of the receivables domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.accounting.models import Fund, GlAccount
from domains.accounting.types import FundType, GlAccountType
from domains.associations.models import Unit
from domains.associations.types import UnitType
from domains.receivables import loaders
from domains.receivables.models import AssessmentSchedule, OwnerLedgerEntry
from domains.receivables.schemas import (
    AssessmentScheduleRead,
    LateFeeRuleRead,
    LevyRead,
    OwnerLedgerAllocationRead,
    OwnerLedgerEntryRead,
)
from graph.gqltypes import extend, output_type


@extend(OwnerLedgerEntryRead)
class OwnerLedgerEntryRelations:
    @strawberry.field(description="For a payment or credit: the charges it paid; for a charge: what paid it.")
    async def allocations(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[OwnerLedgerAllocationType]:
        if getattr(root, "allocations", None) is not None:  # an operation's result carries them
            return root.allocations
        return await loaders.allocations(info.context).load(root.id)

    @strawberry.field(description="The unit.")
    async def unit(self, root: strawberry.Parent[Any], info: strawberry.Info) -> UnitType | None:
        return await info.context.loaders.by_id(Unit).load(root.unit_id)


@extend(OwnerLedgerAllocationRead)
class OwnerLedgerAllocationRelations:
    @strawberry.field(description="The payment or credit applied.")
    async def credit_entry(self, root: strawberry.Parent[Any], info: strawberry.Info) -> OwnerLedgerEntryType | None:
        return await info.context.loaders.by_id(OwnerLedgerEntry).load(root.credit_entry_id)

    @strawberry.field(description="The charge it paid.")
    async def charge_entry(self, root: strawberry.Parent[Any], info: strawberry.Info) -> OwnerLedgerEntryType | None:
        return await info.context.loaders.by_id(OwnerLedgerEntry).load(root.charge_entry_id)


@extend(LevyRead)
class LevyRelations:
    @strawberry.field(description="Units whose charge is posted so far; equals `unitCount` when the levy is complete.")
    async def posted_units(self, root: strawberry.Parent[Any], info: strawberry.Info) -> int:
        if getattr(root, "posted_units", None) is not None:
            return root.posted_units
        return await loaders.posted_units(info.context).load(root.id)

    @strawberry.field(description="The assessment schedule levied.")
    async def schedule(self, root: strawberry.Parent[Any], info: strawberry.Info) -> AssessmentScheduleType | None:
        return await info.context.loaders.by_id(AssessmentSchedule).load(root.schedule_id)


@extend(AssessmentScheduleRead)
class AssessmentScheduleRelations:
    @strawberry.field(description="The income account the charges credit.")
    async def income_account(self, root: strawberry.Parent[Any], info: strawberry.Info) -> GlAccountType | None:
        return await info.context.loaders.by_id(GlAccount).load(root.income_account_id)

    @strawberry.field(description="The fund the charges belong to.")
    async def fund(self, root: strawberry.Parent[Any], info: strawberry.Info) -> FundType | None:
        return await info.context.loaders.by_id(Fund).load(root.fund_id)


# Built after every extension: return annotations above name these lazily.
OwnerLedgerAllocationType = output_type(OwnerLedgerAllocationRead)
OwnerLedgerEntryType = output_type(OwnerLedgerEntryRead)
LevyType = output_type(LevyRead)
AssessmentScheduleType = output_type(AssessmentScheduleRead)
LateFeeRuleType = output_type(LateFeeRuleRead)

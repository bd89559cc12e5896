"""GraphQL relation fields of the accounting domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.accounting.models import Fund, GlAccount, JournalLine
from domains.accounting.schemas import (
    FundRead,
    GlAccountRead,
    JournalEntryRead,
    JournalLineRead,
)
from graph.gqltypes import extend, output_type


@extend(JournalEntryRead)
class JournalEntryRelations:
    @strawberry.field(description="The entry's debits and credits, in order.")
    async def lines(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[JournalLineType]:
        if getattr(root, "lines", None) is not None:  # an operation's result carries them
            return root.lines
        return await info.context.loaders.by_column(JournalLine, "entry_id", order_by="line_no").load(root.id)


@extend(JournalLineRead)
class JournalLineRelations:
    @strawberry.field(description="The account.")
    def account(self, root: strawberry.Parent[Any], info: strawberry.Info) -> GlAccountType | None:
        return info.context.loaders.by_id(GlAccount).load(root.account_id)

    @strawberry.field(description="The fund.")
    def fund(self, root: strawberry.Parent[Any], info: strawberry.Info) -> FundType | None:
        return info.context.loaders.by_id(Fund).load(root.fund_id)


@extend(GlAccountRead)
class GlAccountRelations:
    @strawberry.field(description="The fund of a balance-sheet account; null for income and expense accounts.")
    async def fund(self, root: strawberry.Parent[Any], info: strawberry.Info) -> FundType | None:
        return None if root.fund_id is None else await info.context.loaders.by_id(Fund).load(root.fund_id)


# Built after every extension: return annotations above name these lazily.
FundType = output_type(FundRead)
GlAccountType = output_type(GlAccountRead)
JournalLineType = output_type(JournalLineRead)
JournalEntryType = output_type(JournalEntryRead)

"""GraphQL relation fields of the accounting domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.accounting.models import JournalLine
from domains.accounting.schemas import (
    FundRead,
    GlAccountRead,
    JournalEntryRead,
    JournalLineRead,
)
from graph.gqltypes import extend, output_type, to_one


@extend(JournalEntryRead)
class JournalEntryRelations:
    @strawberry.field(description="The entry's debits and credits, in order.")
    async def lines(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[JournalLineType]:
        if getattr(root, "lines", None) is not None:  # an operation's result carries them
            return root.lines
        return await info.context.loaders.by_column(JournalLine, "entry_id", order_by="line_no").load(root.id)


@extend(JournalLineRead)
class JournalLineRelations:
    account = to_one("The account.")
    fund = to_one("The fund.")


@extend(GlAccountRead)
class GlAccountRelations:
    fund = to_one("The fund of a balance-sheet account; null for income and expense accounts.")


# Built after every extension: return annotations above name these lazily.
FundType = output_type(FundRead)
GlAccountType = output_type(GlAccountRead)
JournalLineType = output_type(JournalLineRead)
JournalEntryType = output_type(JournalEntryRead)

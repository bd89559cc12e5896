"""GraphQL relation fields of the accounting domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.accounting.models import JournalLine, RecurringEntryLine
from domains.accounting.schemas import (
    FiscalYearCloseRead,
    FundRead,
    GlAccountRead,
    JournalEntryRead,
    JournalLineRead,
    RecurringEntryLineRead,
    RecurringEntryOccurrenceRead,
    RecurringEntryRead,
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


@extend(FiscalYearCloseRead)
class FiscalYearCloseRelations:
    entry = to_one("The closing entry; null when the year had no income or expenses to close.", kind="journal_entry")
    reversal_entry = to_one("The entry that reversed the closing entry, if the close was undone.", kind="journal_entry")


@extend(RecurringEntryRead)
class RecurringEntryRelations:
    @strawberry.field(description="The entry's debits and credits, in order.")
    async def lines(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[RecurringEntryLineType]:
        if getattr(root, "lines", None):  # an operation's result carries them
            return root.lines
        return await info.context.loaders.by_column(RecurringEntryLine, "recurring_entry_id", order_by="line_no").load(root.id)


@extend(RecurringEntryLineRead)
class RecurringEntryLineRelations:
    account = to_one("The account.")
    fund = to_one("The fund.")


@extend(RecurringEntryOccurrenceRead)
class RecurringEntryOccurrenceRelations:
    recurring_entry = to_one("The recurring entry.")
    entry = to_one("The journal entry posted, when posted.", kind="journal_entry")
    reversal_entry = to_one("Its reversal on the next month's first day, if the entry auto-reverses.", kind="journal_entry")


# Built after every extension: return annotations above name these lazily.
FundType = output_type(FundRead)
GlAccountType = output_type(GlAccountRead)
JournalLineType = output_type(JournalLineRead)
JournalEntryType = output_type(JournalEntryRead)
FiscalYearCloseType = output_type(FiscalYearCloseRead)
RecurringEntryLineType = output_type(RecurringEntryLineRead)
RecurringEntryType = output_type(RecurringEntryRead)
RecurringEntryOccurrenceType = output_type(RecurringEntryOccurrenceRead)

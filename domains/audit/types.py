"""Reading the audit log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domains.audit.models import AuditEvent
from domains.audit.schemas import AuditEventRead
from domains.audit.service import events
from graph.errors import ValidationFailed
from graph.gqltypes import output_type
from graph.pages import Page, connection
from graph.pipeline import unstorable_text
from graph.schemas import PageInfo

AuditEventType = output_type(AuditEventRead)
PageInfoType = output_type(PageInfo)


@strawberry.type(description="One item of a page, with its cursor.")
class AuditEventEdge:
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: AuditEventType = strawberry.field(description="The item.")


@strawberry.type(description="A page of items.")
class AuditEventConnection:
    edges: list[AuditEventEdge] = strawberry.field(description="Items with their cursors.")
    nodes: list[AuditEventType] = strawberry.field(description="The items alone.")
    page_info: PageInfoType = strawberry.field(description="Pagination state.")


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The active organization's audit log, newest first. Needs admin or auditor.")
    async def audit_events(
        self,
        info: strawberry.Info,
        first: Annotated[int, strawberry.argument(description="Page size, 1–100.")],
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
        operation: Annotated[
            str | None, strawberry.argument(description="Only events of this operation, e.g. organization/v1/create.")
        ] = None,
    ) -> AuditEventConnection:
        ctx = info.context
        where = [await ctx.visible("audit_event", "read", AuditEvent), AuditEvent.organization_id == ctx.require_organization()]
        if operation:
            if unstorable_text(operation, ["operation"]) is not None:
                raise ValidationFailed("`operation` may not contain NUL characters or unpaired surrogates.", field=["operation"])
            where.append(AuditEvent.operation == operation)
        page = Page(first=first, after=after, sort="occurred_at", descending=True)
        async with ctx.read_session() as session:
            rows = await events.page(session, page, where)
        # A plain `graph.pages.Connection`: strawberry reads it through its attributes.
        return connection(rows, page)  # type: ignore[return-value]

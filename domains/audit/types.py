"""Reading the audit log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domains.audit.models import AuditEvent
from domains.audit.schemas import AuditEventRead
from domains.audit.service import events
from graph.errors import ValidationFailed
from graph.execution import unstorable_text
from graph.gqltypes import output_type
from resolvers.connection import Connection, build, decode_cursor

AuditEventType = output_type(AuditEventRead)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The active organization's audit log, newest first. Needs admin or auditor.")
    async def audit_events(
        self,
        info: strawberry.Info,
        first: Annotated[int, strawberry.argument(description="Page size, 1–100.")],
        after: Annotated[str | None, strawberry.argument(description="Cursor of the last item seen.")] = None,
        operation: Annotated[str | None, strawberry.argument(description="Only events of this operation, e.g. organization/v1/create.")] = None,
    ) -> Connection[AuditEventType]:  # type: ignore[valid-type]
        ctx = info.context
        where = await ctx.list_filter("audit_event", "read", AuditEvent)
        organization = ctx.require_organization()
        if operation and unstorable_text(operation, ["operation"]) is not None:
            raise ValidationFailed("`operation` may not contain NUL characters or unpaired surrogates.", field=["operation"])
        position = decode_cursor(after) if after else None
        async with ctx.read_session() as session:
            rows = await events.page(session, where, organization, first, position, operation)
        return build(rows, first, "occurred_at")

"""GraphQL relation fields of the arc_requests domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.arc_requests.models import ArcDeemedApproval, ArcRequestEvent, ArcVote
from domains.arc_requests.schemas import (
    ArcDeemedApprovalRead,
    ArcRequestEventRead,
    ArcRequestRead,
    ArcSettingsRead,
    ArcVoteRead,
)
from domains.documents.types import attached
from graph.gqltypes import extend, output_type, to_one


@extend(ArcRequestRead)
class ArcRequestRelations:
    unit = to_one("The unit the work is on.")
    documents = attached("document_ids", "Its plans and photos, as `documentIds` names them (those you may read).")

    @strawberry.field(description="Every step so far, oldest first.")
    async def events(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ArcRequestEventType]:
        if isinstance(getattr(root, "events", None), list):  # an operation's result carries them
            return root.events
        return await info.context.loaders.by_column(ArcRequestEvent, "arc_request_id", order_by="seq").load(root.id)

    @strawberry.field(description="Every vote cast, oldest first.")
    async def votes(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ArcVoteType]:
        if isinstance(getattr(root, "votes", None), list):
            return root.votes
        return await info.context.loaders.by_column(ArcVote, "arc_request_id", order_by="cast_at").load(root.id)

    @strawberry.field(description="Why it stands approved without a decision, once deemed approved: the letter-ready record.")
    async def deemed_approval_record(self, root: strawberry.Parent[Any], info: strawberry.Info) -> ArcDeemedApprovalType | None:
        if hasattr(root, "deemed_approval_record"):  # an operation's result carries it
            return root.deemed_approval_record
        found = await info.context.loaders.by_column(ArcDeemedApproval, "arc_request_id").load(root.id)
        return found[0] if found else None


@extend(ArcSettingsRead)
class ArcSettingsRelations:
    committee_body = to_one("The architectural committee, one of the association's governing bodies.")


# Built after every extension: return annotations above name these lazily.
ArcSettingsType = output_type(ArcSettingsRead)
ArcVoteType = output_type(ArcVoteRead)
ArcDeemedApprovalType = output_type(ArcDeemedApprovalRead)
ArcRequestEventType = output_type(ArcRequestEventRead)
ArcRequestType = output_type(ArcRequestRead)

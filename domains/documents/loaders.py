"""Request-scoped loaders of the documents domain, shared by every domain that
shows documents it references: one statement per level of a nested read."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from domains.documents.models import Document, DocumentVersion
from domains.documents.service import documents
from graph.relations import ToOne

KIND = "document"
# The same loader a `to_one(..., kind="document")` field uses: an invoice's scan
# and a work order's photos read in one request share its batch.
_READABLE = ToOne(key="id", target=Document, kind=KIND)


def readable(ctx: Any) -> DataLoader[UUID, Document | None]:
    """`DocumentById`, None where the caller may not read it (Cerbos) or RLS hides it."""
    return _READABLE.loader(ctx)


def versions(ctx: Any) -> DataLoader[UUID, list[DocumentVersion]]:
    """`DocumentVersionsByDocument`: confirmed (and purged) versions, oldest first."""

    async def load(ids: list[UUID]) -> list[list[DocumentVersion]]:
        async with ctx.read_session() as session:
            found = await documents.versions_of(session, ids)
        return [found.get(i, []) for i in ids]

    return ctx.loaders.keyed(("document_versions",), load)

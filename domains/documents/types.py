"""GraphQL fields of the documents domain: a document's versions (for rows read
through a loader, which don't carry them), and `attached`, the field another
domain's type shows the documents its record names with."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.documents import loaders
from domains.documents.schemas import DocumentRead, DocumentVersionRead, RecordsRequestRead
from graph.gqltypes import extend, output_type


@extend(DocumentRead)
class DocumentRelations:
    @strawberry.field(description="Its confirmed versions, oldest first (the last is current).")
    def versions(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[DocumentVersionType]:
        if isinstance(getattr(root, "versions", None), list):  # an operation's result carries them
            return root.versions
        return loaders.versions(info.context).load(root.id)  # type: ignore[return-value]


def attached(key: str, description: str) -> Any:
    """A field listing the documents whose ids the record's `key` column holds, in
    its order: only those the caller may read (the ids stay on the record). One
    statement per level of a read, whatever the number of records and ids."""

    async def resolve(root: strawberry.Parent[Any], info: strawberry.Info) -> list[DocumentType]:
        found = await loaders.readable(info.context).load_many(getattr(root, key))
        return [d for d in found if d is not None]

    return strawberry.field(resolver=resolve, description=description)


@extend(RecordsRequestRead)
class RecordsRequestRelations:
    documents = attached("document_ids", "The documents given, as `documentIds` names them (those you may read).")


# Built after every extension: return annotations above name these lazily.
DocumentVersionType = output_type(DocumentVersionRead)
DocumentType = output_type(DocumentRead)

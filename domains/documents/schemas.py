"""API models of the documents domain, derived from its tables."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import Field

from domains.associations.models import AssociationId
from domains.documents.models import (
    Document,
    DocumentCategory,
    DocumentId,
    DocumentVersion,
    DocumentVersionId,
    DocumentVisibility,
    RecordsRequest,
    RecordsRequestId,
    RecordsRequestStatus,
    RetentionClass,
)
from graph.schemas import ApiModel, connection_model, derive

# --- documents ----------------------------------------------------------------------


def attached_ids(what: str, *, most: int = 20) -> Any:
    """The field of another domain's input that attaches documents by reference
    (`list[DocumentId]`): the service checks them with `documents.referenced`."""
    return Field(
        default_factory=list,
        max_length=most,
        description=f"{what}: documents (`doc_…`) of the association's library or the organization's own, "
        f"not destroyed; at most {most}.",
    )


DocumentVersionRead = derive(
    DocumentVersion,
    "DocumentVersion",
    [
        "id",
        "document_id",
        "number",
        "filename",
        "media_type",
        "size",
        "sha256",
        "status",
        "uploaded_by",
        "created_at",
        "confirmed_at",
    ],
)
DocumentRead = derive(
    Document,
    "Document",
    [
        "id",
        "association_id",
        "library",
        "category",
        "title",
        "description",
        "visibility",
        "retention_class",
        "record_date",
        "retain_until",
        "created_by",
        "created_at",
        "destroyed_at",
        "destroyed_by",
    ],
    extra={
        "versions": (
            list[DocumentVersionRead],
            Field(default_factory=list, description="Its confirmed versions, oldest first (the last is current)."),
        )
    },
    node=True,
)


class DocumentCreateInput(ApiModel):
    """A new record in an association's library, or in the organization's own; its file comes as a version."""

    association_id: AssociationId | None = Field(
        None, description="The association whose library holds it; null: the organization's own."
    )
    category: DocumentCategory = Field(description="What it is.")
    title: str = Field(min_length=1, max_length=300, pattern=r"^\S(.*\S)?$", description="Its title.")
    description: str | None = Field(None, max_length=4000, description="What it holds.")
    visibility: DocumentVisibility = Field(description="Who reads it.")
    retention_class: RetentionClass | None = Field(
        None, description="How long it is kept; omitted, from the category. Never shorter than the category's."
    )
    record_date: date | None = Field(None, description="The day the record is of; omitted, today. Retention counts from it.")


class DocumentGetInput(ApiModel):
    """Which document."""

    id: DocumentId = Field(description="The document.")


class DocumentDestroyInput(ApiModel):
    """Which document to destroy."""

    id: DocumentId = Field(description="The document.")


class DocumentListInput(ApiModel):
    """Documents of a library, latest record date first."""

    association_id: AssociationId | None = Field(
        None, description="This association's library; omitted, the organization's own library."
    )
    category: DocumentCategory | None = Field(None, description="Only this category.")
    include_destroyed: bool = Field(False, description="Also the records whose files were destroyed.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


DocumentConnection = connection_model(DocumentRead)


class DocumentStartUploadInput(ApiModel):
    """A new version's file, declared before its bytes are sent."""

    id: DocumentId = Field(description="The document.")
    filename: str = Field(min_length=1, max_length=255, pattern=r"^[^/\\\x00]+$", description="The file's name (no path).")
    media_type: str = Field(min_length=3, max_length=100, description="Its media type, e.g. application/pdf.")
    size: int = Field(ge=1, description="Its size in bytes.")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="Its SHA-256, lowercase hex.")


class UploadTicket(ApiModel):
    """Where to send a version's bytes: PUT them to `uploadUrl` before it expires, with the declared media type as
    `Content-Type`, then confirm the version."""

    version: DocumentVersionRead = Field(description="The pending version.")
    upload_url: str = Field(description="Signed URL to PUT the bytes to (absolute, or relative to the API's origin).")
    expires_at: datetime = Field(description="When the URL stops working (UTC).")


class DocumentConfirmUploadInput(ApiModel):
    """Which version to confirm."""

    version_id: DocumentVersionId = Field(description="The pending version.")


class DocumentDownloadInput(ApiModel):
    """Which document's file to fetch."""

    id: DocumentId = Field(description="The document.")
    number: int | None = Field(None, ge=1, description="Which version; omitted, the current one.")


class DownloadLink(ApiModel):
    """A signed URL to GET a version's bytes."""

    version: DocumentVersionRead = Field(description="The version.")
    url: str = Field(description="Signed URL (absolute, or relative to the API's origin).")
    expires_at: datetime = Field(description="When the URL stops working (UTC).")


# --- records requests ------------------------------------------------------------

RecordsRequestRead = derive(
    RecordsRequest,
    "RecordsRequest",
    [
        "id",
        "association_id",
        "requested_by",
        "description",
        "status",
        "submitted_on",
        "due_on",
        "rules_used",
        "answered_on",
        "answered_by",
        "answer",
        "escalated_on",
        "workflow_id",
        "created_at",
    ],
    extra={
        "document_ids": (
            list[DocumentId],
            Field(default_factory=list, description="The documents given with a fulfilled request."),
        )
    },
    node=True,
)


class RecordsRequestSubmitInput(ApiModel):
    """An owner's request to inspect the association's records."""

    association_id: AssociationId = Field(description="The association whose records.")
    description: str = Field(min_length=1, max_length=4000, description="The records asked for.")


class RecordsRequestFulfillInput(ApiModel):
    """The records given."""

    id: RecordsRequestId = Field(description="The request.")
    document_ids: list[DocumentId] = Field(min_length=1, max_length=100, description="The library's documents that answer it.")
    note: str | None = Field(None, max_length=4000, description="A note to the owner.")


class RecordsRequestDenyInput(ApiModel):
    """Why the request is refused."""

    id: RecordsRequestId = Field(description="The request.")
    reason: str = Field(min_length=1, max_length=4000, description="The reason, as the owner will read it.")


class RecordsRequestGetInput(ApiModel):
    """Which request."""

    id: RecordsRequestId = Field(description="The request.")


class RecordsRequestListInput(ApiModel):
    """An association's records requests, latest first."""

    association_id: AssociationId = Field(description="The association.")
    status: RecordsRequestStatus | None = Field(None, description="Only requests in this status.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


RecordsRequestConnection = connection_model(RecordsRequestRead)

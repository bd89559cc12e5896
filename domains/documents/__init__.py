"""Documents and records: a library per association and the organization's
own, in categories, each document read by whom its visibility says (staff,
the board, owners, residents, every member: Cerbos, for rows and lists);
versions uploaded by signed URL and confirmed against the stored bytes (size,
SHA-256, the file's type); retention classes from the category that forbid
destruction before their date (a trigger too); other domains attach documents
by reference (`documents.referenced`); and owners' records requests, answered
within the jurisdiction's business days or escalated by a durable workflow."""

from graph.registry import Domain

domain = Domain(
    name="documents",
    description=__doc__ or "",
    modules=(
        "types",
        "service.access",
        "operations.documents",
        "operations.records_requests",
        "workflows",
    ),
)

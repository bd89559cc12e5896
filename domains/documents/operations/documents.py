"""document/v1/{create,startUpload,confirmUpload,download,destroy,get,list}."""

from __future__ import annotations

from collections.abc import Sequence

from domains.documents.errors import CategoryNotYours, VisibilityNotYours
from domains.documents.models import Document, DocumentCategory, DocumentVersion, DocumentVisibility
from domains.documents.schemas import (
    DocumentConfirmUploadInput,
    DocumentConnection,
    DocumentCreateInput,
    DocumentDestroyInput,
    DocumentDownloadInput,
    DocumentGetInput,
    DocumentListInput,
    DocumentRead,
    DocumentStartUploadInput,
    DocumentVersionRead,
    DownloadLink,
    UploadTicket,
)
from domains.documents.service import documents
from graph.authz import ResourceRef, not_allowed
from graph.handlers import OperationContext, actor, as_connection, org, require, with_nodes
from graph.ids import encode
from graph.operations import operation

KIND = "document"


async def _with_versions(ctx: OperationContext, rows: Sequence[Document]) -> list[DocumentRead]:
    """Documents as API models with their versions (one statement)."""
    versions = await documents.versions_of(ctx.session, [d.id for d in rows])
    return [
        DocumentRead.model_validate(d).model_copy(
            update={"versions": [DocumentVersionRead.model_validate(v) for v in versions[d.id]]}
        )
        for d in rows
    ]


async def _may_file(ctx: OperationContext, document: Document) -> None:
    """`file` the new document, or say what stands in the way: Cerbos is asked in
    the same call about the document for the board, and about photos for the
    board (what a resident may file), so the policy alone decides who files what."""
    library = "organization" if document.association_id is None else "association"
    attrs: dict[str, object] = {"organization_id": document.organization_id, "association_id": document.association_id}
    attrs |= {
        "library": library,
        "category": document.category,
        "visibility": document.visibility,
        "filed_by": document.created_by,
    }
    for_board = attrs | {"visibility": DocumentVisibility.BOARD}
    refs = [
        ResourceRef(id="filed", attrs=attrs),
        ResourceRef(id="for-board", attrs=for_board),
        ResourceRef(id="photos-for-board", attrs=for_board | {"category": DocumentCategory.PHOTOS}),
    ]
    assert ctx.principal is not None
    allowed = {
        ref: decision["file"] for ref, decision in (await ctx.decisions.check(ctx.principal, KIND, refs, {"file"})).items()
    }
    if allowed["filed"]:
        return
    if allowed["for-board"]:
        raise VisibilityNotYours(f"You may not file documents for `{document.visibility.value}`.", field=["visibility"])
    if allowed["photos-for-board"]:
        raise CategoryNotYours(f"You may not file `{document.category.value}` documents.", field=["category"])
    raise not_allowed(KIND, "file")


@operation(
    "document/v1/create", input=DocumentCreateInput, output=DocumentRead, kind=KIND, action="create", summary="File a document"
)
async def create(ctx: OperationContext, data: DocumentCreateInput) -> DocumentRead:
    """File a record in an association's library (or, without an association,
    the organization's own): its category, title, who reads it (staff, the
    board, owners, residents, every member) and its retention class — from the
    category unless a longer one is given (RETENTION_SHORTENED), counted from
    the record date. Its file comes next, as a version (`document/v1/startUpload`).
    Staff file anything; the board files what is not staff-only; an owner files
    plans and photos into their association's library, a tenant photos, for the
    board (`visibility: board`): staff, the board, the architectural committee
    (plans) and the filer read them. Refused: an audience you may not file for
    (DOCUMENT_VISIBILITY_NOT_ALLOWED), a category you may not file
    (DOCUMENT_CATEGORY_NOT_ALLOWED)."""
    document = documents.create(org(ctx), data, actor(ctx))
    await _may_file(ctx, document)
    await documents.add(ctx.session, document)
    ctx.audit_summary = {
        "category": document.category.value,
        "visibility": document.visibility.value,
        "retainUntil": None if document.retain_until is None else document.retain_until.isoformat(),
    }
    return (await _with_versions(ctx, [document]))[0]


@operation(
    "document/v1/startUpload",
    input=DocumentStartUploadInput,
    output=UploadTicket,
    kind=KIND,
    action="upload",
    target=Document,
    summary="Start uploading a new version of a document",
)
async def start_upload(ctx: OperationContext, data: DocumentStartUploadInput) -> UploadTicket:
    """Declare a new version's file — name, media type, size and SHA-256 — and
    get a short-lived signed URL to PUT its bytes to. Refused: a media type the
    library does not keep (UNSUPPORTED_CONTENT_TYPE), a file over the size limit
    (FILE_TOO_LARGE), a destroyed document (DOCUMENT_DESTROYED). Then confirm
    it with `document/v1/confirmUpload`; earlier versions stay."""
    version, link, expires = await documents.start_upload(ctx.session, ctx.platform.settings, ctx.target, data, actor(ctx))
    ctx.audit_targets = [encode("doc", version.document_id), encode("dov", version.id)]
    ctx.audit_summary = {"filename": version.filename, "mediaType": version.media_type, "size": version.size}
    return UploadTicket(version=DocumentVersionRead.model_validate(version), upload_url=link, expires_at=expires)


@operation(
    "document/v1/confirmUpload",
    input=DocumentConfirmUploadInput,
    output=DocumentRead,
    kind=KIND,
    action="confirm",
    summary="Confirm an uploaded version",
)
async def confirm_upload(ctx: OperationContext, data: DocumentConfirmUploadInput) -> DocumentRead:
    """Check the uploaded bytes against the declaration by reading them back:
    the size (FILE_SIZE_MISMATCH), the SHA-256 (CHECKSUM_MISMATCH) and the
    file's leading bytes against the declared type (FILE_TYPE_MISMATCH). A
    refused file is deleted and may be uploaded again; nothing uploaded yet is
    UPLOAD_MISSING. A confirmed file becomes the document's next version."""
    version = await require(ctx.session, DocumentVersion, data.version_id, "versionId", lock=True)
    document = await require(ctx.session, Document, version.document_id, "versionId")
    await ctx.authorize(KIND, "upload", document)
    await documents.confirm(ctx.session, ctx.platform.settings, version)
    ctx.audit_summary = {"number": version.number, "sha256": version.sha256, "size": version.size}
    return (await _with_versions(ctx, [document]))[0]


@operation(
    "document/v1/download",
    input=DocumentDownloadInput,
    output=DownloadLink,
    kind=KIND,
    action="read",
    target=Document,
    mutates=False,
    summary="Get a signed link to a document's file",
)
async def download(ctx: OperationContext, data: DocumentDownloadInput) -> DownloadLink:
    """A short-lived signed URL to GET the current version's file (or version
    `number`), for whoever may read the document. NO_FILE before a version is
    confirmed; DOCUMENT_DESTROYED once its files were destroyed."""
    versions = (await documents.versions_of(ctx.session, [ctx.target.id]))[ctx.target.id]
    version, link, expires = await documents.download(ctx.platform.settings, ctx.target, versions, data.number)
    return DownloadLink(version=DocumentVersionRead.model_validate(version), url=link, expires_at=expires)


@operation(
    "document/v1/destroy",
    input=DocumentDestroyInput,
    output=DocumentRead,
    kind=KIND,
    action="destroy",
    target=Document,
    summary="Destroy a document's files after its retention date",
)
async def destroy(ctx: OperationContext, data: DocumentDestroyInput) -> DocumentRead:
    """Purge every file of the document and keep its record (who, when), once
    its retention date has passed: RETENTION_HOLD before it, or for a record
    kept permanently. The database refuses an early destruction too."""
    document = await documents.lock(ctx.session, ctx.target.id)
    purged = await documents.destroy(ctx.session, ctx.platform.settings, document, actor(ctx))
    ctx.audit_summary = {"retainUntil": str(document.retain_until), "filesPurged": len(purged)}
    return (await _with_versions(ctx, [document]))[0]


@operation(
    "document/v1/get",
    input=DocumentGetInput,
    output=DocumentRead,
    kind=KIND,
    action="read",
    target=Document,
    mutates=False,
    summary="Read a document",
)
async def get_document(ctx: OperationContext, data: DocumentGetInput) -> DocumentRead:
    """One document with its versions, for whoever its visibility admits."""
    return (await _with_versions(ctx, [ctx.target]))[0]


@operation(
    "document/v1/list",
    input=DocumentListInput,
    output=DocumentConnection,
    kind=KIND,
    action="list",
    mutates=False,
    graphql_name="documents",
    summary="List a library's documents",
)
async def list_documents(ctx: OperationContext, data: DocumentListInput) -> DocumentConnection:
    """An association's library (or the organization's own), latest record date
    first, optionally one category's: only the documents the caller may read
    (an owner sees owners', residents' and public ones of their associations, a
    tenant residents' and public ones)."""
    rows, page = await documents.page(ctx.session, data, await ctx.visible(KIND, "read", Document))
    return with_nodes(as_connection(DocumentConnection, rows, page), await _with_versions(ctx, rows[: page.first]))

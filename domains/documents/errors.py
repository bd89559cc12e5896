"""Error codes of the documents domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class UnsupportedContentType(AppError):
    """The declared media type is not one the library keeps (PDF, images, office documents, plain text)."""

    code = "UNSUPPORTED_CONTENT_TYPE"
    status = 422


class FileTooLarge(AppError):
    """The declared size is over the library's limit (`document_max_bytes`)."""

    code = "FILE_TOO_LARGE"
    status = 422


class UploadMissing(Conflict):
    """No bytes are stored for this version yet: PUT the file to its upload URL first (or it was refused)."""

    code = "UPLOAD_MISSING"


class FileSizeMismatch(AppError):
    """The stored file's size is not the declared one; the file was deleted."""

    code = "FILE_SIZE_MISMATCH"
    status = 422


class ChecksumMismatch(AppError):
    """The stored file's SHA-256 is not the declared one; the file was deleted."""

    code = "CHECKSUM_MISMATCH"
    status = 422


class FileTypeMismatch(AppError):
    """The stored file's leading bytes are not those of the declared media type; the file was deleted."""

    code = "FILE_TYPE_MISMATCH"
    status = 422


class VersionNotPending(Conflict):
    """The version was already confirmed (or purged): upload a new version instead."""

    code = "VERSION_NOT_PENDING"


class RetentionHold(Conflict):
    """The document's retention date has not passed (or it is kept permanently): it cannot be destroyed yet."""

    code = "RETENTION_HOLD"


class DocumentDestroyed(Conflict):
    """The document's files were destroyed: it takes no new version, gives no file and can't be referenced."""

    code = "DOCUMENT_DESTROYED"


class NoFile(Conflict):
    """The document has no confirmed version yet."""

    code = "NO_FILE"


class RetentionShortened(AppError):
    """A retention class keeps a record no shorter than the category's default."""

    code = "RETENTION_SHORTENED"
    status = 422


class DocumentElsewhere(AppError):
    """The document belongs to another association's library (or none that this record may name)."""

    code = "DOCUMENT_ELSEWHERE"
    status = 422


class VisibilityNotYours(AppError):
    """You may file this document, but not for this audience: an owner or tenant files for the board
    (`visibility: board`; staff, the board and the filer read it), the board nothing staff-only."""

    code = "DOCUMENT_VISIBILITY_NOT_ALLOWED"
    status = 403


class CategoryNotYours(AppError):
    """You may file documents in this library, but not of this category: an owner files plans and
    photos, a tenant photos."""

    code = "DOCUMENT_CATEGORY_NOT_ALLOWED"
    status = 403


class RecordsRequestClosed(Conflict):
    """The records request was already fulfilled or denied: it is answered once."""

    code = "RECORDS_REQUEST_CLOSED"

"""`/api/v1/files/{token}`: the local document store's sealed URLs
(domains/documents/service/storage.py). The caller was authorized when the
token was issued (document/v1/startUpload, document/v1/download); here only
the token counts: a forged, expired or other-method token is 403, an upload
carrying more bytes than it declared is 413 and keeps nothing."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from domains.documents.service import storage
from graph.errors import AppError, ErrorCode, NotFound
from graph.http import error_response
from graph.telemetry import current_trace_id

FORBIDDEN = "This file URL is not valid (forged, expired, or for another method)."


def _refused(err: AppError) -> Response:
    return error_response(err, current_trace_id())


async def files(request: Request) -> Response:
    settings = request.app.state.platform.settings
    grant = storage.unseal(settings, request.path_params["token"], request.method)
    if grant is None:
        return _refused(AppError(FORBIDDEN, code=ErrorCode.FORBIDDEN, status=403))
    if request.method == "PUT":
        size = await storage.write(settings, grant.key, request.stream(), grant.max_bytes)
        if size is None:
            return _refused(AppError("The upload is larger than declared.", code=ErrorCode.PAYLOAD_TOO_LARGE, status=413))
        return Response(status_code=204)
    stream = await storage.chunks(settings, grant.key)
    if stream is None:
        return _refused(NotFound("No file is stored here (destroyed or never uploaded)."))
    disposition = f"attachment; filename*=UTF-8''{quote(grant.filename, safe='')}"
    return StreamingResponse(stream, media_type=grant.media_type, headers={"Content-Disposition": disposition})

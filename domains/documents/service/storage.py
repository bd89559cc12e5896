"""Where documents' bytes are kept: a folder (`document_dir`), reached only
through sealed, expiring URLs at `/api/v1/files/{token}`. A token names one
stored key, one method (PUT to upload, GET to download), the most bytes a PUT
may carry, and its expiry, and is signed with HMAC-SHA256: the app serves
the file to whoever holds a valid token, having authorized the caller when it
issued it. Confirming a version reads the stored bytes back (`chunks`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from graph.settings import Settings

CHUNK = 64 * 1024
FILES_PATH = "/api/v1/files/"
_PROCESS_SECRET = secrets.token_bytes(32)


@dataclass(frozen=True, slots=True)
class Grant:
    """What a valid token allows."""

    key: str
    method: str
    max_bytes: int
    media_type: str
    filename: str


def _secret(settings: Settings) -> bytes:
    return settings.document_url_secret.get_secret_value().encode() if settings.document_url_secret else _PROCESS_SECRET


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def seal(settings: Settings, grant: Grant) -> tuple[str, float]:
    """A token for `grant`, and when it expires (epoch seconds)."""
    expires = time.time() + settings.document_url_seconds
    body = {"k": grant.key, "m": grant.method, "n": grant.max_bytes, "t": grant.media_type, "f": grant.filename, "e": expires}
    payload = _b64(json.dumps(body, separators=(",", ":")).encode())
    mac = _b64(hmac.new(_secret(settings), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{mac}", expires


def unseal(settings: Settings, token: str, method: str) -> Grant | None:
    """The grant of a genuine, unexpired token for `method`; None for anything else."""
    payload, _, mac = token.partition(".")
    expected = _b64(hmac.new(_secret(settings), payload.encode(), hashlib.sha256).digest())
    if not mac or not hmac.compare_digest(mac, expected):
        return None
    try:
        body: dict[str, Any] = json.loads(_unb64(payload))
    except ValueError:
        return None
    if body.get("m") != method or float(body.get("e", 0)) < time.time():
        return None
    return Grant(key=body["k"], method=body["m"], max_bytes=int(body["n"]), media_type=body["t"], filename=body["f"])


def url(settings: Settings, grant: Grant) -> tuple[str, float]:
    token, expires = seal(settings, grant)
    return FILES_PATH + token, expires


def _path(settings: Settings, key: str) -> Path:
    # Keys are made by the service (organization/document/version uuids), never by callers.
    return Path(settings.document_dir) / key


async def write(settings: Settings, key: str, chunks: AsyncIterator[bytes], max_bytes: int) -> int | None:
    """Store a stream under `key` (atomically: a partial upload never shows);
    None, and nothing kept, when it carries more than `max_bytes`."""
    path = _path(settings, key)
    await anyio.Path(path.parent).mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{secrets.token_hex(4)}.part")
    size = 0
    async with await anyio.open_file(partial, "wb") as out:
        async for chunk in chunks:
            size += len(chunk)
            if size > max_bytes:
                break
            await out.write(chunk)
    if size > max_bytes:
        await anyio.Path(partial).unlink(missing_ok=True)
        return None
    await anyio.to_thread.run_sync(os.replace, partial, path)
    return size


async def chunks(settings: Settings, key: str) -> AsyncIterator[bytes] | None:
    """The stored bytes of `key` as a stream, or None when nothing is stored."""
    path = _path(settings, key)
    if not await anyio.Path(path).is_file():
        return None

    async def stream() -> AsyncIterator[bytes]:
        async with await anyio.open_file(path, "rb") as f:
            while chunk := await f.read(CHUNK):
                yield chunk

    return stream()


async def delete(settings: Settings, key: str) -> None:
    await anyio.Path(_path(settings, key)).unlink(missing_ok=True)

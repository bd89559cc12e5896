"""Where documents' bytes are kept, and the short-lived signed URLs that move them.

Two stores, chosen by `document_storage`:

* `local` (the default): a folder (`document_dir`), reached only through sealed,
  expiring URLs at `/api/v1/files/{token}`. A token names one stored key, one
  method (PUT to upload, GET to download), the most bytes a PUT may carry, and
  its expiry, and is signed with HMAC-SHA256: the app serves the file to
  whoever holds a valid token, having authorized the caller when it issued it.
* `s3`: a private bucket of an S3-compatible store (`document_s3_*`), with
  presigned PUT and GET URLs; the bucket is never public.

Confirming a version reads the stored bytes back (`chunks`) from either.
"""

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
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio

from graph.settings import Settings

CHUNK = 64 * 1024
FILES_PATH = "/api/v1/files/"
_PROCESS_SECRET = secrets.token_bytes(32)


@dataclass(frozen=True, slots=True)
class Grant:
    """What a URL allows: one method on one stored key."""

    key: str
    method: str
    max_bytes: int
    media_type: str
    filename: str


# --- local: sealed tokens -------------------------------------------------------


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


def _path(settings: Settings, key: str) -> Path:
    # Keys are made by the service (organization/document/version uuids), never by callers.
    return Path(settings.document_dir) / key


# --- s3: a private bucket ----------------------------------------------------------


@cache
def _s3_client(endpoint: str | None, region: str, key_id: str | None, secret: str | None) -> Any:
    import boto3  # only where the S3 store is configured: the local store needs no AWS SDK loaded
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )


_BUCKETS_READY: set[tuple[str | None, str]] = set()


async def _s3(settings: Settings) -> Any:
    """The client, with the bucket made (private) on first use."""
    secret = settings.document_s3_secret_access_key
    client = _s3_client(
        settings.document_s3_endpoint,
        settings.document_s3_region,
        settings.document_s3_access_key_id,
        secret.get_secret_value() if secret else None,
    )
    ready = (settings.document_s3_endpoint, settings.document_s3_bucket)
    if ready not in _BUCKETS_READY:
        await anyio.to_thread.run_sync(_ensure_bucket, client, settings.document_s3_bucket)
        _BUCKETS_READY.add(ready)
    return client


def _ensure_bucket(client: Any, bucket: str) -> None:
    from botocore.exceptions import ClientError  # with boto3, above

    try:
        client.head_bucket(Bucket=bucket)
    except ClientError:
        client.create_bucket(Bucket=bucket)
    client.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def _missing(exc: Exception) -> bool:
    code = getattr(exc, "response", {}).get("Error", {}).get("Code")
    return code in ("NoSuchKey", "404", "NotFound")


# --- the store's operations ----------------------------------------------------------


async def url(settings: Settings, grant: Grant) -> tuple[str, float]:
    """A signed URL for `grant` and when it expires (epoch seconds)."""
    if settings.document_storage == "local":
        token, expires = seal(settings, grant)
        return FILES_PATH + token, expires
    client = await _s3(settings)
    expires = time.time() + settings.document_url_seconds
    params: dict[str, Any] = {"Bucket": settings.document_s3_bucket, "Key": grant.key}
    if grant.method == "PUT":
        operation = "put_object"
        params |= {"ContentType": grant.media_type}
    else:
        operation = "get_object"
        params |= {
            "ResponseContentType": grant.media_type,
            "ResponseContentDisposition": f"attachment; filename*=UTF-8''{quote(grant.filename, safe='')}",
        }
    link = client.generate_presigned_url(operation, Params=params, ExpiresIn=int(settings.document_url_seconds))
    return link, expires


async def write(settings: Settings, key: str, chunks: AsyncIterator[bytes], max_bytes: int) -> int | None:
    """Store a stream under `key` (atomically: a partial upload never shows);
    None, and nothing kept, when it carries more than `max_bytes`."""
    if settings.document_storage == "s3":
        body = bytearray()
        async for chunk in chunks:
            body += chunk
            if len(body) > max_bytes:
                return None
        client = await _s3(settings)
        await anyio.to_thread.run_sync(lambda: client.put_object(Bucket=settings.document_s3_bucket, Key=key, Body=bytes(body)))
        return len(body)
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


async def write_bytes(settings: Settings, key: str, content: bytes) -> None:
    """Store bytes the platform made itself (a letter, a certificate) under `key`."""

    async def body() -> AsyncIterator[bytes]:
        yield content

    await write(settings, key, body(), len(content))


async def chunks(settings: Settings, key: str) -> AsyncIterator[bytes] | None:
    """The stored bytes of `key` as a stream, or None when nothing is stored."""
    if settings.document_storage == "s3":
        client = await _s3(settings)
        try:
            response = await anyio.to_thread.run_sync(lambda: client.get_object(Bucket=settings.document_s3_bucket, Key=key))
        except Exception as exc:
            if _missing(exc):
                return None
            raise
        body = response["Body"]

        async def from_s3() -> AsyncIterator[bytes]:
            try:
                while chunk := await anyio.to_thread.run_sync(body.read, CHUNK):
                    yield chunk
            finally:
                body.close()

        return from_s3()
    path = _path(settings, key)
    if not await anyio.Path(path).is_file():
        return None

    async def from_disk() -> AsyncIterator[bytes]:
        async with await anyio.open_file(path, "rb") as f:
            while chunk := await f.read(CHUNK):
                yield chunk

    return from_disk()


async def delete(settings: Settings, key: str) -> None:
    if settings.document_storage == "s3":
        client = await _s3(settings)
        await anyio.to_thread.run_sync(lambda: client.delete_object(Bucket=settings.document_s3_bucket, Key=key))
        return
    await anyio.Path(_path(settings, key)).unlink(missing_ok=True)

"""The outbound side of a delivery: which URLs may be called (the SSRF guard),
signing per the Standard Webhooks specification, and the HTTP request itself.

Only URLs an organization registered are ever called, and only when every
address their host resolves to is public: private (RFC 1918, unique local),
loopback, link-local (cloud metadata at 169.254.169.254), multicast, reserved
and unspecified addresses are refused unless a configured network allows them.
The check runs when the endpoint is registered and again before every attempt,
since a name may resolve differently later. Redirects are not followed.
"""

from __future__ import annotations

import asyncio
import base64
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from standardwebhooks import Webhook

from domains.webhooks.errors import WebhookUrlRefused
from graph.settings import Settings

SECRET_PREFIX = "whsec_"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def new_secret() -> str:
    """A signing secret as Standard Webhooks libraries expect it: `whsec_` and 24 random bytes, base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _allowed(address: IPAddress, settings: Settings) -> bool:
    if any(address in ipaddress.ip_network(net) for net in settings.webhook_allowed_networks):
        return True
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not (address.is_multicast or address.is_reserved or address.is_unspecified)


def check_url(url: str, settings: Settings) -> tuple[str, int]:
    """The URL's (host, port), or WEBHOOK_URL_REFUSED for what is never allowed
    whatever the host resolves to."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        raise WebhookUrlRefused("The URL is malformed.", field=["url"]) from None
    if parts.scheme not in ("https", "http") or not hostname:
        raise WebhookUrlRefused("A webhook URL is an absolute http(s) URL.", field=["url"])
    if parts.scheme == "http" and not settings.webhook_allow_http:
        raise WebhookUrlRefused("A webhook URL must use https.", field=["url"])
    if parts.username or parts.password:
        raise WebhookUrlRefused("A webhook URL may not carry credentials.", field=["url"])
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookUrlRefused("The URL's port is not a number.", field=["url"]) from None
    try:
        literal: IPAddress | None = ipaddress.ip_address(hostname)
    except ValueError:
        literal = None
    if literal is not None and not _allowed(literal, settings):
        raise WebhookUrlRefused(f"{literal} is not a public address.", field=["url"])
    localhost = hostname == "localhost" or hostname.endswith(".localhost")
    if literal is None and localhost and not _allowed(ipaddress.ip_address("127.0.0.1"), settings):
        raise WebhookUrlRefused("localhost is not a public address.", field=["url"])
    return hostname, port


async def check_resolved(url: str, settings: Settings) -> None:
    """WEBHOOK_URL_REFUSED unless every address the host resolves to is allowed."""
    host, port = check_url(url, settings)
    try:
        infos = await asyncio.wait_for(asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout=5)
    except (OSError, TimeoutError, UnicodeError):
        raise WebhookUrlRefused(f"{host} does not resolve.", field=["url"]) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not _allowed(address, settings):
            raise WebhookUrlRefused(f"{host} resolves to {address}, which is not a public address.", field=["url"])


def sign(secrets_in_use: list[str], event_id: str, at: datetime, body: str) -> str:
    """The `webhook-signature` header: one `v1,<signature>` per secret, space-separated
    (during a rotation's overlap, the new secret's and the previous one's)."""
    return " ".join(Webhook(secret).sign(event_id, at, body) for secret in secrets_in_use)


@dataclass
class Attempt:
    ok: bool
    status: int | None
    error: str | None


async def send(url: str, event_id: str, at: datetime, body: str, secrets_in_use: list[str], settings: Settings) -> Attempt:
    """POST one signed event; a 2xx answer is success, anything else (or no answer) is not."""
    try:
        await check_resolved(url, settings)
    except WebhookUrlRefused as err:
        return Attempt(False, None, err.message)
    headers = {
        "content-type": "application/json",
        "user-agent": "Hestami-Webhooks/1",
        "webhook-id": event_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": sign(secrets_in_use, event_id, at, body),
    }
    try:
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_seconds, follow_redirects=False) as client:
            response = await client.post(url, content=body.encode(), headers=headers)
    except httpx.HTTPError as exc:
        return Attempt(False, None, f"{type(exc).__name__}: {exc}"[:500])
    if 200 <= response.status_code < 300:
        return Attempt(True, response.status_code, None)
    return Attempt(False, response.status_code, f"HTTP {response.status_code}")

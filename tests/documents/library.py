"""A CA association with two owned units (owner 0 linked to a user), a tenant
renting unit 1, staff and the board: what the documents tests share."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import httpx

from tests.helpers import Api, Caller
from tests.violations.enforcement import Enforcement, member, open_enforcement

PDF = b"%PDF-1.7\n" + b"minutes of the annual meeting\n" * 40 + b"%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


@dataclass
class Library:
    e: Enforcement
    owner: Caller
    tenant: Caller
    outsider: Caller

    @property
    def association(self) -> str:
        return self.e.association


async def open_library(api: Api) -> Library:
    e = await open_enforcement(api, "CA")
    owner = await member(api, e.admin, e.org, ["member"])
    await api.call("party/v1/update", {"id": e.parties[0], "userId": owner.user_id}, e.admin)
    tenant = await member(api, e.admin, e.org, ["member"])
    party = await api.call("party/v1/create", {"kind": "person", "name": "Terry Tenant", "deliveryPreference": "postal"}, e.admin)
    await api.call("party/v1/update", {"id": party["id"], "userId": tenant.user_id}, e.admin)
    await api.call(
        "resident/v1/create", {"unitId": e.units[1], "partyId": party["id"], "kind": "tenant", "movedInOn": "2024-01-01"}, e.admin
    )
    outsider = await member(api, e.admin, e.org, ["member"])
    return Library(e, owner, tenant, outsider)


def declared(content: bytes, media_type: str = "application/pdf", filename: str = "file.pdf") -> dict[str, Any]:
    return {"filename": filename, "mediaType": media_type, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}


async def file(api: Api, caller: Caller, association: str | None, **fields: Any) -> dict[str, Any]:
    body = {"associationId": association, "category": "minutes", "title": "Minutes", "visibility": "owners"} | fields
    return await api.call("document/v1/create", body, caller)


async def transfer(
    api: Api, method: str, url: str, content: bytes | None = None, media_type: str = "application/pdf"
) -> httpx.Response:
    """Follow a signed URL as a client would: the local store's are relative to the
    API (through the app), the S3 store's absolute (straight to the store)."""
    headers = {"Content-Type": media_type} if content is not None else {}
    if not url.startswith("http"):
        return await api.client.request(method, url, content=content, headers=headers)
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.request(method, url, content=content, headers=headers)


async def upload(api: Api, caller: Caller, document: str, content: bytes, **declaration: Any) -> dict[str, Any]:
    """Declare, PUT and confirm one version; returns the document."""
    ticket = await api.call("document/v1/startUpload", {"id": document} | declared(content) | declaration, caller)
    put = await transfer(api, "PUT", ticket["uploadUrl"], content)
    assert put.status_code in (200, 204), put.text
    return await api.call("document/v1/confirmUpload", {"versionId": ticket["version"]["id"]}, caller)

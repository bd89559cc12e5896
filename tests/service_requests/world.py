"""Homeowners (individual organizations), a commercial client and service
providers on the platform, for the service-request tests."""

from __future__ import annotations

import uuid
from typing import Any

from tests.helpers import Api, Caller
from tests.work_orders.site import until

JOB_FIELDS = "id customerName title site contact priority status scheduledFor"


async def org_of(api: Api, kind: str, name: str | None = None) -> tuple[Caller, str, str]:
    """A new organization of `kind` with its admin, selected; returns (admin, id, name)."""
    name = name or f"{kind.replace('_', ' ').title()} {uuid.uuid4().hex[:6]}"
    admin = await api.register()
    org = await api.create_org(admin, kind, name)
    await api.select(admin, org)
    return admin, org, name


async def provider(api: Api, *categories: str) -> tuple[Caller, str, str]:
    """A service provider offering `categories`."""
    admin, org, name = await org_of(api, "service_provider")
    if categories:
        await api.call("serviceOffering/v1/set", {"categories": list(categories)}, admin)
    return admin, org, name


def request(**more: Any) -> dict[str, Any]:
    body = {
        "title": "Water heater leaking",
        "description": "A puddle under the water heater since this morning.",
        "address": "12 Elm St, Springfield, OR 97477",
        "category": "Plumbing",
        "preferredDates": ["2030-05-04", "2030-05-05"],
    }
    return body | more


async def job(api: Api, provider: Caller, title: str, count: int = 1) -> dict[str, Any]:
    """The provider's job titled `title` (waits for the `count`-th to arrive)."""

    async def arrived() -> Any:
        page = await api.call("job/v1/list", {}, provider)
        found = [j for j in page["nodes"] if j["title"] == title]
        return found[0] if len(found) >= count else None

    return await until(arrived, what="the job to arrive in the provider's organization")


async def status(api: Api, caller: Caller, request_id: str, wanted: str) -> dict[str, Any]:
    async def there() -> Any:
        got = await api.call("serviceRequest/v1/get", {"id": request_id}, caller)
        return got if got["status"] == wanted else None

    return await until(there, what=f"the service request to be {wanted}")

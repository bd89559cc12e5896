"""serviceOffering/v1/{list,set}: the categories of work a service provider offers."""

from __future__ import annotations

from domains.service_requests.schemas import (
    ServiceOfferingList,
    ServiceOfferingListInput,
    ServiceOfferingRead,
    ServiceOfferingSetInput,
)
from domains.service_requests.service import offerings, requests
from graph.handlers import OperationContext, org
from graph.operations import operation


@operation(
    "serviceOffering/v1/list",
    input=ServiceOfferingListInput,
    output=ServiceOfferingList,
    kind="service_offering",
    action="read",
    mutates=False,
    graphql_name="serviceOfferings",
    summary="The categories of work your organization offers",
)
async def list_service_offerings(ctx: OperationContext, data: ServiceOfferingListInput) -> ServiceOfferingList:
    """Your organization's offerings (a service provider's), by category: posted
    service requests of these categories come to it."""
    return ServiceOfferingList(offerings=[ServiceOfferingRead.model_validate(r) for r in await offerings.of(ctx.session)])


@operation(
    "serviceOffering/v1/set",
    input=ServiceOfferingSetInput,
    output=ServiceOfferingList,
    kind="service_offering",
    action="set",
    summary="Set the categories of work your organization offers",
)
async def set_service_offerings(ctx: OperationContext, data: ServiceOfferingSetInput) -> ServiceOfferingList:
    """Offer exactly these categories (of `serviceCategories`, UNKNOWN_SERVICE_CATEGORY
    otherwise) from now on: posted service requests of them come to your
    organization, a service provider (NOT_A_SERVICE_PROVIDER otherwise). A
    category kept keeps its date, and with it its place among the providers
    a posted request is offered to (longest-standing first)."""
    await offerings.check_provider(ctx.session, org(ctx))
    for i, category in enumerate(data.categories):
        requests.check_category(category, ["categories", str(i)])
    added, removed = await offerings.set_(ctx.session, org(ctx), data.categories)
    ctx.audit_summary = {"added": added, "removed": removed}
    return ServiceOfferingList(offerings=[ServiceOfferingRead.model_validate(r) for r in await offerings.of(ctx.session)])

"""Organizations: the tenants, their members, management links and service accounts."""

from graph.registry import Domain

domain = Domain(
    name="organizations",
    description=__doc__ or "",
    modules=("service.access", "operations.organizations", "types", "workflows"),
    types=("types:ServiceAccountType", "types:ManagementLinkType"),
)

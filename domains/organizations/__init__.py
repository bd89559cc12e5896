"""Organizations: the tenants, their members, management links and service accounts."""

from graph.registry import Domain

domain = Domain(
    name="organizations",
    description=__doc__ or "",
    modules=(
        "service.access",
        "operations.organizations",
        "operations.memberships",
        "operations.service_accounts",
        "operations.management_links",
        "operations.join_requests",
        "operations.organization_settings",
        "types",
        "workflows",
    ),
    types=("types:ServiceAccountType", "types:ManagementLinkType"),
)

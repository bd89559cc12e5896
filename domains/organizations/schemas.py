"""API models of the organizations domain, derived from its tables."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from domains.identity.models import User
from domains.identity.schemas import EMAIL
from domains.organizations.models import (
    JoinRequest,
    JoinRequestId,
    ManagementLink,
    Membership,
    MembershipId,
    Organization,
    OrganizationId,
    OrganizationRole,
    OrganizationSettings,
    ServiceAccount,
    ServiceAccountId,
)
from graph.auth.sealing import SealedAtRest
from graph.schemas import ApiModel, derive

_ROLES = (list[OrganizationRole], Field(min_length=1, max_length=6, description="Roles to hold in the organization."))

OrganizationRead = derive(Organization, "Organization", ["id", "type", "name", "created_at"], node=True)
MembershipRead = derive(
    Membership,
    "Membership",
    ["id", "organization_id", "user_id", "roles", "created_at"],
    node=True,
    extra={
        "organization": (
            OrganizationRead,
            Field(
                description="The organization, with the name and type a person recognizes it by when choosing which to select."
            ),
        )
    },
)


def membership_read(membership: Membership, organization: Organization) -> MembershipRead:
    """A membership with its organization, read with it by the caller."""
    fields = {name: getattr(membership, name) for name in MembershipRead.model_fields if name != "organization"}
    return MembershipRead.model_validate({**fields, "organization": organization})


ServiceAccountRead = derive(
    ServiceAccount,
    "ServiceAccount",
    ["id", "organization_id", "name", "roles", "key_hint", "created_at", "revoked_at"],
    node=True,
)
ManagementLinkRead = derive(
    ManagementLink, "ManagementLink", ["id", "organization_id", "manager_organization_id", "created_at"], node=True
)

OrganizationSettingsRead = derive(
    OrganizationSettings,
    "OrganizationSettings",
    ["organization_id", "agent_mutations_allowed", "updated_at"],
    optional=("updated_at",),  # null while the defaults were never changed
)


class OrganizationSettingsGetInput(ApiModel):
    """The active organization's settings."""


class OrganizationSettingsSetInput(ApiModel):
    """What the active organization allows."""

    agent_mutations_allowed: bool = Field(
        description="Let AI agents (the MCP endpoint at /mcp) call operations that change data, each with an "
        "idempotency key and under the same authorization as any caller; off by default, when agents only read."
    )


OrganizationCreateInput = derive(
    Organization,
    "OrganizationCreateInput",
    ["type", "name"],
    doc="A new organization; you become its admin.",
    examples=[{"type": "association", "name": "Maple Grove HOA"}],
)


class OrganizationSelectInput(ApiModel):
    """The organization to act in from now on (this session only)."""

    organization_id: OrganizationId = Field(description="An organization you are a member of.")


class OrganizationListInput(ApiModel):
    """No input: lists the organizations you belong to."""


class MembershipList(ApiModel):
    """Your memberships, one per organization."""

    items: list[MembershipRead] = Field(description="Memberships, oldest first.")


MembershipAddInput = derive(
    User,
    "MembershipAddInput",
    ["email"],
    doc="Add an existing user to the active organization.",
    constraints=EMAIL,
    extra={"roles": _ROLES},
    examples=[{"email": "manager@example.org", "roles": ["manager"]}],
)


class MembershipUpdateInput(ApiModel):
    """New roles for a membership of the active organization."""

    id: MembershipId = Field(description="The membership.")
    roles: list[OrganizationRole] = _ROLES[1]


class MembershipRemoveInput(ApiModel):
    """The membership to remove; the user loses access at their next request."""

    id: MembershipId = Field(description="The membership.")


ServiceAccountCreateInput = derive(
    ServiceAccount,
    "ServiceAccountCreateInput",
    ["name"],
    doc="A service account for an integration or AI agent, bound to the active organization.",
    extra={
        "roles": (
            list[OrganizationRole],
            Field(default=[OrganizationRole.INTEGRATION], min_length=1, description="Roles; default integration."),
        )
    },
    examples=[{"name": "Accounting sync", "roles": ["integration"]}],
)


class ServiceAccountCreated(ApiModel):
    """A new service account and its API key. The key is shown only in this
    response (and its idempotent replays for 24 hours): store it safely."""

    service_account: ServiceAccountRead = Field(description="The account.")
    api_key: Annotated[str, SealedAtRest()] = Field(description="Send as `Authorization: Bearer <apiKey>`.")


class ServiceAccountRevokeInput(ApiModel):
    """The service account whose key stops working now."""

    id: ServiceAccountId = Field(description="The service account.")


class ManagementLinkCreateInput(ApiModel):
    """Link a management company to the active association."""

    manager_organization_id: OrganizationId = Field(description="The management company.")


JoinRequestRead = derive(
    JoinRequest,
    "JoinRequest",
    ["id", "organization_id", "user_id", "message", "status", "workflow_id", "created_at", "decided_at"],
    node=True,
)


class JoinRequestCreateInput(ApiModel):
    """Ask to join an organization (e.g. the homeowners association of your unit)."""

    organization_id: OrganizationId = Field(description="The organization to join.")
    message: str = Field(min_length=1, max_length=500, description="Note to its admins, e.g. your unit and address.")


class JoinRequestDecideInput(ApiModel):
    """An admin's decision on a pending join request of the active organization."""

    id: JoinRequestId = Field(description="The join request.")
    approve: bool = Field(description="True admits the user as a member; false declines.")

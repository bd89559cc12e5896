"""Use cases of the organizations domain. SQL lives here; nothing commits."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from sqlalchemy import any_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.identity.service import find_by_email
from domains.organizations.errors import (
    AlreadyMember,
    InvalidManagementLink,
    LastAdmin,
    MembershipNotFound,
    OrganizationNotFound,
    ServiceAccountNotFound,
    UserNotFound,
)
from domains.organizations.models import (
    ManagementLink,
    Membership,
    Organization,
    OrganizationRole,
    OrganizationType,
    ServiceAccount,
)
from domains.organizations.service import api_keys
from graph.db import add_or_raise, new_id


async def create_organization(
    session: AsyncSession, organization_id: UUID, type_: OrganizationType, name: str, creator: UUID
) -> Organization:
    org = Organization(id=organization_id, type=type_, name=name)
    session.add(org)
    await session.flush()
    session.add(Membership(organization_id=org.id, user_id=creator, roles=[OrganizationRole.ADMIN.value]))
    await session.flush()
    return org


async def membership_of(session: AsyncSession, organization_id: UUID, user_id: UUID) -> Membership:
    """The user's own membership; RLS lets a user see their memberships everywhere."""
    membership = await session.scalar(
        select(Membership).where(Membership.organization_id == organization_id, Membership.user_id == user_id)
    )
    if membership is None:
        raise OrganizationNotFound("No organization with this id among yours.", field=["input", "organizationId"])
    return membership


async def memberships_of_user(session: AsyncSession, user_id: UUID) -> list[tuple[Membership, Organization]]:
    """The user's memberships with their organizations, in one statement."""
    rows = await session.execute(
        select(Membership, Organization)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.id)
    )
    return [(m, org) for m, org in rows]


async def add_member(session: AsyncSession, organization_id: UUID, email: str, roles: list[str]) -> Membership:
    user = await find_by_email(session, email)
    if user is None:
        raise UserNotFound("No account with this email; ask them to register first.", field=["input", "email"])
    membership = Membership(organization_id=organization_id, user_id=user.id, roles=roles)
    await add_or_raise(session, membership, AlreadyMember("This user is already a member.", field=["input", "email"]))
    return membership


async def _membership(session: AsyncSession, organization_id: UUID, membership_id: UUID) -> Membership:
    membership = await session.scalar(
        select(Membership).where(Membership.organization_id == organization_id, Membership.id == membership_id).with_for_update()
    )
    if membership is None:
        raise MembershipNotFound("No such membership in this organization.", field=["input", "id"])
    return membership


async def _ensure_another_admin(session: AsyncSession, organization_id: UUID, membership_id: UUID) -> None:
    # Lock the organization's admins so two concurrent demotions can't both pass.
    admins = await session.scalars(
        select(Membership.id)
        .where(Membership.organization_id == organization_id, any_(Membership.roles) == OrganizationRole.ADMIN.value)
        .with_for_update()
    )
    if not set(admins) - {membership_id}:
        raise LastAdmin("An organization needs at least one admin.", field=["input", "id"])


async def update_roles(session: AsyncSession, organization_id: UUID, membership_id: UUID, roles: list[str]) -> Membership:
    membership = await _membership(session, organization_id, membership_id)
    if OrganizationRole.ADMIN.value in membership.roles and OrganizationRole.ADMIN.value not in roles:
        await _ensure_another_admin(session, organization_id, membership_id)
    membership.roles = roles
    await session.flush()
    return membership


async def remove_member(session: AsyncSession, organization_id: UUID, membership_id: UUID) -> Membership:
    membership = await _membership(session, organization_id, membership_id)
    if OrganizationRole.ADMIN.value in membership.roles:
        await _ensure_another_admin(session, organization_id, membership_id)
    await session.delete(membership)
    await session.flush()
    return membership


async def create_service_account(
    session: AsyncSession, organization_id: UUID, name: str, roles: list[str], creator: UUID | None
) -> tuple[ServiceAccount, str]:
    account_id = new_id()
    key, key_hash = api_keys.new_key(organization_id, account_id)
    creator_membership = None
    if creator is not None:
        creator_membership = await session.scalar(
            select(Membership.id).where(Membership.organization_id == organization_id, Membership.user_id == creator)
        )
    account = ServiceAccount(
        id=account_id,
        organization_id=organization_id,
        name=name,
        roles=roles,
        key_hash=key_hash,
        key_hint=key[-4:],
        created_by_membership_id=creator_membership,
    )
    session.add(account)
    await session.flush()
    return account, key


async def revoke_service_account(session: AsyncSession, organization_id: UUID, account_id: UUID) -> ServiceAccount:
    account = await session.scalar(
        select(ServiceAccount).where(ServiceAccount.organization_id == organization_id, ServiceAccount.id == account_id)
    )
    if account is None:
        raise ServiceAccountNotFound("No such service account in this organization.", field=["input", "id"])
    if account.revoked_at is None:
        account.revoked_at = datetime.now(UTC)
        await session.flush()
    return account


async def link_manager(session: AsyncSession, association_id: UUID, manager_id: UUID) -> ManagementLink:
    own_type = await session.scalar(select(Organization.type).where(Organization.id == association_id))
    if own_type is not OrganizationType.ASSOCIATION:
        raise InvalidManagementLink("Only an association can be managed.", field=["input"])
    manager_type = await session.scalar(select(func.organization_kind(manager_id)))
    if manager_type != OrganizationType.MANAGEMENT_COMPANY.value:
        raise InvalidManagementLink(
            "The manager must be an existing management company.", field=["input", "managerOrganizationId"]
        )
    link = ManagementLink(organization_id=association_id, manager_organization_id=manager_id)
    await add_or_raise(session, link, InvalidManagementLink("This company already manages the association.", field=["input"]))
    return link


async def organization_of(session: AsyncSession, membership: Membership) -> Organization:
    """The organization a membership belongs to (a member sees it under RLS)."""
    organization = await session.get(Organization, membership.organization_id)
    assert organization is not None
    return organization

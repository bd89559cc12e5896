"""Two tenants with a row in every tenant table, written as the application role."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.db import create_engine, scoped_transaction, session_factory


@pytest.fixture(scope="session")
async def app_sessions(settings, database) -> AsyncIterator[async_sessionmaker[AsyncSession]]:  # type: ignore[no-untyped-def]
    engine = create_engine(settings.app_url(), settings, pool_size=4)
    yield session_factory(engine)
    await engine.dispose()


@dataclass
class Tenant:
    org: uuid.UUID
    user: uuid.UUID
    membership: uuid.UUID


async def new_user(sessions: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    user = uuid.uuid4()
    async with scoped_transaction(sessions, None, user) as s:
        await s.execute(
            text("INSERT INTO users (id, email, display_name, password_hash) VALUES (:id, :e, 'T', 'x')"),
            {"id": user, "e": f"{user}@example.org"},
        )
    return user


async def new_org(sessions: async_sessionmaker[AsyncSession], kind: str = "association") -> Tenant:
    user = await new_user(sessions)
    org, membership = uuid.uuid4(), uuid.uuid4()
    async with scoped_transaction(sessions, org, user) as s:
        await s.execute(text("INSERT INTO organizations (id, type, name) VALUES (:id, :t, 'Org')"), {"id": org, "t": kind})
        await s.execute(
            text("INSERT INTO memberships (id, organization_id, user_id, roles) VALUES (:id, :o, :u, ARRAY['admin'])"),
            {"id": membership, "o": org, "u": user},
        )
    return Tenant(org, user, membership)


# One factory per tenant table: the values of a fresh row in `tenant`. A tenant
# table without a factory fails test_every_tenant_table_has_a_factory.
Factory = Callable[[async_sessionmaker[AsyncSession], Tenant, dict[str, Any]], Awaitable[dict[str, Any]]]


async def _membership(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "user_id": await new_user(sessions), "roles": ["member"]}


async def _management_link(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    manager = await new_org(sessions, "management_company")
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "manager_organization_id": manager.org}


async def _service_account(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    return {
        "id": uuid.uuid4(), "organization_id": tenant.org, "name": "sa", "roles": ["integration"],
        "key_hash": "0" * 64, "key_hint": "abcd", "created_by_membership_id": tenant.membership,
    }


async def _audit_event(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    return {
        "id": uuid.uuid4(), "organization_id": tenant.org, "actor_kind": "user", "actor_id": tenant.user,
        "operation": "test/v1/x", "target_ids": [], "summary": json.dumps({}),
    }


async def _idempotency_key(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    return {
        "id": uuid.uuid4(), "organization_id": tenant.org, "principal": f"user:{tenant.user}",
        "operation": "test/v1/x", "key": uuid.uuid4().hex, "fingerprint": "f" * 64, "workflow_id": "wf",
    }


async def _association_profile(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    return {
        "id": uuid.uuid4(), "organization_id": tenant.org, "legal_name": "HOA Inc.",
        "fiscal_year_start_month": 1, "accounting_basis": "cash",
    }


async def _join_request(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    return {
        "id": uuid.uuid4(), "organization_id": tenant.org, "user_id": await new_user(sessions),
        "message": "let me in", "status": "pending", "workflow_id": uuid.uuid4().hex,
    }


async def _workflow_run(sessions, tenant, shared):  # type: ignore[no-untyped-def]
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "workflow_id": uuid.uuid4().hex, "name": "wf"}


FACTORIES: dict[str, Factory] = {
    "association_profiles": _association_profile,
    "join_requests": _join_request,
    "workflow_runs": _workflow_run,
    "memberships": _membership,
    "management_links": _management_link,
    "service_accounts": _service_account,
    "audit_events": _audit_event,
    "idempotency_keys": _idempotency_key,
}
CASTS = {
    "summary": "CAST(:summary AS jsonb)",
    "accounting_basis": "CAST(:accounting_basis AS accounting_basis)",
    "status": "CAST(:status AS join_request_status)",
}


def insert_sql(table: str, row: dict[str, Any], suffix: str = "") -> Any:
    cols = ", ".join(row)
    values = ", ".join(CASTS.get(c, f":{c}") for c in row)
    return text(f"INSERT INTO {table} ({cols}) VALUES ({values}) {suffix}")

"""The idempotency store: one record per (organization, principal, operation, key),
claimed before a mutation's workflow starts and holding its response once done.

A retry with the same key and body replays the stored response; the same key
with another body is IDEMPOTENCY_KEY_REUSED; one still running is
IDEMPOTENCY_KEY_IN_FLIGHT. Records are pruned once past their retention (never
before 24 hours; the SQL function enforces the floor too).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from dbos import DBOS
from pydantic import BaseModel
from sqlalchemy import ColumnElement, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from graph.auth.principal import Principal
from graph.db import scoped_transaction
from graph.errors import AppError, ErrorCode
from graph.idempotency_models import IdempotencyRecord
from graph.maintenance import scheduled
from graph.platform import Platform, current_platform

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")
PRUNE_SCHEDULE = "prune-idempotency-keys"


def check_key(key: str | None) -> str:
    if key is None:  # absent; a present but empty key is malformed (below)
        raise AppError(
            "This operation changes data and needs an idempotency key "
            "(GraphQL argument `idempotencyKey`, RPC header `Idempotency-Key`).",
            code=ErrorCode.IDEMPOTENCY_KEY_REQUIRED,
        )
    if not KEY_PATTERN.match(key):
        raise AppError(
            "Idempotency keys are 1–255 printable ASCII characters without spaces.",
            code=ErrorCode.IDEMPOTENCY_KEY_INVALID,
        )
    return key


def fingerprint(data: BaseModel, keyed: Callable[[str], str] | None = None) -> str:
    """The request body's fingerprint; `keyed` (a keyed digest) for a body with sealed
    fields, whose plain hash could be matched by hashing every possible body."""
    canonical = json.dumps(data.model_dump(mode="json", by_alias=True), sort_keys=True, separators=(",", ":"))
    return keyed(canonical) if keyed is not None else hashlib.sha256(canonical.encode()).hexdigest()


def workflow_id(org: UUID | None, principal_key: str, operation: str, key: str, claim: UUID) -> str:
    """Derived from (organization, principal, operation, key), plus the claim's own
    id: concurrent duplicates share one claim and so one workflow, while a key
    reused after it was pruned starts a new workflow instead of meeting the old one."""
    scope = f"{org or '-'}|{principal_key}|{operation}|{key}"
    return f"op-{hashlib.sha256(scope.encode()).hexdigest()[:32]}-{claim.hex[:12]}"


def record_of(org: UUID | None, principal_key: str, operation: str, key: str) -> tuple[ColumnElement[bool], ...]:
    """WHERE clauses naming one record."""
    return (
        (IdempotencyRecord.organization_id == org) if org else IdempotencyRecord.organization_id.is_(None),
        IdempotencyRecord.principal == principal_key,
        IdempotencyRecord.operation == operation,
        IdempotencyRecord.key == key,
    )


async def claim(
    platform: Platform,
    org: UUID | None,
    principal: Principal,
    operation: str,
    key: str,
    fp: str,
    authorize: Callable[[AsyncSession], Awaitable[None]],
) -> tuple[bool, IdempotencyRecord]:
    """Claim the key — after `authorize` passed in the same transaction, so a
    refused request stores nothing and a mutation costs one transaction less.
    Returns (claimed by this request, the record)."""
    claim_id = uuid4()
    values = {
        "id": claim_id,
        "organization_id": org,
        "principal": principal.cerbos_id,
        "operation": operation,
        "key": key,
        "fingerprint": fp,
        "workflow_id": workflow_id(org, principal.cerbos_id, operation, key, claim_id),
    }
    async with scoped_transaction(platform.sessions, org, principal.user_id) as session:
        await authorize(session)
        inserted = await session.scalar(
            insert(IdempotencyRecord).values(**values).on_conflict_do_nothing().returning(IdempotencyRecord.id)
        )
        if inserted is not None:  # ours: no need to read back what we just wrote
            return True, IdempotencyRecord(**values)
        record = (
            await session.scalars(select(IdempotencyRecord).where(*record_of(org, principal.cerbos_id, operation, key)))
        ).one()
        return False, record


async def rearm(
    platform: Platform, org: UUID | None, principal: Principal, record: IdempotencyRecord, operation: str, key: str
) -> tuple[tuple[int, Any] | None, str]:
    """Point the key at a new workflow, unless a concurrent retry did first (then
    join theirs) or its response is stored by now (then replay it). Returns
    (the stored (status, body) if any, the workflow to join or start)."""
    new_id = workflow_id(org, principal.cerbos_id, operation, key, uuid4())
    async with scoped_transaction(platform.sessions, org, principal.user_id) as session:
        moved = await session.scalar(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.id == record.id,
                IdempotencyRecord.workflow_id == record.workflow_id,
                IdempotencyRecord.response_status.is_(None),
            )
            .values(workflow_id=new_id)
            .returning(IdempotencyRecord.workflow_id)
        )
        if moved is not None:
            return None, moved
        now = (
            await session.execute(
                select(IdempotencyRecord.workflow_id, IdempotencyRecord.response_status, IdempotencyRecord.response_body).where(
                    IdempotencyRecord.id == record.id
                )
            )
        ).one()
    stored = (now.response_status, now.response_body) if now.response_status is not None else None
    return stored, now.workflow_id


async def stored_response(session: AsyncSession, where: tuple[ColumnElement[bool], ...]) -> dict[str, Any] | None:
    """The record's response if it has one, locking the record until `session` ends
    (a re-run step waits for, then replays, the one that got there first)."""
    stored = (
        await session.execute(
            select(
                IdempotencyRecord.response_status,
                IdempotencyRecord.response_body,
                IdempotencyRecord.after_actions,
            )
            .where(*where)
            .with_for_update()
        )
    ).one()
    if stored.response_status is None:
        return None
    return {"status": stored.response_status, "body": stored.response_body, "after": stored.after_actions or []}


async def store_response(
    session: AsyncSession,
    where: tuple[ColumnElement[bool], ...],
    status: int,
    body: Any,
    after: list[dict[str, Any]] | None = None,
    *,
    only_if_empty: bool = False,
) -> None:
    conditions = (*where, IdempotencyRecord.response_status.is_(None)) if only_if_empty else where
    await session.execute(
        update(IdempotencyRecord)
        .where(*conditions)
        .values(response_status=status, response_body=body, after_actions=after or None, completed_at=func.now())
    )


@DBOS.step(name="prune_idempotency_keys_step")
async def prune_idempotency_keys_step() -> int:
    platform = current_platform()
    async with platform.sessions() as session, session.begin():
        pruned = await session.scalar(
            text("SELECT prune_idempotency_keys(make_interval(hours => :hours))"),
            {"hours": platform.settings.idempotency_retention_hours},
        )
    return int(pruned or 0)


@scheduled(PRUNE_SCHEDULE, "17 * * * *", name="prune_idempotency_keys_workflow")
async def prune_idempotency_keys_workflow(scheduled_at: datetime, context: Any) -> int:
    return await prune_idempotency_keys_step()

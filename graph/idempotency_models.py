"""Stored results of idempotent requests (IETF Idempotency-Key draft, Stripe semantics)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import JSON, DateTime, ForeignKey, Index, SmallInteger, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from graph.db import Base, new_id


class IdempotencyRecord(Base):
    """One idempotency key, scoped to (organization, principal, operation)."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        Index(
            "uq_idempotency_keys_scope",
            "organization_id",
            "principal",
            "operation",
            "key",
            unique=True,
            postgresql_nulls_not_distinct=True,
        ),
        Index("ix_idempotency_keys_created", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id)
    # Null for account-level operations (creating an organization), which belong
    # to the principal alone.
    organization_id: Mapped[UUID | None] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    principal: Mapped[str] = mapped_column(String(80))
    operation: Mapped[str] = mapped_column(String(120))
    key: Mapped[str] = mapped_column(String(255))
    fingerprint: Mapped[str] = mapped_column(String(64))
    workflow_id: Mapped[str] = mapped_column(String(80))
    response_status: Mapped[int | None] = mapped_column(SmallInteger)
    # json, not jsonb: a replay must be the first response byte for byte.
    response_body: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after_actions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

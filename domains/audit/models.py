"""The audit log: one append-only row per change, written in the change's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, BigInteger, DateTime, ForeignKey, Index, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domains.organizations import models as _organizations  # noqa: F401  (FK target)
from graph import hooks
from graph.db import Base, new_id
from graph.schemas import register_id


class AuditEvent(Base):
    """Who did what, where and when. The application role may insert and read these
    rows but never update or delete them."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_org_time", "organization_id", "occurred_at"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The event's id.")
    # Null only for account-level changes made before any organization exists
    # (registering); those rows are visible to their actor alone.
    organization_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="RESTRICT"),
        doc="Organization the change happened in.",
    )
    actor_kind: Mapped[str] = mapped_column(String(24), doc="user or service_account.")
    actor_id: Mapped[UUID] = mapped_column(doc="Id of the user or service account.")
    operation: Mapped[str] = mapped_column(String(120), doc="Operation name, e.g. organization/v1/create.")
    target_ids: Mapped[list[str]] = mapped_column(ARRAY(String(64)), doc="Public ids of the records changed.")
    idempotency_key: Mapped[str | None] = mapped_column(String(255), doc="Key the client sent.")
    trace_id: Mapped[str | None] = mapped_column(String(32), doc="OpenTelemetry trace id of the request.")
    summary: Mapped[dict[str, Any]] = mapped_column(JSONB, doc="What changed, without secrets.")
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it happened (UTC)."
    )
    # Set by the database (trigger audit_chain_link), never by the application.
    chain_seq: Mapped[int | None] = mapped_column(BigInteger, doc="Position in the organization's hash chain (1, 2, …).")
    prev_hash: Mapped[str | None] = mapped_column(String(64), doc="Hash of the previous event in the chain.")
    hash: Mapped[str | None] = mapped_column(String(64), doc="SHA-256 over this event and the previous hash.")


AuditEventId = register_id(AuditEvent, "aud", "audit_event")


@hooks.audit_row.provide
def add_audit_row(session: AsyncSession, **fields: Any) -> None:
    """The audit row of a change, added to the change's own transaction."""
    session.add(AuditEvent(**fields))

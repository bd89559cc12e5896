"""Webhook endpoints, the events emitted to them (the outbox) and their deliveries.

An event is written in the same transaction as the change it reports, together
with one pending delivery per active endpoint subscribed to its type: the
delivery rows are the outbox. A delivery is then carried out by its own DBOS
workflow (`workflows.py`); a manual redelivery is a new delivery of the same
event, so receivers see the same `webhook-id` and can deduplicate.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from sqlalchemy import ARRAY, DateTime, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from domains.organizations import models as _organizations  # noqa: F401  (organizations: FK target)
from graph.db import Base, TenantMixin, TimestampMixin, new_id, pg_enum, tenant_fk
from graph.schemas import register_id


class WebhookEventType(StrEnum):
    """What happened, as an integrator subscribes to it."""

    PAYMENT_RECORDED = "payment.recorded"
    """An owner's payment was recorded."""
    PAYMENT_RETURNED = "payment.returned"
    """An owner's payment was returned (bounced)."""
    INVOICE_APPROVED = "invoice.approved"
    """A vendor invoice was fully approved."""
    INVOICE_REJECTED = "invoice.rejected"
    """A vendor invoice was rejected."""
    INVOICE_PAID = "invoice.paid"
    """A vendor invoice was paid in full."""
    LEVY_POSTED = "levy.posted"
    """An assessment levy was posted to the units."""
    OWNERSHIP_TRANSFERRED = "ownership.transferred"
    """A unit's ownership was transferred."""
    MEMBERSHIP_ADDED = "membership.added"
    """A member was added to the organization."""
    MEMBERSHIP_UPDATED = "membership.updated"
    """A member's roles changed."""
    MEMBERSHIP_REMOVED = "membership.removed"
    """A member was removed."""


EVENT_DESCRIPTIONS: dict[WebhookEventType, str] = {
    WebhookEventType.PAYMENT_RECORDED: "An owner's payment was recorded; `data` is the payment's ledger entry.",
    WebhookEventType.PAYMENT_RETURNED: "A payment came back from the bank (NSF); `data` has the return and its fee.",
    WebhookEventType.INVOICE_APPROVED: "A vendor invoice passed its last approval step and may be paid.",
    WebhookEventType.INVOICE_REJECTED: "A vendor invoice was rejected; its posting was reversed.",
    WebhookEventType.INVOICE_PAID: "A vendor invoice was paid in full.",
    WebhookEventType.LEVY_POSTED: "A levy finished posting its charges to every unit.",
    WebhookEventType.OWNERSHIP_TRANSFERRED: "A unit changed owners; `data` lists the new ownerships.",
    WebhookEventType.MEMBERSHIP_ADDED: "A user joined the organization.",
    WebhookEventType.MEMBERSHIP_UPDATED: "A member's roles changed.",
    WebhookEventType.MEMBERSHIP_REMOVED: "A member left or was removed from the organization.",
}


class WebhookEndpointStatus(StrEnum):
    """Whether an endpoint receives events: `active`, or `disabled` (by an admin,
    or by the platform after it failed every delivery for days)."""

    ACTIVE = "active"
    """Receives events."""
    DISABLED = "disabled"
    """Receives nothing: disabled by an admin, or by the platform after failing every delivery for days."""


class WebhookDeliveryStatus(StrEnum):
    """Where a delivery stands: `pending` (waiting for its next attempt),
    `succeeded` (the endpoint answered 2xx) or `failed` (every retry failed)."""

    PENDING = "pending"
    """Waiting for its next attempt."""
    SUCCEEDED = "succeeded"
    """The endpoint answered 2xx."""
    FAILED = "failed"
    """Every retry failed."""


class WebhookEndpoint(TenantMixin, TimestampMixin, Base):
    """A URL of the organization's that receives the events it subscribes to,
    signed with its secret."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (UniqueConstraint("organization_id", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The endpoint's id.")
    url: Mapped[str] = mapped_column(String(2000), doc="Where events are POSTed (https, or http where allowed).")
    event_types: Mapped[list[str]] = mapped_column(ARRAY(String(60)), doc="The event types it receives.")
    description: Mapped[str] = mapped_column(String(500), doc="What the endpoint is for.")
    status: Mapped[WebhookEndpointStatus] = mapped_column(
        pg_enum(WebhookEndpointStatus, "webhook_endpoint_status"), doc="Whether it receives events."
    )
    disabled_reason: Mapped[str | None] = mapped_column(String(200), doc="Why it is disabled; null while active.")
    # Sealed (graph/auth/sealing.py): the secret signs, so it is kept, never in the clear.
    secret: Mapped[str] = mapped_column(Text, doc="The signing secret, sealed.")
    previous_secret: Mapped[str | None] = mapped_column(Text, doc="The secret before the last rotation, sealed.")
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="Until when deliveries are also signed with the previous secret."
    )
    secret_rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="Last rotation (UTC).")
    failing_since: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="First failed delivery since the last success; null while deliveries succeed."
    )
    created_by: Mapped[UUID] = mapped_column(doc="User or service account that registered it.")


class WebhookEvent(TenantMixin, Base):
    """Something that happened, as sent to endpoints: written in the transaction of
    the change, never updated."""

    __tablename__ = "webhook_events"
    __table_args__ = (UniqueConstraint("organization_id", "id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The event's id (the `webhook-id` header).")
    type: Mapped[str] = mapped_column(String(60), doc="The event type, e.g. payment.recorded.")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB, doc="The JSON body sent: type, timestamp and data.")
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), doc="When it happened (the change's transaction)."
    )


class WebhookDelivery(TenantMixin, TimestampMixin, Base):
    """One event sent to one endpoint: the outbox row, then its delivery log."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        UniqueConstraint("organization_id", "id"),
        tenant_fk("event_id", "webhook_events"),
        tenant_fk("endpoint_id", "webhook_endpoints"),
        Index(None, "organization_id", "endpoint_id", "created_at"),
    )

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id, doc="The delivery's id.")
    event_id: Mapped[UUID] = mapped_column(doc="The event delivered.")
    endpoint_id: Mapped[UUID] = mapped_column(doc="The endpoint it goes to.")
    status: Mapped[WebhookDeliveryStatus] = mapped_column(
        pg_enum(WebhookDeliveryStatus, "webhook_delivery_status"), doc="Where the delivery stands."
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0, doc="Attempts made so far.")
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="The latest attempt (UTC).")
    next_attempt_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), doc="When the next attempt is due; null once it succeeded or failed."
    )
    response_status: Mapped[int | None] = mapped_column(Integer, doc="HTTP status of the latest attempt's answer.")
    last_error: Mapped[str | None] = mapped_column(String(500), doc="Why the latest attempt failed, if it did.")
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), doc="When it succeeded or finally failed.")
    requested_by: Mapped[UUID | None] = mapped_column(doc="Who asked for this delivery by hand (a redelivery); null otherwise.")


WebhookEndpointId = register_id(WebhookEndpoint, "whe", "webhook_endpoint")
WebhookEventId = register_id(WebhookEvent, "evt", "webhook_delivery")
WebhookDeliveryId = register_id(WebhookDelivery, "whd", "webhook_delivery")

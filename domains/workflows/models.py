"""Which organization a long-running workflow belongs to (DBOS's own tables know
nothing of tenants), so reading its status is RLS-scoped like any other row."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from domains.organizations import models as _organizations  # noqa: F401  (FK target)
from graph import hooks
from graph.db import Base, TimestampMixin, new_id


class WorkflowRun(TimestampMixin, Base):
    """A long-running workflow started for an organization."""

    __tablename__ = "workflow_runs"
    __table_args__ = (UniqueConstraint("organization_id", "workflow_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=new_id)
    organization_id: Mapped[UUID] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    workflow_id: Mapped[str] = mapped_column(String(80))
    name: Mapped[str] = mapped_column(String(120))


@hooks.workflow_run.provide
def record_run(session: AsyncSession, organization_id: UUID, workflow_id: str, name: str) -> None:
    session.add(WorkflowRun(organization_id=organization_id, workflow_id=workflow_id, name=name))

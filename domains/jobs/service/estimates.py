"""Estimates on the provider's side: revisions of line items sent to the
customer, and the customer's decisions as the dispatch workflow brings them back.

A provider revises an estimate as often as it likes until the customer approves
one: each revision is a new row (the last one still awaiting a decision is
superseded by it), so the history of what was offered stays. The customer's
copy of a revision has the same id (work_orders/service/estimates.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domains.jobs.errors import EstimateAlreadyApproved, EstimateNotAllowed, EstimateNotPending
from domains.jobs.models import EstimateStatus, Job, JobEstimate, JobEstimateLine, JobStatus
from domains.jobs.service import price_book
from graph.db import new_id
from graph.pages import Page, page_statement

CENT = Decimal("0.01")
# A job past these takes no estimate: it was turned down, finished or withdrawn.
CLOSED = frozenset({JobStatus.DECLINED, JobStatus.WORK_DONE, JobStatus.CANCELED})
UNDECIDED = (EstimateStatus.SUBMITTED, EstimateStatus.SUPERSEDED)


def amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    """A line's amount as the database computes it (`round(quantity * unit_price, 2)`)."""
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def line_values(lines: Sequence[Any]) -> list[dict[str, Any]]:
    """Numbered line values from input lines or an event's lines (either side)."""
    return [
        {
            "line_no": n,
            "description": _get(line, "description"),
            "quantity": Decimal(str(_get(line, "quantity"))),
            "unit_price": Decimal(str(_get(line, "unit_price"))),
        }
        for n, line in enumerate(lines, start=1)
    ]


def _get(line: Any, name: str) -> Any:
    return line[name] if isinstance(line, dict) else getattr(line, name)


def total(values: Sequence[dict[str, Any]]) -> Decimal:
    return sum((amount(v["quantity"], v["unit_price"]) for v in values), Decimal("0.00"))


async def supersede(session: AsyncSession, model: Any, key: Any, revision: int) -> None:
    """Earlier revisions still awaiting a decision are replaced by `revision`."""
    await session.execute(
        update(model)
        .where(key, model.revision < revision, model.status == EstimateStatus.SUBMITTED)
        .values(status=EstimateStatus.SUPERSEDED)
        .execution_options(synchronize_session=False)
    )


async def decide_copy(
    session: AsyncSession, model: Any, estimate: Any, status: EstimateStatus, note: str | None
) -> dict[str, Any]:
    """A customer's decision on its copy of a revision (`estimate`, locked, a row
    of `model`: a work order's or a service request's estimate). Returns the event
    its dispatch workflow carries to the provider's copy. ESTIMATE_NOT_PENDING for
    one already decided or superseded, and for any revision of a dispatch whose
    estimate was approved already."""
    if estimate.status is not EstimateStatus.SUBMITTED:
        raise EstimateNotPending(
            f"Revision {estimate.revision} of this estimate is {estimate.status.value}.",
            field=["id"],
            details={"status": estimate.status.value},
        )
    approved = await session.scalar(
        select(model.revision).where(model.dispatch_id == estimate.dispatch_id, model.status == EstimateStatus.APPROVED)
    )
    if approved is not None:
        raise EstimateNotPending(
            f"Revision {approved} of this provider's estimate is approved already.", field=["id"], details={"status": "approved"}
        )
    estimate.status = status
    estimate.decision_note = note
    estimate.decided_at = datetime.now(UTC)
    await session.flush()
    return {
        "decision": {
            "estimateId": str(estimate.id),
            "status": status.value,
            "note": note,
            "decidedAt": estimate.decided_at.isoformat(),
        }
    }


async def submit(
    session: AsyncSession, job: Job, lines: Sequence[Any], note: str | None, by: UUID
) -> tuple[JobEstimate, list[dict[str, Any]]]:
    """A new revision of the estimate for `job` (locked), with its line values:
    ESTIMATE_NOT_ALLOWED on a closed job, ESTIMATE_ALREADY_APPROVED once the
    customer approved a revision; lines may be priced from the price book."""
    if job.status in CLOSED:
        raise EstimateNotAllowed(f"This job is {job.status.value}: it takes no estimate.", field=["id"])
    revisions = (
        await session.execute(select(JobEstimate.revision, JobEstimate.status).where(JobEstimate.job_id == job.id))
    ).all()
    approved = [r.revision for r in revisions if r.status is EstimateStatus.APPROVED]
    if approved:
        raise EstimateAlreadyApproved(f"The customer approved revision {approved[0]}; it can't be revised.", field=["id"])
    revision = max((r.revision for r in revisions), default=0) + 1
    values = await price_book.priced(session, lines)
    await supersede(session, JobEstimate, JobEstimate.job_id == job.id, revision)
    estimate = JobEstimate(
        id=new_id(),
        organization_id=job.organization_id,
        job_id=job.id,
        revision=revision,
        status=EstimateStatus.SUBMITTED,
        total=total(values),
        note=note,
        submitted_by=by,
    )
    session.add(estimate)
    session.add_all(
        JobEstimateLine(id=new_id(), organization_id=job.organization_id, estimate_id=estimate.id, **v) for v in values
    )
    await session.flush()
    return estimate, values


def event(estimate: JobEstimate, values: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """What the customer's dispatch workflow receives of a revision (JSON)."""
    return {
        "id": str(estimate.id),
        "revision": estimate.revision,
        "total": str(estimate.total),
        "note": estimate.note,
        "lines": [
            {"description": v["description"], "quantity": str(v["quantity"]), "unit_price": str(v["unit_price"])} for v in values
        ],
    }


async def lines_of(session: AsyncSession, estimate_ids: Sequence[UUID]) -> Sequence[JobEstimateLine]:
    return (
        await session.scalars(
            select(JobEstimateLine)
            .where(JobEstimateLine.estimate_id.in_(estimate_ids))
            .order_by(JobEstimateLine.estimate_id, JobEstimateLine.line_no)
        )
    ).all()


async def decided(session: AsyncSession, estimate_id: UUID, status: EstimateStatus, note: str | None, at: datetime) -> bool:
    """The customer's decision on a revision, carried by the dispatch workflow (as
    the platform). Only an undecided revision takes it, so a re-run of the step
    changes nothing; one superseded here meanwhile takes it too (the customer
    decided before the new revision reached it, and its decision binds).
    False when nothing changed."""
    result = await session.execute(
        update(JobEstimate)
        .where(JobEstimate.id == estimate_id, JobEstimate.status.in_(UNDECIDED))
        .values(status=status, decision_note=note, decided_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[JobEstimate], Page]:
    p = Page(data.first, data.after, "created_at", descending=True)
    where = [visible]
    if data.status is not None:
        where.append(JobEstimate.status == data.status)
    if data.job_id is not None:
        where.append(JobEstimate.job_id == data.job_id)
    return (await session.scalars(page_statement(JobEstimate, p, where))).all(), p

"""GraphQL relation fields of the jobs domain."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.jobs.models import JobEstimate, JobEstimateLine, JobInvoice, JobInvoiceLine, JobTransition, JobVisit
from domains.jobs.schemas import (
    JobEstimateLineRead,
    JobEstimateRead,
    JobInvoiceLineRead,
    JobInvoiceRead,
    JobRead,
    JobTransitionRead,
    JobVisitRead,
    PriceBookItemRead,
)
from graph.gqltypes import extend, output_type, to_many


@extend(JobRead)
class JobRelations:
    @strawberry.field(description="Its moves so far, oldest first.")
    async def transitions(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[JobTransitionType]:
        return await info.context.loaders.by_column(JobTransition, "job_id").load(root.id)

    estimates = to_many(
        JobEstimate,
        "job_id",
        "JobEstimateType",
        "Every revision of its estimate, oldest first.",
        order_by=lambda: [JobEstimate.revision],
    )
    visits = to_many(
        JobVisit,
        "job_id",
        "JobVisitType",
        "Its technicians' visits, scheduled and canceled, by start time.",
        order_by=lambda: [JobVisit.starts_at, JobVisit.created_at],
    )
    invoices = to_many(
        JobInvoice,
        "job_id",
        "JobInvoiceType",
        "Its invoices, oldest first (a refused one, then its correction), with the customer's answers.",
        order_by=lambda: [JobInvoice.created_at, JobInvoice.id],
    )


@extend(JobEstimateRead)
class JobEstimateRelations:
    lines = to_many(
        JobEstimateLine, "estimate_id", "JobEstimateLineType", "Its lines, in order.", order_by=lambda: [JobEstimateLine.line_no]
    )


@extend(JobInvoiceRead)
class JobInvoiceRelations:
    lines = to_many(
        JobInvoiceLine, "invoice_id", "JobInvoiceLineType", "Its lines, in order.", order_by=lambda: [JobInvoiceLine.line_no]
    )


# Built after every extension: return annotations above name these lazily.
JobTransitionType = output_type(JobTransitionRead)
JobEstimateLineType = output_type(JobEstimateLineRead)
JobEstimateType = output_type(JobEstimateRead)
JobVisitType = output_type(JobVisitRead)
JobType = output_type(JobRead)
JobInvoiceLineType = output_type(JobInvoiceLineRead)
JobInvoiceType = output_type(JobInvoiceRead)
PriceBookItemType = output_type(PriceBookItemRead)

"""GraphQL relation fields of the jobs domain."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.jobs.models import JobTransition
from domains.jobs.schemas import JobRead, JobTransitionRead
from graph.gqltypes import extend, output_type


@extend(JobRead)
class JobRelations:
    @strawberry.field(description="Its moves so far, oldest first.")
    async def transitions(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[JobTransitionType]:
        return await info.context.loaders.by_column(JobTransition, "job_id").load(root.id)


# Built after every extension: return annotations above name these lazily.
JobTransitionType = output_type(JobTransitionRead)
JobType = output_type(JobRead)

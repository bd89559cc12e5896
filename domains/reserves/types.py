"""GraphQL relation fields of the reserves domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.reserves.models import ReserveComponentAccount, ReserveStudyComponent
from domains.reserves.schemas import (
    ReserveComponentRead,
    ReserveStudyComponentRead,
    ReserveStudyRead,
)
from graph.gqltypes import extend, output_type, to_one
from graph.ids import encode


@extend(ReserveStudyRead)
class ReserveStudyRelations:
    @strawberry.field(description="The components it studied, as they were on its date, by name.")
    async def components(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ReserveStudyComponentType]:
        if getattr(root, "components", None):  # an operation's result carries them
            return root.components
        return await info.context.loaders.by_column(ReserveStudyComponent, "study_id", order_by="name").load(root.id)


@extend(ReserveStudyComponentRead)
class ReserveStudyComponentRelations:
    component = to_one("The component in the register, as it is now.")


async def _account_ids(root: strawberry.Parent[Any], info: strawberry.Info) -> list[strawberry.ID]:
    ids = getattr(root, "account_ids", None)  # an operation's result carries them; a row read by id doesn't
    if ids is None:
        links = await info.context.loaders.by_column(ReserveComponentAccount, "component_id", order_by="account_id").load(root.id)
        ids = [link.account_id for link in links]
    return [strawberry.ID(encode("gla", i)) for i in ids]


@extend(ReserveComponentRead)
class ReserveComponentRelations:
    account_ids: list[strawberry.ID] = strawberry.field(
        resolver=_account_ids, description="Ids of the expense accounts its spending is posted to."
    )


# Built after every extension: return annotations above name these lazily.
ReserveStudyComponentType = output_type(ReserveStudyComponentRead)
ReserveStudyType = output_type(ReserveStudyRead)
ReserveComponentType = output_type(ReserveComponentRead)

"""Operations of the associations domain, one module per resource."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from dataloaders.pages import Page, connection
from graph.execution import OperationContext
from graph.schemas import ApiModel


def org(ctx: OperationContext) -> UUID:
    assert ctx.organization_id is not None
    return ctx.organization_id


def as_connection(model: type[ApiModel], rows: Sequence[Any], page: Page) -> Any:
    return model.model_validate(connection(rows, page), from_attributes=True)

"""Operations of the payables domain, one module per resource."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from graph.handlers import OperationContext


def actor(ctx: OperationContext) -> UUID:
    """The user or service account acting, recorded on postings and decisions."""
    assert ctx.principal is not None
    return ctx.principal.id


def with_nodes(connection: Any, nodes: list[Any]) -> Any:
    """`connection` with its nodes replaced by richer models of the same rows."""
    edges = [edge.model_copy(update={"node": node}) for edge, node in zip(connection.edges, nodes, strict=True)]
    return connection.model_copy(update={"nodes": nodes, "edges": edges})

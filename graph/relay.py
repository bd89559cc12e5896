"""Relay: the `Node` interface and the `node` / `nodes` entry points.

An id's prefix names its type, so lookups batch per table. A row that RLS hides,
that Cerbos denies, or that doesn't exist all answer `null` — no existence oracle.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated, Any
from uuid import UUID

import strawberry

from graph.authz import ResourceRef, resource_attrs
from graph.errors import AppError
from graph.ids import decode
from graph.schemas import NODES


@strawberry.interface(description="An object with a globally unique, opaque id (`<prefix>_…`).")
class Node:
    id: strawberry.ID = strawberry.field(description="Globally unique id; the same string in GraphQL and RPC.")


async def load_nodes(info: strawberry.Info, ids: list[str]) -> list[Any | None]:
    ctx = info.context
    parsed: list[tuple[str, UUID] | None] = []
    for raw in ids:
        try:
            prefix, value = decode(raw)
        except ValueError:
            parsed.append(None)
            continue
        parsed.append((prefix, value) if prefix in NODES else None)
    by_prefix: dict[str, list[UUID]] = defaultdict(list)
    for item in parsed:
        # Each row once: an id repeated in `ids` is answered from the same row.
        if item and item[1] not in by_prefix[item[0]]:
            by_prefix[item[0]].append(item[1])
    rows: dict[tuple[str, UUID], Any] = {}
    for prefix, values in by_prefix.items():
        model, kind = NODES[prefix]
        found = [r for r in await ctx.loaders.by_id(model).load_many(values) if r is not None]
        if not found:
            continue
        principal = ctx.principal
        if principal is not None and principal.active_organization_id is not None:
            await ctx.ensure_roles()
        if principal is None:
            continue
        refs = [ResourceRef(id=str(r.id), attrs=resource_attrs(r)) for r in found]
        allowed = await ctx.decisions.check(principal, kind, refs, {"read"})
        for row in found:
            if allowed.get(str(row.id), {}).get("read"):
                rows[(prefix, row.id)] = row
    return [rows.get(item) if item else None for item in parsed]


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Fetch any object by its id; null when it doesn't exist or isn't visible to you.")
    async def node(
        self,
        info: strawberry.Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The object's id.")],
    ) -> Node | None:
        return (await load_nodes(info, [id]))[0]

    @strawberry.field(description="Fetch up to 100 objects by id, in order; null for each one not visible.")
    async def nodes(
        self,
        info: strawberry.Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Up to 100 ids.")],
    ) -> list[Node | None]:
        if len(ids) > 100:
            raise AppError("`nodes` takes at most 100 ids.")
        return await load_nodes(info, list(ids))

"""The composed GraphQL schema: `viewer`, Relay's `node`/`nodes`, every domain's
reads and types, and every registered operation (graph/schema.py composes them)."""

from __future__ import annotations

import strawberry

from app.discovery import load_domains, resolve
from graph.relay import NodeQuery
from graph.schema import compose_schema
from graph.settings import Settings


def build_schema(settings: Settings) -> strawberry.federation.Schema:
    domains = load_domains()
    # After the domains: the viewer uses the types they extend.
    from resolvers.viewer import (
        ViewerQuery,  # local: importing it before discovery would build those types too early
    )

    return compose_schema(
        settings,
        queries=[ViewerQuery, NodeQuery, *(resolve(d, ref) for d in domains for ref in d.queries)],
        types=[resolve(d, ref) for d in domains for ref in d.types],
    )

"""Every mapped relationship must refuse to lazy-load: reads go through the
request's loaders, so a relationship that loads on attribute access would be a
hidden N+1 (and would do IO outside the request's RLS-scoped transaction)."""

from __future__ import annotations

from app.discovery import load_domains
from graph.db import Base


def test_no_relationship_loads_lazily() -> None:
    load_domains()
    offenders = [
        f"{mapper.class_.__name__}.{rel.key} (lazy={rel.lazy!r})"
        for mapper in Base.registry.mappers
        for rel in mapper.relationships
        if rel.lazy != "raise"
    ]
    assert offenders == [], "declare relationships with lazy='raise' and load them through dataloaders"

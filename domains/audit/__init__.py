"""Audit: the append-only record of every change."""

from graph.registry import Domain

domain = Domain(name="audit", description=__doc__ or "", modules=("types", "operations.audit"), queries=("types:AuditQuery",))

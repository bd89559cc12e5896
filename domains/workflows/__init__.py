"""Workflows: reading the status of durable workflows (mutations and long-running processes)."""

from graph.registry import Domain

domain = Domain(name="workflows", description=__doc__ or "", modules=("operations.workflows",))

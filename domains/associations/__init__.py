"""Associations: the profile of an HOA, condo or co-op (legal name, fiscal year, accounting basis)."""

from graph.registry import Domain

domain = Domain(name="associations", description=__doc__ or "")

"""Resale and estoppel certificates: requested for a unit by its owner, a
title company through an API key, or the association's staff, and issued at
once from live data — the owner ledger's balance and items, the charges to
come while it is valid, pending special assessments, open violations, the
governing documents and insurance in the library — in the form the
jurisdiction prescribes (data, one row per state and version: Florida's
§720.30851 estoppel certificate, California's §4525 disclosures). The PDF is
filed in the association's library; the fee goes to the owner's ledger, or is
due at closing from a title company; the certificate goes stale after the
form's validity period."""

from graph.registry import Domain

domain = Domain(
    name="estoppels",
    description=__doc__ or "",
    modules=("types", "operations.estoppel_certificates"),
)

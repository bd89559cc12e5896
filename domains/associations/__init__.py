"""Associations and property: associations, units, parties and their contact
points, ownership history, residents and emergency contacts."""

from graph.registry import Domain

domain = Domain(
    name="associations",
    description=__doc__ or "",
    modules=(
        "service.access",
        "types",
        "operations.associations",
        "operations.units",
        "operations.parties",
        "operations.ownerships",
        "operations.residents",
    ),
)

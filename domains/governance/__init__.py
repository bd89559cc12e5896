"""Governance: an association's board and committees, the seats on them with
their terms (elected or appointed) and the offices their members hold. A
current seat on the board is what makes a user a board member: the role comes
from the seat, and ends the day its term ends."""

from graph.registry import Domain

domain = Domain(
    name="governance",
    description=__doc__ or "",
    modules=(
        "service.access",
        "types",
        "operations.governing_bodies",
        "operations.seats",
        "operations.offices",
    ),
)

"""Amenities: each association's bookable places (clubhouse, pool, court, guest
parking) with their booking rules as data — who may book (owners in good
standing, read through receivables and violations), opening hours, slot
length, capacity, a weekly limit per unit, the fee and deposit charged to the
owner's ledger through receivables, the cancellation window — and bookings
that can't oversell a slot (a database constraint), each with a durable
lifecycle: requested → confirmed → checked in → closed, or cancelled / no-show."""

from graph.registry import Domain

domain = Domain(
    name="amenities",
    description=__doc__ or "",
    modules=(
        "types",
        "operations.amenities",
        "operations.amenity_bookings",
        "workflows",
    ),
)

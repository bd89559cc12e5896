"""The owner portal: what an owner or tenant sees when they sign in — one read
of their home across every unit they own or live in (balances, charges, the
last statement, autopay, requests, violations, messages, documents, meetings,
elections, bookings) — and the resident directory, where each resident
chooses what other residents of their association may see of them."""

from graph.registry import Domain

domain = Domain(
    name="portal",
    description=__doc__ or "",
    modules=(
        "operations.owner_home",
        "operations.directory_settings",
    ),
)

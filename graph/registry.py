"""How a domain declares itself: `domain = Domain(...)` in its `__init__.py`,
naming by string the modules that register its operations, GraphQL fields and
platform hooks, so importing a domain's models never drags in the transports.
The assembly finds them (`app.discovery.load_domains`): adding a domain needs no
edit elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Domain:
    name: str
    description: str
    # Submodules imported at startup for their side effects (operations, type extensions).
    modules: tuple[str, ...] = ("operations",)
    # "module:Class" of strawberry types whose fields join the root Query.
    queries: tuple[str, ...] = ()
    # "module:attr" of extra GraphQL types to include (reachable only via `node`).
    types: tuple[str, ...] = ()

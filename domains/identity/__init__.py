"""Identity: users, passwords, sessions and tokens."""

from graph.registry import Domain

domain = Domain(name="identity", description=__doc__ or "", modules=("operations.auth",))

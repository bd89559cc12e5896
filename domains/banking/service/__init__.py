"""Use cases of the banking domain. Nothing here commits: each runs inside the
operation's transaction."""

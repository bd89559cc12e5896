"""Use cases of the estoppels domain; all its SQL. Nothing here commits: each runs inside the operation's transaction."""

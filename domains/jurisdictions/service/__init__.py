"""Use cases of the jurisdictions domain; all its SQL. Nothing here commits: each
runs inside the operation's transaction."""

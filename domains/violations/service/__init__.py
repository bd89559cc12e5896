"""Use cases of the violations domain; all its SQL. Nothing here commits: each
runs inside the operation's (or the workflow step's) transaction."""

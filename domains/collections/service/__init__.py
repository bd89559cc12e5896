"""Use cases of the collections domain; all its SQL. Nothing here commits: each
runs inside the operation's (or the workflow step's) transaction."""

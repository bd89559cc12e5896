"""Use cases of the work-orders domain, one module per resource; all its SQL. Nothing
here commits: each runs inside the operation's (or the workflow step's) transaction."""

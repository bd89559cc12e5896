"""Use cases of the accounting domain, one module per topic; all its SQL. Nothing
here commits: each runs inside the operation's (or a subledger's) transaction."""

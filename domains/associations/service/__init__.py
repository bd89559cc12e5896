"""Use cases of the associations domain, one module per resource. Nothing here
commits: each runs inside the operation's transaction."""

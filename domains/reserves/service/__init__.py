"""Use cases of the reserves domain, one module per resource, with all its SQL
(components.py, studies.py), and the study arithmetic (projection.py, no SQL).
Nothing here commits: each runs inside the operation's transaction."""

"""Use cases of the jobs domain; all its SQL. Nothing here commits."""

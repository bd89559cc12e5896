"""Use cases of the service-requests domain; all its SQL. Nothing here commits."""

"""Developer tooling: the `hestami` command, local services, database setup and demo data.

Nothing here is imported by the running server (tests/test_layers.py checks it).
"""

"""The assembly: finds the domains, builds the GraphQL schema and the Starlette
application over the platform (`graph/`). The only package that imports all the
others; nothing imports it but the `hestami` command, tests and benchmarks."""

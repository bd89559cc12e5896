"""GraphQL fields that span domains: Relay nodes, the viewer."""

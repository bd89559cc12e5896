"""The estoppels domain's operations, one module per resource."""

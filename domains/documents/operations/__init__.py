"""The documents domain's operations, one module per resource."""

"""The violations domain's operations, one module per resource."""

"""The arc_requests domain's operations, one module per resource."""

"""Business domains. Each subpackage registers itself by exposing `domain` (see graph.registry)."""

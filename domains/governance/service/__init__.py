"""All SQL of the governance domain."""

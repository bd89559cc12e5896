"""The board packages domain's SQL and assembly."""

"""Reading the audit log and checking its hash chain; all the domain's SQL."""

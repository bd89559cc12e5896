"""Which workflows belong to the organization; all the domain's SQL."""

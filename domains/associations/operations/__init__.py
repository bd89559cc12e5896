"""Operations of the associations domain, one module per resource."""

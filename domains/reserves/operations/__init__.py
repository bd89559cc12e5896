"""Operations of the reserves domain, one module per resource."""

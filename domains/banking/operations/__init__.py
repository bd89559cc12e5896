"""Operations of the banking domain, one module per resource."""

"""Operations of the identity domain, one module per resource."""

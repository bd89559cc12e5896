"""Operations of the compliance domain, one module per resource."""

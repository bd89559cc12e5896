"""Operations of the organizations domain, one module per resource."""

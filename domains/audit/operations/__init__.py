"""Operations of the audit domain, one module per resource."""

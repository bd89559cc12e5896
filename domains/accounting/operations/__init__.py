"""Operations of the accounting domain, one module per resource."""

"""Operations of the payables domain, one module per resource."""

"""Operations of the workflows domain, one module per resource."""

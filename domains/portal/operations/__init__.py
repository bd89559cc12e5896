"""Operations of the owner portal, one module per resource."""

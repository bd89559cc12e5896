"""Operations of the amenities domain, one module per resource."""

"""Operations of the calendar domain, one module per resource."""

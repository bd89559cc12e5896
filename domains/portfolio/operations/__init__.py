"""Operations of the portfolio domain, one module per resource."""

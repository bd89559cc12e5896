"""Operations of the collections domain, one module per resource."""

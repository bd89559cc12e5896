"""Operations of the receivables domain, one module per resource."""

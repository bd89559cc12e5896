"""All SQL of the webhooks domain, and the outbound HTTP of a delivery."""

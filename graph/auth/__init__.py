"""Authentication: passwords, access tokens, Redis sessions, API keys, the principal."""

"""The portal's SQL: the home's sections and the resident directory."""

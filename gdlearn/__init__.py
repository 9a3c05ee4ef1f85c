"""gdlearn."""

"""Use cases and the ports they depend on (imports the domain only)."""

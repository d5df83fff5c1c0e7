"""Pure domain model: entities, value objects and domain services (stdlib + numpy only)."""

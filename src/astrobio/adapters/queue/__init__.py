"""Task queue adapters: an in-process runner (embedded default) and arq on Redis."""

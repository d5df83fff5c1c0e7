"""Entrypoints: HTTP API, worker and CLI. Thin: parse, call a use case, render."""

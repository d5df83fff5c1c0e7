"""Composition root: settings, logging and the dependency-injector container."""

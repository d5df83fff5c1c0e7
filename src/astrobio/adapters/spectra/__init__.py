"""Adapters of the spectra feature: bundled opacity tables and stellar spectrum sources."""

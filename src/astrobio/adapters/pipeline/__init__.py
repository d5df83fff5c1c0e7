"""Adapters of the pipeline's stage ports onto the climate, metabolism and spectra features."""

"""astrobio: exoplanet habitability and biosignature research backend."""

__version__ = "0.1.0"

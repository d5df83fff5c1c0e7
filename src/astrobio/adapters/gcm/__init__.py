"""GCM adapters: ExoPlaSim, one model per subprocess (``exoplasim`` is imported only there)."""

from astrobio.adapters.gcm.exoplasim import ExoPlaSimSimulator, model_configuration

__all__ = ["ExoPlaSimSimulator", "model_configuration"]

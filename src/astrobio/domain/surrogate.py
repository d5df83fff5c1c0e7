"""Climate surrogates as the domain sees them: model cards and predictions with uncertainty."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

import numpy as np

from astrobio.domain.climate import ClimateParameters


class SurrogateMode(Enum):
    """``scalar``: global means; ``datacube``: time-mean fields on the GCM grid."""

    SCALAR = "scalar"
    DATACUBE = "datacube"


#: The inputs every climate surrogate takes, in this order.
SURROGATE_INPUTS = (
    "star_teff_k", "instellation_w_m2", "radius_earth", "gravity_m_s2", "rotation_period_days",
    "synchronous", "surface_pressure_bar", "pco2_bar",
)


def input_vector(p: ClimateParameters) -> tuple[float, ...]:
    """The surrogate input of ``p`` (``synchronous`` as 0/1), in :data:`SURROGATE_INPUTS` order."""
    return tuple(float(getattr(p, name)) for name in SURROGATE_INPUTS)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelCard:
    """Everything needed to trust (or distrust) a trained surrogate.

    ``id`` is the SHA-256 of the checkpoint bytes (content address). ``input_ranges`` are
    the min/max of each input over the training runs: predictions outside are flagged.
    ``metrics`` are held-out scores (e.g. ``ts_rmse_k``); ``training_cubes`` the cube ids
    and checksums it was trained on.
    """

    id: str
    mode: SurrogateMode
    created_at: datetime
    code_version: str
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    training_cubes: tuple[tuple[str, str], ...] = ()
    input_ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    outputs: tuple[str, ...] = ()
    active: bool = False

    def out_of_range(self, p: ClimateParameters) -> tuple[str, ...]:
        """Input names of ``p`` outside the training range (a warning, never silent extrapolation)."""
        out = []
        for name, (lo, hi) in self.input_ranges.items():
            v = float(getattr(p, name))
            if not lo <= v <= hi:
                out.append(name)
        return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class ScalarPrediction:
    """Global means with 1-sigma uncertainty, e.g. ``{"ts_k": (288.1, 2.3)}``.

    ``ood_distance``: Mahalanobis distance of the inputs to the training runs over the model's
    out-of-distribution threshold (> 1: outside, flagged in ``out_of_range``; None for models
    that only know a per-input box). ``answered_by``: ``<arch>:<id12>`` for the model itself,
    ``ebm-prior:<id12>`` where it fell back to its physics prior.
    """

    model_id: str
    values: dict[str, tuple[float, float]]
    units: dict[str, str]
    out_of_range: tuple[str, ...] = ()
    ood_distance: float | None = None
    answered_by: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class CubePrediction:
    """Time-mean fields on the GCM grid with per-voxel sigma.

    ``mean[var]`` and ``sigma[var]`` have shape (lev, lat, lon) for 3-D variables and
    (lat, lon) for 2-D ones; ``dims[var]`` names them. ``ood_distance`` and ``answered_by``: as
    for :class:`ScalarPrediction`.
    """

    model_id: str
    mean: dict[str, np.ndarray]
    sigma: dict[str, np.ndarray]
    dims: dict[str, tuple[str, ...]]
    units: dict[str, str]
    lat_deg: tuple[float, ...]
    lon_deg: tuple[float, ...]
    lev: tuple[float, ...]
    out_of_range: tuple[str, ...] = ()
    ood_distance: float | None = None
    answered_by: str = ""

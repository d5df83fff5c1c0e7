"""The spectra feature's explicit-parameter forward model (``domain/forward_model.py``) behind this
feature's :class:`ForwardModel` port, binned onto the JWST model grid.

Not the default: the shipped denoiser and flow were trained on
:class:`~astrobio.adapters.jwst.forward.IsothermalTransmissionModel`. Swapping means retraining both
(``astrobio train denoiser|retrieval`` after pointing the container's ``forward_model`` here). It is
about two orders of magnitude slower per spectrum (a layered atmosphere per call), which matters for
nested sampling more than for training sets.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from astrobio.adapters.jwst.forward import G_EARTH, MODEL_GRID, STAR_RADIUS_SUN
from astrobio.application.ports.jwst import ForwardModel
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.forward_model import ForwardParameters, transmission_ppm
from astrobio.domain.retrieval import PriorBox
from astrobio.domain.spectrum import bin_mean

GASES = ("H2O", "CO2", "CH4", "O3", "N2O")


class SpectraFeatureForwardModel(ForwardModel):
    """theta rows in :data:`~astrobio.domain.retrieval.DEFAULT_PRIORS` order -> depth (ppm) on the grid."""

    def __init__(self, opacity_npz: Path, priors: PriorBox | None = None, n_layers: int = 40) -> None:
        from astrobio.adapters.spectra.opacity_npz import NpzOpacitySource

        self._tables = NpzOpacitySource(opacity_npz).tables()
        self.grid, self.priors, self.n_layers = MODEL_GRID, priors or PriorBox(), n_layers

    def depth_ppm(self, theta: NDArray[np.float64]) -> NDArray[np.float64]:
        th = np.atleast_2d(np.asarray(theta, dtype=np.float64))
        if th.shape[1] != len(self.priors.priors):
            raise InvalidQuantity(f"theta needs {len(self.priors.priors)} columns", field="theta")
        out = np.empty((th.shape[0], self.grid.n_bins))
        wl = np.asarray(self._tables.wavelength_um)
        order = np.argsort(wl)
        for i, row in enumerate(th):
            r = float(row[7])
            mass = 0.9718 * r**3.58 if r < 1.23 else 1.436 * r**1.70
            params = ForwardParameters(
                temperature_k=float(row[0]),
                log10_vmr=dict(zip(GASES, map(float, row[1:6]), strict=True)),
                log10_cloud_top_pressure_bar=float(row[6]),
                reference_radius_earth=r,
                star_radius_sun=STAR_RADIUS_SUN,
                gravity_m_s2=G_EARTH * mass / r**2,
            )
            depth = np.asarray(transmission_ppm(params, self._tables, n_layers=self.n_layers))
            out[i] = bin_mean(wl[order], depth[order], self.grid.edges_um)
        if not np.isfinite(out).all():
            raise InvalidQuantity("the opacity tables do not cover the model grid", field="grid")
        return out

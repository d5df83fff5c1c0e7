"""Ports of the spectra feature: opacity tables, stellar spectra and a surface-climate estimate."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from astrobio.domain.assessment import Assessment
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate
from astrobio.domain.spectrum import OpacityTables
from astrobio.domain.star import Star


@dataclass(frozen=True, slots=True, kw_only=True)
class StellarSpectrum:
    """Flux at the stellar surface.

    Attributes
    ----------
    wavelength_um: (N,) ascending. flux_w_m2_um: (N,) surface flux density, W m^-2 um^-1.
    provenance: which source (and grid point / template / fallback) produced it.
    """

    wavelength_um: np.ndarray
    flux_w_m2_um: np.ndarray
    provenance: str

    def __post_init__(self) -> None:
        wl, f = np.asarray(self.wavelength_um), np.asarray(self.flux_w_m2_um)
        if wl.ndim != 1 or wl.shape != f.shape or wl.size < 2 or np.any(np.diff(wl) <= 0):
            raise InvalidQuantity(
                "stellar spectrum needs ascending wavelengths matching the flux", field="stellar_spectrum"
            )
        if not np.all(np.isfinite(f)) or np.any(f < 0):
            raise InvalidQuantity("stellar flux must be finite and >= 0", field="stellar_spectrum")


class StellarSpectrumSource(Protocol):
    """Gives a star's surface spectrum, or None when this source cannot model the star."""

    def spectrum_for(self, star: Star) -> StellarSpectrum | None: ...


class OpacitySource(Protocol):
    def tables(self) -> OpacityTables:
        """The full opacity tables (cached by the adapter)."""
        ...


class ClimateEstimator(Protocol):
    """Surface temperature of catalog planets (the climate surrogate's ranking estimator fits)."""

    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]: ...

"""Stellar spectrum sources: bundled observed templates, a blackbody fallback, and a first-hit chain."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from astrobio.application.ports.spectra import StellarSpectrum, StellarSpectrumSource
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.spectrum import planck_w_m2_um_sr
from astrobio.domain.star import Star

SIGMA_SB = 5.670374419e-8
#: Template Teff, K: Sun (IAU nominal); GJ 436 (von Braun et al. 2012), GJ 876 (von Braun et al. 2014),
#: GJ 1214 (Cloutier et al. 2021), GJ 551 = Proxima Cen (Ribas et al. 2017).
TEMPLATE_TEFF_K: Mapping[str, float] = {
    "sun": 5772.0,
    "gj436": 3416.0,
    "gj876": 3129.0,
    "gj1214": 3250.0,
    "gj551": 2980.0,
}
TEMPLATE_LABEL: Mapping[str, str] = {
    "sun": "Gueymard (2004) solar spectrum",
    "gj436": "MUSCLES GJ 436",
    "gj876": "MUSCLES GJ 876",
    "gj1214": "MUSCLES GJ 1214",
    "gj551": "MUSCLES GJ 551 (Proxima Cen)",
}
EXTENSION_UM = np.geomspace(0.05, 500.0, 1200)


def blackbody_spectrum(teff_k: float, wavelength_um: np.ndarray = EXTENSION_UM) -> StellarSpectrum:
    """Surface flux pi B_lambda(Teff)."""
    return StellarSpectrum(
        wavelength_um=wavelength_um,
        flux_w_m2_um=np.pi * planck_w_m2_um_sr(wavelength_um, teff_k),
        provenance=f"blackbody Teff={teff_k:.0f} K",
    )


def renormalised(
    wavelength_um: np.ndarray, flux: np.ndarray, teff_k: float, provenance: str
) -> StellarSpectrum:
    """A spectrum's shape scaled to sigma Teff^4, extended by a matched blackbody outside its range."""
    wl, f = np.asarray(wavelength_um, float), np.asarray(flux, float)
    bb = np.pi * planck_w_m2_um_sr(EXTENSION_UM, teff_k)
    tail = slice(max(wl.size - 20, 0), wl.size)
    scale_red = np.mean(f[tail]) / np.mean(np.pi * planck_w_m2_um_sr(wl[tail], teff_k))
    blue, red = wl[0] > EXTENSION_UM, wl[-1] < EXTENSION_UM
    w = np.concatenate([EXTENSION_UM[blue], wl, EXTENSION_UM[red]])
    v = np.concatenate([bb[blue] * 0.0, f, bb[red] * scale_red])
    total = float(np.sum(0.5 * (v[1:] + v[:-1]) * np.diff(w)))
    if not total > 0:
        raise InvalidDataset("stellar template integrates to zero", field="stellar_spectrum")
    return StellarSpectrum(
        wavelength_um=w, flux_w_m2_um=v * SIGMA_SB * teff_k**4 / total, provenance=provenance
    )


@lru_cache(maxsize=2)
def _templates(path: str) -> dict[str, np.ndarray]:
    with np.load(path) as d:
        return {k: np.asarray(d[k]) for k in d.files}


class BlackbodyStellarSpectra(StellarSpectrumSource):
    """Planck surface flux at the star's Teff (None without Teff)."""

    def spectrum_for(self, star: Star) -> StellarSpectrum | None:
        return None if star.teff_k is None else blackbody_spectrum(star.teff_k)


class TemplateStellarSpectra(StellarSpectrumSource):
    """Nearest observed template within ``max_delta_teff_k`` of the star's Teff, renormalised to sigma Teff^4.

    The MUSCLES files are shapes only: their absolute scale differs between stars (see the provenance),
    so every template is rescaled to the star's bolometric surface flux.
    """

    def __init__(self, path: Path, max_delta_teff_k: float = 250.0) -> None:
        self._path = path
        self._max = max_delta_teff_k

    def spectrum_for(self, star: Star) -> StellarSpectrum | None:
        if star.teff_k is None:
            return None
        key = min(TEMPLATE_TEFF_K, key=lambda k: abs(TEMPLATE_TEFF_K[k] - float(star.teff_k or 0)))
        if abs(TEMPLATE_TEFF_K[key] - star.teff_k) > self._max:
            return None
        try:
            t = _templates(str(self._path))
        except (OSError, ValueError) as exc:
            raise InvalidDataset(
                f"stellar templates {self._path} unreadable: {exc}", field="stellar_spectra"
            ) from exc
        return renormalised(
            t["wavelength_um"],
            t[key],
            star.teff_k,
            f"template {TEMPLATE_LABEL[key]} (Teff {TEMPLATE_TEFF_K[key]:.0f} K) "
            f"renormalised to sigma*{star.teff_k:.0f}^4",
        )


class ChainedStellarSpectra(StellarSpectrumSource):
    """The first source that models the star (e.g. PHOENIX grid, then templates, then blackbody)."""

    def __init__(self, sources: Sequence[StellarSpectrumSource]) -> None:
        self._sources = tuple(sources)

    def spectrum_for(self, star: Star) -> StellarSpectrum | None:
        for s in self._sources:
            out = s.spectrum_for(star)
            if out is not None:
                return out
        return None

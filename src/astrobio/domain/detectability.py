"""JWST photon-noise model per instrument mode, feature SNR and transits needed for 5 sigma.

Per wavelength bin, in-transit photo-electrons N = F_lambda dlambda A t eta lambda / (h c) with the
stellar flux at Earth F_lambda = F_surface (R_s / d)^2, A = 25.4 m^2 and eta the mode's approximate
total throughput. A transit depth is measured against an equal out-of-transit baseline, so
sigma_phot = sqrt(1/N_in + 1/N_out) = sqrt(2 / N_in) per transit. A per-mode systematic floor adds in
quadrature and does not average down with more transits:
sigma(n)^2 = sigma_phot^2 / n + floor^2.
A gas's feature is the difference between the spectrum with and without it; its SNR over the mode's
bins is sqrt(sum (delta_i / sigma_i)^2).

Not modelled: detector saturation / brightness limits, read and background noise, partial saturation
strategies, red noise beyond the floor, the wavelength dependence of throughput within a mode.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from astrobio.domain.errors import InvalidQuantity

JWST_AREA_M2 = 25.4
H_PLANCK, C_LIGHT = 6.62607015e-34, 2.99792458e8
MAX_TRANSITS = 10000


@dataclass(frozen=True, slots=True, kw_only=True)
class InstrumentMode:
    """One JWST time-series spectroscopy mode.

    Attributes
    ----------
    name: e.g. ``"nirspec_prism"``. wavelength_min_um, wavelength_max_um: usable range.
    resolution: native resolving power (reported; bins are the model's R~100 grid or coarser).
    throughput: approximate mean total (telescope + instrument + detector) efficiency.
    noise_floor_ppm: systematic floor per bin.
    """

    name: str
    wavelength_min_um: float
    wavelength_max_um: float
    resolution: float
    throughput: float
    noise_floor_ppm: float

    def __post_init__(self) -> None:
        if not 0 < self.wavelength_min_um < self.wavelength_max_um:
            raise InvalidQuantity("mode wavelength range must be increasing and > 0", field="mode")
        if not 0 < self.throughput <= 1:
            raise InvalidQuantity("throughput must be in (0, 1]", field="mode.throughput")


#: Ranges and resolutions: JWST User Documentation (JDox) time-series observation pages. Throughputs:
#: rough means of the Pandeia/JDox PCE curves over each range. Floors: Greene et al. (2016, ApJ 817, 17)
#: noise floors (NIRISS 20, NIRSpec 30 for G395H, MIRI 50 ppm); PRISM's 20 ppm follows the
#: near-photon-limited ERS results (Rustamkulov et al. 2023).
JWST_MODES: Mapping[str, InstrumentMode] = {
    m.name: m
    for m in (
        InstrumentMode(
            name="nirspec_prism",
            wavelength_min_um=0.6,
            wavelength_max_um=5.3,
            resolution=100,
            throughput=0.35,
            noise_floor_ppm=20.0,
        ),
        InstrumentMode(
            name="niriss_soss",
            wavelength_min_um=0.6,
            wavelength_max_um=2.8,
            resolution=700,
            throughput=0.30,
            noise_floor_ppm=20.0,
        ),
        InstrumentMode(
            name="nirspec_g395h",
            wavelength_min_um=2.87,
            wavelength_max_um=5.14,
            resolution=2700,
            throughput=0.30,
            noise_floor_ppm=30.0,
        ),
        InstrumentMode(
            name="miri_lrs",
            wavelength_min_um=5.0,
            wavelength_max_um=12.0,
            resolution=100,
            throughput=0.20,
            noise_floor_ppm=50.0,
        ),
    )
}


def mode(name: str) -> InstrumentMode:
    """The named mode, or :class:`InvalidQuantity` naming ``mode``."""
    try:
        return JWST_MODES[name]
    except KeyError:
        raise InvalidQuantity(
            f"unknown instrument mode {name!r} (known: {', '.join(JWST_MODES)})", field="mode"
        ) from None


def transit_duration_h(
    period_days: float,
    semi_major_axis_au: float,
    star_radius_sun: float,
    planet_radius_earth: float,
    impact_parameter: float = 0.0,
) -> float:
    """T14 = P / pi asin(sqrt((R_s + R_p)^2 - (b R_s)^2) / a), circular orbit.

    Seager & Mallen-Ornelas (2003), eq. 3 with sin i ~ 1.
    """
    rs = star_radius_sun * 6.957e8
    rp = planet_radius_earth * 6.3781e6
    a = semi_major_axis_au * 1.495978707e11
    chord = math.sqrt(max((rs + rp) ** 2 - (impact_parameter * rs) ** 2, 0.0))
    return period_days * 24.0 / math.pi * math.asin(min(chord / a, 1.0))


def photon_counts(
    wavelength_um: np.ndarray,
    bin_width_um: np.ndarray,
    flux_earth_w_m2_um: np.ndarray,
    duration_s: float,
    throughput: float,
    area_m2: float = JWST_AREA_M2,
) -> np.ndarray:
    """Photo-electrons collected per bin during ``duration_s``."""
    photon_j = H_PLANCK * C_LIGHT / (np.asarray(wavelength_um) * 1e-6)
    return np.asarray(flux_earth_w_m2_um * bin_width_um * area_m2 * duration_s * throughput / photon_j)


def photon_noise_ppm(n_in_transit: np.ndarray) -> np.ndarray:
    """1-transit transit-depth uncertainty sqrt(2 / N_in) in ppm (equal out-of-transit baseline)."""
    return np.asarray(np.sqrt(2.0 / np.maximum(n_in_transit, 1e-30)) * 1e6)


def noise_ppm(sigma_photon_1_ppm: np.ndarray, floor_ppm: float, n_transits: int) -> np.ndarray:
    """sigma(n) = sqrt(sigma_phot^2 / n + floor^2), ppm."""
    return np.asarray(np.sqrt(np.asarray(sigma_photon_1_ppm) ** 2 / n_transits + floor_ppm**2))


def feature_snr(
    delta_ppm: np.ndarray, sigma_photon_1_ppm: np.ndarray, floor_ppm: float, n_transits: int
) -> float:
    """sqrt(sum (delta / sigma(n))^2) over finite bins."""
    s = noise_ppm(sigma_photon_1_ppm, floor_ppm, n_transits)
    ok = np.isfinite(delta_ppm) & np.isfinite(s)
    return float(np.sqrt(np.sum((delta_ppm[ok] / s[ok]) ** 2)))


def transits_for_snr(
    delta_ppm: np.ndarray, sigma_photon_1_ppm: np.ndarray, floor_ppm: float, target_snr: float = 5.0
) -> int | None:
    """Fewest transits reaching ``target_snr`` (None if unreachable within :data:`MAX_TRANSITS`)."""
    if feature_snr(delta_ppm, sigma_photon_1_ppm, floor_ppm, MAX_TRANSITS) < target_snr:
        return None
    lo, hi = 1, MAX_TRANSITS
    while lo < hi:
        mid = (lo + hi) // 2
        if feature_snr(delta_ppm, sigma_photon_1_ppm, floor_ppm, mid) >= target_snr:
            hi = mid
        else:
            lo = mid + 1
    return lo


@dataclass(frozen=True, slots=True, kw_only=True)
class Detectability:
    """Noise and detectability of one spectrum in one mode.

    Attributes
    ----------
    mode: the mode's name. n_transits: transits co-added for ``sigma_ppm`` and ``snr``.
    wavelength_um: (M,) bins in the mode's range. sigma_ppm: (M,) 1-sigma transit-depth noise.
    transit_duration_h: T14 used. snr: gas -> feature SNR with ``n_transits``.
    transits_for_5sigma: gas -> fewest transits for 5 sigma (None: not reachable above the floor).
    """

    mode: str
    n_transits: int
    wavelength_um: np.ndarray
    sigma_ppm: np.ndarray
    transit_duration_h: float
    snr: Mapping[str, float] = field(default_factory=dict)
    transits_for_5sigma: Mapping[str, int | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.n_transits < 1:
            raise InvalidQuantity("number of transits must be >= 1", field="n_transits")

"""Transmission and emission spectroscopy metrics of Kempton et al. (2018), PASP 130, 114401."""

from __future__ import annotations

import math

from astrobio.domain.constants import C_LIGHT, H_PLANCK, K_BOLTZMANN, R_EARTH_IN_SUN
from astrobio.domain.quantities import require_finite, require_positive

#: TSM is defined for planets smaller than 10 R_earth.
TSM_MAX_RADIUS_EARTH = 10.0
#: ESM reference wavelength, m, and dayside temperature factor.
ESM_WAVELENGTH_M = 7.5e-6
ESM_DAYSIDE_FACTOR = 1.10
ESM_NORMALISATION = 4.29e6


def tsm_scale_factor(radius_earth: float) -> float | None:
    """Kempton et al. (2018) Table 1 scale factor; ``None`` for R >= 10 R_earth.

    0.190 for R < 1.5, 1.26 for 1.5 <= R < 2.75, 1.28 for 2.75 <= R < 4.0, 1.15 for
    4.0 <= R < 10 (R_earth).
    """
    r = require_positive(radius_earth, "radius_earth")
    if r < 1.5:
        return 0.190
    if r < 2.75:
        return 1.26
    if r < 4.0:
        return 1.28
    if r < TSM_MAX_RADIUS_EARTH:
        return 1.15
    return None


def transmission_spectroscopy_metric(
    *, radius_earth: float, mass_earth: float, teq_k: float, star_radius_sun: float, j_mag: float
) -> float | None:
    """TSM = scale * Rp^3 Teq / (Mp R*^2) * 10^(-mJ/5)  (Kempton et al. 2018, eq. 1).

    Rp in R_earth, Mp in M_earth, R* in R_sun, Teq in K (zero albedo, full
    redistribution). ``None`` when Rp >= 10 R_earth, where TSM is not defined.
    """
    scale = tsm_scale_factor(radius_earth)
    if scale is None:
        return None
    mp = require_positive(mass_earth, "mass_earth")
    teq = require_positive(teq_k, "teq_k")
    rs = require_positive(star_radius_sun, "star.radius_sun")
    mj = require_finite(j_mag, "star.j_mag")
    return float(scale * radius_earth**3 * teq / (mp * rs * rs) * 10.0 ** (-mj / 5.0))


def planck_lambda(wavelength_m: float, temperature_k: float) -> float:
    """Planck spectral radiance B_lambda(T), W m^-3 sr^-1."""
    lam = require_positive(wavelength_m, "wavelength_m")
    t = require_positive(temperature_k, "temperature_k")
    x = H_PLANCK * C_LIGHT / (lam * K_BOLTZMANN * t)
    prefactor = 2.0 * H_PLANCK * C_LIGHT**2 / lam**5
    if x > 700.0:  # deep Wien tail: exp(x) would overflow; exp(-x) underflows gracefully to 0
        return prefactor * math.exp(-x)
    return prefactor / math.expm1(x)


def emission_spectroscopy_metric(
    *, radius_earth: float, teq_k: float, star_radius_sun: float, star_teff_k: float, k_mag: float
) -> float:
    """ESM = 4.29e6 * B(7.5 um, 1.10 Teq) / B(7.5 um, Teff) * (Rp/R*)^2 * 10^(-mK/5).

    Kempton et al. (2018), eq. 4; Rp/R* is taken in the same unit (R_earth -> R_sun with
    the IAU nominal radii).
    """
    rp = require_positive(radius_earth, "radius_earth") * R_EARTH_IN_SUN
    rs = require_positive(star_radius_sun, "star.radius_sun")
    tday = ESM_DAYSIDE_FACTOR * require_positive(teq_k, "teq_k")
    ratio = planck_lambda(ESM_WAVELENGTH_M, tday) / planck_lambda(ESM_WAVELENGTH_M, star_teff_k)
    mk = require_finite(k_mag, "star.k_mag")
    return float(ESM_NORMALISATION * ratio * (rp / rs) ** 2 * 10.0 ** (-mk / 5.0))

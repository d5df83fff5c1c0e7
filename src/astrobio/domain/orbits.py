"""Orbital and radiative basics: Kepler III, stellar luminosity, instellation, T_eq."""

from __future__ import annotations

import math

from astrobio.domain.constants import AU_M, DAY_S, FOUR_PI2, GM_SUN, R_SUN_M, T_SUN_K
from astrobio.domain.quantities import require_positive


def semi_major_axis_au(period_days: float, star_mass_sun: float) -> float:
    """Semi-major axis from Kepler's third law, neglecting the planet's mass.

    a = (G M* P^2 / 4 pi^2)^(1/3).

    Parameters
    ----------
    period_days: orbital period, days (> 0).
    star_mass_sun: stellar mass, M_sun (> 0).

    Returns
    -------
    float: semi-major axis, AU. One sidereal year around one solar mass gives 1.0000 AU.
    """
    p = require_positive(period_days, "orbital_period_days") * DAY_S
    m = require_positive(star_mass_sun, "star.mass_sun")
    return float((GM_SUN * m * p * p / FOUR_PI2) ** (1.0 / 3.0) / AU_M)


def luminosity_sun(radius_sun: float, teff_k: float) -> float:
    """Stellar luminosity from Stefan-Boltzmann, L/L_sun = (R/R_sun)^2 (Teff/5772 K)^4."""
    r = require_positive(radius_sun, "star.radius_sun")
    t = require_positive(teff_k, "star.teff_k")
    return r * r * (t / T_SUN_K) ** 4


def insolation_earth(luminosity_sun_: float, semi_major_axis_au_: float) -> float:
    """Bolometric instellation relative to Earth's, S/S_earth = L / a^2 (L in L_sun, a in AU)."""
    lum = require_positive(luminosity_sun_, "star.luminosity_sun")
    a = require_positive(semi_major_axis_au_, "semi_major_axis_au")
    return lum / (a * a)


def equilibrium_temperature_k(teff_k: float, radius_sun: float, semi_major_axis_au_: float) -> float:
    """Equilibrium temperature for zero Bond albedo and full heat redistribution.

    T_eq = T_eff * sqrt(R* / (2 a)). Earth around the Sun gives 278.3 K (with
    T_sun = 5772 K).
    """
    t = require_positive(teff_k, "star.teff_k")
    r_m = require_positive(radius_sun, "star.radius_sun") * R_SUN_M
    a_m = require_positive(semi_major_axis_au_, "semi_major_axis_au") * AU_M
    return t * math.sqrt(r_m / (2.0 * a_m))

"""Orbital and radiative basics: Kepler III, stellar luminosity, instellation, T_eq."""

from __future__ import annotations

import math

from astrobio.domain.constants import AU_M, DAY_S, FOUR_PI2, GM_EARTH, GM_SUN, R_EARTH_M, R_SUN_M, T_SUN_K
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


#: Tidal-locking assumptions (Gladman et al. 1996, Icarus 122, 166, eq. 9 and their rock values):
#: tidal dissipation factor Q, rigidity mu (Pa) of rock, initial spin period (h), moment of inertia
#: factor I / (m R^2) of a uniform sphere, and the system age (yr) used when the star's is unknown.
TIDAL_Q = 100.0
ROCK_RIGIDITY_PA = 3.0e10
INITIAL_SPIN_PERIOD_H = 12.0
INERTIA_FACTOR = 0.4
DEFAULT_SYSTEM_AGE_YR = 4.5e9
_G = 6.67430e-11
_YEAR_S = 365.25 * DAY_S


def love_number_k2(mass_earth: float, radius_earth: float, rigidity_pa: float = ROCK_RIGIDITY_PA) -> float:
    """Tidal Love number of a homogeneous elastic sphere, k2 = (3/2) / (1 + 19 mu / (2 rho g R))."""
    m = require_positive(mass_earth, "mass_earth") * GM_EARTH / _G
    r = require_positive(radius_earth, "radius_earth") * R_EARTH_M
    rho = m / (4.0 / 3.0 * math.pi * r**3)
    g = _G * m / r**2
    return 1.5 / (1.0 + 19.0 * rigidity_pa / (2.0 * rho * g * r))


def tidal_locking_time_yr(semi_major_axis_au_: float, star_mass_sun: float, mass_earth: float,
                          radius_earth: float, *, q: float = TIDAL_Q, rigidity_pa: float = ROCK_RIGIDITY_PA,
                          initial_spin_period_h: float = INITIAL_SPIN_PERIOD_H) -> float:
    """Time (yr) for the star's tides to despin a planet to synchronous rotation (Gladman et al. 1996).

    t = omega a^6 I Q / (3 G M*^2 k2 R^5), I = 0.4 m R^2, k2 from :func:`love_number_k2`,
    omega the initial spin rate. Scales as a^6: the habitable zone of an M dwarf locks in
    Myr, Earth around the Sun would need ~10^10-10^11 yr.
    """
    a = require_positive(semi_major_axis_au_, "semi_major_axis_au") * AU_M
    m_star = require_positive(star_mass_sun, "star.mass_sun") * GM_SUN / _G
    m = require_positive(mass_earth, "mass_earth") * GM_EARTH / _G
    r = require_positive(radius_earth, "radius_earth") * R_EARTH_M
    omega = 2.0 * math.pi / (require_positive(initial_spin_period_h, "initial_spin_period_h") * 3600.0)
    k2 = love_number_k2(mass_earth, radius_earth, rigidity_pa)
    t_s = omega * a**6 * INERTIA_FACTOR * m * r**2 * q / (3.0 * _G * m_star**2 * k2 * r**5)
    return t_s / _YEAR_S


def is_tidally_locked(semi_major_axis_au_: float, star_mass_sun: float, mass_earth: float,
                      radius_earth: float, age_yr: float | None = None) -> bool:
    """Whether the locking time (:func:`tidal_locking_time_yr`) is shorter than the system's age
    (``age_yr``, else :data:`DEFAULT_SYSTEM_AGE_YR`)."""
    age = DEFAULT_SYSTEM_AGE_YR if age_yr is None else require_positive(age_yr, "age_yr")
    return tidal_locking_time_yr(semi_major_axis_au_, star_mass_sun, mass_earth, radius_earth) < age

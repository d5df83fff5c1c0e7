"""Habitable-zone boundaries (Kopparapu et al. 2014) and the Earth Similarity Index."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from astrobio.domain.quantities import require_finite, require_positive


class HzLimit(Enum):
    """The HZ limits of Kopparapu et al. (2014), ApJL 787, L29."""

    RECENT_VENUS = "recent_venus"
    RUNAWAY_GREENHOUSE_1_ME = "runaway_greenhouse"
    MAXIMUM_GREENHOUSE = "maximum_greenhouse"
    EARLY_MARS = "early_mars"
    RUNAWAY_GREENHOUSE_5_ME = "runaway_greenhouse_5me"
    RUNAWAY_GREENHOUSE_0P1_ME = "runaway_greenhouse_0p1me"


#: (S_eff_sun, a, b, c, d) from Kopparapu et al. 2014, Table 1 (and the authors'
#: published HZ code). Note the 2013 table's runaway b is 1.5418e-8; the often
#: copied 1.5418e-9 is a transcription error and is not used anywhere here.
KOPPARAPU_2014: dict[HzLimit, tuple[float, float, float, float, float]] = {
    HzLimit.RECENT_VENUS: (1.776, 2.136e-4, 2.533e-8, -1.332e-11, -3.097e-15),
    HzLimit.RUNAWAY_GREENHOUSE_1_ME: (1.107, 1.332e-4, 1.580e-8, -8.308e-12, -1.931e-15),
    HzLimit.MAXIMUM_GREENHOUSE: (0.356, 6.171e-5, 1.698e-9, -3.198e-12, -5.575e-16),
    HzLimit.EARLY_MARS: (0.320, 5.547e-5, 1.526e-9, -2.874e-12, -5.011e-16),
    HzLimit.RUNAWAY_GREENHOUSE_5_ME: (1.188, 1.433e-4, 1.707e-8, -8.968e-12, -2.084e-15),
    HzLimit.RUNAWAY_GREENHOUSE_0P1_ME: (0.99, 1.209e-4, 1.404e-8, -7.418e-12, -1.713e-15),
}

#: Kopparapu's fit uses T* = Teff - 5780 K and is valid for 2600 K <= Teff <= 7200 K.
KOPPARAPU_T_REF_K = 5780.0
KOPPARAPU_TEFF_RANGE_K = (2600.0, 7200.0)


#: Open ocean somewhere on the surface, by global-mean surface temperature, measured on the 49 bundled
#: ExoPlaSim aquaplanet runs (benchmarks/grey_vs_gcm.py): every rotating run at or below 236.5 K is
#: ice-covered and every one at or above 249.6 K keeps open ocean (19-89 % of the surface): threshold
#: 243 K, half-way. Every tidally locked run keeps a substellar ocean, down to the coldest (227.5 K
#: global mean, 19 % open ocean): threshold 227 K (an upper bound: no colder locked run exists).
OPEN_OCEAN_MIN_TS_ROTATING_K = 243.0
OPEN_OCEAN_MIN_TS_LOCKED_K = 227.0
#: Hosts below this Teff are taken to hold their HZ planets tidally locked (the GCM sweep's own rule;
#: HZ planets of M dwarfs lock within ~1 Gyr, Kasting et al. 1993; Barnes 2017).
TIDAL_LOCKING_TEFF_K = 4000.0


def open_ocean_min_ts_k(teff_k: float | None) -> float:
    """Global-mean surface temperature above which open ocean survives somewhere (see constants).

    Without a Teff the rotating planets' (stricter) threshold applies.
    """
    if teff_k is not None and teff_k < TIDAL_LOCKING_TEFF_K:
        return OPEN_OCEAN_MIN_TS_LOCKED_K
    return OPEN_OCEAN_MIN_TS_ROTATING_K


#: Warning attached to every HZ computed for a star outside the fit's range.
HZ_CLAMPED_WARNING = (
    "stellar Teff outside 2600-7200 K: HZ limits computed at the nearest edge of the Kopparapu fit "
    "(Teff clamped); membership is indicative (valid: false)"
)


def clamp_teff_k(teff_k: float) -> float:
    """Teff clamped to the Kopparapu (2014) fit range 2600-7200 K (the one rule outside it)."""
    lo, hi = KOPPARAPU_TEFF_RANGE_K
    return min(hi, max(lo, require_positive(teff_k, "star.teff_k")))


def effective_flux(limit: HzLimit, teff_k: float) -> float:
    """S_eff = S_eff_sun + a T + b T^2 + c T^3 + d T^4 with T = Teff - 5780 K (S_earth units).

    Teff is clamped to 2600-7200 K first (:func:`clamp_teff_k`): outside the fit the limits are
    those of the nearest edge, never a polynomial extrapolation.
    """
    s0, a, b, c, d = KOPPARAPU_2014[limit]
    t = clamp_teff_k(teff_k) - KOPPARAPU_T_REF_K
    return s0 + a * t + b * t**2 + c * t**3 + d * t**4


def _effective_flux_array(limit: HzLimit, teff_k: NDArray[np.float64]) -> NDArray[np.float64]:
    s0, a, b, c, d = KOPPARAPU_2014[limit]
    lo, hi = KOPPARAPU_TEFF_RANGE_K
    t = np.clip(teff_k, lo, hi) - KOPPARAPU_T_REF_K
    return np.asarray(s0 + a * t + b * t**2 + c * t**3 + d * t**4, dtype=np.float64)


def early_mars_flux_earth(teff_k: ArrayLike) -> NDArray[np.float64]:
    """The early-Mars (outer, optimistic) instellation limit at the (clamped) Teff, S_earth.

    Below it no CO2-H2O greenhouse keeps surface water liquid (Kopparapu et al. 2014). Broadcasts.
    """
    return _effective_flux_array(HzLimit.EARLY_MARS, np.asarray(teff_k, dtype=np.float64))


def runaway_flux_earth(teff_k: ArrayLike, mass_earth: ArrayLike) -> NDArray[np.float64]:
    """Mass-dependent runaway-greenhouse instellation, S_earth (Kopparapu et al. 2014).

    The 0.1, 1 and 5 M_earth limits at the (clamped) Teff, interpolated linearly in log10(M) and
    held at the end values outside 0.1-5 M_earth. Above it no surface liquid water survives.
    Broadcasts over arrays.
    """
    t = np.asarray(teff_k, dtype=np.float64)
    m = np.asarray(mass_earth, dtype=np.float64)
    s01 = _effective_flux_array(HzLimit.RUNAWAY_GREENHOUSE_0P1_ME, t)
    s1 = _effective_flux_array(HzLimit.RUNAWAY_GREENHOUSE_1_ME, t)
    s5 = _effective_flux_array(HzLimit.RUNAWAY_GREENHOUSE_5_ME, t)
    x = np.log10(np.clip(m, 0.1, 5.0))
    low = s01 + (s1 - s01) * (x + 1.0)
    high = s1 + (s5 - s1) * x / math.log10(5.0)
    return np.asarray(np.where(x <= 0.0, low, high), dtype=np.float64)


@dataclass(frozen=True, slots=True, kw_only=True)
class HabitableZone:
    """HZ boundaries around one star, AU, and the instellation limits, S_earth.

    ``valid`` is False when the star's Teff is outside 2600-7200 K, the range of the
    Kopparapu fit: the limits are then those at the nearest edge of the range (Teff clamped),
    membership is still reported and read with the warning :data:`HZ_CLAMPED_WARNING`. The same
    rule serves ``assess``, ``rank`` and the pipeline.
    """

    recent_venus_au: float
    runaway_greenhouse_au: float
    runaway_greenhouse_5me_au: float
    runaway_greenhouse_0p1me_au: float
    maximum_greenhouse_au: float
    early_mars_au: float
    valid: bool

    def contains_conservative(self, a_au: float) -> bool:
        """Runaway greenhouse (1 M_earth) <= a <= maximum greenhouse (clamped limits when not valid)."""
        return self.runaway_greenhouse_au <= a_au <= self.maximum_greenhouse_au

    def contains_optimistic(self, a_au: float) -> bool:
        """Recent Venus <= a <= early Mars (clamped limits when not valid)."""
        return self.recent_venus_au <= a_au <= self.early_mars_au


def habitable_zone(teff_k: float, luminosity_sun: float) -> HabitableZone:
    """Kopparapu et al. (2014) HZ distances d = sqrt(L / S_eff) for a star.

    Parameters
    ----------
    teff_k: stellar effective temperature, K.
    luminosity_sun: bolometric luminosity, L_sun.
    """
    lum = require_positive(luminosity_sun, "star.luminosity_sun")
    lo, hi = KOPPARAPU_TEFF_RANGE_K
    valid = lo <= require_positive(teff_k, "star.teff_k") <= hi

    def dist(limit: HzLimit) -> float:
        return math.sqrt(lum / effective_flux(limit, teff_k))

    return HabitableZone(
        recent_venus_au=dist(HzLimit.RECENT_VENUS),
        runaway_greenhouse_au=dist(HzLimit.RUNAWAY_GREENHOUSE_1_ME),
        runaway_greenhouse_5me_au=dist(HzLimit.RUNAWAY_GREENHOUSE_5_ME),
        runaway_greenhouse_0p1me_au=dist(HzLimit.RUNAWAY_GREENHOUSE_0P1_ME),
        maximum_greenhouse_au=dist(HzLimit.MAXIMUM_GREENHOUSE),
        early_mars_au=dist(HzLimit.EARLY_MARS),
        valid=valid,
    )


def earth_similarity_index(radius_earth: float, insolation_earth: float) -> float:
    """ESI = 1 - sqrt(1/2 [((S - 1)/(S + 1))^2 + ((R - 1)/(R + 1))^2]), radius and stellar flux.

    The Planetary Habitability Laboratory's form (Mendez 2011; PHL's Habitable Worlds Catalog):
    inputs relative to Earth; Earth gives 1, Mars (R = 0.532, S = 0.431) 0.64.
    """
    r = require_positive(radius_earth, "radius_earth")
    s = max(require_finite(insolation_earth, "insolation_earth"), 0.0)
    return 1.0 - math.sqrt(0.5 * (((s - 1.0) / (s + 1.0)) ** 2 + ((r - 1.0) / (r + 1.0)) ** 2))

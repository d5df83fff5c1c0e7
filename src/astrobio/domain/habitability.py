"""Habitable-zone boundaries (Kopparapu et al. 2014) and the Earth Similarity Index."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum

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


def effective_flux(limit: HzLimit, teff_k: float) -> float:
    """S_eff = S_eff_sun + a T + b T^2 + c T^3 + d T^4 with T = Teff - 5780 K (S_earth units).

    The polynomial is evaluated at any Teff; whether the fit is valid there is the
    caller's business (see :func:`habitable_zone`, which flags it).
    """
    s0, a, b, c, d = KOPPARAPU_2014[limit]
    t = require_positive(teff_k, "star.teff_k") - KOPPARAPU_T_REF_K
    return s0 + a * t + b * t**2 + c * t**3 + d * t**4


@dataclass(frozen=True, slots=True, kw_only=True)
class HabitableZone:
    """HZ boundaries around one star, AU, and the instellation limits, S_earth.

    ``valid`` is False when the star's Teff is outside 2600-7200 K, the range of the
    Kopparapu fit: the distances are then polynomial extrapolations and must not be
    trusted (they are still reported so a user can see what was extrapolated).
    """

    recent_venus_au: float
    runaway_greenhouse_au: float
    runaway_greenhouse_5me_au: float
    runaway_greenhouse_0p1me_au: float
    maximum_greenhouse_au: float
    early_mars_au: float
    valid: bool

    def contains_conservative(self, a_au: float) -> bool:
        """Runaway greenhouse (1 M_earth) <= a <= maximum greenhouse."""
        return self.valid and self.runaway_greenhouse_au <= a_au <= self.maximum_greenhouse_au

    def contains_optimistic(self, a_au: float) -> bool:
        """Recent Venus <= a <= early Mars."""
        return self.valid and self.recent_venus_au <= a_au <= self.early_mars_au


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
        s = effective_flux(limit, teff_k)
        # Far outside the fit the polynomial can go non-positive: no distance exists.
        return math.sqrt(lum / s) if s > 0 else math.nan

    return HabitableZone(
        recent_venus_au=dist(HzLimit.RECENT_VENUS),
        runaway_greenhouse_au=dist(HzLimit.RUNAWAY_GREENHOUSE_1_ME),
        runaway_greenhouse_5me_au=dist(HzLimit.RUNAWAY_GREENHOUSE_5_ME),
        runaway_greenhouse_0p1me_au=dist(HzLimit.RUNAWAY_GREENHOUSE_0P1_ME),
        maximum_greenhouse_au=dist(HzLimit.MAXIMUM_GREENHOUSE),
        early_mars_au=dist(HzLimit.EARLY_MARS),
        valid=valid,
    )


#: ESI weights for the radius + instellation form (Schulze-Makuch et al. 2011).
ESI_WEIGHT_RADIUS = 0.57
ESI_WEIGHT_FLUX = 0.70


def earth_similarity_index(radius_earth: float, insolation_earth: float) -> float:
    """ESI = prod_i (1 - |x_i - 1| / (x_i + 1))^(w_i / n), n = 2, over radius and flux.

    Inputs are relative to Earth. Earth gives 1; Mars (R = 0.532, S = 0.43) gives 0.754.
    """
    terms = (
        (require_positive(radius_earth, "radius_earth"), ESI_WEIGHT_RADIUS),
        (require_finite(insolation_earth, "insolation_earth"), ESI_WEIGHT_FLUX),
    )
    n = len(terms)
    esi = 1.0
    for x, w in terms:
        x = max(x, 0.0)
        esi *= (1.0 - abs(x - 1.0) / (x + 1.0)) ** (w / n)
    return esi

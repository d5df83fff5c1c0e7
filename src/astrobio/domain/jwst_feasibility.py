"""Can a JWST programme reach a target? Brightness limits per mode, visibility, transits per programme.

* **Brightness**: each time-series mode saturates on stars brighter than a J magnitude in its
  fastest readout and smallest subarray. Approximate limits from the JWST User Documentation
  (JDox "bright source limits" for TSO modes) and Batalha et al. (2017, PASP 129, 064501, figs. of
  saturation vs J): NIRSpec PRISM/CLEAR (SUB512) J ~ 10.5; NIRISS SOSS (SUBSTRIP96) J ~ 6.7;
  NIRSpec G395H (SUB2048) J ~ 6.5 (with the F290LP filter blocking the bluest light, quoted in J);
  MIRI LRS slitless J ~ 6.0 (its limit is K ~ 5.5; J - K ~ 0.5-0.8 for K/M dwarfs). A star
  brighter than a mode's limit cannot use that mode; the best feasible mode is chosen per target.
* **Visibility**: JWST observes at solar elongations 85-135 degrees, so a target at ecliptic
  latitude beta is observable for the fraction
  f = [acos(max(-1, cos 135 / cos beta)) - acos(min(1, cos 85 / cos beta))] / pi of the year
  (0.28 on the ecliptic, 1 within 5 degrees of the ecliptic poles). Without coordinates the
  ecliptic value (the least) is assumed.
* **Programme**: transits observable per year = 365.25 / P x f; a programme co-adds at most
  ``cap`` transits (default 30) and at most what falls in its window (default 3 years). A
  biosignature needing more transits than that has detectability 0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.quantities import require_finite, require_positive

#: Brightest J at which each mode does not saturate (see module docstring).
BRIGHT_LIMIT_J: Mapping[str, float] = {
    "nirspec_prism": 10.5,
    "niriss_soss": 6.7,
    "nirspec_g395h": 6.5,
    "miri_lrs": 6.0,
}
#: Default cap on the transits one programme co-adds for one target.
PROGRAMME_TRANSITS = 30
#: Default window of a programme (multi-cycle), years.
PROGRAMME_YEARS = 3.0
#: JWST field of regard: solar elongation range, degrees.
ELONGATION_MIN_DEG, ELONGATION_MAX_DEG = 85.0, 135.0
#: Obliquity of the ecliptic (J2000), degrees.
OBLIQUITY_DEG = 23.4392911


def feasible_modes(modes: list[str] | tuple[str, ...], j_mag: float | None) -> list[str]:
    """Modes among ``modes`` that do not saturate on a star of magnitude ``j_mag``.

    Without a J magnitude every mode is kept (the target cannot be checked; callers flag it).
    """
    names = list(modes)
    if j_mag is None:
        return names
    j = require_finite(j_mag, "star.j_mag")
    return [m for m in names if j >= BRIGHT_LIMIT_J.get(m, -math.inf)]


def ecliptic_latitude_deg(ra_deg: float, dec_deg: float) -> float:
    """Ecliptic latitude of an ICRS position, degrees: sin b = sin d cos e - cos d sin e sin a."""
    a, d, e = (math.radians(x) for x in (ra_deg, dec_deg, OBLIQUITY_DEG))
    return math.degrees(math.asin(math.sin(d) * math.cos(e) - math.cos(d) * math.sin(e) * math.sin(a)))


def visibility_fraction(ecliptic_latitude: float | None) -> float:
    """Fraction of the year a target is inside JWST's field of regard (see module docstring)."""
    beta = 0.0 if ecliptic_latitude is None else require_finite(ecliptic_latitude, "ecliptic_latitude")
    cb = math.cos(math.radians(beta))
    if cb < 1e-9:
        return 1.0
    lo = max(-1.0, math.cos(math.radians(ELONGATION_MAX_DEG)) / cb)
    hi = min(1.0, math.cos(math.radians(ELONGATION_MIN_DEG)) / cb)
    return max(0.0, (math.acos(lo) - math.acos(hi)) / math.pi)


def transits_per_year(period_days: float, ecliptic_latitude: float | None) -> float:
    """Transits per year that fall inside the field of regard."""
    per_year = 365.25 / require_positive(period_days, "orbital_period_days")
    return per_year * visibility_fraction(ecliptic_latitude)


def programme_reach(
    period_days: float | None,
    ecliptic_latitude: float | None,
    *,
    cap: int = PROGRAMME_TRANSITS,
    years: float = PROGRAMME_YEARS,
) -> float:
    """Transits one programme can co-add for the target: min(cap, transits per year x years).

    Without a period only the cap applies.
    """
    if cap < 1:
        raise InvalidQuantity("the programme cap must be >= 1 transit", field="max_transits")
    if period_days is None:
        return float(cap)
    return min(float(cap), math.floor(transits_per_year(period_days, ecliptic_latitude) * years))

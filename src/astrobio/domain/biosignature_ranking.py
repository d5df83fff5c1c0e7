"""Biosignature potential: screening, and the documented combination that orders pipeline targets.

The pipeline carries every catalog planet through climate -> metabolism -> atmosphere -> spectrum ->
detectability; this module holds the pure rules at its two ends:

* :func:`screen` decides, from the cheap assessment alone, whether a planet deserves a spectrum at
  all (a documented verdict otherwise);
* :func:`biosignature_potential` combines habitability, the detectability of biogenic gases and the
  climate's uncertainty into one number in [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from astrobio.domain.assessment import Assessment
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.quantities import require_finite
from astrobio.domain.ranking import (
    CLASS_SCORE,
    WATER_MELTING_K,
    probability_between,
    water_boiling_point_k,
)

#: Gases produced by life on Earth whose spectral features count toward detectability (H2O and CO2
#: are abundant abiotically and do not). O3 is the photochemical product of biogenic O2.
BIOGENIC_GASES = ("O2", "O3", "CH4", "N2O")
#: Transits a plausible JWST programme can co-add for one target (tens of transits were the
#: TRAPPIST-1 e estimates of Lustig-Yaeger et al. 2019, AJ 158, 27): the default of a run.
REFERENCE_TRANSITS = 10
#: Detectability saturates at 1 when a biogenic feature reaches this SNR.
DETECTION_SNR = 5.0
#: Planets whose semi-major axis lies beyond these factors of the optimistic HZ edges (recent Venus,
#: early Mars; Kopparapu et al. 2014) are "far outside any habitable zone" (a factor 2 in distance
#: is a factor 4 in instellation).
FAR_INSIDE_FACTOR = 0.5
FAR_OUTSIDE_FACTOR = 2.0
#: 1-sigma of the grey surface-temperature estimate used when no surrogate covers a planet: the
#: spread of T_s = T_eq (1-A)^(1/4) (1 + 3 tau/4)^(1/4) at T_eq ~ 250 K over Bond albedo 0.2-0.4
#: (-9/+9 K) and grey infrared depth 0.5-1.5 (-11/+17 K), added in quadrature (~20 K).
GREY_SURFACE_SIGMA_K = 20.0
#: Climate uncertainty at which the certainty component falls to 1/2.
REFERENCE_SIGMA_K = 20.0


class Verdict(Enum):
    """What the pipeline did with a planet."""

    MODELLED = "modelled"  # full climate -> spectrum -> detectability chain
    INSUFFICIENT_DATA = "insufficient_data"  # cannot be assessed (radius, stellar Teff/radius, orbit)
    GIANT = "giant"  # gas giant or brown dwarf: no surface to host a biosphere
    NOT_TRANSITING = "not_transiting"  # not known to transit: no transmission spectrum
    FAR_FROM_HZ = "far_from_hz"  # a < 0.5 x recent-Venus or a > 2 x early-Mars distance
    FAILED = "failed"  # a stage raised for this planet (the message is kept)


def screen(a: Assessment) -> Verdict:
    """The screening verdict of an assessed planet; :attr:`Verdict.MODELLED` means "compute a spectrum".

    Rules, in order: giants (class gas giant / brown dwarf) have no surface; a planet not known to
    transit (``transits`` False or unknown) has no transmission spectrum; a planet far outside the
    optimistic HZ (see :data:`FAR_INSIDE_FACTOR`, :data:`FAR_OUTSIDE_FACTOR`; the extrapolated
    Kopparapu distances are used for stars outside 2600-7200 K, e.g. TRAPPIST-1) cannot keep
    surface liquid water under any plausible greenhouse.
    """
    if a.planet_class in (PlanetClass.GAS_GIANT, PlanetClass.BROWN_DWARF):
        return Verdict.GIANT
    if a.transits is not True:
        return Verdict.NOT_TRANSITING
    if (
        a.semi_major_axis_au < FAR_INSIDE_FACTOR * a.hz.recent_venus_au
        or a.semi_major_axis_au > FAR_OUTSIDE_FACTOR * a.hz.early_mars_au
    ):
        return Verdict.FAR_FROM_HZ
    return Verdict.MODELLED


@dataclass(frozen=True, slots=True, kw_only=True)
class PotentialWeights:
    """Weights of detectability and certainty inside the habitability gate (normalised by their sum)."""

    detectability: float = 0.75
    certainty: float = 0.25

    def __post_init__(self) -> None:
        for name in ("detectability", "certainty"):
            if require_finite(getattr(self, name), f"weights.{name}") < 0:
                raise InvalidQuantity(f"weights.{name} must be >= 0", field=f"weights.{name}")
        if self.detectability + self.certainty <= 0:
            raise InvalidQuantity("at least one weight must be > 0", field="weights")


@dataclass(frozen=True, slots=True, kw_only=True)
class BiosignaturePotential:
    """The components (each in [0, 1]) and their combination.

    habitability: class score x (HZ score + P(liquid water)) / 2.
    detectability: min(1, best biogenic-gas feature SNR / 5) at the run's transits.
    certainty: 1 / (1 + (sigma_Ts / :data:`REFERENCE_SIGMA_K`)^2).
    total: habitability x (w_d detectability + w_c certainty) / (w_d + w_c).
    best_gas / best_mode / best_snr: the feature that set ``detectability`` (None, None, 0 if none).
    """

    habitability: float
    p_liquid_water: float
    detectability: float
    certainty: float
    total: float
    best_gas: str | None = None
    best_mode: str | None = None
    best_snr: float = 0.0


def hz_score(a: Assessment) -> float:
    """1 inside the conservative HZ, 0.5 inside the optimistic one only, else 0.

    Unlike the main ranking, the Kopparapu distances count even where the fit is extrapolated
    (Teff outside 2600-7200 K): the coolest hosts (TRAPPIST-1, 2566 K) are among the best targets.
    """
    hz, d = a.hz, a.semi_major_axis_au
    if hz.runaway_greenhouse_au <= d <= hz.maximum_greenhouse_au:
        return 1.0
    return 0.5 if hz.recent_venus_au <= d <= hz.early_mars_au else 0.0


def p_liquid_water(surface_temperature_k: float, sigma_k: float, surface_pressure_bar: float = 1.0) -> float:
    """P(273.15 K <= T_s <= boiling point) for T_s ~ N(mean, sigma^2)."""
    return probability_between(
        surface_temperature_k, sigma_k, WATER_MELTING_K, water_boiling_point_k(surface_pressure_bar)
    )


def best_biogenic_feature(snr: Mapping[str, Mapping[str, float]]) -> tuple[str | None, str | None, float]:
    """(gas, mode, SNR) of the biogenic feature with the highest SNR; (None, None, 0) without one.

    ``snr`` maps mode -> gas -> feature SNR. Ties go to the alphabetically first mode, then gas.
    """
    best: tuple[float, str, str] | None = None
    for mode_name, per_gas in snr.items():
        for gas, value in per_gas.items():
            if gas in BIOGENIC_GASES and math.isfinite(value) and value > 0:
                key = (-float(value), mode_name, gas)
                if best is None or key < best:
                    best = key
    return (None, None, 0.0) if best is None else (best[2], best[1], -best[0])


def biosignature_potential(
    a: Assessment,
    *,
    surface_temperature_k: float,
    surface_temperature_sigma_k: float,
    snr: Mapping[str, Mapping[str, float]],
    weights: PotentialWeights | None = None,
    surface_pressure_bar: float = 1.0,
) -> BiosignaturePotential:
    """Combine habitability, biogenic-gas detectability and climate certainty.

    The habitability gate multiplies everything: without a surface that can hold liquid water a
    detectable gas is not a biosignature. ``snr`` (mode -> gas -> feature SNR) is taken at the
    run's number of transits (default :data:`REFERENCE_TRANSITS`); detectability is the best
    biogenic SNR over :data:`DETECTION_SNR`, capped at 1 (0 without a biogenic feature).
    """
    w = weights or PotentialWeights()
    sigma = require_finite(surface_temperature_sigma_k, "surface_temperature_sigma_k")
    if sigma < 0:
        raise InvalidQuantity("surface_temperature_sigma_k must be >= 0", field="surface_temperature_sigma_k")
    p_liq = p_liquid_water(surface_temperature_k, sigma, surface_pressure_bar)
    habitability = CLASS_SCORE[a.planet_class] * 0.5 * (hz_score(a) + p_liq)
    gas, mode_name, best_snr = best_biogenic_feature(snr)
    detect = min(1.0, best_snr / DETECTION_SNR)
    certainty = 1.0 / (1.0 + (sigma / REFERENCE_SIGMA_K) ** 2)
    total = (
        habitability * (w.detectability * detect + w.certainty * certainty) / (w.detectability + w.certainty)
    )
    if not math.isfinite(total):
        raise InvalidQuantity("biosignature potential is not finite", field="potential")
    return BiosignaturePotential(
        habitability=habitability,
        p_liquid_water=p_liq,
        detectability=detect,
        certainty=certainty,
        total=total,
        best_gas=gas,
        best_mode=mode_name,
        best_snr=best_snr,
    )

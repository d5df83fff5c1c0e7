"""Biosignature potential: screening, and the documented combination that orders pipeline targets.

The pipeline carries every catalog planet through climate -> metabolism -> atmosphere -> spectrum ->
detectability; this module holds the pure rules at its two ends:

* :func:`screen` decides, from the cheap assessment alone, whether a planet deserves a spectrum at
  all (a documented verdict otherwise);
* :func:`biosignature_potential` combines the habitability gate and the feasible detectability of
  biogenic gases into one number in [0, 1]; :mod:`astrobio.domain.uncertainty` draws it over the
  measurement and model errors (median, 16-84 % interval, P(in the top 10)).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from astrobio.domain.assessment import Assessment
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.habitability import open_ocean_min_ts_k
from astrobio.domain.jwst_feasibility import PROGRAMME_TRANSITS, feasible_modes
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.quantities import require_finite
from astrobio.domain.ranking import (
    WATER_MELTING_K,
    probability_between,
    water_boiling_point_k,
)

#: Gases produced by life on Earth whose spectral features count toward detectability (H2O and CO2
#: are abundant abiotically and do not). O3 is the photochemical product of biogenic O2.
BIOGENIC_GASES = ("O2", "O3", "CH4", "N2O")
#: Transits a run models per target by default: the programme cap (tens of transits were the
#: TRAPPIST-1 e estimates of Lustig-Yaeger et al. 2019, AJ 158, 27).
REFERENCE_TRANSITS = PROGRAMME_TRANSITS
#: Detectability saturates at 1 when a biogenic feature reaches this SNR.
DETECTION_SNR = 5.0
#: Planets inside the recent-Venus distance (the empirical inner edge: Venus has had no surface water
#: for at least 1 Gyr) or beyond twice the early-Mars distance (Kopparapu et al. 2014; a factor 2 in
#: distance is a factor 4 in instellation) are outside any habitable zone.
FAR_INSIDE_FACTOR = 1.0
FAR_OUTSIDE_FACTOR = 2.0
#: 1-sigma of the grey surface-temperature estimate used when no surrogate covers a planet: its
#: RMSE against the 49 bundled ExoPlaSim aquaplanet runs (global-mean T_s of the last record; grey
#: A = 0.3, tau = 0.86; bias +17.7 K, scatter 12.5 K, RMSE 21.6 K: benchmarks/grey_vs_gcm.py).
GREY_SURFACE_SIGMA_K = 21.6


class Verdict(Enum):
    """What the pipeline did with a planet."""

    MODELLED = "modelled"  # full climate -> spectrum -> detectability chain
    INSUFFICIENT_DATA = "insufficient_data"  # cannot be assessed (radius, stellar Teff/radius, orbit)
    GIANT = "giant"  # gas giant or brown dwarf: no surface to host a biosphere
    NOT_TRANSITING = "not_transiting"  # not known to transit: no transmission spectrum
    FAR_FROM_HZ = "far_from_hz"  # a < recent-Venus or a > 2 x early-Mars distance
    FAILED = "failed"  # a stage raised for this planet (the message is kept)


def screen(a: Assessment) -> Verdict:
    """The screening verdict of an assessed planet; :attr:`Verdict.MODELLED` means "compute a spectrum".

    Rules, in order: giants (gas giant or brown dwarf more probable than not, from the composition
    probabilities) have no surface; a planet not known to
    transit (``transits`` False or unknown) has no transmission spectrum; a planet far outside the
    optimistic HZ (see :data:`FAR_INSIDE_FACTOR`, :data:`FAR_OUTSIDE_FACTOR`; Teff clamped to
    2600-7200 K outside the Kopparapu fit, e.g. TRAPPIST-1) cannot keep surface liquid water under
    any plausible greenhouse.
    """
    comp = a.composition
    p_giant = (comp.gas_giant + comp.brown_dwarf) if comp is not None else float(
        a.planet_class in (PlanetClass.GAS_GIANT, PlanetClass.BROWN_DWARF))
    if p_giant > 0.5:
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
    """Accepted for stored runs and older requests; no longer used.

    The potential is the product habitability x detectability (a gate, not a weighted mean); the
    former "certainty" term is replaced by the Monte Carlo interval of the potential.
    """

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
    """The components (each in [0, 1]) and their product, at the nominal values.

    habitability: P(surface exists) x P(surface liquid water) (0 above the runaway limit).
    detectability: accessibility x (1/2 + 1/2 biogenic_detectability), see :func:`biosignature_potential`.
    accessibility: min(1, SNR of the atmosphere's strongest feature / 5) at ``transits_used``.
    biogenic_detectability: min(1, best feasible biogenic-gas feature SNR / 5) at ``transits_used``.
    total: habitability x detectability.
    best_gas / best_mode / best_snr: the feature that set ``detectability`` (None, None, 0 if none),
    its SNR at the run's transits; effective_snr: at ``transits_used``;
    transits_for_5sigma: the transits it needs (None: unreachable); saturated_modes: modes the star
    is too bright for.
    """

    habitability: float
    p_surface: float
    p_liquid_water: float
    detectability: float
    total: float
    accessibility: float = 0.0
    biogenic_detectability: float = 0.0
    atmosphere_gas: str | None = None
    atmosphere_snr: float = 0.0
    best_gas: str | None = None
    best_mode: str | None = None
    best_snr: float = 0.0
    effective_snr: float = 0.0
    transits_used: float = 0.0
    transits_for_5sigma: int | None = None
    reaches_5sigma: bool = False
    saturated_modes: tuple[str, ...] = ()


def hz_score(a: Assessment) -> float:
    """1 inside the conservative HZ, 0.5 inside the optimistic one only, else 0.

    Outside 2600-7200 K the limits are those at the nearest edge of the Kopparapu fit (Teff clamped,
    ``hz.valid`` False), the same rule as ``assess`` and ``rank``.
    """
    if a.in_conservative_hz:
        return 1.0
    return 0.5 if a.in_optimistic_hz else 0.0


def p_liquid_water(
    surface_temperature_k: float,
    sigma_k: float,
    surface_pressure_bar: float = 1.0,
    *,
    minimum_k: float = WATER_MELTING_K,
) -> float:
    """P(minimum <= T_s <= boiling point) for a global-mean T_s ~ N(mean, sigma^2).

    ``minimum_k`` defaults to the melting point; for "open ocean somewhere on the surface" pass
    :func:`~astrobio.domain.habitability.open_ocean_min_ts_k` (a global mean below freezing keeps a
    substellar or equatorial ocean).
    """
    return probability_between(
        surface_temperature_k, sigma_k, minimum_k, water_boiling_point_k(surface_pressure_bar)
    )


#: Share of the detectability kept by a readable atmosphere whose biogenic gases stay undetected.
BIOSPHERE_FLOOR = 0.5


def best_feature(snr: Mapping[str, Mapping[str, float]]) -> tuple[str | None, float]:
    """(gas, SNR) of the strongest feature of any gas in any of the given modes; (None, 0) without one."""
    best: tuple[float, str] | None = None
    for per_gas in snr.values():
        for gas, value in per_gas.items():
            if math.isfinite(value) and value > 0 and (best is None or (-value, gas) < best):
                best = (-float(value), gas)
    return (None, 0.0) if best is None else (best[1], -best[0])


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
    transits_for_5sigma: Mapping[str, Mapping[str, int | None]] | None = None,
    n_transits: int = REFERENCE_TRANSITS,
    max_transits: float = PROGRAMME_TRANSITS,
    weights: PotentialWeights | None = None,
    surface_pressure_bar: float = 1.0,
) -> BiosignaturePotential:
    """The habitability gate times what JWST can read of the planet's atmosphere and biosphere.

    habitability = P(surface: rocky or water-rich) x P(open ocean somewhere: T_min <= T_s <= boiling
    point, T_s the global mean, T_min 243 K for rotating planets and 227 K for tidally locked ones as
    measured on the bundled GCM runs, :func:`~astrobio.domain.habitability.open_ocean_min_ts_k`), and 0
    when the instellation is above the mass-dependent runaway-greenhouse limit or below the early-Mars
    limit (no greenhouse of CO2 and H2O keeps water liquid there) (no averaging: any factor
    at 0 closes the gate). ``snr`` (mode -> gas -> feature SNR) is taken at the run's transits; only
    modes the star does not saturate count (:func:`~astrobio.domain.jwst_feasibility.feasible_modes`).
    The programme co-adds N = min(``max_transits``, ``n_transits``) transits (``max_transits``: the
    cap and the field-of-regard windows); transits beyond it earn nothing. The best feature's SNR is
    taken at N (photon-limited sqrt(N / n_transits) scaling of the SNR at the run's ``n_transits``)
    Two SNRs at N: of the atmosphere (the strongest feature of any gas, e.g. CO2 at 4.3 um) and of
    the best biogenic gas. accessibility = min(1, SNR_atmosphere / 5): a programme that cannot read
    the atmosphere cannot claim a biosignature (0 when it cannot reach the target, N < 1);
    biogenic = min(1, SNR_biogenic / 5). detectability = accessibility x (1/2 + 1/2 biogenic): a
    readable atmosphere whose modelled biosphere's gases stay below detection keeps half its value,
    because the biosphere model is the least certain stage of the chain.
    ``reaches_5sigma`` says whether the biogenic 5 sigma needs no more than N transits.
    ``weights`` is ignored.
    """
    del weights
    sigma = require_finite(surface_temperature_sigma_k, "surface_temperature_sigma_k")
    if sigma < 0:
        raise InvalidQuantity("surface_temperature_sigma_k must be >= 0", field="surface_temperature_sigma_k")
    p_liq = 0.0 if a.in_runaway or a.beyond_outer_edge else p_liquid_water(
        surface_temperature_k, sigma, surface_pressure_bar, minimum_k=open_ocean_min_ts_k(a.star_teff_k))
    p_surface = a.composition.p_surface if a.composition is not None else float(
        a.planet_class in (PlanetClass.ROCKY, PlanetClass.WATER_RICH))
    habitability = p_surface * p_liq
    usable = feasible_modes(list(snr), a.j_mag)
    saturated = tuple(m for m in snr if m not in usable)
    gas, mode_name, best_snr = best_biogenic_feature({m: snr[m] for m in usable})
    needed: int | None = None
    if gas is not None and mode_name is not None and transits_for_5sigma is not None:
        needed = transits_for_5sigma.get(mode_name, {}).get(gas)
    n_used = min(float(max_transits), float(n_transits))
    factor = 0.0 if n_used < 1 else math.sqrt(n_used / n_transits)
    effective_snr = best_snr * factor
    atm_gas, atm_snr = best_feature({m: snr[m] for m in usable})
    atmosphere_snr = atm_snr * factor
    accessibility = min(1.0, atmosphere_snr / DETECTION_SNR)
    biogenic = min(1.0, effective_snr / DETECTION_SNR)
    detect = accessibility * (BIOSPHERE_FLOOR + (1.0 - BIOSPHERE_FLOOR) * biogenic)
    total = habitability * detect
    if not math.isfinite(total):
        raise InvalidQuantity("biosignature potential is not finite", field="potential")
    return BiosignaturePotential(
        habitability=habitability,
        p_surface=p_surface,
        p_liquid_water=p_liq,
        detectability=detect,
        accessibility=accessibility,
        biogenic_detectability=biogenic,
        atmosphere_gas=atm_gas,
        atmosphere_snr=atmosphere_snr,
        total=total,
        best_gas=gas,
        best_mode=mode_name,
        best_snr=best_snr,
        effective_snr=effective_snr,
        transits_used=n_used,
        transits_for_5sigma=needed,
        reaches_5sigma=needed is not None and needed <= n_used,
        saturated_modes=saturated,
    )

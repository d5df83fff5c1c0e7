"""Composite target score: habitability x detectability x biosignature potential (by class)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum

from astrobio.domain.assessment import Assessment
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.quantities import require_finite


class HzFilter(Enum):
    """Which habitable zone a ranked planet must lie in."""

    ANY = "any"
    CONSERVATIVE = "conservative"
    OPTIMISTIC = "optimistic"


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreWeights:
    """Weights of the score components; they are normalised by their sum.

    Defaults: ``hz`` 0.35, ``esi`` 0.25, ``detectability`` 0.25, ``planet_class`` 0.15, and
    ``climate`` 0 (the optional surrogate component is off unless asked for, so the default
    ranking does not depend on a trained model).
    """

    hz: float = 0.35
    esi: float = 0.25
    detectability: float = 0.25
    planet_class: float = 0.15
    climate: float = 0.0

    def __post_init__(self) -> None:
        for name in ("hz", "esi", "detectability", "planet_class", "climate"):
            if require_finite(getattr(self, name), f"weights.{name}") < 0:
                raise InvalidQuantity(f"weights.{name} must be >= 0", field=f"weights.{name}")
        if self.total == 0:
            raise InvalidQuantity("at least one weight must be > 0", field="weights")

    @property
    def total(self) -> float:
        return self.hz + self.esi + self.detectability + self.planet_class + self.climate


#: Liquid water at the surface: from the melting point of ice (273.15 K; it hardly depends on
#: pressure) to the boiling point at the surface pressure (373.15 K at 1 atm).
WATER_MELTING_K = 273.15
WATER_BOILING_1ATM_K = 373.15
#: Critical point of water (IAPWS-95): no liquid above it at any pressure.
WATER_CRITICAL_K = 647.096
#: Molar enthalpy of vaporization at the normal boiling point, J mol^-1 (CRC Handbook), and R.
WATER_VAPORIZATION_J_MOL = 40_660.0
GAS_CONSTANT_J_MOL_K = 8.314462618


def water_boiling_point_k(pressure_bar: float) -> float:
    """Boiling point of water at ``pressure_bar`` (Clausius-Clapeyron from 373.15 K at 1 atm), K.

    Constant latent heat: within 1 K of the steam tables over 0.3-3 bar (e.g. 372.8 K at
    1 bar vs 372.76 K tabulated); capped at the critical temperature.
    """
    if require_finite(pressure_bar, "surface_pressure_bar") <= 0:
        raise InvalidQuantity("surface_pressure_bar must be > 0", field="surface_pressure_bar")
    inverse = 1.0 / WATER_BOILING_1ATM_K - (
        GAS_CONSTANT_J_MOL_K * math.log(pressure_bar / 1.01325) / WATER_VAPORIZATION_J_MOL)
    return WATER_CRITICAL_K if inverse <= 1.0 / WATER_CRITICAL_K else 1.0 / inverse


def probability_between(mean: float, sigma: float, low: float, high: float) -> float:
    """P(low <= X <= high) for X ~ N(mean, sigma^2); a step function when ``sigma`` is 0."""
    require_finite(mean, "mean")
    if require_finite(sigma, "sigma") < 0:
        raise InvalidQuantity("sigma must be >= 0", field="sigma")
    if sigma == 0:
        return 1.0 if low <= mean <= high else 0.0

    def cdf(x: float) -> float:
        return 0.5 * (1.0 + math.erf((x - mean) / (sigma * math.sqrt(2.0))))

    return max(0.0, min(1.0, cdf(high) - cdf(low)))


@dataclass(frozen=True, slots=True, kw_only=True)
class ClimateEstimate:
    """A surrogate's global-mean surface temperature for one planet, with its 1-sigma.

    ``surface_pressure_bar`` is the pressure the planet was modelled at (it sets the
    boiling point); ``model_id`` the surrogate checkpoint that produced the estimate.
    """

    ts_k: float
    ts_sigma_k: float
    model_id: str
    surface_pressure_bar: float = 1.0
    #: Mahalanobis distance to the training runs / threshold (None: the model reports none)
    ood_distance: float | None = None
    #: which model produced the value (``<arch>:<id12>`` or ``ebm-prior:<id12>``)
    answered_by: str = ""

    def __post_init__(self) -> None:
        if require_finite(self.ts_k, "ts_k") <= 0:
            raise InvalidQuantity("ts_k must be > 0", field="ts_k")
        if require_finite(self.ts_sigma_k, "ts_sigma_k") < 0:
            raise InvalidQuantity("ts_sigma_k must be >= 0", field="ts_sigma_k")

    @property
    def p_liquid_water(self) -> float:
        """P(273.15 K <= Ts <= boiling point) under Ts ~ N(ts_k, ts_sigma_k^2).

        Reads the surrogate's sigma as a Gaussian 1-sigma. A global mean is a proxy: an
        eyeball planet below freezing on average can keep open ocean at its substellar point.
        """
        return probability_between(self.ts_k, self.ts_sigma_k, WATER_MELTING_K,
                                   water_boiling_point_k(self.surface_pressure_bar))


#: Kempton et al. (2018) recommended TSM cut-offs: 10 for Rp < 1.5 R_earth, 90 above.
TSM_THRESHOLD_SMALL = 10.0
TSM_THRESHOLD_LARGE = 90.0
#: How promising each class is as a host of surface life (documented judgement): a rocky surface 1;
#: a water-rich planet 0.75 (an ocean, perhaps over high-pressure ice that isolates it from rock); an
#: H/He-envelope sub-Neptune 0.1 (no surface; "Hycean" habitability is speculative); giants 0.
CLASS_SCORE: dict[PlanetClass, float] = {
    PlanetClass.ROCKY: 1.0,
    PlanetClass.WATER_RICH: 0.75,
    PlanetClass.SUB_NEPTUNE: 0.1,
    PlanetClass.GAS_GIANT: 0.0,
    PlanetClass.BROWN_DWARF: 0.0,
}


def class_score(a: Assessment) -> float:
    """Expected class score over the composition probabilities (the most probable class's without them)."""
    if a.composition is None:
        return CLASS_SCORE[a.planet_class]
    return sum(p * CLASS_SCORE[c] for c, p in a.composition.as_dict().items())


@dataclass(frozen=True, slots=True, kw_only=True)
class RankingFilter:
    """Which planets are eligible; ``None`` means no constraint."""

    hz: HzFilter = HzFilter.ANY
    min_radius_earth: float | None = None
    max_radius_earth: float | None = None
    max_distance_pc: float | None = None
    planet_classes: frozenset[PlanetClass] | None = None

    def rejects(self, a: Assessment) -> str | None:
        """The reason ``a`` is filtered out, or ``None`` if it passes."""
        if self.hz is HzFilter.CONSERVATIVE and not a.in_conservative_hz:
            return "outside conservative HZ"
        if self.hz is HzFilter.OPTIMISTIC and not a.in_optimistic_hz:
            return "outside optimistic HZ"
        if self.min_radius_earth is not None and a.radius_earth < self.min_radius_earth:
            return "radius below minimum"
        if self.max_radius_earth is not None and a.radius_earth > self.max_radius_earth:
            return "radius above maximum"
        if self.max_distance_pc is not None:
            if a.distance_pc is None:
                return "no distance for max-distance filter"
            if a.distance_pc > self.max_distance_pc:
                return "farther than max distance"
        if self.planet_classes is not None and a.planet_class not in self.planet_classes:
            return "planet class not selected"
        return None


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreBreakdown:
    """Each component in [0, 1] and the weighted total; ``climate`` is None when not estimated."""

    hz: float
    esi: float
    detectability: float
    planet_class: float
    total: float
    climate: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RankedTarget:
    rank: int
    assessment: Assessment
    score: ScoreBreakdown
    climate: ClimateEstimate | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ranking:
    """The ordered targets plus an account of every planet that is not in the list."""

    targets: tuple[RankedTarget, ...]
    considered: int
    eligible: int
    excluded: dict[str, int] = field(default_factory=dict)
    filtered_out: dict[str, int] = field(default_factory=dict)


def score(a: Assessment, weights: ScoreWeights, climate: ClimateEstimate | None = None) -> ScoreBreakdown:
    """Score one assessment (and, optionally, its surrogate climate).

    * hz: 1 inside the conservative HZ, 0.5 inside the optimistic HZ only, else 0 (Teff clamped to
      2600-7200 K outside the fit, as everywhere); 0 above the runaway-greenhouse limit;
    * esi: the ESI itself;
    * detectability: TSM / Kempton's cut-off (10 below 1.5 R_earth, 90 above), capped
      at 1; 0 when TSM is undefined (Rp >= 10 R_earth) or the planet is not known to
      transit (``transits`` False or None): transmission spectroscopy needs a transit;
    * planet_class: the expected :data:`CLASS_SCORE` over the composition probabilities;
    * climate: :attr:`ClimateEstimate.p_liquid_water`, the probability that the surface
      temperature lies in the liquid-water range; 0 without an estimate (like the
      detectability of a planet without TSM: no evidence earns nothing).
    """
    hz = 1.0 if a.in_conservative_hz else 0.5 if a.in_optimistic_hz else 0.0
    if a.in_runaway:
        hz = 0.0
    threshold = TSM_THRESHOLD_SMALL if a.radius_earth < 1.5 else TSM_THRESHOLD_LARGE
    det = 0.0 if a.tsm is None or a.transits is not True else min(1.0, a.tsm / threshold)
    cls = class_score(a)
    clim = None if climate is None else climate.p_liquid_water
    total = (
        weights.hz * hz + weights.esi * a.esi + weights.detectability * det
        + weights.planet_class * cls + weights.climate * (clim or 0.0)
    ) / weights.total
    return ScoreBreakdown(hz=hz, esi=a.esi, detectability=det, planet_class=cls, total=total, climate=clim)


def rank(
    assessments: Iterable[Assessment],
    *,
    weights: ScoreWeights,
    where: RankingFilter,
    excluded: dict[str, int] | None = None,
    considered: int | None = None,
    top: int | None = None,
    climate: Mapping[str, ClimateEstimate] | None = None,
) -> Ranking:
    """Filter, score and order assessments: score descending, then name (stable).

    ``excluded`` carries counts of planets that could not be assessed (by reason);
    ``considered`` is the number of planets looked at, assessed or not; ``climate`` the
    surrogate estimates by planet name (planets without one get no climate component).
    """
    estimates = climate or {}
    filtered: dict[str, int] = {}
    scored: list[tuple[Assessment, ScoreBreakdown]] = []
    n_assessed = 0
    for a in assessments:
        n_assessed += 1
        reason = where.rejects(a)
        if reason is not None:
            filtered[reason] = filtered.get(reason, 0) + 1
            continue
        scored.append((a, score(a, weights, estimates.get(a.name))))
    scored.sort(key=lambda pair: (-pair[1].total, pair[0].name))
    if top is not None:
        scored = scored[:top]
    excl = dict(excluded or {})
    return Ranking(
        targets=tuple(RankedTarget(rank=i + 1, assessment=a, score=s, climate=estimates.get(a.name))
                      for i, (a, s) in enumerate(scored)),
        considered=considered if considered is not None else n_assessed + sum(excl.values()),
        eligible=n_assessed - sum(filtered.values()),
        excluded=excl,
        filtered_out=filtered,
    )

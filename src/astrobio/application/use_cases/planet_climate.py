"""A catalog planet as surrogate input, and the ranking's climate estimator."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from astrobio.application.ports.surrogate import SurrogateRegistry
from astrobio.application.use_cases.surrogates import SURFACE_TEMPERATURE
from astrobio.domain.assessment import Assessment
from astrobio.domain.climate import EARTH_INSTELLATION_W_M2, ClimateParameters
from astrobio.domain.errors import InsufficientData, InvalidQuantity
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.ranking import ClimateEstimate
from astrobio.domain.surrogate import SurrogateMode

#: Standard gravity, m s^-2: g = G0 * M / R^2 with M, R in Earth units.
STANDARD_GRAVITY_M_S2 = 9.80665
#: Synchronous rotation is assumed below this orbital period around stars cooler than
#: :data:`SYNCHRONOUS_MAX_TEFF_K` (see :func:`is_synchronous`).
SYNCHRONOUS_MAX_PERIOD_DAYS = 30.0
SYNCHRONOUS_MAX_TEFF_K = 4000.0
#: Rotation assumed for a planet that is not tidally locked (unknown in catalogs): Earth's.
DEFAULT_ROTATION_DAYS = 1.0
EARTH_OBLIQUITY_DEG = 23.44


def orbital_period_days(planet: Planet, assessment: Assessment) -> float | None:
    """The catalog period, else Kepler III from a and the stellar mass (None if neither)."""
    if planet.orbital_period_days is not None:
        return planet.orbital_period_days
    if planet.star.mass_sun is None:
        return None
    return 365.25 * math.sqrt(assessment.semi_major_axis_au**3 / planet.star.mass_sun)


def is_synchronous(star_teff_k: float, period_days: float) -> bool:
    """Tidally locked when P < 30 d around a star cooler than 4000 K.

    The rule of the training sweep itself (the bundled ExoPlaSim runs are synchronous exactly
    when Teff < 4000 K, rotation 4-30 d), so inputs stay in distribution; and physically
    conservative: the Gladman et al. (1996) locking time (Q = 100, k2 = 0.3, initial 1 d spin)
    of an Earth at P = 30 d around a 0.6 M_sun M0 dwarf is ~4 Myr, far below field ages.
    Hotter stars' habitable zones lie at P > 100 d, where locking is slow (Barnes 2017 lists
    exceptions; the rule ignores them).
    """
    return star_teff_k < SYNCHRONOUS_MAX_TEFF_K and period_days < SYNCHRONOUS_MAX_PERIOD_DAYS


def climate_parameters_for(planet: Planet, assessment: Assessment) -> ClimateParameters | None:
    """Surrogate input for a catalog planet, or None when it cannot be modelled.

    Mapping: star Teff; instellation S/S_earth x 1367 W m^-2; radius; gravity
    9.80665 M/R^2 (M measured, minimum or estimated from R as the assessment says);
    synchronous rotation by :func:`is_synchronous` (rotation = orbit, obliquity 0) else a
    1 d rotation and Earth's obliquity; 1 bar with pre-industrial pCO2 (284 ubar), the
    catalog eccentricity. None for non-rocky planets (the surrogate learned aquaplanets),
    without a mass, with an unknown period around a cool star, or whose inputs fail
    :class:`ClimateParameters` validation (e.g. Teff outside 2000-10000 K).
    """
    if assessment.planet_class is not PlanetClass.ROCKY or assessment.mass_earth is None:
        return None
    teff = planet.star.teff_k
    period = orbital_period_days(planet, assessment)
    if teff is None or (period is None and teff < SYNCHRONOUS_MAX_TEFF_K):
        return None
    locked = period is not None and is_synchronous(teff, period)
    try:
        return ClimateParameters(
            star_teff_k=teff, instellation_w_m2=assessment.insolation_earth * EARTH_INSTELLATION_W_M2,
            radius_earth=assessment.radius_earth,
            gravity_m_s2=STANDARD_GRAVITY_M_S2 * assessment.mass_earth / assessment.radius_earth**2,
            rotation_period_days=period if locked and period is not None else DEFAULT_ROTATION_DAYS,
            synchronous=locked, obliquity_deg=0.0 if locked else EARTH_OBLIQUITY_DEG,
            eccentricity=planet.eccentricity or 0.0, surface_pressure_bar=1.0)
    except InvalidQuantity:
        return None


class SurrogateTargetClimate:
    """The ranking's climate estimator: the active scalar surrogate's surface temperature.

    Rules: planets are mapped by :func:`climate_parameters_for` (unmappable ones get no
    estimate); all are predicted in one batch; a prediction outside the model's training
    ranges (or not finite) is dropped (the ranking never rewards an extrapolation); no active scalar model,
    or one without a ``ts_k`` output, is refused naming ``weights.climate``. The registry is
    reached only when an estimate is asked for, so ranking without climate never loads a model.
    """

    def __init__(self, registry: Callable[[], SurrogateRegistry]) -> None:
        self._registry = registry

    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]:
        inputs = [(p.name, c) for p, a in targets if (c := climate_parameters_for(p, a)) is not None]
        if not inputs:
            return {}
        registry = self._registry()
        if registry.active(SurrogateMode.SCALAR) is None:
            raise InsufficientData("a climate weight needs an active scalar climate surrogate "
                                   "(astrobio train climate --mode scalar)", field="weights.climate")
        surrogate = registry.load(SurrogateMode.SCALAR)
        if surrogate.card.outputs and SURFACE_TEMPERATURE not in surrogate.card.outputs:
            raise InsufficientData(f"the active scalar surrogate has no {SURFACE_TEMPERATURE} output",
                                   field="weights.climate")
        predictions = surrogate.predict_scalar([c for _, c in inputs])
        out: dict[str, ClimateEstimate] = {}
        for (name, params), pred in zip(inputs, predictions, strict=True):
            ts = pred.values.get(SURFACE_TEMPERATURE)
            if ts is None or pred.out_of_range or surrogate.card.out_of_range(params):
                continue
            if not (math.isfinite(ts[0]) and math.isfinite(ts[1]) and ts[0] > 0 and ts[1] >= 0):
                continue  # a broken prediction earns nothing rather than failing the whole ranking
            out[name] = ClimateEstimate(ts_k=ts[0], ts_sigma_k=ts[1], model_id=pred.model_id,
                                        surface_pressure_bar=params.surface_pressure_bar)
        return out

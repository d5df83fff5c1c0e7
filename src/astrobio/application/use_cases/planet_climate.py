"""A catalog planet as surrogate input, and the ranking's climate estimator."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

from astrobio.application.ports.surrogate import SurrogateRegistry
from astrobio.application.use_cases.surrogates import SURFACE_TEMPERATURE
from astrobio.domain.assessment import Assessment
from astrobio.domain.climate import EARTH_INSTELLATION_W_M2, ClimateParameters
from astrobio.domain.errors import InsufficientData, InvalidQuantity
from astrobio.domain.orbits import is_tidally_locked
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.ranking import ClimateEstimate
from astrobio.domain.surrogate import SurrogateMode

#: Standard gravity, m s^-2: g = G0 * M / R^2 with M, R in Earth units.
STANDARD_GRAVITY_M_S2 = 9.80665
#: Fallback rule when the stellar mass is unknown (no locking time can be computed).
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


def is_synchronous(planet: Planet, assessment: Assessment, period_days: float | None) -> bool:
    """Tidally locked when the Gladman et al. (1996) despinning time is shorter than the age.

    :func:`~astrobio.domain.orbits.tidal_locking_time_yr` with Q = 100, rock rigidity 3e10 Pa,
    a 12 h initial spin and a 4.5 Gyr age (catalog ages are not carried); the planet's mass
    and radius and the star's mass from the catalog. TOI-700 d (P = 37 d, 0.42 M_sun) locks in
    ~7 Myr; Earth around the Sun would need ~7e10 yr. Without a stellar mass the old rule
    applies: P < 30 d around a star cooler than 4000 K.
    """
    star = planet.star
    if star.mass_sun is not None and assessment.mass_earth is not None:
        return is_tidally_locked(assessment.semi_major_axis_au, star.mass_sun, assessment.mass_earth,
                                 assessment.radius_earth)
    teff = star.teff_k
    return (teff is not None and period_days is not None and teff < SYNCHRONOUS_MAX_TEFF_K
            and period_days < SYNCHRONOUS_MAX_PERIOD_DAYS)


def climate_parameters_for(planet: Planet, assessment: Assessment) -> ClimateParameters | None:
    """Surrogate input for a catalog planet, or None when it cannot be modelled.

    Mapping: star Teff; instellation S/S_earth x 1367 W m^-2; radius; gravity
    9.80665 M/R^2 (M measured, minimum or estimated from R as the assessment says);
    synchronous rotation by :func:`is_synchronous` (a tidal-locking time,
    not a period cut; rotation = orbit, obliquity 0) else a
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
    locked = period is not None and is_synchronous(planet, assessment, period)
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
    estimate); all are predicted in one batch; a model that measures its distance to the
    training runs answers outside them with its EBM physics prior and a widened sigma (the
    estimate says so in ``answered_by`` and ``ood_distance``: the ranking never rewards the
    emulator's extrapolation); for box-only models a prediction outside the training ranges
    (or not finite) is dropped; no active scalar model,
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
            if ts is None:
                continue
            if pred.ood_distance is None and (pred.out_of_range or surrogate.card.out_of_range(params)):
                continue  # a box-only model outside its box: no estimate
            if pred.ood_distance is not None and not pred.answered_by:
                continue
            if not (math.isfinite(ts[0]) and math.isfinite(ts[1]) and ts[0] > 0 and ts[1] >= 0):
                continue  # a broken prediction earns nothing rather than failing the whole ranking
            out[name] = ClimateEstimate(ts_k=ts[0], ts_sigma_k=ts[1], model_id=pred.model_id,
                                        surface_pressure_bar=params.surface_pressure_bar,
                                        ood_distance=pred.ood_distance, answered_by=pred.answered_by)
        return out

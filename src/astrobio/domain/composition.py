"""Composition classes from mass and radius, as probabilities (Zeng et al. 2016/2019; Rogers 2015).

Five classes (:class:`~astrobio.domain.planet_class.PlanetClass`):

* **rocky**: at or below the pure-silicate curve (R <= 1.068 R_earthlike(M); Zeng, Sasselov &
  Jacobsen 2016, ApJ 819, 127, eq. 3: R = (1.07 - 0.21 CMF) M^(1/3.7), CMF 0 vs Earth's 0.325), i.e.
  explained by rock and iron alone;
* **water-rich**: above pure rock, up to the pure-water curve (no H/He needed);
* **sub-Neptune** (H/He envelope): above the pure-water curve, R <= 4 R_earth and M < 0.414 M_J;
* **gas giant**: envelope with R > 4 R_earth, or M >= 0.414 M_J (Chen & Kipping 2017);
* **brown dwarf**: M >= 13 M_J.

Curves: Earth-like rock (32.5 % Fe + 67.5 % MgSiO3) and 50 % H2O over an Earth-like core (300 K,
1 mbar) from the tables of Zeng et al. (2019, PNAS 116, 9723; lweb.cfa.harvard.edu/~lzeng/planetmodels),
log-log interpolated, the end segments extended. Pure water is the 50 % curve scaled by 1.14 (the
ratio of ice-VII water to the 50 % curve at 1 M_earth, 1.41 / 1.24; Seager et al. 2007), a documented
approximation. The curves are smeared by a model error of 2 % in radius (EOS and temperature spread).

Without a measured mass the class follows the radius alone (population relations): P(rocky) falls
from 1 to 0 across 1.5-1.7 R_earth (Rogers 2015, ApJ 801, 41: most planets above 1.6 R_earth are not
rocky; the radius valley at 1.5-2.0 R_earth of Fulton et al. 2017, AJ 154, 109), logistic with
centre 1.6 and scale 0.05 R_earth; of the non-rocky planets below 4 R_earth a fifth are taken as
water-rich (Luque & Palle 2022, Science 377, 1211, find water worlds among M-dwarf planets; a
judgement); above 4 R_earth the planet is a giant (logistic, scale 0.15 R_earth). A radius cannot
tell a brown dwarf from a giant: brown dwarfs get probability 0 without a mass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from astrobio.domain.constants import M_JUPITER_EARTH
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet_class import PlanetClass

#: Class order of the probability vectors and of the integer codes used in Monte Carlo draws.
CLASSES: tuple[PlanetClass, ...] = (
    PlanetClass.ROCKY,
    PlanetClass.WATER_RICH,
    PlanetClass.SUB_NEPTUNE,
    PlanetClass.GAS_GIANT,
    PlanetClass.BROWN_DWARF,
)
ROCKY, WATER_RICH, SUB_NEPTUNE, GAS_GIANT, BROWN_DWARF = range(5)
#: Classes with a solid or liquid surface a biosphere could live on.
SURFACE_CLASSES = (PlanetClass.ROCKY, PlanetClass.WATER_RICH)

# Zeng et al. (2019) tables: mass (M_earth), radius (R_earth).
_EARTHLIKE = np.array([
    (0.1046, 0.515), (0.1831, 0.61), (0.3142, 0.715), (0.5304, 0.833), (0.8756, 0.9625),
    (1.115, 1.0309), (1.4114, 1.1015), (1.7763, 1.1741), (2.2233, 1.2485), (2.7682, 1.3245),
    (3.4297, 1.4019), (4.2296, 1.4806), (5.1932, 1.5604), (6.3505, 1.6412), (7.7363, 1.7228),
    (9.3912, 1.8052), (11.3628, 1.8883), (13.7066, 1.9719), (16.487, 2.0559), (19.7797, 2.1404),
    (23.6585, 2.2246), (28.152, 2.3063), (33.3138, 2.3848), (46.0693, 2.5325), (62.8692, 2.6683),
    (84.8337, 2.7924), (98.1197, 2.8497),
])
_WATER50 = np.array([
    (0.5, 1.018), (0.707, 1.125), (1.0, 1.241), (1.414, 1.366), (2.0, 1.502), (2.828, 1.648),
    (4.0, 1.805), (5.657, 1.974), (8.0, 2.152), (11.314, 2.339), (16.0, 2.535), (22.627, 2.736),
    (32.0, 2.938), (38.055, 3.038), (53.817, 3.231), (64.0, 3.324),
])
#: Pure MgSiO3 over Earth-like (Zeng et al. 2016 eq. 3 at CMF 0 and 0.325): 1.07 / 1.0018.
SILICATE_OVER_EARTHLIKE = 1.07 / (1.07 - 0.21 * 0.325)
#: Pure water over the 50 % water curve (1.41 / 1.241 at 1 M_earth).
PURE_WATER_OVER_WATER50 = 1.41 / 1.241
#: 1-sigma model error of the composition curves, fractional radius.
CURVE_SIGMA = 0.02
#: Envelope planets above this radius are giants (the Neptune/giant boundary used in ranking).
GIANT_RADIUS_EARTH = 4.0
GIANT_MASS_EARTH = 0.414 * M_JUPITER_EARTH
BROWN_DWARF_MASS_EARTH = 13.0 * M_JUPITER_EARTH
#: Radius-only relation (see module docstring).
ROCKY_TRANSITION_RADIUS_EARTH = 1.6
ROCKY_TRANSITION_SCALE_EARTH = 0.05
WATER_SHARE_OF_NON_ROCKY = 0.2
GIANT_TRANSITION_SCALE_EARTH = 0.15

FloatArray = NDArray[np.float64]


def _loglog(table: FloatArray, mass: ArrayLike) -> FloatArray:
    m = np.asarray(mass, dtype=np.float64)
    lm, lr = np.log(table[:, 0]), np.log(table[:, 1])
    x = np.log(np.maximum(m, 1e-6))
    r = np.interp(x, lm, lr)
    lo = x < lm[0]
    hi = x > lm[-1]
    slope_lo = (lr[1] - lr[0]) / (lm[1] - lm[0])
    slope_hi = (lr[-1] - lr[-2]) / (lm[-1] - lm[-2])
    r = np.where(lo, lr[0] + slope_lo * (x - lm[0]), r)
    r = np.where(hi, lr[-1] + slope_hi * (x - lm[-1]), r)
    return np.asarray(np.exp(r), dtype=np.float64)


def earthlike_radius_earth(mass_earth: ArrayLike) -> FloatArray:
    """Radius of an Earth-like rocky planet (32.5 % Fe), Zeng et al. (2019), R_earth."""
    return _loglog(_EARTHLIKE, mass_earth)


def silicate_radius_earth(mass_earth: ArrayLike) -> FloatArray:
    """Radius of a pure-silicate (iron-free) planet, the largest rock-only radius, R_earth."""
    return SILICATE_OVER_EARTHLIKE * earthlike_radius_earth(mass_earth)


def water50_radius_earth(mass_earth: ArrayLike) -> FloatArray:
    """Radius of a 50 % water / 50 % Earth-like rock planet at 300 K, Zeng et al. (2019), R_earth."""
    return _loglog(_WATER50, mass_earth)


def pure_water_radius_earth(mass_earth: ArrayLike) -> FloatArray:
    """Radius of a pure-water planet (approximation, see module docstring), R_earth."""
    return PURE_WATER_OVER_WATER50 * water50_radius_earth(mass_earth)


def class_codes(
    mass_earth: ArrayLike, radius_earth: ArrayLike, curve_factor: ArrayLike = 1.0
) -> NDArray[np.int8]:
    """Class code (index into :data:`CLASSES`) of each (mass, radius) pair; any broadcastable shapes.

    ``curve_factor`` multiplies the model curves (draw it as 1 + N(0, :data:`CURVE_SIGMA`) to
    carry the model error).
    """
    m = np.asarray(mass_earth, dtype=np.float64)
    r = np.asarray(radius_earth, dtype=np.float64)
    f = np.asarray(curve_factor, dtype=np.float64)
    code = np.full(np.broadcast(m, r, f).shape, ROCKY, dtype=np.int8)
    code[r > f * silicate_radius_earth(m)] = WATER_RICH
    envelope = r > f * pure_water_radius_earth(m)
    code[envelope] = SUB_NEPTUNE
    code[(envelope & (r > GIANT_RADIUS_EARTH)) | (m >= GIANT_MASS_EARTH)] = GAS_GIANT
    code[m >= BROWN_DWARF_MASS_EARTH] = BROWN_DWARF
    return code


def radius_only_probabilities(radius_earth: ArrayLike) -> FloatArray:
    """Class probabilities from the radius alone, shape ``radius.shape + (5,)`` (order :data:`CLASSES`)."""
    r = np.asarray(radius_earth, dtype=np.float64)
    p_rocky = 1.0 / (1.0 + np.exp((r - ROCKY_TRANSITION_RADIUS_EARTH) / ROCKY_TRANSITION_SCALE_EARTH))
    p_giant = 1.0 / (1.0 + np.exp(-(r - GIANT_RADIUS_EARTH) / GIANT_TRANSITION_SCALE_EARTH))
    small_non_rocky = (1.0 - p_rocky) * (1.0 - p_giant)
    out = np.zeros((*r.shape, 5), dtype=np.float64)
    out[..., ROCKY] = p_rocky * (1.0 - p_giant)
    out[..., WATER_RICH] = WATER_SHARE_OF_NON_ROCKY * small_non_rocky
    out[..., SUB_NEPTUNE] = (1.0 - WATER_SHARE_OF_NON_ROCKY) * small_non_rocky
    out[..., GAS_GIANT] = p_giant
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class CompositionProbabilities:
    """Probability of each composition class (summing to 1) and how they were obtained.

    ``basis`` is ``"mass_radius"`` (measured mass and radius against the Zeng curves) or
    ``"radius_only"`` (population relation).
    """

    rocky: float
    water_rich: float
    sub_neptune: float
    gas_giant: float
    brown_dwarf: float
    basis: str

    def __post_init__(self) -> None:
        values = self.as_tuple()
        if any(not 0.0 <= v <= 1.0 for v in values) or abs(sum(values) - 1.0) > 1e-6:
            raise InvalidQuantity("class probabilities must lie in [0, 1] and sum to 1",
                                  field="composition")

    def as_tuple(self) -> tuple[float, float, float, float, float]:
        return (self.rocky, self.water_rich, self.sub_neptune, self.gas_giant, self.brown_dwarf)

    def as_dict(self) -> Mapping[PlanetClass, float]:
        return dict(zip(CLASSES, self.as_tuple(), strict=True))

    @property
    def most_likely(self) -> PlanetClass:
        values = self.as_tuple()
        return CLASSES[max(range(5), key=lambda i: (values[i], -i))]

    @property
    def p_surface(self) -> float:
        """P(a surface exists): rocky or water-rich."""
        return self.rocky + self.water_rich

    @property
    def p_envelope(self) -> float:
        """P(an H/He envelope): sub-Neptune, giant or brown dwarf."""
        return self.sub_neptune + self.gas_giant + self.brown_dwarf

    @staticmethod
    def from_vector(p: ArrayLike, basis: str) -> CompositionProbabilities:
        v = np.clip(np.asarray(p, dtype=np.float64).reshape(5), 0.0, None)
        v = v / v.sum()
        return CompositionProbabilities(rocky=float(v[0]), water_rich=float(v[1]), sub_neptune=float(v[2]),
                                        gas_giant=float(v[3]), brown_dwarf=float(v[4]), basis=basis)


def probabilities_from_codes(codes: NDArray[np.int8]) -> FloatArray:
    """Fraction of draws in each class along the last axis: shape ``codes.shape[:-1] + (5,)``."""
    return np.stack([(codes == k).mean(axis=-1) for k in range(5)], axis=-1)


def composition_probabilities(
    *,
    radius_earth: float,
    radius_err: tuple[float, float] | None = None,
    mass_earth: float | None = None,
    mass_err: tuple[float, float] | None = None,
    n_draws: int = 500,
    seed: int = 20_190_423,
) -> CompositionProbabilities:
    """Class probabilities of one planet from its radius (and mass, when measured) with their errors.

    ``*_err`` are (minus, plus) 1-sigma errors, both >= 0 (a split normal is drawn); ``None``
    means no error given (the value is taken as exact; the curves' model error still applies).
    Deterministic for a given seed; 500 draws give each probability to about +-0.02.
    """
    from astrobio.domain.uncertainty import split_normal  # local: uncertainty imports this module

    rng = np.random.default_rng(seed)
    r = split_normal(rng, radius_earth, radius_err, (n_draws,), floor=1e-3)
    if mass_earth is None:
        return CompositionProbabilities.from_vector(radius_only_probabilities(r).mean(axis=0), "radius_only")
    m = split_normal(rng, mass_earth, mass_err, (n_draws,), floor=1e-4)
    f = 1.0 + CURVE_SIGMA * rng.standard_normal(n_draws)
    return CompositionProbabilities.from_vector(probabilities_from_codes(class_codes(m, r, f)), "mass_radius")


def background_gas(composition: CompositionProbabilities) -> str:
    """The bulk atmospheric gas to model: ``"H2"`` (H2/He, solar-like) when an envelope is more
    probable than not, else ``"N2"`` (an N2/CO2 secondary atmosphere over a surface)."""
    return "H2" if composition.p_envelope > 0.5 else "N2"

"""Planet-class classification inputs, probabilities and the metrics used to judge a classifier.

The five classes are the composition classes of :mod:`astrobio.domain.composition` (rocky,
water-rich, H/He-envelope sub-Neptune, gas giant, brown dwarf; Zeng et al. 2016/2019 curves). A
classifier maps radius, insolation and stellar parameters (planet mass optional) to a calibrated
probability per class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from astrobio.domain.constants import T_SUN_K
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet_class import PlanetClass, classify_by_mass, estimate_mass_earth
from astrobio.domain.quantities import optional_positive, require_positive

#: Class order of every probability vector and confusion matrix.
CLASS_ORDER: tuple[PlanetClass, ...] = (
    PlanetClass.ROCKY,
    PlanetClass.WATER_RICH,
    PlanetClass.SUB_NEPTUNE,
    PlanetClass.GAS_GIANT,
    PlanetClass.BROWN_DWARF,
)


def insolation_earth(*, star_radius_sun: float, star_teff_k: float, semi_major_axis_au: float) -> float:
    """Bolometric insolation in Earth units, S = (R*/R_sun)^2 (T*/T_sun)^4 / a^2."""
    r = require_positive(star_radius_sun, "star_radius_sun")
    t = require_positive(star_teff_k, "star_teff_k")
    a = require_positive(semi_major_axis_au, "semi_major_axis_au")
    return r * r * (t / T_SUN_K) ** 4 / (a * a)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassifierInput:
    """What the multiclass classifier sees of one planet.

    Parameters
    ----------
    radius_earth: planet radius, Earth radii.
    insolation_earth: bolometric insolation, Earth units.
    star_teff_k: host effective temperature, K.
    star_radius_sun: host radius, solar radii.
    star_mass_sun: host mass, solar masses.
    mass_earth: measured planet mass, Earth masses (optional).
    """

    radius_earth: float
    insolation_earth: float
    star_teff_k: float
    star_radius_sun: float
    star_mass_sun: float
    mass_earth: float | None = None

    def __post_init__(self) -> None:
        require_positive(self.radius_earth, "radius_earth")
        require_positive(self.insolation_earth, "insolation_earth")
        require_positive(self.star_teff_k, "star_teff_k")
        require_positive(self.star_radius_sun, "star_radius_sun")
        require_positive(self.star_mass_sun, "star_mass_sun")
        optional_positive(self.mass_earth, "mass_earth")
        if self.radius_earth > 300.0:
            raise InvalidQuantity(f"radius_earth {self.radius_earth} is not a planet's", field="radius_earth")

    def features(self, *, with_mass: bool) -> NDArray[np.float64]:
        """log10 of (R, S, Teff, R*, M*[, M]): the inputs every classifier here is trained on."""
        values = [
            self.radius_earth,
            self.insolation_earth,
            self.star_teff_k,
            self.star_radius_sun,
            self.star_mass_sun,
        ]
        if with_mass:
            if self.mass_earth is None:
                raise InvalidQuantity("this model needs mass_earth", field="mass_earth")
            values.append(self.mass_earth)
        return np.log10(np.asarray(values, dtype=np.float64))


def chen_kipping_class(radius_earth: float) -> PlanetClass:
    """The deterministic baseline: mass from radius (Chen & Kipping 2017), then the mass class.

    Above about 14.3 R_earth the relation does not determine the mass; such planets are called
    gas giants (the Jovian regime), so the baseline can never predict a brown dwarf.
    """
    mass = estimate_mass_earth(radius_earth)
    return PlanetClass.GAS_GIANT if mass is None else classify_by_mass(mass)


@dataclass(frozen=True, slots=True, kw_only=True)
class ClassProbabilities:
    """Calibrated probability per class (keys: every :class:`PlanetClass`, summing to 1)."""

    probabilities: Mapping[PlanetClass, float]
    model_id: str = ""

    def __post_init__(self) -> None:
        if set(self.probabilities) != set(CLASS_ORDER):
            raise InvalidQuantity("probabilities must name every planet class", field="probabilities")
        values = list(self.probabilities.values())
        if any(not (0.0 <= p <= 1.0) or not math.isfinite(p) for p in values):
            raise InvalidQuantity("probabilities must lie in [0, 1]", field="probabilities")
        if abs(sum(values) - 1.0) > 1e-6:
            raise InvalidQuantity(f"probabilities sum to {sum(values)}, not 1", field="probabilities")

    @property
    def most_likely(self) -> PlanetClass:
        return max(CLASS_ORDER, key=lambda c: self.probabilities[c])


def confusion_matrix(true: Sequence[int], predicted: Sequence[int], n_classes: int) -> NDArray[np.int64]:
    """Counts ``m[i, j]`` of true class ``i`` predicted as ``j``."""
    if len(true) != len(predicted):
        raise InvalidQuantity("true and predicted differ in length", field="predicted")
    m = np.zeros((n_classes, n_classes), dtype=np.int64)
    for t, p in zip(true, predicted, strict=True):
        m[int(t), int(p)] += 1
    return m


def expected_calibration_error(
    probabilities: NDArray[np.float64], labels: NDArray[np.int64], n_bins: int = 10
) -> float:
    """Top-label expected calibration error (Guo et al. 2017), equal-width confidence bins.

    ``probabilities`` has shape (n, k); ``labels`` shape (n,). ECE = sum_b (n_b/n) |acc_b - conf_b|.
    """
    p = np.asarray(probabilities, dtype=np.float64)
    y = np.asarray(labels)
    if p.ndim != 2 or p.shape[0] != y.shape[0] or p.shape[0] == 0:
        raise InvalidQuantity("probabilities must be (n, k) with n labels, n > 0", field="probabilities")
    confidence = p.max(axis=1)
    correct = (p.argmax(axis=1) == y).astype(np.float64)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, n_bins - 1)
    ece = 0.0
    for b in range(n_bins):
        sel = bins == b
        if sel.any():
            ece += sel.mean() * abs(correct[sel].mean() - confidence[sel].mean())
    return float(ece)


def cross_class_confusion(matrix: NDArray[np.int64]) -> float:
    """Fraction of rocky, gas-giant and brown-dwarf planets put in another of those three classes."""
    idx = [CLASS_ORDER.index(c) for c in (PlanetClass.ROCKY, PlanetClass.GAS_GIANT, PlanetClass.BROWN_DWARF)]
    total = sum(int(matrix[i].sum()) for i in idx)
    wrong = sum(int(matrix[i, j]) for i in idx for j in idx if i != j)
    return wrong / total if total else 0.0

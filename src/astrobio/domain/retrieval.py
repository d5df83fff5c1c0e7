"""Atmospheric retrieval: parameters, box priors, posterior summaries and calibration checks.

Pure numpy. The checks follow the simulation-based-calibration literature:
expected coverage (Hermans et al. 2022), rank statistics (Talts et al. 2018) and
importance-sampling efficiency (Kish effective sample size / N) as a flag for a posterior
the amortized estimator gets wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from astrobio.domain.composition import background_gas, composition_probabilities
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import estimate_mass_earth

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, kw_only=True)
class UniformPrior:
    """A uniform prior on ``name`` over [low, high] (log10 quantities carry ``log10_`` in the name)."""

    name: str
    low: float
    high: float
    unit: str = ""

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise InvalidQuantity(f"prior on {self.name}: low must be < high", field=self.name)


#: The retrieval priors (terrestrial, N2-dominated atmosphere of a planet transiting an M dwarf).
DEFAULT_PRIORS: tuple[UniformPrior, ...] = (
    UniformPrior(name="temperature_k", low=200.0, high=400.0, unit="K"),
    UniformPrior(name="log10_vmr_h2o", low=-8.0, high=-1.0),
    UniformPrior(name="log10_vmr_co2", low=-8.0, high=-1.0),
    UniformPrior(name="log10_vmr_ch4", low=-8.0, high=-1.0),
    UniformPrior(name="log10_vmr_o3", low=-8.0, high=-2.0),
    UniformPrior(name="log10_vmr_n2o", low=-8.0, high=-2.0),
    UniformPrior(name="log10_cloud_top_bar", low=-4.0, high=0.0, unit="bar"),
    UniformPrior(name="reference_radius_earth", low=0.8, high=1.6, unit="R_earth"),
)


#: The system the amortized estimator was trained for: an M dwarf of 0.12 R_sun (TRAPPIST-1-like),
#: gravity from the reference radius (Chen & Kipping 2017), an N2 background.
TRAINING_STAR_RADIUS_SUN = 0.12
BACKGROUNDS = ("N2", "H2")


@dataclass(frozen=True, slots=True, kw_only=True)
class RetrievalSystem:
    """The host and planet a retrieval assumes.

    ``gravity_m_s2`` None: from the reference radius (Chen & Kipping); else fixed (from the planet's
    mass and radius, or given). ``background``: ``"N2"`` (secondary atmosphere) or ``"H2"`` (H2/He,
    85/15 by number). ``source`` says where the values came from (request, catalog planet).
    """

    star_radius_sun: float = TRAINING_STAR_RADIUS_SUN
    gravity_m_s2: float | None = None
    background: str = "N2"
    source: str = "default"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.star_radius_sun) and 0.05 <= self.star_radius_sun <= 20.0):
            raise InvalidQuantity("star_radius_sun must be within 0.05-20 R_sun", field="star_radius_sun")
        g = self.gravity_m_s2
        if g is not None and not (math.isfinite(g) and 0.5 <= g <= 500.0):
            raise InvalidQuantity("gravity must be within 0.5-500 m s^-2", field="gravity_m_s2")
        if self.background not in BACKGROUNDS:
            raise InvalidQuantity(f"background must be one of {BACKGROUNDS}", field="background")

    @property
    def is_training_system(self) -> bool:
        """True when the amortized estimator's training assumptions hold."""
        return (self.star_radius_sun == TRAINING_STAR_RADIUS_SUN and self.gravity_m_s2 is None
                and self.background == "N2")


def gravity_m_s2(mass_earth: float, radius_earth: float) -> float:
    """Surface gravity g = 9.80665 m s^-2 x M / R^2 (Earth units)."""
    if not (math.isfinite(mass_earth) and mass_earth > 0):
        raise InvalidQuantity("planet mass must be > 0", field="planet_mass_earth")
    if not (math.isfinite(radius_earth) and radius_earth > 0):
        raise InvalidQuantity("planet radius must be > 0", field="planet_radius_earth")
    return 9.80665 * mass_earth / radius_earth**2


def system_from_planet(planet: Planet, *, background: str | None = None) -> RetrievalSystem:
    """The retrieval system of a catalog planet: its host's radius, its gravity (measured mass, else the
    Chen & Kipping estimate, over its radius) and, unless given, the background its composition calls
    for (H2/He when an envelope is more probable than not, else N2)."""
    if planet.radius_earth is None:
        raise InvalidQuantity(f"{planet.name}: no radius in the catalog", field="planet")
    if planet.star.radius_sun is None:
        raise InvalidQuantity(f"{planet.name}: no stellar radius in the catalog", field="planet")
    mass = planet.mass_earth if planet.mass_earth is not None and not planet.mass_is_minimum else None
    comp = composition_probabilities(
        radius_earth=planet.radius_earth, radius_err=planet.error("radius_earth"),
        mass_earth=mass, mass_err=None if mass is None else planet.error("mass_earth"),
    )
    if mass is None:
        mass = estimate_mass_earth(planet.radius_earth)
    return RetrievalSystem(
        star_radius_sun=planet.star.radius_sun,
        gravity_m_s2=None if mass is None else gravity_m_s2(mass, planet.radius_earth),
        background=background or background_gas(comp),
        source=f"catalog planet {planet.name}",
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class PriorBox:
    """Independent uniform priors; ``theta`` arrays have shape (..., n_params) in this order."""

    priors: tuple[UniformPrior, ...] = DEFAULT_PRIORS

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.priors)

    @property
    def low(self) -> FloatArray:
        return np.array([p.low for p in self.priors])

    @property
    def high(self) -> FloatArray:
        return np.array([p.high for p in self.priors])

    def contains(self, theta: FloatArray) -> NDArray[np.bool_]:
        t = np.asarray(theta, dtype=np.float64)
        return np.asarray(np.all((t >= self.low) & (t <= self.high), axis=-1), dtype=np.bool_)

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        return rng.uniform(self.low, self.high, size=(n, len(self.priors)))

    def log_density(self, theta: FloatArray) -> FloatArray:
        inside = self.contains(theta)
        value = -float(np.sum(np.log(self.high - self.low)))
        return np.where(inside, value, -np.inf)


@dataclass(frozen=True, slots=True, kw_only=True)
class ParameterSummary:
    """Median and central credible intervals (68 % and 95 %) of one parameter."""

    name: str
    median: float
    ci68: tuple[float, float]
    ci95: tuple[float, float]


@dataclass(frozen=True, slots=True, kw_only=True)
class Posterior:
    """Posterior samples (shape (n, n_params)) with their summaries and diagnostics.

    ``method`` is ``"npe"`` (normalizing flow) or ``"nested"`` (nested sampling fallback);
    ``importance_efficiency`` is the Kish ESS / N of prior*likelihood / flow weights (1 = exact).
    """

    names: tuple[str, ...]
    samples: FloatArray
    method: str
    importance_efficiency: float | None = None
    flagged: bool = False
    notes: tuple[str, ...] = ()
    provenance: dict[str, str] = field(default_factory=dict)
    wall_time_s: float = 0.0

    def __post_init__(self) -> None:
        s = np.asarray(self.samples, dtype=np.float64)
        if s.ndim != 2 or s.shape[1] != len(self.names) or s.shape[0] < 2:
            raise InvalidQuantity("samples must be (n >= 2, n_params)", field="samples")
        object.__setattr__(self, "samples", s)

    def summaries(self) -> list[ParameterSummary]:
        q = np.quantile(self.samples, [0.025, 0.16, 0.5, 0.84, 0.975], axis=0)
        return [
            ParameterSummary(
                name=n,
                median=float(q[2, i]),
                ci68=(float(q[1, i]), float(q[3, i])),
                ci95=(float(q[0, i]), float(q[4, i])),
            )
            for i, n in enumerate(self.names)
        ]


def kish_efficiency(log_weights: FloatArray) -> float:
    """Effective sample size over N of importance weights given as logs: (sum w)^2 / (N sum w^2)."""
    lw = np.asarray(log_weights, dtype=np.float64)
    lw = lw[np.isfinite(lw)] if np.isfinite(lw).any() else lw
    if lw.size == 0 or not np.isfinite(lw).any():
        return 0.0
    w = np.exp(lw - lw.max())
    return float(w.sum() ** 2 / (np.asarray(log_weights).size * np.sum(w * w)))


def central_interval_hits(samples: FloatArray, truth: FloatArray, level: float) -> NDArray[np.bool_]:
    """Per parameter: is ``truth`` (n_params,) inside the central ``level`` interval of ``samples``?"""
    lo, hi = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return np.asarray((truth >= lo) & (truth <= hi))


def rank_statistic(samples: FloatArray, truth: FloatArray) -> FloatArray:
    """SBC rank of ``truth`` among the posterior samples, normalised to [0, 1] per parameter."""
    return np.asarray(np.mean(samples < truth, axis=0), dtype=np.float64)


def uniformity_ks(ranks: FloatArray) -> float:
    """Kolmogorov-Smirnov distance of normalised ranks (n,) from U(0, 1)."""
    r = np.sort(np.asarray(ranks, dtype=np.float64))
    n = r.size
    if n == 0:
        raise InvalidQuantity("no ranks", field="ranks")
    grid = np.arange(1, n + 1) / n
    return float(max(np.max(grid - r), np.max(r - (grid - 1.0 / n))))


def tarp_coverage(
    samples: list[FloatArray], truths: FloatArray, levels: FloatArray, rng: np.random.Generator
) -> FloatArray:
    """TARP expected coverage (Lemos et al. 2023) at ``levels``, with random reference points.

    Parameters are scaled to the unit box by the caller. Returns coverage per level.
    """
    n = len(samples)
    refs = rng.uniform(0, 1, size=(n, truths.shape[1]))
    f = np.empty(n)
    for i, s in enumerate(samples):
        d_samples = np.linalg.norm(s - refs[i], axis=1)
        d_truth = np.linalg.norm(truths[i] - refs[i])
        f[i] = np.mean(d_samples < d_truth)
    return np.array([np.mean(f < a) for a in levels])


def gaussian_log_likelihood(
    depth_ppm: FloatArray, sigma_ppm: FloatArray, model_ppm: FloatArray
) -> FloatArray:
    """Independent Gaussian log-likelihood per model row: ``model_ppm`` (n, n_bins) -> (n,)."""
    r = (depth_ppm - model_ppm) / sigma_ppm
    norm = float(np.sum(np.log(sigma_ppm)) + 0.5 * depth_ppm.size * np.log(2 * np.pi))
    return np.asarray(-0.5 * np.sum(r * r, axis=-1) - norm)

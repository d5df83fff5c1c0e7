"""Monte Carlo of the biosignature potential over measurement and model errors, vectorised over planets.

What is drawn (each planet, ``n`` draws, one array operation for a whole batch of planets):

* catalog values with their own (minus, plus) 1-sigma errors, as split normals: planet radius and
  mass, stellar Teff, radius and mass, orbital period and semi-major axis (a value without an error
  column is held fixed); without a measured mass the mass follows the drawn radius (Chen & Kipping
  2017 as in Kempton et al. 2018) and the class follows the radius-only relation;
* the composition curves' model error (2 % in radius) and hence the class of each draw;
* the climate model's error: T_s = T_s,nominal x T_eq,draw / T_eq,nominal + sigma_model z, with
  sigma_model the surrogate's held-out RMSE or the grey model's RMSE against the GCM runs.

What is not redrawn (the expensive parts, computed once per planet at the nominal values): the
metabolic fluxes (FBA) and the spectrum. The best feasible biogenic feature's SNR at the transits the
programme co-adds is rescaled per draw by the transmission-feature scaling R_p^3 T_eq / (M_p R_*^2)
(a feature of one scale height).

Per draw: habitable = (class has a surface) and (open ocean: T_min <= T_s <= boiling point, T_min
243 K rotating / 227 K tidally locked, Teff < 4000 K) and (S above the early-Mars limit) and (not
runaway: S < S_runaway(Teff, M), Kopparapu et al. 2014); detectability = accessibility x (1/2 + 1/2
biogenic) as in :func:`~astrobio.domain.biosignature_ranking.biosignature_potential` (0 when the
programme cannot reach the target, ``max_transits`` < 1); potential = habitable x detectability.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from astrobio.domain.biosignature_ranking import BIOSPHERE_FLOOR
from astrobio.domain.composition import (
    CURVE_SIGMA,
    ROCKY,
    WATER_RICH,
    class_codes,
    radius_only_probabilities,
)
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.habitability import (
    OPEN_OCEAN_MIN_TS_LOCKED_K,
    OPEN_OCEAN_MIN_TS_ROTATING_K,
    TIDAL_LOCKING_TEFF_K,
    early_mars_flux_earth,
    runaway_flux_earth,
)
from astrobio.domain.ranking import WATER_BOILING_1ATM_K

FloatArray = NDArray[np.float64]
#: The Sun's effective temperature used to scale luminosity (IAU nominal), K.
_T_SUN_K = 5772.0
DETECTION_SNR = 5.0


def split_normal(
    rng: np.random.Generator,
    value: float,
    err: tuple[float, float] | None,
    shape: tuple[int, ...],
    *,
    floor: float = 0.0,
) -> FloatArray:
    """Draws of a value with (minus, plus) 1-sigma errors: z < 0 scales by minus, z > 0 by plus.

    ``err`` None holds the value fixed. Draws are clipped at ``floor`` (physical positivity).
    """
    if err is None:
        return np.full(shape, float(value))
    minus, plus = err
    z = rng.standard_normal(shape)
    return np.maximum(value + np.where(z < 0.0, minus, plus) * z, floor)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetDraw:
    """One planet's nominal values, errors and the results of the expensive nominal stages.

    Errors are (minus, plus) >= 0, or None (held fixed). ``luminosity_sun`` None: from R*, Teff.
    ``semi_major_axis_au`` None: from the period and the stellar mass. ``best_snr`` is the best
    feasible biogenic-feature SNR at the transits the programme co-adds, ``atmosphere_snr`` that of
    the atmosphere's strongest feature, ``transits_for_5sigma`` the transits the biogenic 5 sigma
    needs (None: never; reported only), ``max_transits`` the programme's reach.
    """

    radius_earth: float
    radius_err: tuple[float, float] | None
    mass_earth: float | None
    mass_err: tuple[float, float] | None
    teff_k: float
    teff_err: tuple[float, float] | None
    star_radius_sun: float
    star_radius_err: tuple[float, float] | None
    star_mass_sun: float | None
    star_mass_err: tuple[float, float] | None
    luminosity_sun: float | None
    period_days: float | None
    period_err: tuple[float, float] | None
    semi_major_axis_au: float | None
    semi_major_axis_err: tuple[float, float] | None
    ts_k: float
    ts_model_sigma_k: float
    teq_k: float
    best_snr: float
    transits_for_5sigma: float | None
    max_transits: float
    atmosphere_snr: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class PotentialDraws:
    """Per-planet draws (shape (n_planets, n_draws)) and their summaries."""

    potential: FloatArray
    habitable: NDArray[np.bool_]
    surface: NDArray[np.bool_]
    liquid: NDArray[np.bool_]

    def quantiles(self) -> FloatArray:
        """(n_planets, 3): 16th, 50th and 84th percentile of the potential."""
        return np.asarray(np.percentile(self.potential, [16.0, 50.0, 84.0], axis=1).T, dtype=np.float64)


def _kempton_mass(radius: FloatArray) -> FloatArray:
    return np.where(radius < 1.23, 0.9718 * radius**3.58, 1.436 * radius**1.70)


def draw_potential(planets: Sequence[PlanetDraw], n_draws: int, seed: int = 2024) -> PotentialDraws:
    """Draw every planet's potential ``n_draws`` times (vectorised; deterministic for a seed)."""
    if n_draws < 1:
        raise InvalidQuantity("n_draws must be >= 1", field="n_draws")
    rng = np.random.default_rng(seed)
    n = len(planets)
    shape = (n_draws,)
    if n == 0:
        empty = np.zeros((0, n_draws))
        return PotentialDraws(potential=empty, habitable=empty.astype(bool), surface=empty.astype(bool),
                              liquid=empty.astype(bool))

    def rows(value: str, err: str, floor: float) -> FloatArray:
        return np.stack([split_normal(rng, getattr(p, value), getattr(p, err), shape, floor=floor)
                         for p in planets])

    r = rows("radius_earth", "radius_err", 1e-3)
    teff = rows("teff_k", "teff_err", 100.0)
    rs = rows("star_radius_sun", "star_radius_err", 1e-3)
    measured = np.array([p.mass_earth is not None for p in planets])
    m = np.stack([
        split_normal(rng, p.mass_earth, p.mass_err, shape, floor=1e-3) if p.mass_earth is not None
        else np.zeros(shape) for p in planets
    ])
    m = np.where(measured[:, None], m, _kempton_mass(r))
    lum = np.stack([
        np.full(shape, p.luminosity_sun) if p.luminosity_sun is not None else np.zeros(shape) for p in planets
    ])
    lum = np.where(lum > 0, lum, rs**2 * (teff / _T_SUN_K) ** 4)
    a = np.empty((n, n_draws))
    for i, p in enumerate(planets):
        if p.semi_major_axis_au is not None:
            a[i] = split_normal(rng, p.semi_major_axis_au, p.semi_major_axis_err, shape, floor=1e-5)
        else:
            if p.period_days is None or p.star_mass_sun is None:
                raise InvalidQuantity("semi-major axis or period and stellar mass needed", field="orbit")
            per = split_normal(rng, p.period_days, p.period_err, shape, floor=1e-4) / 365.25
            ms = split_normal(rng, p.star_mass_sun, p.star_mass_err, shape, floor=1e-3)
            a[i] = (ms * per**2) ** (1.0 / 3.0)
    s = lum / a**2
    teq = teff * np.sqrt(rs * 0.00465047 / (2.0 * a))  # R_sun in AU
    teq_nom = np.array([p.teq_k for p in planets])[:, None]
    ts = np.array([p.ts_k for p in planets])[:, None] * teq / teq_nom
    ts = ts + np.array([p.ts_model_sigma_k for p in planets])[:, None] * rng.standard_normal((n, n_draws))

    curve = 1.0 + CURVE_SIGMA * rng.standard_normal((n, n_draws))
    codes = class_codes(m, r, curve)
    if not measured.all():
        probs = radius_only_probabilities(r)  # (n, draws, 5)
        u = rng.random((n, n_draws, 1))
        radius_codes = (u > np.cumsum(probs, axis=-1)).sum(axis=-1).astype(np.int8)
        codes = np.where(measured[:, None], codes, np.minimum(radius_codes, 4))
    surface = (codes == ROCKY) | (codes == WATER_RICH)
    runaway = s >= runaway_flux_earth(teff, m)
    minimum = np.where(teff < TIDAL_LOCKING_TEFF_K, OPEN_OCEAN_MIN_TS_LOCKED_K, OPEN_OCEAN_MIN_TS_ROTATING_K)
    frozen = s < early_mars_flux_earth(teff)
    liquid = (ts >= minimum) & (ts <= WATER_BOILING_1ATM_K) & ~runaway & ~frozen
    habitable = surface & liquid

    r_nom = np.array([p.radius_earth for p in planets])[:, None]
    m_nom = np.where(measured, [p.mass_earth or 0.0 for p in planets],
                     _kempton_mass(r_nom[:, 0]))[:, None]
    rs_nom = np.array([p.star_radius_sun for p in planets])[:, None]
    scale = (r**3 * teq / (m * rs**2)) / (r_nom**3 * teq_nom / (m_nom * rs_nom**2))
    snr = np.array([p.best_snr for p in planets])[:, None] * scale
    atm = np.array([p.atmosphere_snr for p in planets])[:, None] * scale
    reach = np.array([p.max_transits for p in planets])[:, None]
    biogenic = np.minimum(1.0, snr / DETECTION_SNR)
    access = np.where(reach >= 1.0, np.minimum(1.0, atm / DETECTION_SNR), 0.0)
    det = access * (BIOSPHERE_FLOOR + (1.0 - BIOSPHERE_FLOOR) * biogenic)
    return PotentialDraws(potential=np.where(habitable, det, 0.0), habitable=habitable, surface=surface,
                          liquid=liquid)


def top_k_probability(potential: FloatArray, k: int = 10) -> FloatArray:
    """P(in the top ``k``) of each row of ``potential`` (n_planets, n_draws) over the draws.

    In each draw the planets are ordered by potential; a planet counts only when its potential is > 0
    (a zero is not a target). Ties at the k-th place are broken by row order.
    """
    p = np.asarray(potential, dtype=np.float64)
    if p.ndim != 2:
        raise InvalidQuantity("potential draws must be (n_planets, n_draws)", field="potential")
    if p.shape[0] == 0:
        return np.zeros(0)
    order = np.argsort(-p, axis=0, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(p.shape[0])[:, None].repeat(p.shape[1], axis=1), axis=0)
    return np.asarray(((ranks < k) & (p > 0)).mean(axis=1), dtype=np.float64)

"""The pipeline's Monte Carlo step: each modelled planet's potential as a distribution, and P(top 10).

Business rules (the physics is :mod:`astrobio.domain.uncertainty`):

* the expensive stages (climate model, FBA, spectrum) run once per planet at the nominal values;
  the draws perturb the cheap ones (catalog values over their error columns, composition curves,
  the climate model's error) and rescale the best feature's SNR;
* a result's ``potential`` is the mean over the draws (the expected value, which carries the
  class probabilities); ``summary`` gains ``potential_median``, ``potential_p16``, ``potential_p84``,
  ``p_habitable`` and, once the whole run is known, ``p_top10``; ``stages.uncertainty`` keeps the
  draws (rounded) so the rank probabilities can be computed across chunks;
* draws are seeded by the planets drawn together (their names), not by the run: two runs over the
  same catalog with the same options give the same numbers, so a ranking can be reproduced and
  compared (``run_id`` only labels the draws).
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from astrobio.domain.assessment import Assessment
from astrobio.domain.pipeline_run import PlanetResult
from astrobio.domain.planet import Planet
from astrobio.domain.uncertainty import PlanetDraw, draw_potential, top_k_probability

#: Draws per planet unless a run asks otherwise.
DEFAULT_DRAWS = 64
TOP_K = 10
DRAWN = (
    "planet radius, mass (measured) and the stellar Teff, radius, mass, period and semi-major axis over "
    "their catalog (minus, plus) errors; composition curves +-2 %; surface temperature with the climate "
    "model's error; not redrawn: FBA fluxes and spectra (feature SNR rescaled by Rp^3 Teq / (Mp R*^2))"
)


def _r(x: float) -> float:
    return float(f"{x:.4g}")


def draw_input(planet: Planet, a: Assessment, result: PlanetResult, max_transits: float) -> PlanetDraw:
    """The Monte Carlo inputs of one modelled planet, from its assessment and its nominal result."""
    climate = result.stages.get("climate", {})
    pot = result.stages.get("potential", {})
    star = planet.star
    measured_mass = None if a.mass_is_estimated else a.mass_earth
    needed = pot.get("transits_for_5sigma")
    return PlanetDraw(
        radius_earth=a.radius_earth,
        radius_err=planet.error("radius_earth"),
        mass_earth=measured_mass,
        mass_err=None if measured_mass is None else planet.error("mass_earth"),
        teff_k=float(star.teff_k or 0.0),
        teff_err=planet.error("star.teff_k"),
        star_radius_sun=a.star_radius_sun,
        star_radius_err=planet.error("star.radius_sun"),
        star_mass_sun=star.mass_sun,
        star_mass_err=planet.error("star.mass_sun"),
        luminosity_sun=star.luminosity_sun,
        period_days=planet.orbital_period_days,
        period_err=planet.error("orbital_period_days"),
        semi_major_axis_au=planet.semi_major_axis_au,
        semi_major_axis_err=planet.error("semi_major_axis_au"),
        ts_k=float(climate.get("ts_k", 0.0)),
        ts_model_sigma_k=float(climate.get("ts_sigma_k", 0.0)),
        teq_k=a.teq_k,
        best_snr=float(pot.get("effective_snr", 0.0)),
        transits_for_5sigma=None if needed is None else float(needed),
        max_transits=max_transits,
        atmosphere_snr=float(pot.get("atmosphere_snr", 0.0)),
    )


def with_uncertainty(
    items: Sequence[tuple[PlanetResult, PlanetDraw]], *, run_id: str, n_draws: int = DEFAULT_DRAWS
) -> list[PlanetResult]:
    """Draw the potential of every modelled result (one vectorised call) and attach the summaries."""
    if not items:
        return []
    seed = zlib.crc32("\n".join(res.planet_name for res, _ in items).encode())
    draws = draw_potential([d for _, d in items], n_draws, seed=seed)
    q = draws.quantiles()
    mean = draws.potential.mean(axis=1)
    out: list[PlanetResult] = []
    for i, (res, _) in enumerate(items):
        summary = dict(res.summary) | {
            "potential_median": _r(float(q[i, 1])),
            "potential_p16": _r(float(q[i, 0])),
            "potential_p84": _r(float(q[i, 2])),
            "potential_nominal": _r(float(res.potential or 0.0)),
            "p_habitable": _r(float(draws.habitable[i].mean())),
        }
        stages = dict(res.stages) | {
            "uncertainty": {
                "n_draws": n_draws,
                "drawn": DRAWN,
                "p_surface": _r(float(draws.surface[i].mean())),
                "p_liquid": _r(float(draws.liquid[i].mean())),
                "potential_draws": [_r(float(x)) for x in draws.potential[i]],
            }
        }
        out.append(replace(res, potential=min(1.0, max(0.0, float(mean[i]))), summary=summary, stages=stages))
    return out


def with_rank_probabilities(results: Sequence[PlanetResult], k: int = TOP_K) -> list[PlanetResult]:
    """P(in the top ``k``) of each modelled result from its stored draws (all of a run's results at once).

    Results without draws (older runs) get no ``p_top10``; draws of unequal length are cut to the shortest.
    """
    drawn = [r for r in results if r.stages.get("uncertainty", {}).get("potential_draws")]
    if not drawn:
        return list(results)
    rows = [r.stages["uncertainty"]["potential_draws"] for r in drawn]
    n = min(len(x) for x in rows)
    p = top_k_probability(np.array([x[:n] for x in rows], dtype=np.float64), k)
    updated: dict[str, PlanetResult] = {}
    for r, prob in zip(drawn, p, strict=True):
        summary: dict[str, Any] = dict(r.summary) | {"p_top10": _r(float(prob))}
        updated[r.planet_name] = replace(r, summary=summary)
    return [updated.get(r.planet_name, r) for r in results]

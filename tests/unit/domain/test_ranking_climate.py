"""The ranking's optional climate component: P(liquid-water surface temperature), Ts ~ N(mean, sigma)."""

from __future__ import annotations

import pytest

from astrobio.domain.assessment import assess_planet
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import (
    ClimateEstimate,
    RankingFilter,
    ScoreWeights,
    probability_between,
    rank,
    score,
    water_boiling_point_k,
)
from astrobio.domain.star import Star

SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, j_mag=4.0, k_mag=3.5, distance_pc=10.0)


def make(name: str, a_au: float) -> Planet:
    return Planet(name=name, star=SUN, radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=a_au,
                  transits=True)


def estimate(ts: float, sigma: float = 5.0) -> ClimateEstimate:
    return ClimateEstimate(ts_k=ts, ts_sigma_k=sigma, model_id="m")


def test_temperate_planet_scores_one_and_frozen_planet_zero() -> None:
    assert estimate(300.0).p_liquid_water == pytest.approx(1.0, abs=1e-6)
    assert estimate(200.0).p_liquid_water == pytest.approx(0.0, abs=1e-6)


def test_probability_is_gaussian_mass_between_the_limits() -> None:
    # One sigma either side of the mean holds 68.27 % of a normal distribution.
    assert probability_between(0.0, 1.0, -1.0, 1.0) == pytest.approx(0.682689, abs=1e-6)
    # Right at the melting point, half of the mass is liquid.
    assert estimate(273.15).p_liquid_water == pytest.approx(0.5, abs=1e-6)
    assert probability_between(280.0, 0.0, 273.15, 373.15) == 1.0  # no uncertainty: a step
    with pytest.raises(InvalidQuantity):
        probability_between(280.0, -1.0, 273.15, 373.15)


@pytest.mark.parametrize(("bar", "steam_table_k"), [(1.01325, 373.15), (1.0, 372.76), (0.3, 342.25),
                                                      (3.0, 406.67)])
def test_boiling_point_follows_the_steam_tables(bar: float, steam_table_k: float) -> None:
    # IAPWS saturation temperatures at 101.325, 100, 30 and 300 kPa.
    assert water_boiling_point_k(bar) == pytest.approx(steam_table_k, abs=1.0)


def test_estimates_reject_unphysical_values() -> None:
    with pytest.raises(InvalidQuantity):
        estimate(-3.0)
    with pytest.raises(InvalidQuantity):
        estimate(300.0, sigma=-1.0)
    with pytest.raises(InvalidQuantity):
        ScoreWeights(climate=-0.1)


def test_default_weights_leave_the_score_unchanged() -> None:
    a = assess_planet(make("twin", 1.0))
    plain, with_climate = score(a, ScoreWeights()), score(a, ScoreWeights(), estimate(200.0))
    assert ScoreWeights().climate == 0.0 and with_climate.total == plain.total
    assert plain.climate is None and with_climate.climate == pytest.approx(0.0, abs=1e-6)


def test_climate_weight_enters_the_weighted_mean() -> None:
    a = assess_planet(make("twin", 1.0))
    w = ScoreWeights(hz=1, esi=1, detectability=1, planet_class=1, climate=1)
    s = score(a, w, estimate(300.0))
    assert s.total == pytest.approx((s.hz + s.esi + s.detectability + s.planet_class + 1.0) / 5)
    # No estimate: the component counts 0 (no evidence earns nothing), as for detectability.
    assert score(a, w).total == pytest.approx((s.hz + s.esi + s.detectability + s.planet_class) / 5)


def test_default_ranking_is_unchanged_by_estimates_and_weighted_ranking_follows_them() -> None:
    planets = [assess_planet(make(n, a)) for n, a in (("a", 1.0), ("b", 1.0), ("c", 1.2))]
    estimates = {"a": estimate(200.0), "b": estimate(300.0)}
    plain = rank(planets, weights=ScoreWeights(), where=RankingFilter())
    same = rank(planets, weights=ScoreWeights(), where=RankingFilter(), climate=estimates)
    assert [t.assessment.name for t in same.targets] == [t.assessment.name for t in plain.targets]
    assert [t.score.total for t in same.targets] == [t.score.total for t in plain.targets]
    only = ScoreWeights(hz=0, esi=0, detectability=0, planet_class=0, climate=1)
    r = rank(planets, weights=only, where=RankingFilter(), climate=estimates)
    assert [t.assessment.name for t in r.targets] == ["b", "a", "c"]
    assert r.targets[0].climate == estimates["b"] and r.targets[2].climate is None

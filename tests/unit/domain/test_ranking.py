"""Composite score, filters and ordering."""

from __future__ import annotations

from dataclasses import replace

import pytest

from astrobio.domain.assessment import assess_planet
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.ranking import HzFilter, RankingFilter, ScoreWeights, rank, score
from astrobio.domain.star import Star

SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, j_mag=4.0, k_mag=3.5, distance_pc=10.0)


def make(name: str, a_au: float, radius: float = 1.0, mass: float | None = 1.0) -> Planet:
    return Planet(name=name, star=SUN, radius_earth=radius, mass_earth=mass, semi_major_axis_au=a_au,
                  transits=True)


def test_weights_must_be_non_negative_and_not_all_zero() -> None:
    with pytest.raises(InvalidQuantity):
        ScoreWeights(hz=-1)
    with pytest.raises(InvalidQuantity):
        ScoreWeights(hz=0, esi=0, detectability=0, planet_class=0)


def test_score_is_the_weighted_mean_of_its_components() -> None:
    a = assess_planet(make("Earth twin", 1.0))
    s = score(a, ScoreWeights(hz=1, esi=1, detectability=1, planet_class=1))
    assert s.hz == 1.0 and s.planet_class == pytest.approx(1.0, abs=0.01)  # expected value over classes
    assert s.total == pytest.approx((s.hz + s.esi + s.detectability + s.planet_class) / 4)
    only_hz = score(a, ScoreWeights(hz=2, esi=0, detectability=0, planet_class=0))
    assert only_hz.total == 1.0


def test_detectability_is_tsm_over_kempton_threshold_capped_at_one() -> None:
    a = assess_planet(make("E", 1.0))
    assert a.tsm is not None
    assert score(a, ScoreWeights()).detectability == pytest.approx(min(1.0, a.tsm / 10.0))


def test_planets_not_known_to_transit_get_no_detectability() -> None:
    # TSM presumes a transit: an RV planet (transits unknown) or a known non-transiter scores 0.
    for transits in (None, False):
        a = assess_planet(replace(make("RV", 1.0), transits=transits))
        assert a.tsm is not None and score(a, ScoreWeights()).detectability == 0.0


def test_order_is_score_then_name_and_stable() -> None:
    planets = [make("b twin", 1.0), make("a twin", 1.0), make("hot", 0.1), make("cold", 5.0)]
    r = rank([assess_planet(p) for p in planets], weights=ScoreWeights(), where=RankingFilter())
    names = [t.assessment.name for t in r.targets]
    assert names[:2] == ["a twin", "b twin"]
    assert [t.rank for t in r.targets] == [1, 2, 3, 4]
    assert r.targets[0].score.total >= r.targets[-1].score.total
    again = rank([assess_planet(p) for p in reversed(planets)], weights=ScoreWeights(), where=RankingFilter())
    assert [t.assessment.name for t in again.targets] == names


def test_filters_count_what_they_remove() -> None:
    planets = [make("in", 1.0), make("venus-like", 0.72), make("big", 1.0, radius=3.0, mass=10.0)]
    where = RankingFilter(hz=HzFilter.CONSERVATIVE, max_radius_earth=2.0,
                          planet_classes=frozenset({PlanetClass.ROCKY}))
    r = rank([assess_planet(p) for p in planets], weights=ScoreWeights(), where=where,
             excluded={"missing radius_earth": 4})
    assert [t.assessment.name for t in r.targets] == ["in"]
    assert r.filtered_out == {"outside conservative HZ": 1, "radius above maximum": 1}
    assert r.considered == 7 and r.eligible == 1 and r.excluded == {"missing radius_earth": 4}


def test_top_limits_the_list() -> None:
    planets = [make(f"p{i}", 1.0 + i / 10) for i in range(5)]
    r = rank([assess_planet(p) for p in planets], weights=ScoreWeights(), where=RankingFilter(), top=2)
    assert len(r.targets) == 2 and r.eligible == 5


def test_distance_filter_needs_a_distance() -> None:
    nodist = Planet(name="far", star=Star(name="S", teff_k=5772, radius_sun=1, mass_sun=1, j_mag=5),
                    radius_earth=1, semi_major_axis_au=1)
    r = rank([assess_planet(nodist)], weights=ScoreWeights(), where=RankingFilter(max_distance_pc=50))
    assert r.filtered_out == {"no distance for max-distance filter": 1}

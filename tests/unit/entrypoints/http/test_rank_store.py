"""POST /rank scores stored assessments: computed once per catalog version, never per request."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from astrobio.application.use_cases import rank_targets
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star
from tests.unit.entrypoints.http.conftest import Edge

# Archive (PSCompPars 2025-08) values.
TRAPPIST_1 = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898, j_mag=11.354,
                  k_mag=10.296, distance_pc=12.467)
PLANETS = [
    Planet(name="TRAPPIST-1 e", star=TRAPPIST_1, radius_earth=0.92, mass_earth=0.692,
           orbital_period_days=6.101013, semi_major_axis_au=0.02925, discovery_method="Transit",
           transits=True),
    Planet(name="TRAPPIST-1 b", star=TRAPPIST_1, radius_earth=1.116, mass_earth=1.374,
           orbital_period_days=1.510826, semi_major_axis_au=0.01154, discovery_method="Transit",
           transits=True),
]
TRAPPIST_1_F = Planet(name="TRAPPIST-1 f", star=TRAPPIST_1, radius_earth=1.045, mass_earth=1.039,
                      orbital_period_days=9.207540, semi_major_axis_au=0.03849, transits=True)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = rank_targets.assess_planet  # type: ignore[attr-defined]

    def counting(planet: Planet, colours: Any) -> Any:
        calls.append(planet.name)
        return real(planet, colours)

    monkeypatch.setattr(rank_targets, "assess_planet", counting)
    return calls


def _store(edge: Edge, planets: list[Planet]) -> None:
    with edge.container.uow_factory()() as uow:
        uow.planets.add_many(planets)
        uow.commit()


def _names(edge: Edge, body: dict[str, Any]) -> list[str]:
    r = edge.client.post("/rank", json=body)
    assert r.status_code == 200, r.text
    return [t["name"] for t in r.json()["targets"]]


def test_each_planet_is_assessed_once_per_catalog_version(open_edge: Edge, counted: list[str]) -> None:
    _store(open_edge, PLANETS)
    counted.clear()
    first = _names(open_edge, {})
    assert sorted(counted) == ["TRAPPIST-1 b", "TRAPPIST-1 e"]
    # other weights, filters and sizes score the stored assessments: nothing is re-assessed
    _names(open_edge, {"weights": {"hz": 1, "esi": 0, "detectability": 0, "planet_class": 0}})
    _names(open_edge, {"hz": "conservative", "top": 1})
    assert _names(open_edge, {}) == first
    assert len(counted) == 2


def test_a_catalog_change_is_ranked_at_once(open_edge: Edge, counted: list[str]) -> None:
    _store(open_edge, PLANETS)
    assert "TRAPPIST-1 f" not in _names(open_edge, {})
    _store(open_edge, [TRAPPIST_1_F])
    assert "TRAPPIST-1 f" in _names(open_edge, {})
    # an edited value is served too (the stored assessment follows the row)
    _store(open_edge, [replace(TRAPPIST_1_F, radius_earth=None)])
    r = open_edge.client.post("/rank", json={}).json()
    assert "TRAPPIST-1 f" not in [t["name"] for t in r["targets"]]
    assert r["excluded"] == {"missing radius_earth": 1}


def test_the_stored_version_changes_with_every_write_and_only_then(open_edge: Edge) -> None:
    factory = open_edge.container.uow_factory()
    with factory() as uow:
        v0 = uow.planets.version()
        list(uow.planets.iter_all())
        assert uow.planets.version() == v0
        uow.planets.add(PLANETS[0])
        v1 = uow.planets.version()
        uow.planets.add_many(PLANETS)
        v2 = uow.planets.version()
        uow.commit()
    assert len({v0, v1, v2}) == 3
    with factory() as uow:
        assert uow.planets.version() == v2
        uow.planets.add(PLANETS[1])  # rolled back: the version with it
    with factory() as uow:
        assert uow.planets.version() == v2

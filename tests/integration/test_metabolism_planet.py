"""A catalog planet's biosphere by name, with COBRApy, against published cases.

* Modern Earth (an Earth twin around the Sun): oxygenic photosynthesis runs, so the atmosphere is
  oxic; CH4 surface flux ~1e11 cm^-2 s^-1 (Saunois et al. 2020) and ~1.8 ppm at steady state.
* The same planet around a 2566 K star (TRAPPIST-1) at the same instellation: PAR photons per
  bolometric W are 12 % of the Sun's (Planck), and the weak near-UV lengthens CH4's lifetime, so the
  same CH4 flux holds >= 10x the CH4 (Segura et al. 2005).
* A frozen planet: no liquid water, no oxygenic photosynthesis, so no O2 in its atmosphere.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from astrobio.adapters.memory.metabolism import InMemoryMetabolicModelRepository
from astrobio.adapters.metabolism.bundled import bundled_sbml_commands
from astrobio.adapters.metabolism.cobra_engine import CobraFbaEngine
from astrobio.adapters.metabolism.sbml_store import LocalSbmlStore
from astrobio.application.use_cases.metabolism import IngestSbml, SimulateMetabolism
from astrobio.application.use_cases.planet_biosphere import SimulatePlanetBiosphere
from astrobio.domain.errors import InsufficientData, NotFound
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MODELS = Path(__file__).resolve().parents[2] / "data" / "metabolic_models"
SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, luminosity_sun=1.0)
TRAPPIST = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.119, mass_sun=0.0898, luminosity_sun=5.5e-4)


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 12, 4, tzinfo=UTC)


class Catalog:
    def __init__(self, planets: Sequence[Planet]) -> None:
        self._p = {p.name: p for p in planets}

    def execute(self, name: str) -> Planet:
        if name not in self._p:
            raise NotFound(f"planet {name!r} not found", field="name")
        return self._p[name]


class NoSurrogate:
    def estimate(self, targets: Any) -> Any:
        raise InsufficientData("no active climate surrogate", field="climate")


@pytest.fixture(scope="module")
def biosphere(tmp_path_factory: pytest.TempPathFactory) -> SimulatePlanetBiosphere:
    engine, repo = CobraFbaEngine(), InMemoryMetabolicModelRepository()
    ingest = IngestSbml(repo, LocalSbmlStore(tmp_path_factory.mktemp("sbml")), engine, FixedClock())
    for command in bundled_sbml_commands(MODELS):
        if command.model_id in ("iAF692", "iJN678"):
            ingest.execute(command)
    # Earth twin: 1 AU around the Sun. TRAPPIST twin: at the orbit giving Earth's instellation.
    a_trappist = (5.5e-4) ** 0.5
    planets = [
        Planet(name="Earth twin", star=SUN, radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=1.0,
               orbital_period_days=365.25, transits=True),
        Planet(name="TRAPPIST twin", star=TRAPPIST, radius_earth=1.0, mass_earth=1.0,
               semi_major_axis_au=a_trappist, orbital_period_days=365.25 * (a_trappist**3 / 0.0898) ** 0.5,
               transits=True),
        Planet(name="Frozen", star=SUN, radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=3.0,
               orbital_period_days=365.25 * 27**0.5, transits=True),
    ]
    return SimulatePlanetBiosphere(Catalog(planets), lambda: None, NoSurrogate,
                                   SimulateMetabolism(repo, engine))


def test_earth_twin_is_oxic_with_earths_methane(biosphere: SimulatePlanetBiosphere) -> None:
    out = biosphere.execute("Earth twin")
    assert "grey" in out.climate_source and 270 < out.environment.temperature_k < 300
    bio = out.simulation.biosphere
    assert bio.oxygenic and out.atmosphere["state"] == "oxic"
    assert 1e11 / 3 <= bio.flux_molecules_cm2_s["ch4"] <= 3e11
    assert out.atmosphere["vmr"]["CH4"] == pytest.approx(1.8e-6, rel=0.6)
    assert "light" in bio.limits["o2"]


def test_m_dwarf_twin_holds_ten_times_more_methane(biosphere: SimulatePlanetBiosphere) -> None:
    sun, m = biosphere.execute("Earth twin"), biosphere.execute("TRAPPIST twin")
    assert m.environment.photon_flux_umol_m2_s == pytest.approx(
        0.12 * (sun.environment.photon_flux_umol_m2_s or 0.0), rel=0.1)
    # Light-limited NPP, so ~12 % of the CH4 flux; per unit flux, >= 10x the CH4 (Segura et al. 2005).
    f_sun = sun.simulation.biosphere.flux_molecules_cm2_s["ch4"]
    f_m = m.simulation.biosphere.flux_molecules_cm2_s["ch4"]
    assert f_m == pytest.approx(0.12 * f_sun, rel=0.15)
    assert m.atmosphere["vmr"]["CH4"] / f_m >= 10 * sun.atmosphere["vmr"]["CH4"] / f_sun


def test_no_oxygen_without_an_oxygenic_producer(biosphere: SimulatePlanetBiosphere) -> None:
    out = biosphere.execute("Frozen")
    assert out.environment.temperature_k < 273.15
    assert not out.simulation.biosphere.oxygenic and out.atmosphere["state"] == "anoxic"
    assert "O2" not in out.atmosphere["surface_vmr"] and "O3" not in out.atmosphere["surface_vmr"]


def test_unknown_planet_is_not_found(biosphere: SimulatePlanetBiosphere) -> None:
    with pytest.raises(NotFound):
        biosphere.execute("Nowhere b")

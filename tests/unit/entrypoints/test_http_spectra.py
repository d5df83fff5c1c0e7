"""POST /predict/spectrum and GET /planets/{name}/spectrum over the in-memory catalog."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import Settings
from astrobio.entrypoints.http import create_app
from tests.unit.application.test_compute_spectrum import T1E, FixedClimate

PLANET = {
    "name": "Test b",
    "radius_earth": 1.0,
    "mass_earth": 1.0,
    "orbital_period_days": 10.0,
    "star": {"teff_k": 3200.0, "radius_sun": 0.2, "mass_sun": 0.2, "distance_pc": 10.0},
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    db = InMemoryDatabase()
    db.planets = {T1E.name: T1E}
    c = build_container(Settings(data_dir=tmp_path))
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.spectra.climate.override(providers.Object(FixedClimate(None)))
    with TestClient(app=create_app(c)) as cl:
        yield cl


def test_post_returns_spectrum_with_noise_for_each_mode(client: TestClient[Litestar]) -> None:
    r = client.post(
        "/predict/spectrum",
        json={"planet": PLANET, "n_transits": 5, "atmosphere": {"surface_temperature_k": 280.0}},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert len(body["wavelength_um"]) == len(body["transit_depth_ppm"]) == len(body["emission_contrast_ppm"])
    assert {m["mode"] for m in body["modes"]} == {"nirspec_prism", "niriss_soss", "nirspec_g395h", "miri_lrs"}
    for m in body["modes"]:
        assert len(m["sigma_ppm"]) == len(m["wavelength_um"]) > 0 and m["n_transits"] == 5
        assert "CO2" in m["snr"] and "CO2" in m["transits_for_5sigma"]
    assert "MUSCLES" in body["provenance"]["stellar_spectrum"]


def test_get_catalog_planet_spectrum(client: TestClient[Litestar]) -> None:
    r = client.get("/planets/TRAPPIST-1 e/spectrum", params={"mode": "miri_lrs", "n_transits": 3})
    assert r.status_code == 200, r.text
    assert [m["mode"] for m in r.json()["modes"]] == ["miri_lrs"]
    assert client.get("/planets/Nope b/spectrum").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"planet": PLANET, "modes": ["nircam_typo"]}, "mode"),
        (
            {"planet": PLANET, "atmosphere": {"vmr": {"CO2": 0.9, "O2": 0.3}, "surface_temperature_k": 280}},
            "atmosphere.vmr",
        ),
        (
            {"planet": PLANET, "atmosphere": {"surface_temperature_k": -10}},
            "atmosphere.surface_temperature_k",
        ),
        ({"planet": PLANET, "wavelength_max_um": 500.0}, "wavelength_um"),
        ({"planet": PLANET, "wavelength_min_um": 5.0, "wavelength_max_um": 1.0}, "wavelength_um"),
        (
            {"planet": {**PLANET, "mass_earth": 1e-6}, "atmosphere": {"surface_temperature_k": 280}},
            "gravity_m_s2",
        ),
        (
            {"planet": PLANET, "atmosphere": {"surface_temperature_k": 5000}},
            "atmosphere.surface_temperature_k",
        ),
        (
            {"planet": PLANET, "atmosphere": {"surface_flux_molecules_cm2_s": {"O2": 1e10}}},
            "atmosphere.surface_flux_molecules_cm2_s.O2",
        ),
        ({"planet_name": "TRAPPIST-1 e", "planet": PLANET}, "planet"),
    ],
)
def test_bad_input_is_a_422_naming_the_field(
    client: TestClient[Litestar], body: dict[str, Any], field: str
) -> None:
    r = client.post("/predict/spectrum", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["field"] == field

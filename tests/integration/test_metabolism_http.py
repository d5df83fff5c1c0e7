"""GET /metabolic-models[/{id}], POST /metabolism/simulate over real COBRApy models."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.memory.metabolism import InMemoryMetabolicModelRepository
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.adapters.metabolism.bundled import bundled_sbml_commands
from astrobio.adapters.metabolism.cobra_engine import CobraFbaEngine
from astrobio.adapters.metabolism.sbml_store import LocalSbmlStore
from astrobio.application.use_cases.metabolism import IngestSbml
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.metabolism_container import INGEST_SBML_JOB
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InsufficientData
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star
from astrobio.entrypoints.http import create_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MODELS = Path(__file__).resolve().parents[2] / "data" / "metabolic_models"


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine() -> CobraFbaEngine:
    return CobraFbaEngine()


@pytest.fixture(scope="module")
def registry(engine: CobraFbaEngine,
             tmp_path_factory: pytest.TempPathFactory) -> InMemoryMetabolicModelRepository:
    repo = InMemoryMetabolicModelRepository()
    ingest = IngestSbml(repo, LocalSbmlStore(tmp_path_factory.mktemp("sbml")), engine, FixedClock())
    for command in bundled_sbml_commands(MODELS):
        if command.model_id in ("e_coli_core", "iAF692"):
            ingest.execute(command)
    return repo


#: An Earth twin in the catalog, for ``planet_name`` (its climate falls back to the grey estimate).
EARTH_TWIN = Planet(name="Earth twin", star=Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0,
                                                 luminosity_sun=1.0),
                    radius_earth=1.0, mass_earth=1.0, semi_major_axis_au=1.0, orbital_period_days=365.25,
                    transits=True)


class NoSurrogate:
    def estimate(self, targets: Any) -> Any:
        raise InsufficientData("no active climate surrogate", field="climate")


@pytest.fixture
def client(tmp_path: Path, registry: InMemoryMetabolicModelRepository,
           engine: CobraFbaEngine) -> Iterator[TestClient[Litestar]]:
    c = build_container(Settings(data_dir=tmp_path))
    db = InMemoryDatabase()
    db.planets[EARTH_TWIN.name] = EARTH_TWIN
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.pipeline.climate_stage.override(providers.Object(NoSurrogate()))
    c.metabolism.repository.override(providers.Object(registry))
    c.metabolism.fba_engine.override(providers.Object(engine))
    with TestClient(app=create_app(c)) as tc:
        yield tc


ENV: dict[str, Any] = {"temperature_k": 310.0, "pressure_bar": 1.0,
                       "partial_pressures_bar": {"h2": 0.05, "co2": 0.1, "n2": 0.8}}


def test_lists_and_shows_models(client: TestClient[Litestar]) -> None:
    r = client.get("/metabolic-models")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 2 and [m["id"] for m in body["items"]] == ["e_coli_core", "iAF692"]
    one = client.get("/metabolic-models/e_coli_core").json()
    assert one["ncbi_taxid"] == 511145 and one["quality"]["objective_present"] is True
    assert one["quality"]["default_growth_per_h"] == pytest.approx(0.874, abs=0.001)
    ecoli = client.get("/metabolic-models", params={"taxid": 511145}).json()
    assert [m["id"] for m in ecoli["items"]] == ["e_coli_core"]
    assert client.get("/metabolic-models", params={"taxid": 0}).status_code in (400, 422)
    missing = client.get("/metabolic-models/nope")
    assert missing.status_code == 404 and missing.json()["field"] == "model_id"


def test_simulate_returns_growth_and_gas_fluxes_per_model(client: TestClient[Litestar]) -> None:
    r = client.post("/metabolism/simulate", json={"environment": ENV})
    assert r.status_code == 200, r.text
    results = {x["model_id"]: x for x in r.json()["results"]}
    methanogen, ecoli = results["iAF692"], results["e_coli_core"]
    assert methanogen["grows"] and methanogen["gas_flux_mmol_gdw_h"]["ch4"] > 0
    assert methanogen["surface_flux_molecules_cm2_s"]["ch4"] > 0
    assert not ecoli["grows"] and "no growth under these conditions" in ecoli["message"]
    assert r.json()["biomass_gdw_m2"] == 10.0


def test_surface_flux_follows_the_h2_supply_not_the_biomass(client: TestClient[Litestar]) -> None:
    a = client.post("/metabolism/simulate", json={"environment": ENV, "models": ["iAF692"]}).json()
    b = client.post("/metabolism/simulate",
                    json={"environment": ENV, "models": ["iAF692"], "biomass_gdw_m2": 20.0}).json()
    c = client.post("/metabolism/simulate", json={
        "environment": {**ENV, "h2_outgassing_molecules_cm2_s": 1e11}, "models": ["iAF692"]}).json()
    fa = a["results"][0]["surface_flux_mol_m2_s"]["ch4"]
    assert b["results"][0]["surface_flux_mol_m2_s"]["ch4"] == pytest.approx(fa)
    assert c["results"][0]["surface_flux_mol_m2_s"]["ch4"] == pytest.approx(10 * fa, rel=0.05)
    assert "outgassing" in a["biosphere"]["limits"]["ch4"] and a["biosphere"]["oxygenic"] is False


def test_simulate_a_stored_planet_by_name(client: TestClient[Litestar]) -> None:
    r = client.post("/metabolism/simulate", json={"planet_name": "Earth twin"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "grey" in body["planet"]["climate_source"]
    assert body["planet"]["environment"]["partial_pressures_bar"] == {"n2": 0.99, "co2": 0.01}
    assert body["planet"]["atmosphere"]["state"] == "anoxic"  # no oxygenic producer among these models
    assert "O2" not in body["planet"]["atmosphere"]["surface_vmr"]
    assert body["biosphere"]["limits"]["ch4"].startswith("H2 supply")


@pytest.mark.parametrize(("body", "status", "field"), [
    ({"environment": {**ENV, "partial_pressures_bar": {"h2": -0.1}}}, 422, "partial_pressures_bar.h2"),
    ({"environment": {**ENV, "partial_pressures_bar": {"xe": 0.1}}}, 422, "partial_pressures_bar.xe"),
    ({"environment": {"pressure_bar": 1.0}}, 422, "environment.temperature_k"),
    ({"environment": ENV, "models": ["nope"]}, 404, "model_id"),
    ({"planet_name": "Nowhere b"}, 404, "name"),
    ({"environment": ENV, "planet_name": "Earth twin"}, 422, "environment"),
    ({}, 422, "environment"),
    ({"environment": {**ENV, "h2_outgassing_molecules_cm2_s": -1}}, 422, "h2_outgassing_molecules_cm2_s"),
    ({"environment": {**ENV, "organics_mmol_gdw_h": {"unobtainium": 1}}}, 422,
     "organics_mmol_gdw_h.unobtainium"),
])
def test_bad_simulation_input_is_a_problem_naming_the_field(
        client: TestClient[Litestar], body: dict[str, Any], status: int, field: str) -> None:
    r = client.post("/metabolism/simulate", json=body)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["field"] == field


def test_malformed_json_is_400(client: TestClient[Litestar]) -> None:
    r = client.post("/metabolism/simulate", content=b'{"environment": {',
                    headers={"content-type": "application/json"})
    assert r.status_code == 400


def test_ingest_sbml_is_a_worker_job_kind(tmp_path: Path) -> None:
    c = build_container(Settings(data_dir=tmp_path))
    assert INGEST_SBML_JOB in c.job_kinds()

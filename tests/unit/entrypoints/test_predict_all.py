"""``POST /predict {"mode": "all"}`` and ``astrobio predict --mode all|multiclass|jwst``.

Climate surrogates are the deterministic fakes; the classifier, denoiser and retrieval are the
shipped models (data/models/jwst), so the multiclass answers are checked against planets whose
class is known: the Earth (rocky; Chen & Kipping 2017, ApJ 834, 17, Terran class below
2 M_earth) and Jupiter (11.2 R_earth: a gas giant, Jovian class).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import msgspec
import numpy as np
import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient
from typer.testing import CliRunner

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.entrypoints.cli import context
from astrobio.entrypoints.cli.main import app as cli_app
from astrobio.entrypoints.http import create_app
from astrobio.entrypoints.predict_all_schemas import PredictModesBody
from tests.unit.application.surrogate_fakes import FakeRegistry, default_registry

SUN = {"star_radius_sun": 1.0, "star_mass_sun": 1.0}
#: Jupiter: 11.21 R_earth at 5.2 au from the Sun (insolation 0.037 S_earth = 50.5 W m-2).
JUPITER = {"radius_earth": 11.21, "instellation_w_m2": 50.5, "name": "Jupiter", **SUN}


def _spectrum(n: int = 200) -> dict[str, list[float]]:
    """A finer-than-model spectrum over 0.9-5.1 um with a 2.7 um band (rebinned by the models)."""
    w = np.geomspace(0.9, 5.1, n)
    rng = np.random.default_rng(1)
    depth = 6000 + 40 * np.exp(-0.5 * ((w - 2.7) / 0.1) ** 2) + rng.normal(0, 8, n)
    return {"wavelength_um": w.tolist(), "depth_ppm": depth.tolist(), "sigma_ppm": [8.0] * n}


def _container(tmp_path: Path, registry: FakeRegistry, models_dir: Path | None = None) -> Container:
    c = build_container(Settings(data_dir=tmp_path, models_dir_path=models_dir))
    db = InMemoryDatabase()
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.surrogate_registry.override(providers.Object(registry))
    return c


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(_container(tmp_path, default_registry()))) as tc:
        yield tc


def test_all_answers_every_applicable_model_in_one_call(client: TestClient[Litestar]) -> None:
    body = {"mode": "all", "planets": [{"name": "Earth", **SUN, "spectrum": _spectrum()}, JUPITER]}
    r = client.post("/predict", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["modes"] == ["scalar", "datacube", "multiclass", "jwst"]
    earth, jupiter = out["planets"]
    assert earth["skipped"] == {} and earth["name"] == "Earth"
    assert earth["scalar"]["values"]["ts_k"]["mean"] == pytest.approx(288.0)
    assert earth["scalar"]["verdict"]["label"] == "temperate"
    # The fake cube: Ts = 288 K + 30 K cos(lat), whose area-weighted (cos lat) mean is
    # 288 + 30 <cos^2>/<cos> = 288 + 30 (pi/4) ~ 311.6 K on a fine grid.
    assert earth["datacube"]["global_mean"]["ts"] == pytest.approx(288.0 + 30 * np.pi / 4, abs=0.5)
    assert earth["datacube"]["shape"] == {"ts": [32, 64], "ta": [10, 32, 64]}
    assert earth["multiclass"]["most_likely"] == "rocky"
    assert jupiter["multiclass"]["most_likely"] == "gas_giant"
    jw = earth["jwst"]
    assert jw["denoiser_model_id"] and len(jw["wavelength_um"]) == len(jw["depth_ppm"]) > 10
    assert jw["retrieval_method"] == "npe" and len(jw["parameters"]) >= 3
    assert set(earth["latency_ms"]) >= {"scalar", "datacube", "multiclass", "jwst", "retrieval"}
    assert jupiter["jwst"] is None and "spectrum" in jupiter["skipped"]["jwst"]


def test_single_modes_and_skipped_reasons(client: TestClient[Litestar]) -> None:
    r = client.post("/predict", json={"mode": "multiclass", "planets": [{}]})
    assert r.status_code == 200, r.text
    p = r.json()["planets"][0]
    assert p["multiclass"] is None and p["scalar"] is None and p["datacube"] is None
    assert "star_radius_sun" in p["skipped"]["multiclass"] and set(p["skipped"]) == {"multiclass"}
    scalar = client.post("/predict", json={"planets": [{}]})  # the scalar answer is unchanged
    assert scalar.status_code == 200 and scalar.json()["mode"] == "scalar"


@pytest.mark.parametrize(("body", "field"), [
    ({"mode": "everything", "planets": [{}]}, "mode"),
    ({"mode": "all", "planets": [{"star_mass_sun": -1}]}, "planets[0].star_mass_sun"),
    ({"mode": "all", "planets": [{"radius_earth": -2}]}, "planets[0].radius_earth"),
    ({"mode": "all", "planets": [{"spectrum": {"wavelength_um": [2, 1], "depth_ppm": [1, 1],
                                               "sigma_ppm": [1, 1]}}]}, "planets[0].spectrum.wavelength_um"),
    ({"mode": "all", "planets": [{}] * 17}, "planets"),
    ({"mode": "all", "planets": [{"colour": "red"}]}, "planets[0].colour"),
])
def test_bad_all_bodies_are_422_naming_the_field(client: TestClient[Litestar], body: dict[str, object],
                                                 field: str) -> None:
    r = client.post("/predict", json=body)
    assert r.status_code == 422, r.text
    assert field in r.json()["field"] or field in r.text


def test_missing_models_are_skipped_with_the_fix(tmp_path: Path) -> None:
    models = tmp_path / "models"
    (models / "jwst").mkdir(parents=True)
    shutil.copy(Path(__file__).parents[3] / "data/models/jwst/multiclass.json", models / "jwst")
    c = _container(tmp_path, FakeRegistry(), models)
    body = msgspec.convert({"mode": "all", "planets": [{**SUN, "spectrum": _spectrum()}]}, PredictModesBody)
    answers = c.predict_all().execute(body.to_command())
    a = answers[0]
    assert a.multiclass is not None and a.multiclass.most_likely.value == "rocky"
    assert set(a.skipped) == {"scalar", "datacube", "jwst"}
    assert "astrobio train climate" in a.skipped["scalar"] and "train denoiser" in a.skipped["jwst"]


def test_cli_predict_mode_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    c = _container(tmp_path, default_registry())
    monkeypatch.setattr(context, "container", lambda: c)
    runner = CliRunner()
    r = runner.invoke(cli_app, ["predict", "--mode", "all", "--set", "star_radius_sun=1",
                                "--set", "star_mass_sun=1", "--json"])
    assert r.exit_code == 0, r.output
    p = json.loads(r.stdout)["planets"][0]
    assert p["multiclass"]["most_likely"] == "rocky" and p["scalar"]["values"]["ts_k"]["mean"] == 288.0
    assert set(p["skipped"]) == {"jwst"}
    r = runner.invoke(cli_app, ["predict", "--mode", "multiclass", "--set", "star_radius_sun=1",
                                "--set", "star_mass_sun=1"])
    assert r.exit_code == 0 and "rocky" in r.stdout
    r = runner.invoke(cli_app, ["predict", "--mode", "bogus"])
    assert r.exit_code != 0 and "Traceback" not in r.output

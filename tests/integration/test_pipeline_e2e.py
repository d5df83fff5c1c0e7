"""The pipeline end to end on real catalog planets: HTTP jobs, the CLI, failures, rank by biosignature."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.application.ports.pipeline import SpectrumOutcome, SpectrumStage
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.database import upgrade_database
from astrobio.bootstrap.settings import Settings
from astrobio.domain.planet import Planet
from astrobio.entrypoints.http import create_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
#: Habitable-zone rocky transiting planets (modelled), a hot Jupiter and a non-transiting planet (screened).
PLANETS = ["TRAPPIST-1 e", "TRAPPIST-1 f", "LHS 1140 b", "TOI-700 d", "HD 209458 b", "Proxima Cen b"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("pipeline")
    settings = Settings(data_dir=d)
    upgrade_database(settings)
    from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand

    build_container(settings).ingest_catalog().execute(IngestCatalogCommand(source="bundled"))
    return d


class FailingFor(SpectrumStage):
    def __init__(self, inner: SpectrumStage, name: str) -> None:
        self.inner, self.name = inner, name

    def compute(self, planet: Planet, **kw: Any) -> SpectrumOutcome:  # type: ignore[override]
        if planet.name == self.name:
            raise RuntimeError("opacity table corrupt")
        return self.inner.compute(planet, **kw)


@pytest.fixture
def client(data_dir: Path) -> Iterator[TestClient[Litestar]]:
    c = build_container(Settings(data_dir=data_dir))
    real = c.pipeline.spectrum_stage()
    c.pipeline.spectrum_stage.override(providers.Object(FailingFor(real, "LHS 1140 b")))
    with TestClient(app=create_app(c)) as tc:
        yield tc


def wait_for(client: TestClient[Litestar], run_id: str, timeout_s: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        r = client.get(f"/pipeline/runs/{run_id}", params={"stages": "true"})
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        if body["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


def test_http_run_completes_with_the_failure_reported_and_ranks_by_biosignature(
    client: TestClient[Litestar],
) -> None:
    r = client.post(
        "/pipeline/runs", json={"planets": PLANETS, "metabolism": "fixed", "modes": ["nirspec_prism"]}
    )
    assert r.status_code == 202, r.text
    run = r.json()
    assert r.headers["location"] == f"/pipeline/runs/{run['id']}" and len(run["job_ids"]) == 1
    body = wait_for(client, run["id"])
    assert body["status"] == "completed" and body["n_done"] == len(PLANETS) and body["n_failed"] == 1
    assert [f["planet_name"] for f in body["failures"]] == ["LHS 1140 b"]
    assert "opacity table corrupt" in body["failures"][0]["error"]
    assert body["counts"] == {"modelled": 3, "failed": 1, "giant": 1, "not_transiting": 1}, body["counts"]
    ranked = {x["planet_name"]: x for x in body["ranked"]}
    assert set(ranked) == {"TRAPPIST-1 e", "TRAPPIST-1 f", "TOI-700 d"}
    e = ranked["TRAPPIST-1 e"]
    assert 0 < e["potential"] <= 1 and e["stages"]["spectrum"]["wavelength_um"]
    # Provenance: code version, catalog snapshot and its checksum, climate and metabolism sources.
    assert (
        body["provenance"]["catalog"] == "PSCompPars_2025-08.csv"
        and len(body["provenance"]["catalog_sha256"]) == 64
    )
    assert e["provenance"]["metabolism"].startswith("fixed modern-Earth")
    assert e["provenance"]["code_version"] and "spectrum.opacity" in e["provenance"]
    # The catalog's dataset version is the one governance published for the bundled ingestion.
    ds = client.get("/datasets/exoplanet_table.pscomppars")
    assert ds.status_code == 200, ds.text
    version = f"exoplanet_table.pscomppars@{ds.json()['tags']['main']}"
    assert body["provenance"]["catalog_dataset_version"] == version
    assert version in body["provenance"]["catalog_dataset_versions"]
    assert e["provenance"]["catalog_version"] == version
    # Every checkpoint used: the active scalar surrogate (no metabolic model with fixed fluxes).
    models = body["provenance"]["models"]
    surrogate = client.get("/surrogates").json()
    active = next(m["id"] for m in surrogate if m["active"] and m["mode"] == "scalar")
    assert [(m["kind"], m["id"]) for m in models] == [("climate_surrogate", active)]
    assert models[0]["training_data"] and all("dataset_version" in t for t in models[0]["training_data"])
    for x in ranked.values():  # the surrogate where it covers the planet, else the grey estimate
        used = [x["provenance"]["climate_model"]] if "climate_model" in x["provenance"] else []
        assert x["provenance"]["models"] == used and set(used) <= {active}

    r = client.post("/rank", json={"by": "biosignature", "top": 2})
    assert r.status_code == 200, r.text
    ranking = r.json()
    assert ranking["by"] == "biosignature" and ranking["run_id"] == run["id"]
    assert [t["rank"] for t in ranking["targets"]] == [1, 2]
    assert ranking["targets"][0]["potential"] >= ranking["targets"][1]["potential"]
    assert "targets" in client.post("/rank", json={"top": 3}).json()  # the default ranking is unchanged


def test_http_fan_out_queues_one_chunk_job_per_chunk(client: TestClient[Litestar]) -> None:
    r = client.post(
        "/pipeline/runs",
        json={
            "planets": PLANETS[:3],
            "metabolism": "fixed",
            "chunk_size": 2,
            "fan_out": True,
            "modes": ["nirspec_prism"],
        },
    )
    assert r.status_code == 202, r.text
    assert len(r.json()["job_ids"]) == 2
    body = wait_for(client, r.json()["id"])
    assert body["status"] == "completed" and body["n_done"] == 3


@pytest.mark.parametrize(
    ("payload", "status", "field"),
    [
        ({"planets": ["TRAPPIST-1 e", "Vulcan b"]}, 422, "planets"),
        ({"planets": ["TRAPPIST-1 e"], "modes": ["hubble_wfc3"]}, 422, "modes"),
        ({"planets": ["TRAPPIST-1 e"], "n_transits": 0}, 422, "n_transits"),
        ({"planets": "some"}, 422, "planets"),
        ({}, 422, "planets"),
    ],
)
def test_http_bad_input_is_a_problem_naming_the_field(
    client: TestClient[Litestar], payload: dict[str, Any], status: int, field: str
) -> None:
    r = client.post("/pipeline/runs", json=payload)
    assert r.status_code == status, r.text
    assert r.json()["field"] == field


def test_http_unknown_run_is_404(client: TestClient[Litestar]) -> None:
    r = client.get("/pipeline/runs/nope")
    assert r.status_code == 404 and r.json()["field"] == "run_id"


def astrobio(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    env |= {"ASTROBIO_DATA_DIR": str(data_dir), "ASTROBIO_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_runs_named_planets_writes_the_report_and_shows_the_run(data_dir: Path, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.html"
    args = [a for p in PLANETS[:3] for a in ("--planets", p)]
    r = astrobio(
        data_dir,
        "pipeline",
        "run",
        *args,
        "--metabolism",
        "fixed",
        "--report",
        str(report),
        "--top",
        "3",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["run"]["status"] == "completed" and out["report"] == str(report.resolve())
    html = report.read_text()
    assert report.exists() and "TRAPPIST-1 e" in html
    version = out["run"]["provenance"]["catalog_dataset_version"]
    assert version.startswith("exoplanet_table.pscomppars@sha256:") and version in html
    assert "climate_surrogate" in html
    shown = astrobio(data_dir, "pipeline", "show", out["run"]["id"])
    assert shown.returncode == 0 and "TRAPPIST-1" in shown.stdout
    shown = astrobio(data_dir, "pipeline", "show", out["run"]["id"], "--json")
    prov = json.loads(shown.stdout)["run"]["provenance"]
    assert prov["catalog_dataset_version"] == version and prov["models"][0]["kind"] == "climate_surrogate"


@pytest.mark.parametrize(
    ("args", "code", "word"),
    [
        (["--planets", "Vulcan b"], 2, "planets"),
        (["--planets", "TRAPPIST-1 e", "--mode", "hubble_wfc3"], 2, "modes"),
        ([], 2, "planets"),
    ],
)
def test_cli_bad_input_exits_with_one_line_naming_the_field(
    data_dir: Path, args: list[str], code: int, word: str
) -> None:
    r = astrobio(data_dir, "pipeline", "run", *args)
    assert r.returncode == code, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {word}"), r.stderr


def test_cli_show_unknown_run_exits_4(data_dir: Path) -> None:
    assert astrobio(data_dir, "pipeline", "show", "nope").returncode == 4

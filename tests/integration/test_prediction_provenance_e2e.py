"""A scalar prediction after the governed ingestion of the bundled cubes names their dataset versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar.testing import TestClient

from astrobio.bootstrap.container import build_container, bundled_cube_set
from astrobio.bootstrap.database import upgrade_database
from astrobio.bootstrap.settings import Settings
from astrobio.entrypoints.http import create_app

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_predict_names_the_active_model_and_the_recorded_training_cube_versions(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    upgrade_database(settings)
    c = build_container(settings)
    for command in bundled_cube_set(settings):
        c.ingest_climate_output().execute(command)
    with TestClient(app=create_app(c)) as client:
        r = client.post("/predict", json={"planets": [{}]})
        assert r.status_code == 200, r.text
        prov = r.json()["provenance"]
        active = next(m for m in client.get("/surrogates").json() if m["active"] and m["mode"] == "scalar")
        assert prov["model_id"] == active["id"] == r.json()["model_id"] and prov["model_mode"] == "scalar"
        assert [t["cube_id"] for t in prov["training_data"]] == [
            t["cube_id"] for t in active["training_cubes"]
        ]
        for t in prov["training_data"]:
            name = f"climate_cube.exoplasim-aquaplanet-{t['cube_id']}"
            main = client.get(f"/datasets/{name}").json()["tags"]["main"]
            assert t["dataset_version"] == f"{name}@{main}", t

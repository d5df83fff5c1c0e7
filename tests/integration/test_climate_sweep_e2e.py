"""End to end, as a researcher runs it: plan a 4-planet sweep with the CLI, run it with the real
ExoPlaSim through a real SLURM and through the local runner, ingest into Zarr, list it with the
CLI and serve it over HTTP.

Needs scripts/slurm/start.sh and scripts/install_exoplasim.sh (scripts/test.sh runs both); without
them it skips, or fails under ASTROBIO_REQUIRE_SERVICES=1. About 2-3 minutes on two cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import netCDF4
import numpy as np
import pytest
from litestar.testing import TestClient

from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.settings import load_settings
from astrobio.entrypoints.http import create_app
from tests.integration.test_exoplasim_run import _require_exoplasim

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def slurm_env() -> dict[str, str]:
    slurm_dir = os.environ.get("ASTROBIO_SLURM_DIR", "/var/lib/astrobio-slurm")
    env = {k: v for k, v in os.environ.items() if k != "OMP_NUM_THREADS"}
    r = subprocess.run(
        [str(ROOT / "scripts" / "slurm" / "start.sh")], env=env, capture_output=True, text=True, timeout=120
    )
    if r.returncode != 0:
        msg = f"SLURM could not be started: {r.stderr.strip().splitlines()[-1:] or r.returncode}"
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    return {"SLURM_CONF": f"{slurm_dir}/slurm.conf"}


def astrobio(env: dict[str, str], *args: str) -> dict:  # type: ignore[type-arg]
    r = subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, f"astrobio {' '.join(args)} failed:\n{r.stderr[-3000:]}"
    return json.loads(r.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("backend", ["slurm", "local"])
def test_four_planet_sweep_runs_ingests_and_is_served(
    backend: str, slurm_env: dict[str, str], tmp_path: Path
) -> None:
    _require_exoplasim(1)
    env = (
        {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
        | slurm_env
        | {
            "ASTROBIO_DATA_DIR": str(tmp_path / "var"),
            "ASTROBIO_LOG_LEVEL": "warning",
            "ASTROBIO_LOCAL_MAX_PARALLEL": "2",
            "OMP_NUM_THREADS": "1",
        }
    )
    assert (
        subprocess.run(
            [sys.executable, "-m", "astrobio.entrypoints.cli.main", "db", "upgrade"],
            env=env,
            capture_output=True,
            timeout=120,
        ).returncode
        == 0
    )
    planned = astrobio(
        env,
        "climate",
        "sweep",
        "plan",
        "--name",
        f"e2e-{backend}",
        "--samples",
        "4",
        "--seed",
        "11",
        "--range",
        "instellation_w_m2=1000:1600",
        "--range",
        "star_teff_k=4000:6000",
        "--set",
        "run_days=30",
        "--set",
        "mixed_layer_depth_m=10",
    )
    assert len(planned["runs"]) == 4 and planned["counts"] == {"queued": 4}
    done = astrobio(
        env,
        "climate",
        "sweep",
        "launch",
        planned["id"],
        "--backend",
        backend,
        "--wait",
        "--poll-interval",
        "2",
    )
    assert done["finished"] and done["counts"] == {"succeeded": 4}, done
    assert all(r["backend"] == backend and r["cube_id"] for r in done["runs"])

    cubes = astrobio(env, "climate", "cubes", "list")
    assert cubes["total"] == 4
    assert sorted(c["instellation_w_m2"] for c in cubes["items"]) == sorted(
        r["parameters"]["instellation_w_m2"] for r in done["runs"]
    )

    # Served over HTTP from the same database and Zarr root.
    settings = load_settings({k: v for k, v in env.items() if k.startswith("ASTROBIO_")})
    cube_id = done["runs"][0]["cube_id"]
    with TestClient(app=create_app(build_container(settings))) as client:
        meta = client.get(f"/climate/cubes/{cube_id}").json()
        assert meta["grid"]["n_lat"] == 32 and meta["grid"]["n_lon"] == 64 and meta["run_id"]
        r = client.get(f"/climate/cubes/{cube_id}/data", params={"var": "ts", "time": 0})
        assert r.status_code == 200
        with netCDF4.Dataset("ts.nc", memory=r.content) as nc:
            ts = np.asarray(nc["ts"][:])
        assert ts.shape == (32, 64) and 150.0 < float(ts.mean()) < 350.0


def _env(tmp_path: Path, extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")} | extra
    env |= {
        "ASTROBIO_DATA_DIR": str(tmp_path / "var"),
        "ASTROBIO_LOG_LEVEL": "warning",
        "OMP_NUM_THREADS": "1",
    }
    subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


def test_one_planet_climate_run_from_the_cli(tmp_path: Path) -> None:
    _require_exoplasim(1)
    env = _env(tmp_path, {})
    out = astrobio(
        env,
        "climate",
        "run",
        "--set",
        "run_days=30",
        "--set",
        "star_teff_k=3400",
        "--set",
        "synchronous=true",
        "--set",
        "rotation_period_days=15",
        "--set",
        "obliquity_deg=0",
        "--poll-interval",
        "1",
    )
    (run,) = out["runs"]
    assert run["state"] == "succeeded" and run["cube_id"] and run["parameters"]["synchronous"] is True


def test_bundled_cube_set_ingests_and_bad_files_are_refused(tmp_path: Path) -> None:
    env = _env(tmp_path, {})
    cubes = astrobio(env, "climate", "ingest", "--bundled")
    assert len(cubes) == 49 and all(c["shape"] == [6, 10, 32, 64] for c in cubes)
    bad = tmp_path / "half.nc"
    src = (ROOT / "data" / "gcm" / "run000.nc").read_bytes()
    bad.write_bytes(src[: len(src) // 2])
    r = subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", "climate", "ingest", str(bad)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "half.nc" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert astrobio(env, "climate", "cubes", "list")["total"] == 49

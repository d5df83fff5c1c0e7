"""Real ExoPlaSim runs through ``ExoPlaSimSimulator.command()``, each in its own process.

Needs ``scripts/install_exoplasim.sh`` (exoplasim 3.4.2 with pre-built T21 binaries). Without it
these tests skip, unless ASTROBIO_REQUIRE_SERVICES=1 (CI), where they fail.
Cost on one core: about 30 s for the 30-day run, about 40 s for the crash case.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.gcm.exoplasim import ExoPlaSimSimulator
from astrobio.application.ports.simulator import SimulationOutcome
from astrobio.domain.climate import ClimateParameters, RunState

pytestmark = [pytest.mark.integration, pytest.mark.slow]

RUN_TIMEOUT_S = 300
#: The configuration of the shared sweep that crashed inside ExoPlaSim (data/gcm/README.md):
#: it dies of a floating-point trap (SIGFPE) about a month into the run, ~40 s on one core.
CRASHING = ClimateParameters(star_teff_k=4858.6, instellation_w_m2=1390.0, radius_earth=0.662,
                             gravity_m_s2=17.0, surface_pressure_bar=0.6231, pco2_bar=0.006749,
                             rotation_period_days=1.1025, synchronous=False, eccentricity=0.0,
                             obliquity_deg=23.44, mixed_layer_depth_m=3.0, run_days=240, timestep_min=45)


def _require_exoplasim(ranks: int) -> None:
    spec = importlib.util.find_spec("exoplasim")
    reason = ""
    if spec is None or spec.origin is None:
        reason = "exoplasim is not installed (run scripts/install_exoplasim.sh)"
    elif not (Path(spec.origin).parent / "plasim" / "run" / f"most_plasim_t21_l10_p{ranks}.x").exists():
        reason = f"ExoPlaSim binary for {ranks} rank(s) not pre-built (run scripts/install_exoplasim.sh)"
    elif ranks > 1 and shutil.which("mpiexec") is None:
        reason = "mpiexec not found (run scripts/install_exoplasim.sh)"
    if reason:
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{reason} (ASTROBIO_REQUIRE_SERVICES=1)", pytrace=False)
        pytest.skip(reason)


def _run(params: ClimateParameters, tmp_path: Path, ranks: int = 1) -> tuple[int, SimulationOutcome, Path]:
    """Run one model like a job runner would: own session, stdout+stderr to job.log, a time limit."""
    sim = ExoPlaSimSimulator()
    sim.validate(params)
    params_file = tmp_path / "params.json"
    params_file.write_text(json.dumps(params.to_dict()))
    workdir = tmp_path / "run"
    workdir.mkdir()
    with open(workdir / "job.log", "wb") as log:
        proc = subprocess.Popen(sim.command(str(params_file), str(workdir), ranks=ranks), cwd=workdir,
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            rc = proc.wait(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the Fortran binary and mpiexec too
            proc.wait()
            pytest.fail(f"model process hung for {RUN_TIMEOUT_S} s:\n{(workdir / 'job.log').read_text()}")
    return rc, sim.read_outcome(str(workdir)), workdir


@pytest.mark.parametrize("ranks", [1, 2])
def test_short_run_produces_a_t21_monthly_mean_netcdf(tmp_path: Path, ranks: int) -> None:
    _require_exoplasim(ranks)
    if ranks > len(os.sched_getaffinity(0)):
        pytest.skip(f"{ranks} MPI ranks need {ranks} CPUs")
    import xarray as xr

    params = ClimateParameters(run_days=30, timestep_min=45)  # modern-Earth aquaplanet, 960 steps
    assert params.steps >= 960
    rc, outcome, workdir = _run(params, tmp_path, ranks)

    assert (rc, outcome.state) == (0, RunState.SUCCEEDED), outcome.log_excerpt
    assert outcome.wall_seconds > 0
    assert len(outcome.output_files) == 1
    nc = Path(outcome.output_files[0])
    assert nc.is_absolute() and nc.name == "MOST.00000.nc" and nc.is_relative_to(workdir.resolve())
    with xr.open_dataset(nc, decode_times=False) as ds:
        assert ds["ts"].dims == ("time", "lat", "lon")
        assert ds["ta"].dims == ("time", "lev", "lat", "lon")
        assert (ds.sizes["lat"], ds.sizes["lon"], ds.sizes["lev"]) == (32, 64, 10)
        assert ds.sizes["time"] == 12  # ExoPlaSim's postprocessor splits each run into 12 records
        # T21 Gaussian grid: first latitude 85.761 N, north first; 5.625 deg longitude spacing
        assert float(ds["lat"][0]) == pytest.approx(85.761, abs=1e-3) and float(ds["lat"][-1]) < 0
        np.testing.assert_allclose(ds["lon"].values, np.arange(64) * 5.625, atol=1e-3)
        ts, ta = ds["ts"].values, ds["ta"].values
        assert np.isfinite(ts).all() and np.isfinite(ta).all()
        assert ts.min() > 150.0 and ts.max() < 350.0
        assert ta.min() > 150.0 and ta.max() < 350.0
        # area-weighted global mean: a cold start warming up, but an Earth-like planet, not a runaway
        weights = np.cos(np.deg2rad(ds["lat"].values))[None, :, None] * np.ones_like(ts)
        assert 220.0 < float(np.average(ts, weights=weights)) < 310.0
    assert json.loads((workdir / "outcome.json").read_text())["snapshot_files"]


def test_the_shared_sweeps_crashing_configuration_ends_as_crashed_with_its_log(tmp_path: Path) -> None:
    _require_exoplasim(1)
    rc, outcome, workdir = _run(CRASHING, tmp_path)

    assert rc == 3, (workdir / "job.log").read_text()
    assert outcome.state is RunState.CRASHED
    assert outcome.output_files == ()
    assert "ExoPlaSim has crashed" in outcome.log_excerpt
    assert "==> exoplasim.log <==" in outcome.log_excerpt and "==> plasim_diag <==" in outcome.log_excerpt
    assert len(outcome.log_excerpt.splitlines()) <= 150
    assert (workdir / "model_crashed" / "plasim_diag").is_file()  # ExoPlaSim's files are kept
    assert "crashed" in (workdir / "job.log").read_text()

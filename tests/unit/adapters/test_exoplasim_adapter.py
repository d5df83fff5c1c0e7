"""ExoPlaSimSimulator without ExoPlaSim: validation, the command line, outcome files, the mapping."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from astrobio.adapters.gcm.exoplasim import (
    ExoPlaSimSimulator,
    model_configuration,
    prebuilt_stamp,
    run_segments,
    write_outcome,
)
from astrobio.application.ports.simulator import ClimateSimulator, SimulationOutcome
from astrobio.domain.climate import ClimateParameters, RunState
from astrobio.domain.errors import InvalidQuantity


@pytest.fixture
def sim() -> ExoPlaSimSimulator:
    return ExoPlaSimSimulator(python="/opt/py/bin/python")


def test_is_a_climate_simulator_named_exoplasim(sim: ExoPlaSimSimulator) -> None:
    assert ClimateSimulator in type(sim).__mro__  # inherits the port explicitly (checked by mypy)
    assert sim.name == "exoplasim"


# --- validate ---------------------------------------------------------------------------------------


def test_rejects_a_run_shorter_than_one_snapshot_interval_naming_run_days(sim: ExoPlaSimSimulator) -> None:
    # 10 days of 45-min steps = 320 steps < 480: ExoPlaSim's postprocessor would crash
    with pytest.raises(InvalidQuantity) as err:
        sim.validate(ClimateParameters(run_days=10, timestep_min=45))
    assert err.value.field == "run_days"
    assert "run_days" in str(err.value) and "480" in str(err.value) and "run_days >= 15" in str(err.value)


def test_accepts_a_run_of_exactly_one_snapshot_interval(sim: ExoPlaSimSimulator) -> None:
    sim.validate(ClimateParameters(run_days=15, timestep_min=45))  # 480 steps


def test_snapshot_interval_is_configurable(sim: ExoPlaSimSimulator) -> None:
    strict = ExoPlaSimSimulator(snapshot_interval_steps=960)
    with pytest.raises(InvalidQuantity, match="960 steps"):
        strict.validate(ClimateParameters(run_days=20, timestep_min=45))  # 640 steps


@pytest.mark.parametrize("timestep", [7.0, 22.5, 0.5])
def test_rejects_a_timestep_that_does_not_divide_the_day(sim: ExoPlaSimSimulator, timestep: float) -> None:
    with pytest.raises(InvalidQuantity) as err:
        sim.validate(ClimateParameters(run_days=360, timestep_min=timestep))
    assert err.value.field == "timestep_min"


def test_accepts_the_shared_sweep_configurations(sim: ExoPlaSimSimulator) -> None:
    sim.validate(ClimateParameters(run_days=240, timestep_min=45, mixed_layer_depth_m=3.0))
    sim.validate(ClimateParameters(run_days=240, timestep_min=30, synchronous=True, rotation_period_days=12,
                                   obliquity_deg=0.0, star_teff_k=3300))


# --- command ----------------------------------------------------------------------------------------


def test_command_runs_the_runner_module_with_absolute_paths(sim: ExoPlaSimSimulator, tmp_path: Path) -> None:
    argv = sim.command(str(tmp_path / "p.json"), str(tmp_path / "w"), ranks=2)
    assert argv == ["/opt/py/bin/python", "-m", "astrobio.adapters.gcm.run_exoplasim",
                    "--params", str(tmp_path / "p.json"), "--workdir", str(tmp_path / "w"), "--ranks", "2"]


def test_command_defaults_to_one_rank_and_makes_relative_paths_absolute(sim: ExoPlaSimSimulator) -> None:
    argv = sim.command("p.json", "w")
    assert argv[argv.index("--ranks") + 1] == "1"
    assert Path(argv[argv.index("--params") + 1]).is_absolute()
    assert Path(argv[argv.index("--workdir") + 1]).is_absolute()


def test_command_passes_a_non_default_snapshot_interval_to_the_runner() -> None:
    argv = ExoPlaSimSimulator(snapshot_interval_steps=960).command("/p.json", "/w")
    assert argv[-2:] == ["--snapshot-interval-steps", "960"]


def test_command_refuses_a_rank_count_without_a_prebuilt_binary(sim: ExoPlaSimSimulator) -> None:
    with pytest.raises(InvalidQuantity) as err:
        sim.command("/p.json", "/w", ranks=4)
    assert err.value.field == "ranks"


def test_default_interpreter_is_the_current_one() -> None:
    assert ExoPlaSimSimulator().command("/p.json", "/w")[0] == sys.executable


# --- read_outcome -----------------------------------------------------------------------------------


def test_missing_outcome_is_failed_with_the_tail_of_the_job_log(
    sim: ExoPlaSimSimulator, tmp_path: Path
) -> None:
    (tmp_path / "job.log").write_text("".join(f"line {i}\n" for i in range(200)) + "Killed\n")
    outcome = sim.read_outcome(str(tmp_path))
    assert outcome.state is RunState.FAILED
    assert "outcome.json missing" in outcome.log_excerpt
    assert outcome.log_excerpt.rstrip().endswith("Killed") and "line 100\n" not in outcome.log_excerpt


def test_missing_outcome_and_job_log_is_failed(sim: ExoPlaSimSimulator, tmp_path: Path) -> None:
    outcome = sim.read_outcome(str(tmp_path / "never-created"))
    assert outcome.state is RunState.FAILED and "missing" in outcome.log_excerpt


@pytest.mark.parametrize("body", ["{not json", "[]", '{"state": "exploded"}', '{"output_files": []}',
                                  '{"state": "succeeded", "output_files": "a.nc"}'])
def test_corrupt_outcome_is_failed(sim: ExoPlaSimSimulator, tmp_path: Path, body: str) -> None:
    (tmp_path / "outcome.json").write_text(body)
    (tmp_path / "job.log").write_text("[exoplasim] started\n")
    outcome = sim.read_outcome(str(tmp_path))
    assert outcome.state is RunState.FAILED
    assert "unreadable" in outcome.log_excerpt and "[exoplasim] started" in outcome.log_excerpt


def test_reads_back_what_the_runner_writes(sim: ExoPlaSimSimulator, tmp_path: Path) -> None:
    written = SimulationOutcome(state=RunState.CRASHED, output_files=("/w/model/MOST.00000.nc",),
                                log_excerpt="SIGFPE", wall_seconds=12.5)
    write_outcome(tmp_path, written, ranks=1, crashed_dir="/w/model_crashed")
    assert sim.read_outcome(str(tmp_path)) == written
    assert json.loads((tmp_path / "outcome.json").read_text())["crashed_dir"] == "/w/model_crashed"
    assert [p.name for p in tmp_path.iterdir()] == ["outcome.json"]  # no temporary file left


# --- model_configuration ------------------------------------------------------------------------------


def test_maps_parameters_to_exoplasim_arguments() -> None:
    params = ClimateParameters(star_teff_k=4858.6, instellation_w_m2=1390.0, radius_earth=0.662,
                               gravity_m_s2=17.0, surface_pressure_bar=0.6231, pco2_bar=0.006749,
                               rotation_period_days=1.1025, mixed_layer_depth_m=3.0, run_days=240,
                               timestep_min=45, eccentricity=0.1, obliquity_deg=30.0)
    cfg = model_configuration(params)
    assert cfg["startemp"] == 4858.6 and cfg["flux"] == 1390.0
    assert cfg["radius"] == 0.662 and cfg["gravity"] == 17.0
    assert cfg["pressure"] == 0.6231 and cfg["pCO2"] == 0.006749
    assert cfg["pN2"] == pytest.approx(0.6231 - 0.006749)
    assert cfg["rotationperiod"] == 1.1025 and cfg["synchronous"] is False and "substellarlon" not in cfg
    assert cfg["eccentricity"] == 0.1 and cfg["obliquity"] == 30.0
    assert cfg["fixedorbit"] is True  # else PlaSim overrides both with Earth's Berger orbit
    assert cfg["mldepth"] == 3.0 and cfg["aquaplanet"] is True and cfg["seaice"] is True
    assert cfg["ozone"] is False
    assert cfg["timestep"] == 45 and cfg["runsteps"] == 7680 and cfg["snapshots"] == 480


def test_synchronous_rotator_has_its_substellar_point_at_180_degrees() -> None:
    cfg = model_configuration(ClimateParameters(synchronous=True, rotation_period_days=12.0,
                                                obliquity_deg=0.0, run_days=240, timestep_min=30))
    assert cfg["synchronous"] is True and cfg["substellarlon"] == 180.0
    assert cfg["rotationperiod"] == 12.0 and cfg["runsteps"] == 11520


def test_snapshot_interval_goes_to_the_snapshots_argument() -> None:
    assert model_configuration(ClimateParameters(), snapshot_interval_steps=960)["snapshots"] == 960


@pytest.mark.parametrize(("days", "expected"), [(30, (1, 960)), (360, (1, 11520)), (720, (2, 11520)),
                                                (400, (2, 6400))])
def test_long_runs_are_split_into_equal_yearly_segments(days: float, expected: tuple[int, int]) -> None:
    assert run_segments(ClimateParameters(run_days=days, timestep_min=45)) == expected


# --- the runner's failure paths (no exoplasim needed) --------------------------------------------------


def test_runner_with_bad_parameters_writes_a_failed_outcome_and_exits_2(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps(ClimateParameters(run_days=5).to_dict()))
    sim = ExoPlaSimSimulator()
    proc = subprocess.run(sim.command(str(params), str(tmp_path / "w")), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    outcome = sim.read_outcome(str(tmp_path / "w"))
    assert outcome.state is RunState.FAILED and "run_days" in outcome.log_excerpt


def test_runner_refuses_a_workdir_exoplasim_would_mangle(tmp_path: Path) -> None:
    params = tmp_path / "params.json"
    params.write_text(json.dumps(ClimateParameters(run_days=30).to_dict()))
    sim = ExoPlaSimSimulator()
    workdir = tmp_path / "has space"
    proc = subprocess.run(sim.command(str(params), str(workdir)), capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert "characters" in sim.read_outcome(str(workdir)).log_excerpt


def test_importing_the_adapter_does_not_import_exoplasim() -> None:
    code = ("import sys, astrobio.adapters.gcm, astrobio.adapters.gcm.run_exoplasim; "
            "print('exoplasim' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False"


def test_install_script_stamps_binaries_the_way_the_runner_checks_them() -> None:
    script = (Path(__file__).resolve().parents[3] / "scripts" / "install_exoplasim.sh").read_text()
    tag = next(ln.split("=", 1)[1].strip('"') for ln in script.splitlines() if ln.startswith("STAMP_TAG="))
    assert f"p2 {tag}" == prebuilt_stamp(2) == "p2 T21 layers=10 precision=8"

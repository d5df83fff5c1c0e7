"""The climate repositories (sweeps, runs, cubes) under the unit of work, on every backend."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.climate import (
    ClimateCube,
    ClimateParameters,
    CubeVariable,
    GridSpec,
    ParameterRange,
    ParameterSweep,
    RunState,
    SamplingMethod,
    SimulationRun,
)

T0 = datetime(2026, 11, 26, 14, 30, 15, 123456, tzinfo=UTC)

ODD_PARAMETERS = ClimateParameters(
    star_teff_k=3106.0, instellation_w_m2=930.6000000000001, radius_earth=1.715, gravity_m_s2=16.013,
    surface_pressure_bar=2.2966, pco2_bar=0.1 + 0.2 - 0.27, rotation_period_days=5.036, synchronous=True,
    eccentricity=5e-324, obliquity_deg=0.0, mixed_layer_depth_m=3.0, run_days=240.0, timestep_min=30.0,
)


def sweep(sweep_id: str, created_at: datetime | None = T0, **kw: object) -> ParameterSweep:
    ranges = {"pco2_bar": ParameterRange(low=1e-4, high=0.1, log=True),
              "instellation_w_m2": ParameterRange(low=700.0, high=1700.0)}
    fields: dict[str, object] = {"id": sweep_id, "name": f"sweep {sweep_id}", "ranges": ranges,
                                 "base": ODD_PARAMETERS, "method": SamplingMethod.GRID, "samples": 3,
                                 "seed": 20261126, "created_at": created_at}
    return ParameterSweep(**(fields | kw))  # type: ignore[arg-type]


def run(run_id: str, sweep_id: str | None = "s1") -> SimulationRun:
    return SimulationRun(id=run_id, parameters=ClimateParameters(), sweep_id=sweep_id, created_at=T0,
                         updated_at=T0)


def cube(cube_id: str, name: str = "exoplasim/run000", *, parameters: ClimateParameters | None = None,
         run_id: str | None = None) -> ClimateCube:
    return ClimateCube(
        id=cube_id, name=name, uri=f"s3://bucket/cubes/{cube_id}.zarr",
        grid=GridSpec(lat_deg=(-85.76059341430664, 0.1 + 0.2, 85.76), lon_deg=(0.0, 5.625, 354.375),
                      lev=(0.03829956, 0.9833002), n_time=6),
        variables=(
            CubeVariable(name="ts", units="K", dims=("time", "lat", "lon"), long_name="surface temperature"),
            CubeVariable(name="ta", units="K", dims=("time", "lev", "lat", "lon")),
        ),
        parameters=parameters, time_units="timesteps", checksum="ab" * 32,
        source_files=("/data/gcm/run000.nc", "/data/gcm/run000b.nc"), source_checksums=("cd" * 32, "ef" * 32),
        source_format="netcdf4", run_id=run_id, created_at=T0,
        attributes={"Conventions": "CF-1.8", "lat_order": "south_to_north", "note": "Ériu ✓"},
    )


def save(factory: UnitOfWorkFactory, *items: ParameterSweep | SimulationRun | ClimateCube) -> None:
    with factory() as uow:
        for item in items:
            if isinstance(item, ParameterSweep):
                uow.sweeps.add(item)
            elif isinstance(item, SimulationRun):
                uow.runs.add(item)
            else:
                uow.cubes.add(item)
        uow.commit()


# --- sweeps ---------------------------------------------------------------------------------


def test_round_trips_sweep_with_ranges_enum_base_and_utc_datetime(uow_factory: UnitOfWorkFactory) -> None:
    s = sweep("s1")
    save(uow_factory, s)
    with uow_factory() as uow:
        loaded = uow.sweeps.get("s1")
    assert loaded == s
    assert loaded is not None and loaded.method is SamplingMethod.GRID
    assert loaded.ranges["pco2_bar"].log is True and loaded.base.synchronous is True
    assert loaded.created_at is not None and loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.points() == s.points()


def test_round_trips_undated_sweep_and_keeps_the_instant_of_another_zone(
    uow_factory: UnitOfWorkFactory,
) -> None:
    cest = T0.astimezone(timezone(timedelta(hours=2)))
    save(uow_factory, sweep("undated", created_at=None), sweep("cest", created_at=cest))
    with uow_factory() as uow:
        assert uow.sweeps.get("undated") == sweep("undated", created_at=None)
        loaded = uow.sweeps.get("cest")
    assert loaded is not None and loaded.created_at == T0 and loaded.created_at.utcoffset() == timedelta(0)


def test_adding_a_sweep_with_an_existing_id_replaces_it(uow_factory: UnitOfWorkFactory) -> None:
    save(uow_factory, sweep("s1"))
    newer = sweep("s1", name="renamed", method=SamplingMethod.LATIN_HYPERCUBE, samples=7, seed=2**40,
                  ranges={"obliquity_deg": ParameterRange(low=0.0, high=90.0)}, base=ClimateParameters())
    save(uow_factory, newer)
    with uow_factory() as uow:
        assert uow.sweeps.get("s1") == newer
        assert len(uow.sweeps.list()) == 1


def test_sweeps_are_listed_newest_first_then_by_id_undated_last(uow_factory: UnitOfWorkFactory) -> None:
    save(uow_factory, sweep("b-old", created_at=T0 - timedelta(days=1)), sweep("z-undated", created_at=None),
         sweep("c-new", created_at=T0 + timedelta(microseconds=1)), sweep("a-undated", created_at=None),
         sweep("b-tie", created_at=T0), sweep("a-tie", created_at=T0))
    expected = ["c-new", "a-tie", "b-tie", "b-old", "a-undated", "z-undated"]
    with uow_factory() as uow:
        assert [s.id for s in uow.sweeps.list()] == expected


def test_unknown_sweep_is_none_and_empty_list(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.sweeps.get("nope") is None
        assert list(uow.sweeps.list()) == []


# --- runs -----------------------------------------------------------------------------------


def test_round_trips_every_field_of_a_finished_run(uow_factory: UnitOfWorkFactory) -> None:
    queued = SimulationRun(id="r1", parameters=ODD_PARAMETERS, sweep_id="s1", created_at=T0, updated_at=T0)
    done = (
        queued.submitted("slurm", "4242", "/scratch/runs/r1", T0 + timedelta(seconds=5))
        .moved_to(RunState.CRASHED, T0 + timedelta(hours=2), log_excerpt="NaN in the dynamics\nstep 731",
                  output_files=("/scratch/runs/r1/MOST.00000.nc", "/scratch/runs/r1/diag.txt"))
        .with_cube("cube-1", T0 + timedelta(hours=3))
    )
    save(uow_factory, queued)
    with uow_factory() as uow:
        assert uow.runs.get("r1") == queued
    save(uow_factory, done)
    with uow_factory() as uow:
        loaded = uow.runs.get("r1")
    assert loaded == done
    assert loaded is not None and loaded.state is RunState.CRASHED and loaded.finished
    assert isinstance(loaded.output_files, tuple) and loaded.attempts == 1
    assert loaded.updated_at == T0 + timedelta(hours=3) and loaded.updated_at.utcoffset() == timedelta(0)


def test_round_trips_run_without_sweep_job_or_outputs(uow_factory: UnitOfWorkFactory) -> None:
    r = run("lonely", sweep_id=None)
    save(uow_factory, r)
    with uow_factory() as uow:
        loaded = uow.runs.get("lonely")
    assert loaded == r
    assert loaded is not None and loaded.output_files == () and loaded.backend_job_id is None


def test_runs_of_a_sweep_are_listed_by_id(uow_factory: UnitOfWorkFactory) -> None:
    save(uow_factory, run("r10"), run("r02"), run("other", sweep_id="s2"), run("R99"),
         run("free", sweep_id=None), run("r01"))
    with uow_factory() as uow:
        assert [r.id for r in uow.runs.for_sweep("s1")] == ["R99", "r01", "r02", "r10"]  # code-point order
        assert [r.id for r in uow.runs.for_sweep("s2")] == ["other"]
        assert list(uow.runs.for_sweep("none")) == []
        assert uow.runs.get("missing") is None


def test_adding_a_run_with_an_existing_id_replaces_it(uow_factory: UnitOfWorkFactory) -> None:
    save(uow_factory, run("r1"))
    moved = replace(run("r1"), sweep_id="s2", state=RunState.RUNNING)
    save(uow_factory, moved)
    with uow_factory() as uow:
        assert uow.runs.get("r1") == moved
        assert list(uow.runs.for_sweep("s1")) == []
        assert list(uow.runs.for_sweep("s2")) == [moved]


# --- cubes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("parameters", [ODD_PARAMETERS, None], ids=["parameters", "no-parameters"])
def test_round_trips_cube_metadata(
    uow_factory: UnitOfWorkFactory, parameters: ClimateParameters | None
) -> None:
    c = cube("c1", parameters=parameters, run_id=None if parameters is None else "r1")
    save(uow_factory, c)
    with uow_factory() as uow:
        loaded = uow.cubes.get("c1")
    assert loaded == c
    assert loaded is not None and loaded.parameters == parameters
    assert isinstance(loaded.grid.lat_deg, tuple) and loaded.grid.lat_deg[1] == 0.1 + 0.2
    assert loaded.variables[0].dims == ("time", "lat", "lon")
    assert loaded.created_at.utcoffset() == timedelta(0)
    assert loaded.variable("ta").units == "K"


def test_cube_lists_order_by_name_then_id_with_offset_limit_and_count(uow_factory: UnitOfWorkFactory) -> None:
    save(uow_factory, cube("c3", "b"), cube("c1", "b"), cube("c2", "a"), cube("c0", "B"), cube("c9", "a/z"))
    expected = ["c0", "c2", "c9", "c1", "c3"]  # B < a < a/z < b, then ids within "b"
    with uow_factory() as uow:
        assert [c.id for c in uow.cubes.list()] == expected
        assert [c.id for c in uow.cubes.list(limit=2)] == expected[:2]
        assert [c.id for c in uow.cubes.list(offset=1, limit=3)] == expected[1:4]
        assert [c.id for c in uow.cubes.list(offset=4)] == expected[4:]
        assert list(uow.cubes.list(offset=9)) == [] and list(uow.cubes.list(limit=0)) == []
        assert uow.cubes.count() == 5


def test_adding_a_cube_with_an_existing_id_replaces_it(uow_factory: UnitOfWorkFactory) -> None:
    save(uow_factory, cube("c1"))
    newer = replace(cube("c1"), name="renamed", attributes={}, checksum="00" * 32)
    save(uow_factory, newer)
    with uow_factory() as uow:
        assert uow.cubes.get("c1") == newer
        assert uow.cubes.count() == 1
        assert uow.cubes.get("nope") is None


def test_mutating_an_added_or_loaded_dict_does_not_change_the_stored_value(
    uow_factory: UnitOfWorkFactory,
) -> None:
    c, s = cube("c1"), sweep("s1")
    save(uow_factory, c, s)
    c.attributes["sneaky"] = "yes"
    s.ranges.clear()
    with uow_factory() as uow:
        loaded, loaded_sweep = uow.cubes.get("c1"), uow.sweeps.get("s1")
        assert loaded is not None and loaded_sweep is not None
        loaded.attributes["sneaky"] = "again"
        loaded_sweep.ranges.clear()
        assert uow.cubes.get("c1") == cube("c1") and uow.sweeps.get("s1") == sweep("s1")


# --- the unit of work over the climate repositories ------------------------------------------


def test_leaving_without_commit_rolls_back_sweeps_runs_and_cubes(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.sweeps.add(sweep("s1"))
        uow.runs.add(run("r1"))
        uow.cubes.add(cube("c1"))
    with uow_factory() as uow:
        assert uow.sweeps.get("s1") is None and uow.runs.get("r1") is None and uow.cubes.get("c1") is None
        assert uow.cubes.count() == 0


def test_exception_rolls_back_everything_written_in_the_block(uow_factory: UnitOfWorkFactory) -> None:
    save(uow_factory, sweep("s1"))
    with pytest.raises(RuntimeError, match="boom"), uow_factory() as uow:
        uow.sweeps.add(sweep("s1", name="changed"))
        uow.runs.add(run("r1"))
        uow.cubes.add(cube("c1"))
        raise RuntimeError("boom")
    with uow_factory() as uow:
        assert uow.sweeps.get("s1") == sweep("s1")
        assert list(uow.runs.for_sweep("s1")) == [] and uow.cubes.count() == 0


def test_explicit_rollback_discards_climate_writes_since_last_commit(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.runs.add(run("r1"))
        uow.commit()
        uow.runs.add(run("r2"))
        uow.cubes.add(cube("c1"))
        uow.rollback()
        assert [r.id for r in uow.runs.for_sweep("s1")] == ["r1"] and uow.cubes.count() == 0
        uow.cubes.add(cube("c2"))
        uow.commit()
    with uow_factory() as uow:
        assert [c.id for c in uow.cubes.list()] == ["c2"]
        assert [r.id for r in uow.runs.for_sweep("s1")] == ["r1"]


def test_concurrent_unit_of_work_does_not_see_uncommitted_cube(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as writer:
        writer.cubes.add(cube("c1"))
        with uow_factory() as reader:
            assert reader.cubes.get("c1") is None and reader.cubes.count() == 0
        writer.commit()
    with uow_factory() as reader:
        assert reader.cubes.get("c1") == cube("c1")

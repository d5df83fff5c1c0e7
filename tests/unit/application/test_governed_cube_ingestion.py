"""Cube ingestion behind the quality gate, on the bundled ExoPlaSim run and altered copies of it."""

from __future__ import annotations

from pathlib import Path

import pytest
import xarray as xr

from astrobio.adapters.memory.cube_store import InMemoryCubeStore
from astrobio.adapters.memory.governance import InMemoryGovernanceRepository, InMemoryObjectStore
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.adapters.quality.cubes import XarrayCubeInspector
from astrobio.application.use_cases.climate_cubes import IngestClimateOutputCommand
from astrobio.application.use_cases.datasets import DiffDatasetVersions
from astrobio.application.use_cases.governed_ingestion import GovernedIngestClimateOutput
from astrobio.application.use_cases.record_ingestion import RecordIngestion
from astrobio.domain.access import LOCAL_ADMIN
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.quality import QualityGateFailed

from .fakes import CountingIds, StepClock

RUN000 = Path(__file__).resolve().parents[3] / "data" / "gcm" / "run000.nc"


@pytest.fixture
def parts() -> tuple[
    GovernedIngestClimateOutput, InMemoryGovernanceRepository, InMemoryCubeStore, InMemoryDatabase
]:
    repo, store, db = InMemoryGovernanceRepository(), InMemoryCubeStore(), InMemoryDatabase()
    use_case = GovernedIngestClimateOutput(
        lambda: InMemoryUnitOfWork(db),
        store,
        StepClock(),
        CountingIds(),
        XarrayCubeInspector(),
        RecordIngestion(repo, InMemoryObjectStore(), StepClock()),
    )
    return use_case, repo, store, db


def altered(tmp_path: Path, name: str, change) -> Path:  # type: ignore[no-untyped-def]
    with xr.open_dataset(RUN000) as ds:
        out = change(ds.load())
    path = tmp_path / name
    out.to_netcdf(path)
    return path


def test_a_good_cube_is_published_and_versioned_per_variable(parts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    use_case, repo, _, db = parts
    cube = use_case.execute(IngestClimateOutputCommand(sources=[str(RUN000)], name="aquaplanet/run000"))
    assert db.cubes[cube.id].id == cube.id
    (v,) = repo.list_versions("climate_cube.aquaplanet-run000")
    assert v.published and {"ts", "ta", "rlut", "rst"} <= {e.name for e in v.manifest.entries}
    ts = v.manifest.entry("ts")
    assert ts is not None and ts.shape == (6, 32, 64) and ts.attrs["units"] == "K"
    assert 200.0 < ts.stats["mean"] < 320.0
    # The same run warmed by 1 K everywhere is a new version; the diff shows the mean moving by 1 K.
    warm = altered(tmp_path, "run000.nc", lambda ds: ds.assign(ts=ds.ts + 1.0))
    use_case.execute(IngestClimateOutputCommand(sources=[str(warm)], name="aquaplanet/run000"))
    old, new = repo.list_versions("climate_cube.aquaplanet-run000")
    d = DiffDatasetVersions(repo).execute(LOCAL_ADMIN, "climate_cube.aquaplanet-run000", old.id, new.id)
    assert d.entries_changed == ("ts",)
    before, after = d.stats_changed["ts"]["mean"]
    assert after - before == pytest.approx(1.0, abs=1e-3)


def test_a_cube_in_celsius_is_held_and_not_published(parts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    use_case, repo, _, db = parts
    bad = altered(tmp_path, "celsius.nc", lambda ds: ds.assign(ts=(ds.ts - 273.15).assign_attrs(units="K")))
    with pytest.raises(QualityGateFailed, match="not published"):
        use_case.execute(IngestClimateOutputCommand(sources=[str(bad)], name="aquaplanet/celsius"))
    assert db.cubes == {}
    (held,) = repo.list_versions("climate_cube.aquaplanet-celsius")
    assert not held.published and any(
        i.code == "out_of_range" and i.field == "ts" for i in held.quality.errors
    )


def test_an_unreadable_source_fails_naming_the_file(parts, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    use_case, repo, _, _ = parts
    half = tmp_path / "half.nc"
    half.write_bytes(RUN000.read_bytes()[:1000])
    with pytest.raises(InvalidDataset, match=r"half\.nc"):
        use_case.execute(IngestClimateOutputCommand(sources=[str(half)], name="x"))
    assert repo.versions == {}


def test_a_runs_output_is_registered_once_however_often_it_is_ingested(parts) -> None:  # type: ignore[no-untyped-def]
    use_case, repo, store, db = parts
    command = IngestClimateOutputCommand(sources=[str(RUN000)], name="sweep/run-7", run_id="run-7")
    first = use_case.execute(command)
    # A retried job, or a second poller, ingests the same run again: the registered cube comes back.
    again = use_case.execute(command)
    assert again.id == first.id and list(db.cubes) == [first.id]
    assert len(repo.list_versions("climate_cube.sweep-run-7")) == 1
    # Arrays an attempt published without registering them (it died in between) are replaced.
    del db.cubes[first.id]
    third = use_case.execute(command)
    assert third.id == first.id and list(db.cubes) == [first.id] and store.verify(third)

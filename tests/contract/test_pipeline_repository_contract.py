"""PipelineRunRepository: the in-memory fake and the SQL adapter (SQLite, PostgreSQL) agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from astrobio.adapters.memory.pipeline import InMemoryPipelineRunRepository
from astrobio.adapters.sql import SqlUnitOfWorkFactory
from astrobio.adapters.sql.pipeline_repository import SqlPipelineRunRepository
from astrobio.application.ports.pipeline import PipelineRunRepository
from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.errors import NotFound
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult, RunStatus

T0 = datetime(2026, 11, 26, 14, 30, 15, 123456, tzinfo=UTC)


def run(run_id: str = "r1", **kw: object) -> PipelineRun:
    fields: dict[str, object] = dict(
        id=run_id,
        status=RunStatus.QUEUED,
        created_at=T0,
        updated_at=T0,
        options={"modes": ["nirspec_prism"], "n_transits": 10, "weights": {"detectability": 0.75}},
        planets=("TRAPPIST-1 e", "K2-18 b"),
        n_planets=2,
        provenance={"code_version": "0.1.0", "catalog_sha256": "ab" * 32, "climate_surrogate": None},
    )
    return PipelineRun(**(fields | kw))  # type: ignore[arg-type]


def modelled(name: str, potential: float, run_id: str = "r1") -> PlanetResult:
    return PlanetResult(
        run_id=run_id,
        planet_name=name,
        verdict=Verdict.MODELLED,
        potential=potential,
        habitability=0.1 + 0.2,
        detectability=1 / 3,
        certainty=0.5,
        summary={"teff_k": 2566.0, "radius_earth": 0.92, "in_optimistic_hz": True},
        stages={
            "spectrum": {"wavelength_um": [0.6, 0.61], "transit_depth_ppm": [4812.5, 4813.25]},
            "detectability": {"transits_for_5sigma": {"nirspec_prism": {"CH4": None}}},
        },
        provenance={"climate": "grey", "code_version": "0.1.0"},
    )


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> PipelineRunRepository:
    if request.param == "memory":
        return InMemoryPipelineRunRepository()
    factory: SqlUnitOfWorkFactory = request.getfixturevalue(f"uow_factory_for_{request.param}")
    with factory.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM pipeline_results")
        conn.exec_driver_sql("DELETE FROM pipeline_runs")
    return SqlPipelineRunRepository(factory.engine)


def test_round_trips_a_run_and_replaces_it_by_id(repo: PipelineRunRepository) -> None:
    r = run()
    repo.add_run(r)
    assert repo.get_run("r1") == r
    later = r.with_status(RunStatus.RUNNING, T0 + timedelta(seconds=1), n_done=1)
    repo.add_run(later)
    assert repo.get_run("r1") == later
    assert repo.get_run("nope") is None


def test_whole_catalog_run_keeps_planets_none(repo: PipelineRunRepository) -> None:
    repo.add_run(run(planets=None, n_planets=5966))
    got = repo.get_run("r1")
    assert got is not None and got.planets is None


def test_results_round_trip_and_order_by_potential_then_name_with_unranked_last(
    repo: PipelineRunRepository,
) -> None:
    repo.add_run(run())
    screened = PlanetResult(
        run_id="r1", planet_name="A giant", verdict=Verdict.GIANT, summary={"radius_earth": 11.0}
    )
    failed = PlanetResult(run_id="r1", planet_name="B broken", verdict=Verdict.FAILED, error="boom")
    results = [
        modelled("K2-18 b", 0.1),
        screened,
        modelled("TRAPPIST-1 e", 0.2),
        failed,
        modelled("AAA", 0.1),
    ]
    repo.add_results(results)
    got = repo.results("r1")
    assert [r.planet_name for r in got] == ["TRAPPIST-1 e", "AAA", "K2-18 b", "A giant", "B broken"]
    assert got[0] == results[2]
    assert [r.planet_name for r in repo.results("r1", verdicts=[Verdict.MODELLED], offset=1, limit=1)] == [
        "AAA"
    ]
    assert [r.planet_name for r in repo.results("r1", verdicts=[Verdict.FAILED])] == ["B broken"]
    assert repo.counts("r1") == {"modelled": 3, "giant": 1, "failed": 1}
    assert repo.counts("other") == {}


def test_re_adding_a_result_replaces_it(repo: PipelineRunRepository) -> None:
    repo.add_run(run())
    repo.add_results([modelled("TRAPPIST-1 e", 0.2)])
    repo.add_results([modelled("TRAPPIST-1 e", 0.3)])
    got = repo.results("r1")
    assert len(got) == 1 and got[0].potential == 0.3


def test_results_of_an_unknown_run_are_refused_and_nothing_is_stored(repo: PipelineRunRepository) -> None:
    repo.add_run(run())
    with pytest.raises(NotFound):
        repo.add_results([modelled("TRAPPIST-1 e", 0.2), modelled("X", 0.1, run_id="ghost")])
    assert repo.results("r1") == []


def test_latest_completed_is_the_completed_run_updated_last(repo: PipelineRunRepository) -> None:
    assert repo.latest_completed() is None
    repo.add_run(run("a", status=RunStatus.COMPLETED, updated_at=T0))
    repo.add_run(run("b", status=RunStatus.COMPLETED, updated_at=T0 + timedelta(minutes=5)))
    repo.add_run(run("c", status=RunStatus.RUNNING, updated_at=T0 + timedelta(minutes=9)))
    latest = repo.latest_completed()
    assert latest is not None and latest.id == "b"
    repo.add_run(replace(run("a"), status=RunStatus.COMPLETED, updated_at=T0 + timedelta(minutes=7)))
    latest = repo.latest_completed()
    assert latest is not None and latest.id == "a"

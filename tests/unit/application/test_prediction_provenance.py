"""Predictions name the checkpoint they ran and the recorded dataset versions of its training data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from astrobio.adapters.memory.governance import InMemoryGovernanceRepository
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.governance import TagMove
from astrobio.application.use_cases.provenance import (
    ResolveModelProvenance,
    metabolic_model_versions,
    published_version,
    published_version_id,
    published_versions_of_kind,
)
from astrobio.application.use_cases.surrogates import PredictClimate, PredictClimateCommand
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.surrogate import SurrogateMode
from tests.unit.application.surrogate_fakes import default_registry, earthlike, make_cube

V1 = "sha256:" + "1" * 64
V2 = "sha256:" + "2" * 64
T = datetime(2026, 1, 1, tzinfo=UTC)


def tag(repo: InMemoryGovernanceRepository, dataset_id: str, version: str, name: str = "main") -> None:
    repo.move_tag(TagMove(dataset_id=dataset_id, tag=name, version_id=version, moved_at=T, actor="test"))


class Broken:
    def __getattr__(self, name: str) -> Any:
        raise RuntimeError("no governance tables")


def test_published_version_is_the_main_tag_or_none() -> None:
    repo = InMemoryGovernanceRepository()
    tag(repo, "climate_cube.run000", V1, "candidate")
    assert published_version_id(repo, "climate_cube.run000") is None  # held, not published
    tag(repo, "climate_cube.run000", V2)
    assert published_version_id(repo, "climate_cube.run000") == V2
    assert published_version(repo, "climate_cube.run000") == f"climate_cube.run000@{V2}"
    assert published_version(repo, "exoplanet_table.pscomppars") is None
    assert published_version(None, "exoplanet_table.pscomppars") is None
    assert published_version(Broken(), "exoplanet_table.pscomppars") is None  # type: ignore[arg-type]
    assert published_version(repo, "../etc") is None
    assert published_versions_of_kind(Broken(), "exoplanet_table") == []  # type: ignore[arg-type]


def _predict(resolver: ResolveModelProvenance | None) -> Any:
    registry = default_registry()
    use_case = PredictClimate(registry, resolver)
    return use_case.execute(
        PredictClimateCommand(parameters=[ClimateParameters()], mode=SurrogateMode.SCALAR)
    ), registry


def test_scalar_prediction_names_the_model_and_the_recorded_training_cube_versions() -> None:
    db = InMemoryDatabase()
    with InMemoryUnitOfWork(db) as uow:
        uow.cubes.add(make_cube(0, earthlike(1000.0)))  # the card's "cube-0", named run000
        uow.commit()
    repo = InMemoryGovernanceRepository()
    tag(repo, "climate_cube.run000", V1)
    result, registry = _predict(ResolveModelProvenance(lambda: InMemoryUnitOfWork(db), lambda: repo, "1.2.3"))
    prov = result.provenance
    assert prov.model_id == registry.active(SurrogateMode.SCALAR).id == result.card.id
    assert prov.model_mode == "scalar" and prov.code_version == "1.2.3" and prov.model_code_version == "test"
    assert [t.to_dict() for t in prov.training_data] == [
        {"cube_id": "cube-0", "checksum": "abc", "dataset_version": f"climate_cube.run000@{V1}"}
    ]


def test_without_recorded_versions_the_training_data_has_no_version() -> None:
    db = InMemoryDatabase()
    with InMemoryUnitOfWork(db) as uow:
        uow.cubes.add(make_cube(0, earthlike(1000.0)))
        uow.commit()
    for resolver in (
        None,
        ResolveModelProvenance(lambda: InMemoryUnitOfWork(db), lambda: InMemoryGovernanceRepository()),
        ResolveModelProvenance(lambda: InMemoryUnitOfWork(InMemoryDatabase()), InMemoryGovernanceRepository),
        ResolveModelProvenance(lambda: InMemoryUnitOfWork(db), Broken),  # type: ignore[arg-type]
    ):
        result, _ = _predict(resolver)
        assert result.provenance.model_id == result.card.id
        assert [(t.cube_id, t.dataset_version) for t in result.provenance.training_data] == [("cube-0", None)]


def test_metabolic_models_are_looked_up_as_sbml_model_datasets() -> None:
    repo = InMemoryGovernanceRepository()
    tag(repo, "sbml_model.iML1515", V1)
    assert metabolic_model_versions(repo, ["iML1515", "e_coli_core"]) == [
        {"kind": "metabolic_model", "id": "iML1515", "dataset_version": f"sbml_model.iML1515@{V1}"},
        {"kind": "metabolic_model", "id": "e_coli_core", "dataset_version": None},
    ]

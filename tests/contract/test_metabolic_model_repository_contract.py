"""MetabolicModelRepository: the in-memory fake and the SQL adapter (SQLite, PostgreSQL) agree."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from astrobio.adapters.memory.metabolism import InMemoryMetabolicModelRepository
from astrobio.adapters.sql import SqlUnitOfWorkFactory
from astrobio.adapters.sql.metabolism_repository import SqlMetabolicModelRepository
from astrobio.application.ports.metabolism import MetabolicModelRepository
from astrobio.domain.metabolism import MetabolicModel, ModelQuality

T0 = datetime(2026, 11, 26, 14, 30, 15, 123456, tzinfo=UTC)


def model(model_id: str, **kw: object) -> MetabolicModel:
    fields: dict[str, object] = dict(
        id=model_id, name=f"model {model_id}", organism="Methanobrevibacter smithii ATCC 35061",
        ncbi_taxid=420247, organism_class="mesophile", objective="biomass537", sbml_sha256="ab" * 32,
        sbml_uri=f"/data/sbml/ab/{model_id}.xml.gz", source="bundled:x.xml.gz", n_reactions=690,
        n_metabolites=743, n_genes=0, exchanges={"h2": "EX_h2(e)", "ch4": "EX_ch4(e)"},
        base_medium={"EX_pi(e)": 1000.0, "EX_thm(e)": 0.1 + 0.2},
        quality=ModelQuality(objective_present=True, default_growth_per_h=17.480888734326676,
                             blocked_reactions=267, mass_imbalanced=3, charge_imbalanced=3,
                             imbalanced_examples=("SHCHCC2", "TECAAE")),
        ingested_at=T0, license="CC BY-NC-ND 4.0", reference=None)
    return MetabolicModel(**(fields | kw))  # type: ignore[arg-type]


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> MetabolicModelRepository:
    if request.param == "memory":
        return InMemoryMetabolicModelRepository()
    factory: SqlUnitOfWorkFactory = request.getfixturevalue(f"uow_factory_for_{request.param}")
    with factory.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM metabolic_models")
    return SqlMetabolicModelRepository(factory.engine)


def test_round_trips_every_field_bit_for_bit(repo: MetabolicModelRepository) -> None:
    m = model("AGORA2_Methanobrevibacter_smithii_ATCC_35061")
    repo.add(m)
    assert repo.get(m.id) == m


def test_unknown_id_is_none(repo: MetabolicModelRepository) -> None:
    assert repo.get("nope") is None


def test_lists_by_id_in_code_point_order(repo: MetabolicModelRepository) -> None:
    for mid in ("iJN678", "T_Maritima", "e_coli_core", "AGORA_B"):
        repo.add(model(mid, ncbi_taxid=None, organism=None))
    assert [m.id for m in repo.list()] == ["AGORA_B", "T_Maritima", "e_coli_core", "iJN678"]


def test_lists_one_taxon(repo: MetabolicModelRepository) -> None:
    repo.add(model("iJO1366", ncbi_taxid=511145))
    repo.add(model("e_coli_core", ncbi_taxid=511145))
    repo.add(model("iAF692", ncbi_taxid=269797))
    repo.add(model("custom", ncbi_taxid=None))
    assert [m.id for m in repo.list(ncbi_taxid=511145)] == ["e_coli_core", "iJO1366"]
    assert repo.list(ncbi_taxid=1) == []


def test_adding_the_same_id_replaces_the_record(repo: MetabolicModelRepository) -> None:
    repo.add(model("iAF692"))
    newer = replace(model("iAF692"), n_reactions=700, base_medium={})
    repo.add(newer)
    assert repo.get("iAF692") == newer and len(repo.list()) == 1

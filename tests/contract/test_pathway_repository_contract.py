"""The pathway repository port: the in-memory fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from astrobio.adapters.kegg.file_catalog import FileKeggCatalog
from astrobio.adapters.memory.pathways import InMemoryPathwayRepository
from astrobio.adapters.sql import make_engine
from astrobio.adapters.sql.pathways_repository import SqlPathwayRepository
from astrobio.application.ports.pathways import PathwayRepository
from astrobio.domain.pathway import Pathway, PathwayReaction, PathwayRelation

KEGG = Path(__file__).resolve().parents[2] / "data" / "kegg"


@pytest.fixture
def sqlite_engine(sqlite_template: Path, tmp_path: Path) -> Iterator[sa.Engine]:
    path = tmp_path / "astrobio.db"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine(postgres_url: URL) -> Iterator[sa.Engine]:
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE pathways")
    yield engine
    engine.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> PathwayRepository:
    if request.param == "memory":
        return InMemoryPathwayRepository()
    return SqlPathwayRepository(request.getfixturevalue(f"{request.param}_engine"))


def odd_pathway(pid: str = "ko00001", title: str = "Tést ✓ map") -> Pathway:
    return Pathway(
        id=pid,
        title=title,
        organism="ko",
        compounds=("C00001", "G10509", "C00002"),
        reactions=(
            PathwayReaction(
                id="R00001 R00002",
                reversible=True,
                substrates=("C00001", "G10509"),
                products=("C00002",),
                orthologs=("K00001",),
            ),
        ),
        orthologs=("K00001", "hsa:3417"),
        relations=(
            PathwayRelation(source="K00001", target="ko00010", kind="maplink", subtypes=("compound:C00001",)),
        ),
        compound_names={"C00001": "H2O", "C00002": "ATP ünïcode"},
        layout_px={"C00001": (0.1 + 0.2, 1e-300), "C00002": (-5.0, 1234.5)},
        source="test:odd",
    )


def test_round_trips_every_field_exactly(repo: PathwayRepository) -> None:
    p = odd_pathway()
    repo.save_all([p])
    assert repo.get("ko00001") == p


def test_round_trips_a_bundled_map(repo: PathwayRepository) -> None:
    p = FileKeggCatalog(KEGG).fetch("ko00010")
    repo.save_all([p])
    assert repo.get("ko00010") == p


def test_missing_is_none(repo: PathwayRepository) -> None:
    assert repo.get("ko99999") is None
    assert repo.page() == ([], 0)


def test_resaving_replaces_the_map(repo: PathwayRepository) -> None:
    repo.save_all([odd_pathway()])
    repo.save_all([odd_pathway(title="renamed")])
    stored = repo.get("ko00001")
    assert stored is not None and stored.title == "renamed"
    assert repo.page()[1] == 1


def test_pages_are_ordered_by_id(repo: PathwayRepository) -> None:
    repo.save_all([odd_pathway(pid) for pid in ("map00260", "ko00020", "hsa00020", "ko00010")])
    items, total = repo.page(offset=1, limit=2)
    assert total == 4
    assert [p.id for p in items] == ["ko00010", "ko00020"]
    assert [p.id for p in repo.all()] == ["hsa00020", "ko00010", "ko00020", "map00260"]


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def test_a_failing_batch_writes_nothing(backend: str, request: pytest.FixtureRequest) -> None:
    repo = SqlPathwayRepository(request.getfixturevalue(f"{backend}_engine"))
    good = odd_pathway("ko00002")
    with pytest.raises(sa.exc.IntegrityError):
        repo.save_all([good, odd_pathway("ko00003"), odd_pathway("ko00003")])  # duplicate key mid-batch
    assert repo.all() == []

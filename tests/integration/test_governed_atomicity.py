"""One transaction per governed ingestion, on the real SQL adapters (SQLite file, and PostgreSQL
when reachable): the data, its dataset version and the audit entry commit together or not at all."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from astrobio.adapters.sql.governance_repository import SqlGovernanceRepository
from astrobio.adapters.sql.transaction import current
from astrobio.adapters.sql.unit_of_work import SqlUnitOfWork
from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.database import upgrade_database
from astrobio.bootstrap.settings import Settings

pytestmark = pytest.mark.integration

PLANETS = ["TRAPPIST-1 e", "LHS 1140 b", "K2-18 b"]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    s = Settings(data_dir=tmp_path)
    upgrade_database(s)
    return s


@pytest.fixture
def three_planets(tmp_path: Path, settings: Settings) -> Path:
    lines = settings.catalog_path.read_text(encoding="utf-8").splitlines()
    rows = [r for r in lines[1:] if next(csv.reader([r]))[0] in PLANETS]
    path = tmp_path / "three.csv"
    path.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    return path


def _count(settings: Settings, table: str) -> int:
    engine = sa.create_engine(settings.sqlalchemy_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar_one())
    finally:
        engine.dispose()


class AuditDown(Exception):
    pass


def test_a_failed_audit_append_leaves_no_planets_and_no_version(
    settings: Settings, three_planets: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: Any, event: Any) -> Any:
        raise AuditDown("audit log unwritable")

    monkeypatch.setattr(SqlGovernanceRepository, "append_audit", refuse)
    c = build_container(settings)
    with pytest.raises(AuditDown):
        c.ingest_catalog().execute(IngestCatalogCommand(source=str(three_planets)))
    assert _count(settings, "planets") == 0
    assert _count(settings, "governance_versions") == 0
    assert _count(settings, "governance_tag_moves") == 0


def test_a_governed_ingestion_commits_data_version_and_audit_together(
    settings: Settings, three_planets: Path
) -> None:
    c = build_container(settings)
    report = c.ingest_catalog().execute(IngestCatalogCommand(source=str(three_planets)))
    assert report.inserted == 3
    assert _count(settings, "planets") == 3
    assert _count(settings, "governance_versions") == 1
    assert _count(settings, "governance_audit") == 2  # the version recorded, then served
    assert c.governance.verify_audit().execute().ok
    # Again: the same content, nothing new anywhere.
    c.ingest_catalog().execute(IngestCatalogCommand(source=str(three_planets)))
    assert (_count(settings, "planets"), _count(settings, "governance_versions"),
            _count(settings, "governance_audit")) == (3, 1, 2)


def test_engine_level_repositories_join_the_open_unit_of_work(settings: Settings) -> None:
    c = build_container(settings)
    engine = c.engine()
    assert current(engine) is None
    with SqlUnitOfWork(engine) as uow:
        assert current(engine) is uow.connection
        with SqlUnitOfWork(engine) as inner:  # an independent one is current for its own block
            assert current(engine) is inner.connection
        assert current(engine) is uow.connection
    assert current(engine) is None


def test_a_kegg_map_is_not_stored_when_its_version_cannot_be_audited(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from astrobio.application.use_cases.pathways import IngestKeggCommand

    def refuse(self: Any, event: Any) -> Any:
        raise AuditDown("audit log unwritable")

    c = build_container(settings)
    monkeypatch.setattr(SqlGovernanceRepository, "append_audit", refuse)
    with pytest.raises(AuditDown):
        c.pathways.ingest_kegg().execute(IngestKeggCommand(pathway_ids=("ko00010",)))
    assert _count(settings, "pathways") == 0
    assert _count(settings, "governance_versions") == 0
    monkeypatch.undo()
    c.pathways.ingest_kegg().execute(IngestKeggCommand(pathway_ids=("ko00010",)))
    assert (_count(settings, "pathways"), _count(settings, "governance_versions")) == (1, 1)


def test_a_genome_is_not_stored_when_its_version_cannot_be_audited(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from astrobio.application.use_cases.genomes import IngestGenomeCommand

    phix = settings.bundled_data_dir / "ncbi" / "genbank" / "NC_001422.gbk"

    def refuse(self: Any, event: Any) -> Any:
        raise AuditDown("audit log unwritable")

    c = build_container(settings)
    monkeypatch.setattr(SqlGovernanceRepository, "append_audit", refuse)
    with pytest.raises(AuditDown):
        c.genomes.ingest_genome().execute(IngestGenomeCommand(paths=[phix]))
    assert _count(settings, "genomes") == 0
    assert _count(settings, "governance_versions") == 0
    monkeypatch.undo()
    c.genomes.ingest_genome().execute(IngestGenomeCommand(paths=[phix]))
    assert (_count(settings, "genomes"), _count(settings, "governance_versions")) == (1, 1)


def test_an_sbml_model_is_not_stored_when_its_version_cannot_be_audited(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from astrobio.application.use_cases.metabolism import IngestSbmlCommand

    ecoli = str(settings.bundled_data_dir / "metabolic_models" / "e_coli_core.xml.gz")

    def refuse(self: Any, event: Any) -> Any:
        raise AuditDown("audit log unwritable")

    c = build_container(settings)
    monkeypatch.setattr(SqlGovernanceRepository, "append_audit", refuse)
    with pytest.raises(AuditDown):
        c.metabolism.ingest_sbml().execute(IngestSbmlCommand(path=ecoli))
    assert _count(settings, "metabolic_models") == 0
    assert _count(settings, "governance_versions") == 0
    monkeypatch.undo()
    c.metabolism.ingest_sbml().execute(IngestSbmlCommand(path=ecoli))
    assert (_count(settings, "metabolic_models"), _count(settings, "governance_versions")) == (1, 1)

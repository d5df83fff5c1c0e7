"""The governance store contract, over the in-memory fake, SQLite and PostgreSQL (migrated schema)."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import URL

from astrobio.adapters.memory.governance import InMemoryGovernanceRepository
from astrobio.adapters.sql import make_engine
from astrobio.adapters.sql.governance_repository import SqlGovernanceRepository
from astrobio.application.ports.governance import GovernanceRepository, TagMove
from astrobio.domain.access import ApiKey, Role
from astrobio.domain.audit import AuditEvent, verify_chain
from astrobio.domain.dataset_version import (
    Dataset,
    DatasetVersion,
    DublinCore,
    Lineage,
    Manifest,
    ManifestEntry,
    SecurityLevel,
)
from astrobio.domain.quality import QualityIssue, QualityMetrics, QualityReport, Severity

T0 = datetime(2026, 11, 26, 12, 0, 0, 123456, tzinfo=UTC)
INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE governance_datasets; --",
    "%",
    "_",
    "\\",
    '" OR 1=1 --',
    "1; SELECT * FROM governance_api_keys",
    "' UNION SELECT id, salt FROM governance_api_keys --",
]


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
        conn.exec_driver_sql(
            "TRUNCATE governance_audit_head, governance_audit, governance_api_keys, "
            "governance_tag_moves, governance_versions, governance_datasets"
        )
    yield engine
    engine.dispose()


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.integration)])
def repo(request: pytest.FixtureRequest) -> GovernanceRepository:
    if request.param == "memory":
        return InMemoryGovernanceRepository()
    engine: sa.Engine = request.getfixturevalue(f"{request.param}_engine")
    return SqlGovernanceRepository(engine, ensure_schema=False)


def report(grade_ok: bool = True) -> QualityReport:
    issues = () if grade_ok else (QualityIssue(severity=Severity.ERROR, code="kepler", message="m", count=3),)
    return QualityReport(
        kind="exoplanet_table",
        subject="s",
        rows=3,
        created_at=T0,
        validator="v",
        metrics=QualityMetrics(
            completeness=0.9,
            validity=1.0,
            consistency=0.95,
            uniqueness=1.0,
            timeliness=0.9,
            outlier_fraction=0.01,
            snr=12.5,
        ),
        issues=issues,
        details={"x": 1.5},
    )


def ds(
    id: str = "catalog.pscomppars",
    level: SecurityLevel = SecurityLevel.PUBLIC,
    title: str = "Planets",
    refs: dict[str, tuple[str, ...]] | None = None,
) -> Dataset:
    return Dataset(
        id=id,
        kind="exoplanet_table",
        security_level=level,
        created_at=T0,
        metadata=DublinCore(title=title, subject=("exoplanets",), cross_refs=refs or {}),
    )


def ver(dataset_id: str, payload: str, published: bool = True) -> DatasetVersion:
    import hashlib

    e = ManifestEntry(
        name="planets.jsonl",
        sha256=hashlib.sha256(payload.encode()).hexdigest(),
        size_bytes=9,
        kind="table",
        shape=(3,),
        stats={"mean": 1.25},
        attrs={"key": "name"},
    )
    return DatasetVersion(
        dataset_id=dataset_id,
        manifest=Manifest(entries=(e,)),
        quality=report(published),
        lineage=Lineage(produced_by="ingest_catalog", parameters={"source": "bundled"}, code_version="0.1.0"),
        published=published,
        created_at=T0,
        row_digests={"a": "1", "b": "2"},
    )


def tag(dataset_id: str, name: str, version_id: str, minutes: int = 0) -> TagMove:
    return TagMove(
        dataset_id=dataset_id,
        tag=name,
        version_id=version_id,
        moved_at=T0 + timedelta(minutes=minutes),
        actor="local",
    )


def test_saves_and_reads_back_a_version_exactly(repo: GovernanceRepository) -> None:
    v = ver("catalog.pscomppars", "one")
    assert repo.save_version(ds(), v, [tag(v.dataset_id, "main", v.id)])
    got = repo.get_version(v.dataset_id, v.id)
    assert got == v and got is not None and got.row_digests == {"a": "1", "b": "2"}
    assert got.quality.grade == v.quality.grade and got.quality.metrics.snr == 12.5
    assert repo.get_dataset("catalog.pscomppars") == ds()
    assert repo.current_tags(v.dataset_id) == {"main": v.id}


def test_saving_the_same_version_again_writes_nothing(repo: GovernanceRepository) -> None:
    v = ver("catalog.pscomppars", "one")
    assert repo.save_version(ds(), v, [tag(v.dataset_id, "main", v.id)])
    assert not repo.save_version(ds(), v, [tag(v.dataset_id, "candidate", v.id)])
    assert repo.current_tags(v.dataset_id) == {"main": v.id} and len(repo.list_versions(v.dataset_id)) == 1


def test_versions_are_listed_oldest_first_and_tags_keep_history(repo: GovernanceRepository) -> None:
    v1, v2 = ver("catalog.pscomppars", "one"), ver("catalog.pscomppars", "two")
    repo.save_version(ds(), v1, [tag(v1.dataset_id, "main", v1.id)])
    repo.save_version(ds(), v2, [tag(v1.dataset_id, "main", v2.id, 1)])
    assert [v.id for v in repo.list_versions(v1.dataset_id)] == [v1.id, v2.id]
    repo.move_tag(tag(v1.dataset_id, "main", v1.id, 2))
    assert [m.version_id for m in repo.tag_history(v1.dataset_id, "main")] == [v1.id, v2.id, v1.id]
    assert repo.current_tags(v1.dataset_id)["main"] == v1.id
    repo.set_published(v1.dataset_id, v2.id, "checked by hand")
    assert repo.get_version(v1.dataset_id, v2.id).override_reason == "checked by hand"  # type: ignore[union-attr]


def test_search_filters_by_level_text_and_cross_references(repo: GovernanceRepository) -> None:
    repo.save_version(ds("a.public", title="Exoplanet catalog"), ver("a.public", "1"), [])
    repo.save_version(
        ds(
            "b.restricted",
            SecurityLevel.RESTRICTED,
            "Methanogen genomes",
            {"ncbi_taxonomy": ("2162",), "kegg": ("map00680",)},
        ),
        ver("b.restricted", "2"),
        [],
    )
    page = repo.list_datasets(query=None, max_level=SecurityLevel.PUBLIC, kind=None, offset=0, limit=10)
    assert [d.id for d in page.items] == ["a.public"] and page.total == 1
    hit = repo.list_datasets(query="MAP00680", max_level=SecurityLevel.SECRET, kind=None, offset=0, limit=10)
    assert [d.id for d in hit.items] == ["b.restricted"]
    assert (
        repo.list_datasets(
            query="map00680", max_level=SecurityLevel.INTERNAL, kind=None, offset=0, limit=10
        ).total
        == 0
    )


@pytest.mark.parametrize("evil", INJECTIONS)
def test_search_strings_are_data_not_sql(repo: GovernanceRepository, evil: str) -> None:
    repo.save_version(ds("a.public"), ver("a.public", "1"), [])
    page = repo.list_datasets(query=evil, max_level=SecurityLevel.SECRET, kind=evil, offset=0, limit=10)
    assert page.total == 0
    assert repo.get_dataset(evil) is None and repo.get_version("a.public", evil) is None
    assert (
        repo.list_datasets(query=None, max_level=SecurityLevel.SECRET, kind=None, offset=0, limit=5).total
        == 1
    )


def test_api_keys_store_hashes_and_revoke(repo: GovernanceRepository) -> None:
    key = ApiKey(
        id="0123456789ab", name="ana", role=Role.ANALYST, salt=b"s" * 16, secret_hash=b"h" * 32, created_at=T0
    )
    repo.add_api_key(key)
    assert repo.get_api_key(key.id) == key and repo.list_api_keys() == [key]
    assert repo.revoke_api_key(key.id, T0)
    assert not repo.revoke_api_key(key.id, T0)
    assert repo.get_api_key(key.id).revoked_at == T0  # type: ignore[union-attr]


def test_audit_chain_survives_concurrent_appends(repo: GovernanceRepository) -> None:
    def work(n: int) -> None:
        for i in range(8):
            repo.append_audit(
                AuditEvent(actor=f"w{n}", action="read", object=f"o{i}", at=T0, client="127.0.0.1")
            )

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entries = repo.audit_entries()
    assert [e.seq for e in entries] == list(range(1, 33))
    assert verify_chain(entries, repo.audit_head()).ok


def test_an_edited_or_deleted_stored_audit_row_is_detected(request: pytest.FixtureRequest) -> None:
    for backend in ("sqlite",) + (
        ("postgres",) if request.config.getoption("-m") != "not integration" else ()
    ):
        try:
            engine: sa.Engine = request.getfixturevalue(f"{backend}_engine")
        except pytest.skip.Exception:
            continue
        repo = SqlGovernanceRepository(engine, ensure_schema=False)
        for i in range(4):
            repo.append_audit(AuditEvent(actor="ana", action="read", object=f"d{i}", at=T0))
        assert verify_chain(repo.audit_entries(), repo.audit_head()).ok
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE governance_audit SET actor = 'mallory' WHERE seq = 2")
        r = verify_chain(repo.audit_entries(), repo.audit_head())
        assert not r.ok and r.first_bad_seq == 2
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE governance_audit SET actor = 'ana' WHERE seq = 2")
            conn.exec_driver_sql("DELETE FROM governance_audit WHERE seq = 4")
        r = verify_chain(repo.audit_entries(), repo.audit_head())
        assert not r.ok and "entry 4 was recorded" in r.reason

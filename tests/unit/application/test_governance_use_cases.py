"""RecordIngestion, the dataset use cases, keys and the governed catalog ingestion, over the fakes."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from astrobio.adapters.crypto.keys import ScryptSecretHasher
from astrobio.adapters.memory.governance import InMemoryGovernanceRepository, InMemoryObjectStore
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.use_cases.access import Authenticate, CreateApiKey, RevokeApiKey, VerifyAudit
from astrobio.application.use_cases.datasets import (
    DiffDatasetVersions,
    ExportLineage,
    GetDataset,
    GetVersion,
    ListDatasets,
    OverrideQualityGate,
    ReadVersionFile,
    RollbackTag,
    TagDatasetVersion,
)
from astrobio.application.use_cases.governed_ingestion import GovernedIngestCatalog
from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand
from astrobio.application.use_cases.record_ingestion import (
    IngestedFile,
    RecordIngestion,
    RecordIngestionCommand,
)
from astrobio.domain.access import ANONYMOUS, LOCAL_ADMIN, AccessDenied, Principal, Role, Unauthenticated
from astrobio.domain.catalog import CatalogSnapshot
from astrobio.domain.dataset_version import SecurityLevel
from astrobio.domain.errors import Conflict, NotFound
from astrobio.domain.planet import Planet
from astrobio.domain.quality import QualityGateFailed, QualityIssue, QualityMetrics, QualityReport, Severity
from astrobio.domain.star import Star

from .fakes import COLOURS, FakeCatalog, FakeCatalogProvider, StepClock

GOOD = QualityReport(
    kind="table",
    subject="s",
    metrics=QualityMetrics(
        completeness=1.0, validity=1.0, consistency=1.0, uniqueness=1.0, timeliness=1.0, outlier_fraction=0.0
    ),
)
BAD = replace(GOOD, issues=(QualityIssue(severity=Severity.ERROR, code="units", message="radius in km?"),))
VIEWER = Principal(name="vic", role=Role.VIEWER)
ANALYST = Principal(name="ana", role=Role.ANALYST)


class FakeValidator:
    kind = "exoplanet_table"

    def __init__(self, report: QualityReport) -> None:
        self.report = report

    def validate(self, subject: str, data: Any) -> QualityReport:
        return self.report


@pytest.fixture
def repo() -> InMemoryGovernanceRepository:
    return InMemoryGovernanceRepository()


@pytest.fixture
def objects() -> InMemoryObjectStore:
    return InMemoryObjectStore()


def record(
    repo: Any,
    objects: Any,
    payload: bytes,
    quality: QualityReport = GOOD,
    level: SecurityLevel = SecurityLevel.PUBLIC,
    name: str = "planets",
    **kw: Any,
) -> Any:
    return RecordIngestion(repo, objects, StepClock(), "0.1.0").execute(
        RecordIngestionCommand(
            kind="table",
            name=name,
            quality=quality,
            produced_by="test",
            security_level=level,
            files=(IngestedFile(name="t.csv", data=payload),),
            **kw,
        )
    )


def test_a_production_ready_ingestion_is_published_under_main(repo: Any, objects: Any) -> None:
    r = record(repo, objects, b"a,b\n")
    assert r.created and r.version.published and r.decision.published
    assert repo.current_tags("table.planets") == {"candidate": r.version.id, "main": r.version.id}
    assert r.version.lineage.code_version == "0.1.0"
    assert [e.event.action for e in repo.audit] == ["dataset.version.record"]


def test_recording_the_same_content_twice_returns_the_same_version(repo: Any, objects: Any) -> None:
    a, b = record(repo, objects, b"x"), record(repo, objects, b"x")
    assert a.version.id == b.version.id and not b.created
    assert len(repo.list_versions("table.planets")) == 1


def test_below_the_gate_the_report_is_kept_but_main_does_not_move(repo: Any, objects: Any) -> None:
    good = record(repo, objects, b"v1")
    held = record(repo, objects, b"v2", quality=BAD)
    assert not held.version.published and "below the publication threshold" in held.decision.reason
    assert repo.current_tags("table.planets") == {"main": good.version.id, "candidate": held.version.id}
    q = GetVersion(repo).execute(LOCAL_ADMIN, "table.planets", "candidate").quality
    assert q.errors[0].code == "units"
    with pytest.raises(Conflict):
        TagDatasetVersion(repo, StepClock()).execute(LOCAL_ADMIN, "table.planets", held.version.id, "main")
    with pytest.raises(AccessDenied):
        OverrideQualityGate(repo, StepClock()).execute(ANALYST, "table.planets", "candidate", "looks fine")
    v = OverrideQualityGate(repo, StepClock()).execute(LOCAL_ADMIN, "table.planets", "candidate", "checked")
    assert v.published and v.override_reason == "checked"
    assert repo.current_tags("table.planets")["main"] == held.version.id


def test_a_crash_before_the_commit_leaves_no_version(repo: Any, objects: Any) -> None:
    class Crashing(InMemoryGovernanceRepository):
        def save_version(self, *a: Any, **k: Any) -> bool:
            raise RuntimeError("power cut")

    crashing = Crashing()
    with pytest.raises(RuntimeError):
        record(crashing, objects, b"payload")
    assert crashing.datasets == {} and crashing.versions == {} and crashing.tags == []
    assert ListDatasets(crashing).execute(LOCAL_ADMIN).total == 0


def test_tags_roll_back_to_the_previous_version(repo: Any, objects: Any) -> None:
    v1, v2 = record(repo, objects, b"1").version, record(repo, objects, b"2").version
    assert repo.current_tags("table.planets")["main"] == v2.id
    move = RollbackTag(repo, StepClock()).execute(LOCAL_ADMIN, "table.planets")
    assert move.version_id == v1.id and repo.current_tags("table.planets")["main"] == v1.id
    TagDatasetVersion(repo, StepClock()).execute(LOCAL_ADMIN, "table.planets", v2.id[7:19], "paper-2026")
    assert repo.current_tags("table.planets")["paper-2026"] == v2.id
    d = DiffDatasetVersions(repo).execute(LOCAL_ADMIN, "table.planets", v1.id, "paper-2026")
    assert d.entries_changed == ("t.csv",)


def test_restricted_data_is_encrypted_and_invisible_without_rights(repo: Any, objects: Any) -> None:
    v = record(repo, objects, b"secret genome", level=SecurityLevel.RESTRICTED, name="genomes").version
    assert ("table.genomes", v.id, "t.csv") in objects.encrypted
    for who in (ANONYMOUS, VIEWER):
        assert ListDatasets(repo).execute(who).total == 0
        for call in (
            lambda p: GetDataset(repo).execute(p, "table.genomes"),
            lambda p: GetVersion(repo).execute(p, "table.genomes"),
            lambda p: ExportLineage(repo).execute(p, "table.genomes"),
            lambda p: ReadVersionFile(repo, objects).execute(p, "table.genomes", None, "t.csv"),
        ):
            with pytest.raises(NotFound) as exc:
                call(who)
            assert "no dataset" in exc.value.message  # same answer as for a dataset that does not exist
    assert ReadVersionFile(repo, objects).execute(ANALYST, "table.genomes", None, "t.csv") == b"secret genome"
    with pytest.raises(AccessDenied):  # analysts read RESTRICTED data but write only up to INTERNAL
        TagDatasetVersion(repo, StepClock()).execute(ANALYST, "table.genomes", v.id, "mine")


def test_unknown_version_refs_are_not_found(repo: Any, objects: Any) -> None:
    record(repo, objects, b"1")
    for ref in ("nope", "sha256:zz", "abc", "' OR 1=1 --", "../../etc"):
        with pytest.raises(NotFound):
            GetVersion(repo).execute(LOCAL_ADMIN, "table.planets", ref)


def test_api_keys_authenticate_until_revoked(repo: Any) -> None:
    hasher = ScryptSecretHasher(n=2**10)
    created = CreateApiKey(repo, hasher, StepClock()).execute("ana", "analyst")
    assert created.token.startswith(f"ab_{created.key.id}_")
    assert created.token.split("_", 2)[2].encode() not in created.key.secret_hash
    assert Authenticate(repo, hasher).execute(created.token) == Principal(
        name="ana", role=Role.ANALYST, key_id=created.key.id
    )
    with pytest.raises(Unauthenticated):
        Authenticate(repo, hasher).execute(created.token[:-1] + ("A" if created.token[-1] != "A" else "B"))
    RevokeApiKey(repo, StepClock()).execute(created.key.id)
    with pytest.raises(Unauthenticated):
        Authenticate(repo, hasher, ttl_s=0).execute(created.token)
    assert VerifyAudit(repo).execute().ok and len(repo.audit) == 2


STAR = Star(name="Sun-like", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, k_mag=5.0, distance_pc=10.0)
PLANETS = (
    Planet(
        name="A b",
        star=STAR,
        radius_earth=1.0,
        mass_earth=1.0,
        orbital_period_days=365.25,
        semi_major_axis_au=1.0,
    ),
    Planet(name="A c", star=STAR, radius_earth=2.0, orbital_period_days=100.0),
)


def governed(db: InMemoryDatabase, repo: Any, objects: Any, report: QualityReport) -> GovernedIngestCatalog:
    snapshot = CatalogSnapshot(source="snap_2026-10.csv", planets=PLANETS, rows_read=2)
    provider = FakeCatalogProvider({"bundled": FakeCatalog(snapshot)})
    return GovernedIngestCatalog(
        lambda: InMemoryUnitOfWork(db),
        provider,
        COLOURS,
        FakeValidator(report),
        RecordIngestion(repo, objects, StepClock(), "0.1.0"),
    )


def test_catalog_ingestion_is_versioned_with_its_quality_report(repo: Any, objects: Any) -> None:
    db = InMemoryDatabase()
    out = governed(db, repo, objects, GOOD).execute(IngestCatalogCommand())
    assert out.inserted == 2 and set(db.planets) == {"A b", "A c"}
    (version,) = repo.list_versions("exoplanet_table.pscomppars")
    assert version.published and set(version.row_digests) == {"A b", "A c"}
    assert version.lineage.produced_by == "ingest_catalog" and version.lineage.parameters == {
        "source": "bundled"
    }


def test_a_catalog_below_the_gate_writes_no_planet_until_an_admin_overrides(repo: Any, objects: Any) -> None:
    db = InMemoryDatabase()
    use_case = governed(db, repo, objects, BAD)
    with pytest.raises(QualityGateFailed, match="not published") as exc:
        use_case.execute(IngestCatalogCommand())
    assert db.planets == {}
    (held,) = repo.list_versions("exoplanet_table.pscomppars")
    assert not held.published and exc.value.report_id == held.id
    OverrideQualityGate(repo, StepClock()).execute(LOCAL_ADMIN, "exoplanet_table.pscomppars", held.id, "ok")
    assert use_case.execute(IngestCatalogCommand()).inserted == 2 and len(db.planets) == 2


def test_a_crash_inside_the_catalog_ingestion_records_no_version(repo: Any, objects: Any) -> None:
    def broken_uow() -> Any:
        raise RuntimeError("disk full")

    snapshot = CatalogSnapshot(source="s.csv", planets=PLANETS, rows_read=2)
    use_case = GovernedIngestCatalog(
        broken_uow,
        FakeCatalogProvider({"bundled": FakeCatalog(snapshot)}),
        COLOURS,
        FakeValidator(GOOD),
        RecordIngestion(repo, objects, StepClock()),
    )
    with pytest.raises(RuntimeError):
        use_case.execute(IngestCatalogCommand())
    assert repo.versions == {} and repo.datasets == {}

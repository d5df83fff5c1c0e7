"""KEGG ingestion behind the quality gate: bundled maps, a map of unknown compounds, an override."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from astrobio.adapters.kegg.file_catalog import FileKeggCatalog
from astrobio.adapters.memory.governance import InMemoryGovernanceRepository, InMemoryObjectStore
from astrobio.adapters.memory.pathways import InMemoryPathwayRepository
from astrobio.adapters.quality.reactions import ReactionNetworkValidator
from astrobio.application.use_cases.datasets import OverrideQualityGate
from astrobio.application.use_cases.governed_pathways import GovernedIngestKegg, pathway_report
from astrobio.application.use_cases.pathways import IngestKeggCommand
from astrobio.application.use_cases.record_ingestion import RecordIngestion
from astrobio.domain.access import LOCAL_ADMIN
from astrobio.domain.quality import QualityGateFailed

from .fakes import StepClock

KEGG = Path(__file__).resolve().parents[3] / "data" / "kegg"


def build(root: Path) -> tuple[GovernedIngestKegg, InMemoryPathwayRepository, InMemoryGovernanceRepository]:
    pathways, gov = InMemoryPathwayRepository(), InMemoryGovernanceRepository()
    use_case = GovernedIngestKegg(
        pathways,
        lambda source: FileKeggCatalog(root),
        ReactionNetworkValidator(),
        RecordIngestion(gov, InMemoryObjectStore(), StepClock()),
    )
    return use_case, pathways, gov


@pytest.fixture
def unknown_compounds(tmp_path: Path) -> Path:
    """A copy of the snapshot with ko00010 plus ko00011: glycolysis with every compound id unknown
    to KEGG's compound table (C0xxxx -> C9xxxx, ids KEGG does not assign)."""
    root = tmp_path / "kegg"
    (root / "kgml").mkdir(parents=True)
    shutil.copytree(KEGG / "flatfiles", root / "flatfiles")
    shutil.copy(KEGG / "kgml" / "ko00010.xml", root / "kgml" / "ko00010.xml")
    text = (KEGG / "kgml" / "ko00010.xml").read_text()
    text = re.sub(r"cpd:C0(\d{4})", r"cpd:C9\1", text).replace("path:ko00010", "path:ko00011")
    (root / "kgml" / "ko00011.xml").write_text(text)
    return root


def test_a_bundled_map_is_published_with_report_lineage_and_its_kgml() -> None:
    use_case, pathways, gov = build(KEGG)
    report = use_case.execute(IngestKeggCommand(pathway_ids=("ko00010",)), job_id="job-1")
    assert report.ids == ("ko00010",) and pathways.get("ko00010") is not None
    (v,) = gov.list_versions("kegg_pathway.ko00010")
    assert v.published and v.quality.kind == "kegg_pathway" and v.quality.grade == "A+"
    assert v.quality.rows == len(pathways.get("ko00010").reactions)  # type: ignore[union-attr]
    assert {i.code for i in v.quality.issues} >= {"balance_unchecked"}
    kgml = (KEGG / "kgml" / "ko00010.xml").read_bytes()
    (entry,) = v.manifest.entries
    assert entry.name == "ko00010.kgml" and entry.sha256 == hashlib.sha256(kgml).hexdigest()
    assert v.lineage.produced_by == "ingest_kegg" and v.lineage.job_id == "job-1"
    assert v.lineage.parameters == {"source": "bundled", "ids": ["ko00010"]}
    ds = gov.get_dataset("kegg_pathway.ko00010")
    assert ds is not None and ds.kind == "kegg_pathway"
    refs = ds.metadata.cross_refs["kegg"]
    assert refs[0] == "ko00010" and "C00022" in refs and "K00844" in refs
    # The same KGML again: the same version, nothing new.
    use_case.execute(IngestKeggCommand(pathway_ids=("ko00010",)))
    assert [x.id for x in gov.list_versions("kegg_pathway.ko00010")] == [v.id]


def test_every_bundled_map_is_published() -> None:
    use_case, pathways, gov = build(KEGG)
    report = use_case.execute(IngestKeggCommand())
    assert len(report.ids) == 28 and len(pathways.all()) == 28
    grades = {pid: gov.list_versions(f"kegg_pathway.{pid}")[0].quality.grade for pid in report.ids}
    assert set(grades.values()) == {"A+"}, grades
    assert all(gov.list_versions(f"kegg_pathway.{pid}")[0].published for pid in report.ids)


def test_a_protein_complex_map_without_reactions_is_not_empty() -> None:
    ko00195 = FileKeggCatalog(KEGG).fetch("ko00195")
    report = pathway_report(ReactionNetworkValidator(), ko00195)
    assert not ko00195.reactions and report.production_ready
    codes = {i.code for i in report.issues}
    assert "empty" not in codes and "no_reactions" in codes


def test_a_map_of_unknown_compounds_is_held_and_nothing_is_written(unknown_compounds: Path) -> None:
    use_case, pathways, gov = build(unknown_compounds)
    with pytest.raises(QualityGateFailed, match=r"ko00011: grade [B-F] .*kegg_pathway\.ko00011") as info:
        use_case.execute(IngestKeggCommand())
    assert pathways.all() == []  # all or nothing: the good map is not stored either
    assert gov.list_versions("kegg_pathway.ko00010") == []
    (held,) = gov.list_versions("kegg_pathway.ko00011")
    assert not held.published and info.value.report_id == held.id
    assert gov.current_tags("kegg_pathway.ko00011") == {"candidate": held.id}
    assert any(i.code == "unresolved" for i in held.quality.errors)
    # Ingesting the same maps again is refused again, with the same held version.
    with pytest.raises(QualityGateFailed):
        use_case.execute(IngestKeggCommand())
    assert [v.id for v in gov.list_versions("kegg_pathway.ko00011")] == [held.id]

    OverrideQualityGate(gov, StepClock()).execute(
        LOCAL_ADMIN, "kegg_pathway.ko00011", held.id, "curated by hand"
    )
    report = use_case.execute(IngestKeggCommand())
    assert report.ids == ("ko00010", "ko00011")
    assert [p.id for p in pathways.all()] == ["ko00010", "ko00011"]
    (v,) = gov.list_versions("kegg_pathway.ko00011")
    assert v.id == held.id and v.published and v.override_reason == "curated by hand"
    assert gov.list_versions("kegg_pathway.ko00010")[0].published

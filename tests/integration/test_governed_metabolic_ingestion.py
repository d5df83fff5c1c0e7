"""SBML and KEGG ingestions behind the quality gate, through the container (SQLite) and the CLI."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import structlog

from astrobio.adapters.sql import migrate
from astrobio.application.use_cases.metabolism import IngestSbmlCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.metabolism_container import bundled_sbml
from astrobio.bootstrap.pathways_container import INGEST_KEGG_JOB
from astrobio.bootstrap.settings import Settings
from astrobio.domain.access import LOCAL_ADMIN
from astrobio.domain.quality import QualityGateFailed

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MODELS = Path(__file__).resolve().parents[2] / "data" / "metabolic_models"


def without_formulas(tmp_path: Path) -> Path:
    """e_coli_core with every chemical formula removed, under another id: no balance can be checked."""
    text = gzip.decompress((MODELS / "e_coli_core.xml.gz").read_bytes()).decode()
    text = re.sub(r' fbc:chemicalFormula="[^"]*"', "", text).replace('id="e_coli_core"', 'id="e_coli_bare"')
    path = tmp_path / "e_coli_bare.xml"
    path.write_text(text)
    return path


@pytest.fixture
def container(tmp_path: Path) -> Container:
    settings = Settings(data_dir=tmp_path / "var")
    migrate.upgrade(settings.sqlalchemy_url)
    return build_container(settings)


def test_a_bundled_model_is_registered_and_versioned(container: Container) -> None:
    (command,) = [c for c in bundled_sbml(container.settings()) if c.model_id == "e_coli_core"]
    model = container.metabolism.ingest_sbml().execute(command)
    gov = container.governance.repository()
    (v,) = gov.list_versions("sbml_model.e_coli_core")
    assert v.published and v.quality.kind == "sbml_model" and v.quality.grade == "A+"
    assert v.quality.rows == model.n_reactions == 95
    assert {"default_growth", "fba_blocked"} <= {i.code for i in v.quality.issues}
    (entry,) = v.manifest.entries
    assert entry.name == "model.xml" and entry.sha256 == model.sbml_sha256  # the stored SBML
    assert v.lineage.produced_by == "ingest_sbml" and v.lineage.parameters["model_id"] == "e_coli_core"
    ds = gov.get_dataset("sbml_model.e_coli_core")
    assert ds is not None and ds.metadata.cross_refs == {"ncbi_taxonomy": ("511145",)}
    assert container.governance.read_version_file().execute(
        LOCAL_ADMIN, "sbml_model.e_coli_core", None, "model.xml"
    ).startswith(b"<?xml")
    container.metabolism.ingest_sbml().execute(command)  # the same file: the same version
    assert [x.id for x in gov.list_versions("sbml_model.e_coli_core")] == [v.id]


def test_a_model_without_formulas_is_held_until_overridden(container: Container, tmp_path: Path) -> None:
    command = IngestSbmlCommand(path=str(without_formulas(tmp_path)))
    with pytest.raises(QualityGateFailed, match=r"'e_coli_bare' not registered: grade [A-F+]+ .*sbml_model"):
        container.metabolism.ingest_sbml().execute(command)
    assert container.metabolism.list_models().execute() == []
    gov = container.governance.repository()
    (held,) = gov.list_versions("sbml_model.e_coli_bare")
    assert not held.published and [i.code for i in held.quality.errors] == ["missing_formulas"]
    container.governance.override_gate().execute(LOCAL_ADMIN, "sbml_model.e_coli_bare", held.id, "test model")
    model = container.metabolism.ingest_sbml().execute(command)
    assert [m.id for m in container.metabolism.list_models().execute()] == [model.id] == ["e_coli_bare"]
    assert [v.id for v in gov.list_versions("sbml_model.e_coli_bare")] == [held.id]


def test_the_kegg_job_records_its_job_id(container: Container) -> None:
    with structlog.contextvars.bound_contextvars(job_id="job-42"):
        out = container.job_handlers()[INGEST_KEGG_JOB]({"pathway_ids": ["ko00020"]})
    assert out["ids"] == ["ko00020"]
    (v,) = container.governance.repository().list_versions("kegg_pathway.ko00020")
    assert v.published and v.lineage.job_id == "job-42" and v.lineage.produced_by == "ingest_kegg"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    e |= {"ASTROBIO_DATA_DIR": str(tmp_path / "var"), "ASTROBIO_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    return e


def astrobio(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cli_lists_kegg_versions_and_exits_2_on_a_held_model(env: dict[str, str], tmp_path: Path) -> None:
    assert astrobio(env, "db", "upgrade").returncode == 0
    r = astrobio(env, "ingest", "kegg", "--pathway", "ko00010", "--pathway", "ko00020")
    assert r.returncode == 0, r.stderr
    r = astrobio(env, "datasets", "list", "--kind", "kegg_pathway", "--json")
    assert r.returncode == 0, r.stderr
    assert [d["id"] for d in json.loads(r.stdout)["items"]] == [
        "kegg_pathway.ko00010",
        "kegg_pathway.ko00020",
    ]

    bare = without_formulas(tmp_path)
    r = astrobio(env, "ingest", "sbml", str(bare))
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert r.returncode == 2 and len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
    assert lines[0].startswith("error: ") and "grade" in lines[0] and "sbml_model.e_coli_bare" in lines[0]
    shown = json.loads(astrobio(env, "datasets", "show", "sbml_model.e_coli_bare", "--json").stdout)
    (version,) = shown["versions"]
    assert not version["published"] and version["tags"] == ["candidate"]
    r = astrobio(env, "quality", "override", "sbml_model.e_coli_bare", version["id"], "--reason", "test")
    assert r.returncode == 0, r.stderr
    r = astrobio(env, "ingest", "sbml", str(bare), "--json")
    assert r.returncode == 0, r.stderr
    assert [m["id"] for m in json.loads(r.stdout)] == ["e_coli_bare"]

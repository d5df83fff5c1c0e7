"""Provenance that cannot lie: a pipeline run names the catalog version the planet table holds,
and rolling back the catalog's ``main`` tag makes the planet table hold that version again."""

from __future__ import annotations

import csv
import hashlib
import io
from pathlib import Path

import pytest

from astrobio.application.use_cases.ingest_catalog import IngestCatalogCommand
from astrobio.application.use_cases.pipeline import RunPipelineCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.database import upgrade_database
from astrobio.bootstrap.settings import Settings
from astrobio.domain.access import LOCAL_ADMIN

pytestmark = pytest.mark.integration

PLANETS = ["TRAPPIST-1 e", "LHS 1140 b", "K2-18 b"]
EXTRA = "TRAPPIST-1 f"


def _rows(settings: Settings, names: list[str]) -> tuple[list[str], list[list[str]]]:
    with settings.catalog_path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [r for r in reader if r[0] in names]
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Container, Path, list[str], list[list[str]]]:
    settings = Settings(data_dir=tmp_path)
    upgrade_database(settings)
    header, rows = _rows(settings, [*PLANETS, EXTRA])
    return build_container(settings), tmp_path / "edited.csv", header, rows


def test_a_run_records_the_ingested_files_version_and_a_rollback_restores_the_served_planets(
    setup: tuple[Container, Path, list[str], list[list[str]]],
) -> None:
    c, path, header, rows = setup
    radius = header.index("pl_rade")
    first = [r for r in rows if r[0] in PLANETS]
    _write(path, header, first)
    c.ingest_catalog().execute(IngestCatalogCommand(source=str(path)))
    k2_18_before = c.get_planet().execute("K2-18 b").radius_earth

    # The file is edited (one radius changed, one planet added) and ingested again.
    edited = [list(r) for r in rows]
    for r in edited:
        if r[0] == "K2-18 b":
            r[radius] = f"{float(r[radius]) * 1.1:.4f}"
    _write(path, header, edited)
    c.ingest_catalog().execute(IngestCatalogCommand(source=str(path)))
    assert c.get_planet().execute("K2-18 b").radius_earth != k2_18_before
    assert c.get_planet().execute(EXTRA) is not None

    (dataset,) = [d for d in c.governance.list_datasets().execute(LOCAL_ADMIN, kind="exoplanet_table").items]
    versions = c.governance.get_dataset().execute(LOCAL_ADMIN, dataset.id).versions
    old, new = versions[0].id, versions[1].id

    run = c.pipeline.start_run().execute(RunPipelineCommand(planets=("K2-18 b",)))
    assert run.provenance["catalog_dataset_version"] == f"{dataset.id}@{new}"
    assert run.provenance["catalog"] == path.name
    assert run.provenance["catalog_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()

    c.governance.rollback_tag().execute(LOCAL_ADMIN, dataset.id)
    assert c.get_planet().execute("K2-18 b").radius_earth == k2_18_before
    with pytest.raises(Exception, match="not found"):
        c.get_planet().execute(EXTRA)
    after = c.pipeline.start_run().execute(RunPipelineCommand(planets=("K2-18 b",)))
    assert after.provenance["catalog_dataset_version"] == f"{dataset.id}@{old}"
    assert c.governance.verify_audit().execute().ok

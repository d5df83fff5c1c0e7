"""Genome endpoints over the in-memory repository, after ingesting the bundled samples."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.memory.genomes import InMemoryGenomeRepository
from astrobio.application.use_cases.genomes import IngestAssembliesCommand, IngestGenomeCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.genomes_container import (
    INGEST_1000G_JOB,
    INGEST_GENOME_JOB,
    bundled_assembly_summaries,
    bundled_genome_sets,
)
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InvalidDataset
from astrobio.entrypoints.http import create_app


@pytest.fixture
def container(tmp_path: Path) -> Container:
    c = build_container(Settings(data_dir=tmp_path))
    c.genomes.repository.override(providers.Object(InMemoryGenomeRepository()))
    return c


@pytest.fixture
def client(container: Container) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(container)) as tc:
        yield tc


@pytest.fixture
def ingested(container: Container) -> Container:
    handlers = container.genomes.job_handlers()
    assert len(handlers[INGEST_GENOME_JOB]({})["accessions"]) == len(
        bundled_genome_sets(container.settings())
    )
    assert handlers[INGEST_1000G_JOB]({})["samples"] == 2535
    return container


def test_genomes_are_listed_and_shown(client: TestClient[Litestar], ingested: Container) -> None:
    page = client.get("/genomes", params={"limit": 2}).json()
    assert page["total"] == 5 and len(page["items"]) == 2
    g = client.get("/genomes/NC_000932.1").json()
    assert g["organism_name"] == "Arabidopsis thaliana" and g["stats"]["total_length_bp"] == 154478
    assert (
        client.get("/genomes", params={"taxid": 511145}).json()["items"][0]["accession"] == "GCF_000005845.2"
    )


def test_qc_endpoint_serves_the_fcs_adaptor_result(client: TestClient[Litestar], ingested: Container) -> None:
    qc = client.get("/genomes/fcsadaptor_prok_test/qc").json()
    assert qc["qc_status"] == "fail" and qc["qc"][0]["kind"] == "fcs_adaptor"


def test_model_page_shows_its_genome_and_the_genome_its_models(
    client: TestClient[Litestar], ingested: Container
) -> None:
    m = client.get("/metabolic-models/iJO1366/genome").json()
    assert m["taxid"] == 511145 and m["genomes"][0]["accession"] == "GCF_000005845.2"
    assert (
        m["genomes"][0]["confidence"] == 1.0
        and m["genomes"][0]["genome"]["stats"]["total_length_bp"] == 4641652
    )
    models = {x["model_id"] for x in client.get("/genomes/GCF_000005845.2").json()["models"]}
    assert models == {"e_coli_core", "iJO1366"}


def test_model_without_known_genome_answers_with_an_empty_list(client: TestClient[Litestar]) -> None:
    m = client.get("/metabolic-models/T_Maritima/genome").json()
    assert m["organism_name"] == "Thermotoga maritima" and m["genomes"] == []


def test_unknown_ids_are_404_problems(client: TestClient[Litestar]) -> None:
    for path in ("/genomes/NOPE_1", "/genomes/NOPE_1/qc", "/metabolic-models/nope/genome"):
        r = client.get(path)
        assert r.status_code == 404 and r.headers["content-type"].startswith("application/problem+json")


def test_assembly_records_link_models_at_species_level(
    container: Container, client: TestClient[Litestar]
) -> None:
    g = container.genomes
    for p in bundled_assembly_summaries(container.settings()):
        g.ingest_assemblies().execute(IngestAssembliesCommand(path=p))
    # No bundled summary holds a model organism: the links stay empty rather than guessing.
    assert client.get("/metabolic-models/iJO1366/genome").json()["genomes"] == []


def test_bad_genome_stores_nothing(container: Container, tmp_path: Path) -> None:
    bad = tmp_path / "x.gff3"
    bad.write_text("##gff-version 3\nc\tx\tgene\t1\t9\t.\t+\t.\tID=g;Parent=missing\n")
    with pytest.raises(InvalidDataset):
        container.genomes.ingest_genome().execute(IngestGenomeCommand(paths=[bad], accession="BAD_1"))
    assert container.genomes.repository().count_genomes() == 0


def test_populations_and_pca(client: TestClient[Litestar], ingested: Container) -> None:
    body = client.get("/populations").json()
    assert len(body["populations"]) == 26 and set(body["super_populations"]) == {
        "AFR",
        "AMR",
        "EAS",
        "EUR",
        "SAS",
    }
    gbr = next(p for p in body["populations"] if p["code"] == "GBR")
    assert gbr["name"] == "British" and gbr["super_population"] == "EUR"
    assert body["pca"]["n_variants"] == 45


def test_job_kinds_are_registered(container: Container) -> None:
    kinds = container.job_kinds()
    assert {"ingest_genome", "download_assembly", "ingest_1000g", "ingest_assemblies"} <= kinds

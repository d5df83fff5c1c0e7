"""Pathway endpoints over the in-memory repository, the bundled maps and the shipped graph VAE."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.kegg.file_catalog import FileKeggCatalog
from astrobio.adapters.memory.pathways import InMemoryPathwayRepository
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.entrypoints.http import create_app

KEGG = Path(__file__).resolve().parents[3] / "data" / "kegg"


@pytest.fixture
def repo() -> InMemoryPathwayRepository:
    return InMemoryPathwayRepository()


@pytest.fixture
def container(tmp_path: Path, repo: InMemoryPathwayRepository) -> Container:
    db = InMemoryDatabase()
    c = build_container(Settings(data_dir=tmp_path))
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.pathways.repository.override(providers.Object(repo))
    return c


@pytest.fixture
def client(container: Container) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(container)) as tc:
        yield tc


@pytest.fixture
def ingested(container: Container) -> None:
    from astrobio.application.use_cases.pathways import IngestKeggCommand

    container.pathways.ingest_kegg().execute(IngestKeggCommand())


def test_lists_ingested_maps_with_sizes(client: TestClient[Litestar], ingested: None) -> None:
    body = client.get("/pathways", params={"limit": 3, "offset": 2}).json()
    assert body["total"] == 28
    assert [p["id"] for p in body["items"]] == ["ko00010", "ko00020", "ko00030"]
    assert body["items"][0]["stats"]["n_reactions"] == len(FileKeggCatalog(KEGG).fetch("ko00010").reactions)


def test_shows_one_map_as_a_graph(client: TestClient[Litestar], ingested: None) -> None:
    r = client.get("/pathways/ko00010")
    assert r.status_code == 200
    body = r.json()
    nodes = {n["id"]: n for n in body["graph"]["nodes"]}
    assert nodes["C00022"] == {"id": "C00022", "kind": "compound", "name": "Pyruvate"}
    assert ["C05378", "rxn:R01070"] in body["graph"]["edges"]
    assert body["stats"]["n_compounds"] == sum(1 for n in nodes.values() if n["kind"] == "compound")


def test_unknown_map_is_404_problem(client: TestClient[Litestar], ingested: None) -> None:
    r = client.get("/pathways/ko99999")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_malformed_id_is_422_naming_the_field(client: TestClient[Litestar]) -> None:
    r = client.get("/pathways/glycolysis")
    assert r.status_code == 422
    assert r.json()["field"] == "pathway_id"


@pytest.mark.slow
def test_human_tca_cycle_is_closest_to_the_reference_tca_map(
    client: TestClient[Litestar], ingested: None
) -> None:
    r = client.post("/pathways/similar", json={"pathway_id": "hsa00020", "top_k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["items"][0]["id"] == "ko00020"
    assert len(body["items"]) == 3 and all(i["id"] != "hsa00020" for i in body["items"])
    assert body["model_id"]


def test_similar_refuses_bad_bodies(client: TestClient[Litestar], ingested: None) -> None:
    assert client.post("/pathways/similar", json={"pathway_id": "ko00010", "top_k": 0}).status_code == 422
    r = client.post("/pathways/similar", json={"top_k": 2})
    assert r.status_code == 422 and r.json()["field"] == "pathway_id"
    assert client.post("/pathways/similar", content=b'{"pathway_id": "ko0').status_code == 400
    assert client.post("/pathways/similar", json={"pathway_id": "ko99999"}).status_code == 404


def test_job_kinds_are_registered(container: Container) -> None:
    assert {"ingest_kegg", "train_gvae"} <= container.job_kinds()


def test_ingest_job_handler_stores_the_named_maps(
    container: Container, repo: InMemoryPathwayRepository
) -> None:
    result = container.job_handlers()["ingest_kegg"]({"pathway_ids": ["ko00020", "ko00010"]})
    assert result["count"] == 2
    assert [p.id for p in repo.all()] == ["ko00010", "ko00020"]

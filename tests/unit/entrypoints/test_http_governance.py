"""The datasets API and the access guard, with ASTROBIO_AUTH off (default) and on."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from litestar import Litestar
from litestar.testing import TestClient

from astrobio.adapters.crypto.keys import ScryptSecretHasher
from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.use_cases.record_ingestion import IngestedFile, RecordIngestionCommand
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.settings import Settings
from astrobio.domain.dataset_version import DublinCore, SecurityLevel
from astrobio.domain.quality import QualityMetrics, QualityReport
from astrobio.entrypoints.http import create_app

MASTER = base64.b64encode(b"m" * 32).decode()
GOOD = QualityReport(
    kind="t",
    subject="s",
    rows=2,
    metrics=QualityMetrics(
        completeness=0.99,
        validity=0.99,
        consistency=1.0,
        uniqueness=1.0,
        timeliness=1.0,
        outlier_fraction=0.0,
    ),
)
INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE governance_datasets; --",
    "%' --",
    "1 UNION SELECT salt FROM x",
    '" OR ""="',
    "%00",
    "*",
]
TRAVERSALS = [
    "..",
    "...",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "..%5c..%5cwindows",
    "%252e%252e%252fetc",
    "a%2F..%2F..%2Fmaster.key",
    "....//....//etc",
]


def make(tmp_path: Path, auth: bool) -> Container:
    c = build_container(Settings(data_dir=tmp_path, auth=auth, master_key_b64=MASTER))
    db = InMemoryDatabase()
    c.uow_factory.override(providers.Object(lambda: InMemoryUnitOfWork(db)))
    c.governance.hasher.override(providers.Object(ScryptSecretHasher(n=2**10)))
    rec = c.governance.record_ingestion()
    for name, level, refs, payload in (
        ("catalog", SecurityLevel.PUBLIC, {}, b"public rows"),
        ("internal-notes", SecurityLevel.INTERNAL, {}, b"internal"),
        ("methanogen-genomes", SecurityLevel.RESTRICTED, {"ncbi_taxonomy": ("2162",)}, b"ACGT secret"),
    ):
        for n, extra in enumerate((b"", b"\nmore")):
            rec.execute(
                RecordIngestionCommand(
                    kind="table",
                    name=name,
                    quality=GOOD,
                    produced_by="test",
                    security_level=level,
                    files=(IngestedFile(name="data.txt", data=payload + extra),),
                    metadata=DublinCore(title=f"{name} title", cross_refs=refs),
                    row_digests={"r1": "a", f"r{n}": "b"},
                )
            )
    return c


@pytest.fixture
def open_client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=create_app(make(tmp_path, auth=False))) as c:
        yield c


@pytest.fixture
def secured(tmp_path: Path) -> Iterator[tuple[TestClient[Litestar], dict[str, str]]]:
    container = make(tmp_path, auth=True)
    tokens = {
        role: container.governance.create_api_key().execute(f"{role}-user", role).token
        for role in ("viewer", "analyst", "curator", "admin")
    }
    with TestClient(app=create_app(container)) as c:
        c.app.state["container"] = container
        yield c, tokens


def h(token: str) -> dict[str, str]:
    return {"X-API-Key": token}


ASSESS = {
    "name": "Earth",
    "radius_earth": 1.0,
    "mass_earth": 1.0,
    "orbital_period_days": 365.25,
    "star": {"teff_k": 5772, "radius_sun": 1.0, "mass_sun": 1.0},
}


def test_auth_off_acts_as_local_admin_and_still_audits(open_client: TestClient[Litestar]) -> None:
    assert open_client.post("/assess", json=ASSESS).status_code == 200  # compute-only: not audited
    assert open_client.post("/datasets/table.catalog/rollback", json={}).status_code == 200
    ids = [d["id"] for d in open_client.get("/datasets").json()["items"]]
    assert ids == ["table.catalog", "table.internal-notes", "table.methanogen-genomes"]
    app: Any = open_client.app
    entries = app.state.services.container.governance.repository().audit_entries()
    outcomes = [
        e.event.outcome
        for e in entries
        if e.event.action == "http.post"
        and e.event.object == "/datasets/table.catalog/rollback"
        and e.event.actor == "local"
    ]
    assert outcomes == ["started", "200"]
    assert not any(e.event.object == "/assess" for e in entries)


def test_dataset_routes_return_versions_quality_and_lineage(open_client: TestClient[Litestar]) -> None:
    d = open_client.get("/datasets/table.catalog").json()
    assert (
        d["versions"] == 2
        and d["tags"]["main"] == d["latest"]["id"]
        and d["metadata"]["title"] == "catalog title"
    )
    versions = open_client.get("/datasets/table.catalog/versions").json()["versions"]
    assert [v["id"].startswith("sha256:") for v in versions] == [True, True]
    q = open_client.get("/datasets/table.catalog/quality").json()
    assert q["grade"] == "A+" and q["production_ready"] and q["version"] == versions[-1]["id"]
    prov = open_client.get("/datasets/table.catalog/lineage").json()
    assert len(prov["entity"]) == 2 and "wasGeneratedBy" in prov
    diff = open_client.get("/datasets/table.catalog/diff", params={"old": versions[0]["id"]}).json()
    assert diff["entries_changed"] == ["data.txt"]
    assert (diff["rows_added"], diff["rows_removed"], diff["rows_changed"]) == ([], ["r0"], ["r1"])
    r = open_client.post("/datasets/table.catalog/rollback", json={})
    assert r.status_code == 200 and r.json()["version_id"] == versions[0]["id"]
    r = open_client.post(
        "/datasets/table.catalog/tags", json={"version": versions[1]["id"][:15], "tag": "main"}
    )
    assert r.status_code == 200 and r.json()["version_id"] == versions[1]["id"]


def test_restricted_content_is_encrypted_on_disk(tmp_path: Path) -> None:
    make(tmp_path, auth=False)
    restricted = list((tmp_path / "datasets" / "table.methanogen-genomes").rglob("data.txt"))
    public = list((tmp_path / "datasets" / "table.catalog").rglob("data.txt"))
    assert len(restricted) == 2 and len(public) == 2
    assert all(b"ACGT secret" not in p.read_bytes() for p in restricted)
    assert all(p.with_name("data.txt.key.json").is_file() for p in restricted)
    assert all(p.read_bytes().startswith(b"public rows") for p in public)


def test_search_by_cross_reference(open_client: TestClient[Litestar]) -> None:
    items = open_client.get("/datasets", params={"q": "ncbi_taxonomy:2162"}).json()["items"]
    assert [i["id"] for i in items] == ["table.methanogen-genomes"]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_sql_injection_in_every_filter_is_harmless(open_client: TestClient[Litestar], evil: str) -> None:
    for params in ({"q": evil}, {"kind": evil}, {"q": evil, "kind": evil}):
        r = open_client.get("/datasets", params=params)
        assert r.status_code == 200 and r.json()["total"] == 0
    for path in ("quality", "lineage"):
        assert open_client.get(f"/datasets/table.catalog/{path}", params={"version": evil}).status_code == 404
    assert (
        open_client.get("/datasets/table.catalog/diff", params={"old": evil, "new": evil}).status_code == 404
    )
    assert open_client.get("/datasets", params={"q": "catalog"}).json()["total"] == 1


@pytest.mark.parametrize("evil", TRAVERSALS)
def test_path_traversal_in_dataset_ids_and_versions_never_reaches_files(
    open_client: TestClient[Litestar], evil: str
) -> None:
    for url in (
        f"/datasets/{evil}",
        f"/datasets/{evil}/versions",
        f"/datasets/{evil}/quality",
        f"/datasets/{evil}/lineage",
        f"/datasets/table.catalog/quality?version={evil}",
    ):
        r = open_client.get(url)
        assert r.status_code in {404, 422}, (url, r.status_code)
        assert "BEGIN" not in r.text and "root:" not in r.text
    r = open_client.post("/datasets/table.catalog/tags", json={"version": evil, "tag": "main"})
    assert r.status_code in {404, 422}


def test_auth_on_mutations_need_a_key(secured: tuple[TestClient[Litestar], dict[str, str]]) -> None:
    client, tokens = secured
    for path, body in (
        ("/assess", ASSESS),
        ("/jobs/ingest/catalog", {}),
        ("/rank", {}),
        ("/datasets/table.catalog/rollback", {}),
    ):
        r = client.post(path, json=body)
        assert r.status_code == 401, path
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert client.post("/assess", json=ASSESS, headers=h("ab_000000000000_" + "x" * 43)).status_code == 401
    assert client.post("/assess", json=ASSESS, headers=h("not a key")).status_code == 401
    assert (
        client.post(
            "/assess", json=ASSESS, headers={"Authorization": f"Bearer {tokens['analyst']}"}
        ).status_code
        == 200
    )


def test_auth_on_insufficient_roles_get_403(secured: tuple[TestClient[Litestar], dict[str, str]]) -> None:
    client, tokens = secured
    # compute-only POSTs need read rights (any key), not write rights
    assert client.post("/assess", json=ASSESS, headers=h(tokens["viewer"])).status_code == 200
    assert client.post("/jobs/ingest/catalog", json={}, headers=h(tokens["viewer"])).status_code == 403
    assert (
        client.post("/datasets/table.catalog/rollback", json={}, headers=h(tokens["viewer"])).status_code
        == 403
    )
    # analysts may read RESTRICTED data but write only up to INTERNAL
    r = client.post("/datasets/table.methanogen-genomes/rollback", json={}, headers=h(tokens["analyst"]))
    assert r.status_code == 403
    r = client.post("/datasets/table.methanogen-genomes/rollback", json={}, headers=h(tokens["curator"]))
    assert r.status_code == 200


def test_auth_on_restricted_data_is_invisible_not_forbidden(
    secured: tuple[TestClient[Litestar], dict[str, str]],
) -> None:
    client, tokens = secured
    restricted = "/datasets/table.methanogen-genomes"
    missing = client.get("/datasets/table.nope").json()
    for who in ({}, h(tokens["viewer"])):
        for suffix in ("", "/versions", "/quality", "/lineage"):
            r = client.get(restricted + suffix, headers=who)
            assert r.status_code == 404, suffix
            assert r.json()["detail"].replace("methanogen-genomes", "nope") == missing["detail"]
        listed = [d["id"] for d in client.get("/datasets", params={"q": "2162"}, headers=who).json()["items"]]
        assert listed == []
    anonymous = [d["id"] for d in client.get("/datasets").json()["items"]]
    assert anonymous == ["table.catalog"]
    assert client.get(restricted, headers=h(tokens["analyst"])).status_code == 200


def test_revoked_and_forged_keys_are_rejected_and_audited(
    secured: tuple[TestClient[Litestar], dict[str, str]],
) -> None:
    client, tokens = secured
    container: Any = client.app.state["container"]
    key_id = tokens["admin"].split("_")[1]
    container.governance.revoke_api_key().execute(key_id)
    container.governance.authenticate.reset()
    assert client.post("/assess", json=ASSESS, headers=h(tokens["admin"])).status_code == 401
    entries = container.governance.repository().audit_entries()
    assert entries[-1].event.actor == "invalid-key" and entries[-1].event.outcome == "401"
    assert container.governance.verify_audit().execute().ok

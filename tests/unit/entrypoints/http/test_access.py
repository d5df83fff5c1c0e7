"""Who may call what, and what the audit log records (ASTROBIO_AUTH on unless named)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers

from astrobio.application.use_cases.access import clearance
from astrobio.domain.access import ANONYMOUS, LOCAL_ADMIN, Principal, Role
from astrobio.domain.dataset_version import SecurityLevel
from tests.unit.entrypoints.http.conftest import EARTH, Edge, key

RESTRICTED = "/datasets/table.methanogen-genomes"


def _audit(edge: Edge) -> list[Any]:
    return list(edge.container.governance.repository().audit_entries())


# --- roles per route ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "analyst", "curator", "admin"])
def test_compute_only_posts_need_read_rights_not_write_rights(shared_secured_edge: Edge, role: str) -> None:
    c, token = shared_secured_edge.client, shared_secured_edge.tokens[role]
    assert c.post("/assess", json=EARTH, headers=key(token)).status_code == 200
    assert c.post("/rank", json={}, headers=key(token)).status_code == 200


def test_compute_only_posts_without_a_key_are_401(shared_secured_edge: Edge) -> None:
    for path in ("/assess", "/rank", "/predict", "/predict/spectrum", "/predict/datacube"):
        r = shared_secured_edge.client.post(path, json={})
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("role", "status"), [("viewer", 403), ("analyst", 403), ("curator", 403)])
def test_only_an_administrator_may_activate_a_model(
    shared_secured_edge: Edge, role: str, status: int
) -> None:
    edge = shared_secured_edge
    r = edge.client.post("/surrogates/abc123/activate", headers=key(edge.tokens[role]))
    assert r.status_code == status and "administrator" in r.json()["detail"]


def test_an_administrator_reaches_the_activation_use_case(shared_secured_edge: Edge) -> None:
    edge = shared_secured_edge
    r = edge.client.post("/surrogates/abc123/activate", headers=key(edge.tokens["admin"]))
    assert r.status_code == 404  # no such model: the request got past the guard


def test_clearance_fails_closed() -> None:
    assert clearance(None) is SecurityLevel.PUBLIC
    assert clearance(ANONYMOUS) is SecurityLevel.PUBLIC
    assert clearance(Principal(name="v", role=Role.VIEWER)) is SecurityLevel.INTERNAL
    assert clearance(LOCAL_ADMIN) is SecurityLevel.SECRET


# --- server-side paths in job parameters ----------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"source": "/etc/shadow"},
        {"source": "/etc/passwd"},
        {"source": "/etc/does-not-exist-7f3a"},
        {"source": "../../../etc/shadow"},
        {"source": "file:///etc/shadow"},
        {"source": "https://example.org/evil.csv"},
        {"paths": ["/root/.ssh/id_rsa"]},
        {"dest_dir": "/tmp/elsewhere"},
        {"nested": {"panel": "/etc/hosts"}},
    ],
)
def test_job_paths_outside_the_import_directories_are_refused_alike(
    shared_open_edge: Edge, params: dict[str, Any]
) -> None:
    r = shared_open_edge.client.post("/jobs", json={"kind": "ingest_catalog", "params": params})
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["field"].startswith("params.")
    # the same words whether the file exists or not: no file-existence oracle
    assert body["detail"].startswith("not inside the server's import directories")
    assert "shadow" not in body["detail"] and "No such file" not in body["detail"]


def test_existing_and_missing_files_get_byte_identical_answers(shared_open_edge: Edge) -> None:
    c = shared_open_edge.client
    a = c.post("/jobs/ingest/catalog", json={"source": "/etc/passwd"})
    b = c.post("/jobs/ingest/catalog", json={"source": "/etc/passwd-missing-1c2d"})
    assert a.status_code == b.status_code == 422
    assert a.content == b.content


def test_a_file_inside_an_import_directory_is_queued_with_its_absolute_path(open_edge: Edge) -> None:
    imports = open_edge.settings.import_dirs[0]
    r = open_edge.client.post("/jobs", json={"kind": "ingest_catalog", "params": {"source": "snap.csv"}})
    assert r.status_code == 202, r.text
    assert r.json()["params"] == {"source": str(imports / "snap.csv")}
    escaping = open_edge.client.post("/jobs", json={"kind": "ingest_catalog",
                                                    "params": {"source": "sub/../../escape.csv"}})
    assert escaping.status_code == 422


def test_keywords_are_not_paths(open_edge: Edge) -> None:
    r = open_edge.client.post("/jobs/ingest/catalog", json={"source": "bundled"})
    assert r.status_code == 202 and r.json()["params"] == {"source": "bundled"}


# --- audit ----------------------------------------------------------------------------------------


def test_every_read_of_restricted_data_is_audited(secured_edge: Edge) -> None:
    c, tokens = secured_edge.client, secured_edge.tokens
    before = len(_audit(secured_edge))
    assert c.get(RESTRICTED, headers=key(tokens["analyst"])).status_code == 200
    assert c.get("/datasets", headers=key(tokens["curator"])).status_code == 200
    new = _audit(secured_edge)[before:]
    assert [(e.event.actor, e.event.action, e.event.object, e.event.outcome) for e in new] == [
        ("analyst-user", "http.get", RESTRICTED, "200"),
        ("curator-user", "http.get", "/datasets", "200"),
    ]


def test_reads_by_callers_not_cleared_for_restricted_data_are_not_audited(secured_edge: Edge) -> None:
    c, tokens = secured_edge.client, secured_edge.tokens
    before = len(_audit(secured_edge))
    assert c.get("/datasets", headers=key(tokens["viewer"])).status_code == 200
    assert c.get("/datasets").status_code == 200
    assert c.post("/assess", json=EARTH, headers=key(tokens["viewer"])).status_code == 200
    assert len(_audit(secured_edge)) == before


class _BrokenAudit:
    def execute(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("audit store is read-only")


def test_a_restricted_read_that_cannot_be_audited_is_withheld(secured_edge: Edge) -> None:
    secured_edge.container.governance.record_audit.override(providers.Object(_BrokenAudit()))
    r = secured_edge.client.get(RESTRICTED, headers=key(secured_edge.tokens["analyst"]))
    assert r.status_code == 503 and r.headers["retry-after"]
    assert "methanogen" not in r.text and "audit" in r.json()["detail"]


def test_a_mutation_that_cannot_be_audited_is_refused_and_changes_nothing(secured_edge: Edge) -> None:
    c, gov = secured_edge.client, secured_edge.container.governance
    versions = c.get("/datasets/table.catalog/versions").json()
    gov.record_audit.override(providers.Object(_BrokenAudit()))
    body = {"version": versions["versions"][0]["id"], "tag": "review"}
    r = c.post("/datasets/table.catalog/tags", json=body, headers=key(secured_edge.tokens["admin"]))
    assert r.status_code == 503 and r.headers["retry-after"]
    gov.record_audit.reset_override()
    assert c.get("/datasets/table.catalog/versions").json()["tags"] == versions["tags"]
    # with the audit log back, the same request succeeds
    r = c.post("/datasets/table.catalog/tags", json=body, headers=key(secured_edge.tokens["admin"]))
    assert r.status_code == 200 and "review" in c.get("/datasets/table.catalog/versions").json()["tags"]


def test_a_mutation_is_audited_before_and_after(open_edge: Edge) -> None:
    before = len(_audit(open_edge))
    assert open_edge.client.post("/datasets/table.catalog/rollback", json={}).status_code in (200, 409)
    new = [e.event for e in _audit(open_edge)[before:] if e.event.action == "http.post"]
    assert [(e.actor, e.object) for e in new] == [("local", "/datasets/table.catalog/rollback")] * 2
    assert new[0].outcome == "started" and new[1].outcome in ("200", "409")


def test_a_flood_of_bad_keys_is_aggregated_not_one_row_each(secured_edge: Edge) -> None:
    c = secured_edge.client
    before = len(_audit(secured_edge))
    bad = {"X-API-Key": "ab_000000000000_" + "x" * 43}
    for _ in range(200):
        assert c.post("/assess", json=EARTH, headers=bad).status_code == 401
    for _ in range(100):
        assert c.post("/assess", json=EARTH).status_code == 401  # no key on a POST
    rows = [e.event for e in _audit(secured_edge)[before:]]
    assert [(e.action, e.actor, e.outcome) for e in rows] == [
        ("auth.failed", "invalid-key", "401"), ("auth.failed", "anonymous", "401"),
    ]
    secured_edge.container.governance.record_auth_failure().flush()
    summaries = {e.actor: e.outcome for e in (x.event for x in _audit(secured_edge)[before:])
                 if e.action == "auth.failed.summary"}
    assert summaries == {"invalid-key": "200", "anonymous": "100"}
    assert secured_edge.container.governance.verify_audit().execute().ok


# --- file modes -----------------------------------------------------------------------------------


def test_database_file_is_0600_in_a_0700_directory(tmp_path: Path) -> None:
    from astrobio.adapters.sql.engine import make_engine

    db = tmp_path / "fresh" / "var" / "astrobio.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.exec_driver_sql("INSERT INTO t VALUES (1)")
    for d in (db.parent, db.parent.parent):
        assert stat.S_IMODE(d.stat().st_mode) == 0o700, d
    for f in db.parent.iterdir():  # the database and its -wal / -shm files
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    engine.dispose()


def test_a_loose_existing_database_file_is_tightened(tmp_path: Path) -> None:
    from astrobio.adapters.sql.engine import make_engine

    db = tmp_path / "old.sqlite3"
    db.touch()
    os.chmod(db, 0o644)
    make_engine(f"sqlite:///{db}").dispose()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_served_app_keeps_its_data_private(open_edge: Edge) -> None:
    data_dir = open_edge.settings.data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / "astrobio.sqlite3").stat().st_mode) == 0o600
    master = open_edge.settings.master_key_file
    assert not master.exists() or stat.S_IMODE(master.stat().st_mode) == 0o600

"""Quality grades and gates, content-addressed manifests, the audit chain, the access matrix."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from astrobio.adapters.quality.exoplanets import chen_kipping_log_radius
from astrobio.domain.access import Right, Role, allows
from astrobio.domain.audit import AuditEvent, chain, verify_chain
from astrobio.domain.dataset_version import (
    DatasetVersion,
    Lineage,
    Manifest,
    ManifestEntry,
    SecurityLevel,
    check_dataset_id,
    dataset_id_for,
    diff_versions,
)
from astrobio.domain.errors import DomainError, InvalidQuantity
from astrobio.domain.provenance import to_prov_json
from astrobio.domain.quality import (
    QualityIssue,
    QualityMetrics,
    QualityReport,
    Severity,
    grade_for,
    quality_gate,
)

T0 = datetime(2026, 11, 26, tzinfo=UTC)


def metrics(c: float = 1.0, v: float = 1.0, k: float = 1.0, u: float = 1.0, t: float = 1.0, o: float = 0.0):
    return QualityMetrics(
        completeness=c, validity=v, consistency=k, uniqueness=u, timeliness=t, outlier_fraction=o
    )


@pytest.mark.parametrize(
    ("m", "grade"),
    [
        (metrics(), "A+"),
        (metrics(c=0.95), "A"),  # A+ needs completeness strictly above 95 %
        (metrics(c=0.6, v=0.9), "A"),  # overall (0.6 + 0.9 + 4) / 6 = 0.917
        (metrics(c=0.5, v=0.5), "B"),  # 5 / 6 = 0.833
        (metrics(c=0.4, v=0.4, k=0.4), "C"),  # 0.70
        (metrics(c=0.0, v=0.0, k=0.6), "D"),  # 0.60
        (metrics(c=0.0, v=0.0, k=0.0, o=0.5), "F"),
    ],
)
def test_grades_follow_the_documented_thresholds(m: QualityMetrics, grade: str) -> None:
    assert grade_for(m) == grade


def test_gate_publishes_production_ready_data_only() -> None:
    good = QualityReport(kind="t", subject="s", metrics=metrics(c=0.5, v=0.5))  # 83 %
    assert good.production_ready and quality_gate(good).published
    err = replace(good, issues=(QualityIssue(severity=Severity.ERROR, code="x", message="bad"),))
    assert not err.production_ready and not quality_gate(err).published
    low = QualityReport(kind="t", subject="s", metrics=metrics(c=0.4, v=0.4, k=0.4))  # 70 %
    assert not quality_gate(low).published
    over = quality_gate(low, override_reason="needed for the paper, checked by hand")
    assert over.published and over.override_reason
    with pytest.raises(DomainError):
        quality_gate(low, override_reason="  ")


def test_metrics_must_be_fractions() -> None:
    with pytest.raises(InvalidQuantity, match="completeness"):
        metrics(c=1.2)


def entry(name: str, data: bytes, **kw: object) -> ManifestEntry:
    return ManifestEntry(name=name, sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), **kw)  # type: ignore[arg-type]


def test_version_id_is_content_addressed_and_order_independent() -> None:
    a, b = entry("a.csv", b"1"), entry("b.csv", b"2")
    m1, m2 = Manifest(entries=(a, b)), Manifest(entries=(b, a))
    assert m1.version_id() == m2.version_id()
    assert m1.version_id() == "sha256:" + hashlib.sha256(m1.canonical_json()).hexdigest()
    assert Manifest(entries=(a, entry("b.csv", b"3"))).version_id() != m1.version_id()


@pytest.mark.parametrize("name", ["../etc/passwd", "a/b", ".hidden", "", "x" * 300, "a\x00b"])
def test_manifest_entry_names_cannot_escape(name: str) -> None:
    with pytest.raises(InvalidQuantity):
        entry(name, b"x")


@pytest.mark.parametrize("bad", ["..", "../x", "a/b", "", "x;DROP TABLE governance_datasets", "%2e%2e"])
def test_dataset_ids_are_path_safe(bad: str) -> None:
    with pytest.raises(InvalidQuantity):
        check_dataset_id(bad)


def test_dataset_id_for_slugifies_names() -> None:
    assert (
        dataset_id_for("climate_cube", "exoplasim-aquaplanet/run000")
        == "climate_cube.exoplasim-aquaplanet-run000"
    )
    assert ".." not in dataset_id_for("x", "../../etc")


def version(entries: tuple[ManifestEntry, ...], rows: dict[str, str]) -> DatasetVersion:
    q = QualityReport(kind="t", subject="s", metrics=metrics())
    return DatasetVersion(
        dataset_id="d",
        manifest=Manifest(entries=entries),
        lineage=Lineage(),
        quality=q,
        published=True,
        created_at=T0,
        row_digests=rows,
    )


def test_diff_reports_rows_and_array_statistics() -> None:
    old = version(
        (entry("ts", b"1", kind="array", stats={"mean": 288.0}, attrs={"units": "K"}),),
        {"a": "1", "b": "2", "c": "3"},
    )
    new = version(
        (entry("ts", b"2", kind="array", stats={"mean": 290.5}, attrs={"units": "degC"}), entry("pr", b"p")),
        {"a": "1", "b": "9", "d": "4"},
    )
    d = diff_versions(old, new)
    assert d.entries_added == ("pr",) and d.entries_changed == ("ts",)
    assert (d.rows_added, d.rows_removed, d.rows_changed) == (("d",), ("c",), ("b",))
    assert d.stats_changed["ts"]["mean"] == (288.0, 290.5)
    assert d.attrs_changed["ts"]["units"] == ("K", "degC")


def test_prov_json_links_versions_activities_and_parents() -> None:
    parent = version((entry("a", b"1"),), {})
    child = replace(
        version((entry("a", b"2"),), {}),
        lineage=Lineage(
            derived_from=(f"d@{parent.id}",),
            produced_by="regrid",
            job_id="j1",
            parameters={"res": 2},
            code_version="0.1.0",
            used_models=("ckpt-1",),
        ),
    )
    doc = to_prov_json([child])
    child_id, parent_id = f"astrobio:d@{child.id}", f"astrobio:d@{parent.id}"
    assert child_id in doc["entity"] and parent_id in doc["entity"]
    assert {"prov:generatedEntity": child_id, "prov:usedEntity": parent_id} in doc["wasDerivedFrom"].values()
    assert any(a["prov:type"] == "astrobio:regrid" for a in doc["activity"].values())
    assert "astrobio:code/0.1.0" in doc["agent"] and "astrobio:model/ckpt-1" in doc["entity"]


def _log(n: int) -> list:
    entries, prev = [], "0" * 64
    for i in range(n):
        e = chain(
            i + 1, AuditEvent(actor="ana", action="read", object=f"d{i}", at=T0 + timedelta(seconds=i)), prev
        )
        entries.append(e)
        prev = e.hash
    return entries


def test_intact_audit_chain_verifies() -> None:
    log = _log(5)
    assert verify_chain(log, (5, log[-1].hash)).ok


def test_edited_deleted_or_truncated_audit_entries_are_detected() -> None:
    log = _log(5)
    edited = list(log)
    edited[2] = replace(log[2], event=replace(log[2].event, actor="mallory"))
    r = verify_chain(edited)
    assert not r.ok and r.first_bad_seq == 3 and "modified" in r.reason
    deleted = log[:2] + log[3:]
    assert verify_chain(deleted).first_bad_seq == 3
    # Rehashing an edited entry breaks the link of the next one.
    forged = chain(3, replace(log[2].event, outcome="denied"), log[1].hash)
    r = verify_chain([*log[:2], forged, *log[3:]])
    assert not r.ok and r.first_bad_seq == 4
    assert not verify_chain(log[:4], (5, log[-1].hash)).ok


def test_access_matrix() -> None:
    assert allows(Role.ANONYMOUS, Right.READ, SecurityLevel.PUBLIC)
    assert not allows(Role.ANONYMOUS, Right.READ, SecurityLevel.INTERNAL)
    assert not allows(Role.VIEWER, Right.WRITE, SecurityLevel.PUBLIC)
    assert allows(Role.ANALYST, Right.READ, SecurityLevel.RESTRICTED)
    assert not allows(Role.ANALYST, Right.READ, SecurityLevel.CONFIDENTIAL)
    assert not allows(Role.CURATOR, Right.DELETE, SecurityLevel.RESTRICTED)
    assert all(allows(Role.ADMIN, r, SecurityLevel.SECRET) for r in Right)


def test_chen_kipping_relation_matches_the_published_fit() -> None:
    # Chen & Kipping (2017) Table 1: log10 R = 0.00346 + 0.2790 log10 M (Terran), slope 0.589 above
    # 2.04 M_earth, continuous at the transition; Earth comes out at 1.008 R_earth.
    logr, sigma = chen_kipping_log_radius(np.array([1.0, 2.04 - 1e-9, 2.04 + 1e-9, 10.0]))
    assert 10 ** logr[0] == pytest.approx(1.008, abs=1e-3)
    assert logr[1] == pytest.approx(logr[2], abs=1e-6)
    assert logr[3] - logr[2] == pytest.approx(0.589 * (1.0 - np.log10(2.04)), abs=1e-6)
    assert sigma.tolist() == [0.0403, 0.0403, 0.146, 0.146]

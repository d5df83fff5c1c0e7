"""Lineage as W3C PROV-JSON (https://www.w3.org/submissions/prov-json/).

Each version is a ``prov:Entity``; the job that produced it a ``prov:Activity`` (its parameters as
attributes) associated with the code version as a ``prov:SoftwareAgent``; parent versions are
linked with ``wasDerivedFrom`` and ``used``; model checkpoints are entities the activity used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from astrobio.domain.dataset_version import DatasetVersion


def _entity_id(dataset_id: str, version_id: str) -> str:
    return f"astrobio:{dataset_id}@{version_id}"


def to_prov_json(versions: Iterable[DatasetVersion]) -> dict[str, Any]:
    """The PROV-JSON document of ``versions`` (a dataset's history, or a version and its parents)."""
    doc: dict[str, Any] = {
        "prefix": {"astrobio": "urn:astrobio:", "prov": "http://www.w3.org/ns/prov#"},
        "entity": {},
        "activity": {},
        "agent": {},
        "wasGeneratedBy": {},
        "wasDerivedFrom": {},
        "used": {},
        "wasAssociatedWith": {},
    }
    for n, v in enumerate(versions):
        ent = _entity_id(v.dataset_id, v.id)
        doc["entity"][ent] = {
            "prov:type": "astrobio:DatasetVersion",
            "astrobio:dataset": v.dataset_id,
            "astrobio:grade": v.quality.grade,
            "astrobio:published": v.published,
            "prov:generatedAtTime": v.created_at.isoformat(),
        }
        act = f"astrobio:activity/{v.lineage.job_id or v.lineage.produced_by or 'unknown'}/{v.id[7:19]}"
        doc["activity"][act] = {
            "prov:type": "astrobio:" + (v.lineage.produced_by or "unknown"),
            "astrobio:parameters": json.dumps(v.lineage.parameters, sort_keys=True, default=str),
        }
        doc["wasGeneratedBy"][f"_:gen{n}"] = {"prov:entity": ent, "prov:activity": act}
        if v.lineage.code_version:
            agent = f"astrobio:code/{v.lineage.code_version}"
            doc["agent"][agent] = {"prov:type": "prov:SoftwareAgent"}
            doc["wasAssociatedWith"][f"_:assoc{n}"] = {"prov:activity": act, "prov:agent": agent}
        for m, parent in enumerate(v.lineage.derived_from):
            ds, _, ver = parent.rpartition("@")
            pid = _entity_id(ds or v.dataset_id, ver)
            doc["entity"].setdefault(pid, {"prov:type": "astrobio:DatasetVersion"})
            doc["wasDerivedFrom"][f"_:der{n}_{m}"] = {"prov:generatedEntity": ent, "prov:usedEntity": pid}
            doc["used"][f"_:use{n}_{m}"] = {"prov:activity": act, "prov:entity": pid}
        for m, model in enumerate(v.lineage.used_models):
            mid = f"astrobio:model/{model}"
            doc["entity"].setdefault(mid, {"prov:type": "astrobio:ModelCheckpoint"})
            doc["used"][f"_:model{n}_{m}"] = {"prov:activity": act, "prov:entity": mid}
    return {k: v for k, v in doc.items() if v}

"""JWST training sets recorded as governed dataset versions by the ``jwst_training_set`` job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from astrobio.adapters.jwst import dataset
from astrobio.adapters.jwst.dataset import NpzTrainingSetInspector
from astrobio.adapters.memory.governance import InMemoryGovernanceRepository, InMemoryObjectStore
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.jwst_training_sets import (
    RecordTrainingSet,
    RecordTrainingSetCommand,
    SubmitTrainingSetCommand,
    SubmitTrainingSetToBatch,
)
from astrobio.application.use_cases.record_ingestion import RecordIngestion
from astrobio.bootstrap.container import Container, build_container
from astrobio.bootstrap.jwst_container import JWST_TRAINING_SET_JOB
from astrobio.bootstrap.settings import Settings
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.quality import QualityGateFailed

from ..application.fakes import CountingIds, StepClock

PARAMS = {"n_spectra": 30, "chunk_size": 15, "seed": 3}


@pytest.fixture
def container(tmp_path: Path) -> Container:
    return build_container(Settings(data_dir=tmp_path))


def handler(c: Container) -> JobHandler:
    return c.job_handlers()[JWST_TRAINING_SET_JOB]


def test_a_complete_set_is_a_published_version_with_one_entry_per_chunk(container: Container) -> None:
    first = handler(container)(PARAMS | {"chunks": [1]})
    assert not first["complete"] and first["dataset_version"] is None
    out = handler(container)(PARAMS | {"chunks": [0]})
    assert out["complete"] and out["recorded"] is True
    dataset_id = f"jwst_training_set.{out['version']}"
    assert out["dataset_version"].startswith(dataset_id + "@sha256:")
    (v,) = container.governance.repository().list_versions(dataset_id)
    assert v.published and v.quality.grade == "A+" and not v.quality.issues
    assert [e.name for e in v.manifest.entries] == ["chunk-00000.npz", "chunk-00001.npz"]
    root = Path(out["path"])
    for e in v.manifest.entries:
        raw = (root / e.name).read_bytes()
        assert e.size_bytes == len(raw) and e.shape[0] == 15 and e.dtype == "float32"
        assert 5.0 <= e.stats["snr_min"] <= e.stats["snr_max"] <= 100.0 and e.stats["sigma_ppm_min"] > 0
    (name, low, high) = json.loads((root / "manifest.json").read_text())["config"]["priors"][0]
    stats = v.manifest.entries[0].stats
    assert low <= stats[f"{name}_min"] <= stats[f"{name}_max"] <= high
    lineage = v.lineage
    assert lineage.produced_by == "jwst_training_set" and lineage.code_version
    assert {k: lineage.parameters[k] for k in PARAMS} == PARAMS
    assert {"priors", "grid", "instrument_modes", "forward_model"} <= set(lineage.parameters)
    manifest = json.loads((root / "manifest.json").read_text())
    assert manifest["dataset_version"] == out["dataset_version"] and manifest["generation_s"] > 0


def test_generating_the_same_set_again_records_nothing_new(container: Container) -> None:
    first = handler(container)(PARAMS)
    again = handler(container)(PARAMS)
    assert first["recorded"] is True and again["recorded"] is False
    assert again["dataset_version"] == first["dataset_version"]
    assert len(container.governance.repository().list_versions(f"jwst_training_set.{first['version']}")) == 1


def test_the_job_id_of_the_queue_is_the_lineage_job(container: Container) -> None:
    import structlog

    with structlog.contextvars.bound_contextvars(job_id="job-42"):
        out = handler(container)(PARAMS)
    (v,) = container.governance.repository().list_versions(f"jwst_training_set.{out['version']}")
    assert v.lineage.job_id == "job-42"


def _corrupt_nan(path: Path) -> None:
    with np.load(path) as z:
        data = {k: z[k] for k in z.files}
    data["clean"][3, 5] = np.nan
    np.savez(path, **data)


def _truncate(path: Path) -> None:
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])


@pytest.mark.parametrize(
    ("corrupt", "code"), [(_corrupt_nan, "nonfinite_values"), (_truncate, "chunk_unreadable")]
)
def test_a_corrupted_chunk_is_held_not_published(container: Container, corrupt: Any, code: str) -> None:
    handler(container)(PARAMS | {"chunks": [0]})
    version = handler(container)(PARAMS | {"chunks": [1]})["version"]  # complete and published
    root = Path(container.settings().data_dir) / "jwst" / "datasets" / version
    (root / "manifest.json").unlink()
    corrupt(root / "chunk-00001.npz")
    with pytest.raises(QualityGateFailed, match=r"not published: grade .* report kept with version sha256:"):
        container.jwst.finalize_training_set()(root, json.loads(json.dumps(_config(container, version))))
    assert not (root / "manifest.json").exists()
    held = [v for v in container.governance.repository().list_versions(f"jwst_training_set.{version}")
            if not v.published]
    (v,) = held
    assert code in {i.code for i in v.quality.errors}


def _config(c: Container, version: str) -> dict[str, Any]:
    config = dataset.dataset_config(c.jwst.forward_model(), **{k: PARAMS[k] for k in PARAMS})
    assert dataset.version_of(config) == version
    return config


def test_the_inspector_checks_priors_sigma_and_duplicates(tmp_path: Path, container: Container) -> None:
    model = container.jwst.forward_model()
    config = dataset.dataset_config(model, 20, 10, 0)
    for i in (0, 1):
        dataset.write_chunk(model, tmp_path, config, i)
    report, entries = NpzTrainingSetInspector().inspect(str(tmp_path), config)
    assert report.production_ready and len(entries) == 2
    (tmp_path / "chunk-00001.npz").write_bytes((tmp_path / "chunk-00000.npz").read_bytes())
    with np.load(tmp_path / "chunk-00000.npz") as z:
        data = {k: z[k] for k in z.files}
    data["sigma"][0, 0] = 0.0
    data["theta"][1, 0] = 1e9
    np.savez(tmp_path / "chunk-00000.npz", **data)
    report, _ = NpzTrainingSetInspector().inspect(str(tmp_path), config)
    assert {"nonpositive_sigma", "outside_priors"} <= {i.code for i in report.errors}
    assert report.metrics.validity == pytest.approx(18 / 20)
    (tmp_path / "chunk-00001.npz").write_bytes((tmp_path / "chunk-00000.npz").read_bytes())
    report, _ = NpzTrainingSetInspector().inspect(str(tmp_path), config)
    assert "duplicate_chunk" in {i.code for i in report.errors} and report.metrics.uniqueness == 0.5
    (tmp_path / "chunk-00001.npz").unlink()
    report, entries = NpzTrainingSetInspector().inspect(str(tmp_path), config)
    assert "chunk_missing" in {i.code for i in report.errors} and report.metrics.completeness == 0.5


def test_the_use_case_with_in_memory_governance(tmp_path: Path, container: Container) -> None:
    model = container.jwst.forward_model()
    config = dataset.dataset_config(model, 10, 10, 1)
    dataset.write_chunk(model, tmp_path, config, 0)
    repo = InMemoryGovernanceRepository()
    use_case = RecordTrainingSet(
        NpzTrainingSetInspector(), RecordIngestion(repo, InMemoryObjectStore(), StepClock(), "1.2.3")
    )
    command = RecordTrainingSetCommand(name="tiny", location=str(tmp_path), config=config, job_id="j1")
    first, second = use_case.execute(command), use_case.execute(command)
    assert first.created and not second.created and first.version.id == second.version.id
    assert first.version.lineage.code_version == "1.2.3" and first.version.lineage.job_id == "j1"


class _Runner:
    name = "fake"

    def __init__(self) -> None:
        self.specs: list[Any] = []

    def submit(self, spec: Any) -> str:
        self.specs.append(spec)
        return str(len(self.specs))


class _Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root

    def workdir(self, run_id: str) -> str:
        return str(self.root / run_id)


def test_submission_runs_the_cli_once_per_chunk_group(tmp_path: Path) -> None:
    runner = _Runner()
    submit = SubmitTrainingSetToBatch({"fake": runner}, _Workspace(tmp_path), CountingIds(), "py")  # type: ignore[arg-type]
    out = submit.execute(SubmitTrainingSetCommand(n_spectra=50, chunk_size=10, seed=2, backend="fake",
                                                  chunks_per_job=2))
    assert out.n_chunks == 5 and [j.chunks for j in out.jobs] == [(0, 1), (2, 3), (4,)]
    argv = runner.specs[0].argv
    assert argv[:5] == ("py", "-m", "astrobio.entrypoints.cli.main", "jwst", "dataset")
    assert argv[argv.index("--chunks") + 1] == "0,1" and argv[argv.index("--n-spectra") + 1] == "50"
    assert len({s.workdir for s in runner.specs}) == 3
    with pytest.raises(InvalidQuantity, match="backend"):
        submit.execute(SubmitTrainingSetCommand(n_spectra=5, chunk_size=5, backend="nope"))
    with pytest.raises(InvalidQuantity, match="chunks_per_job"):
        submit.execute(SubmitTrainingSetCommand(n_spectra=5, chunk_size=5, backend="fake", chunks_per_job=0))


@pytest.mark.slow
def test_a_trained_denoiser_cites_its_training_set_version(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("lightning")
    c = build_container(Settings(data_dir=tmp_path / "var", models_dir_path=tmp_path / "models"))
    card = c.jwst.trainer().train("denoiser", {"fast": True, "n_spectra": 64})
    dataset_id = f"jwst_training_set.{card['dataset_version']}"
    assert card["training_set"].startswith(dataset_id + "@sha256:")
    (v,) = c.governance.repository().list_versions(dataset_id)
    assert card["training_set"] == f"{dataset_id}@{v.id}" and v.published
    registered = tmp_path / "models" / "registry" / "denoiser" / card["registry_id"]
    written = json.loads((registered / "denoiser.json").read_text())
    assert card["active"] and not (tmp_path / "models" / "jwst").exists()  # never written in place
    assert written["training_set"] == card["training_set"]

"""JWST training sets as governed dataset versions, and their generation as batch jobs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from astrobio.application.ports.clock import IdGenerator
from astrobio.application.ports.job_runner import BatchJobSpec, JobRunner
from astrobio.application.ports.jwst import TrainingSetInspector
from astrobio.application.ports.workspace import RunWorkspace
from astrobio.application.use_cases.record_ingestion import (
    RecordedVersion,
    RecordIngestion,
    RecordIngestionCommand,
    gate_failed,
)
from astrobio.application.use_cases.surrogate_batch import CLI_MODULE
from astrobio.domain.dataset_version import DublinCore
from astrobio.domain.errors import InvalidQuantity

TRAINING_SET_KIND = "jwst_training_set"


@dataclass(frozen=True, slots=True, kw_only=True)
class RecordTrainingSetCommand:
    """A complete training set: ``name`` (its config hash), where its chunks are, its config."""

    name: str
    location: str
    config: Mapping[str, Any]
    job_id: str | None = None
    generation_s: float | None = None
    actor: str = "system"


def version_ref(recorded: RecordedVersion) -> str:
    """``jwst_training_set.<name>@sha256:...``: how models cite the data they were trained on."""
    return f"{recorded.version.dataset_id}@{recorded.version.id}"


class RecordTrainingSet:
    """Record a complete training set as a dataset version behind the quality gate.

    Business rules:

    * the chunks are read back: one manifest entry per chunk (SHA-256, size, shape, summary
      statistics such as per-parameter and S/N ranges); the bytes stay in the chunk files;
    * the quality report comes from the chunks (completeness, validity: finite values, sigma > 0,
      parameters inside the priors; uniqueness of the chunks); a set below the gate is kept as a
      held version and :class:`QualityGateFailed` names the grade and the version;
    * the lineage is the generation config (priors, sizes, seed, grid, instrument modes), the job
      that finished it and the code version;
    * recording the same chunks again returns the existing version (nothing new is written).
    """

    def __init__(self, inspector: TrainingSetInspector, record: RecordIngestion) -> None:
        self._inspector, self._record = inspector, record

    def execute(self, command: RecordTrainingSetCommand) -> RecordedVersion:
        config = dict(command.config)
        report, entries = self._inspector.inspect(command.location, config)
        n_chunks = len(entries)
        took = "" if command.generation_s is None else f", generated in {command.generation_s:.1f} s"
        recorded = self._record.execute(
            RecordIngestionCommand(
                kind=TRAINING_SET_KIND,
                name=command.name,
                quality=report,
                produced_by=TRAINING_SET_KIND,
                arrays=entries,
                job_id=command.job_id,
                parameters=config,
                actor=command.actor,
                metadata=DublinCore(
                    title=f"JWST training set {command.name}",
                    creator="astrobio",
                    subject=("JWST", "transmission spectra", "simulation-based inference", "training set"),
                    description=(
                        f"{config.get('n_spectra')} simulated spectra ({config.get('forward_model', '')} + "
                        f"JWST noise) in {n_chunks} chunks of {config.get('chunk_size')}{took}"
                    ),
                    format="application/x-npz",
                    source=command.location,
                    type="Dataset",
                ),
            )
        )
        if not recorded.version.published:
            errors = "; ".join(i.message for i in report.errors[:3])
            raise gate_failed(f"training set {command.name}", recorded, detail=errors)
        return recorded


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitTrainingSetCommand:
    n_spectra: int
    chunk_size: int
    seed: int = 0
    backend: str = "slurm"
    chunks_per_job: int = 1
    cpus: int = 1
    mem_mb: int = 4000
    time_limit_min: int = 60
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmittedChunkJob:
    job_id: str
    chunks: tuple[int, ...]
    workdir: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmittedTrainingSet:
    backend: str
    n_chunks: int
    jobs: tuple[SubmittedChunkJob, ...]


def training_set_argv(
    python: str, n_spectra: int, chunk_size: int, seed: int, chunks: tuple[int, ...]
) -> tuple[str, ...]:
    """``python -m astrobio.entrypoints.cli.main jwst dataset ... --chunks 0,1 --json``."""
    return (
        python, "-m", CLI_MODULE, "jwst", "dataset",
        "--n-spectra", str(n_spectra), "--chunk-size", str(chunk_size), "--seed", str(seed),
        "--chunks", ",".join(str(c) for c in chunks), "--json",
    )  # fmt: skip


class SubmitTrainingSetToBatch:
    """Generate a training set as batch jobs, one per group of ``chunks_per_job`` chunks.

    Rules: each job runs the same CLI command a person would (``jwst dataset --chunks ...``), in
    its own work directory, reading the same ``ASTROBIO_*`` settings (SLURM exports the
    submitter's environment), so all jobs write into the same dataset directory; a chunk depends
    only on (seed, index), so the jobs may run in any order; the job that completes the set
    finalizes it and records the dataset version (idempotent, so a race records it once).
    Unknown backends and sizes below 1 are 422s naming the field.
    """

    def __init__(
        self,
        runners: Mapping[str, JobRunner],
        workspace: RunWorkspace,
        ids: IdGenerator,
        python: str = "python",
    ) -> None:
        self._runners, self._workspace, self._ids, self._python = runners, workspace, ids, python

    def execute(self, command: SubmitTrainingSetCommand) -> SubmittedTrainingSet:
        runner = self._runners.get(command.backend)
        if runner is None:
            raise InvalidQuantity(
                f"unknown backend {command.backend!r}; known: {sorted(self._runners)}", field="backend"
            )
        for name in ("n_spectra", "chunk_size", "chunks_per_job", "cpus", "mem_mb", "time_limit_min"):
            value = getattr(command, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidQuantity(f"{name} must be a positive integer", field=name)
        n_chunks = -(-command.n_spectra // command.chunk_size)
        groups = [
            tuple(range(start, min(start + command.chunks_per_job, n_chunks)))
            for start in range(0, n_chunks, command.chunks_per_job)
        ]
        base = f"jwst-dataset-{self._ids.new_id()}"
        specs = [
            BatchJobSpec(
                name=f"astrobio-{base}-{g:03d}",
                argv=training_set_argv(
                    self._python, command.n_spectra, command.chunk_size, command.seed, chunks
                ),
                workdir=self._workspace.workdir(f"{base}-{g:03d}"),
                cpus=command.cpus,
                mem_mb=command.mem_mb,
                time_limit_min=command.time_limit_min,
                env=dict(command.env),
            )
            for g, chunks in enumerate(groups)
        ]
        job_ids = [runner.submit(spec) for spec in specs]
        return SubmittedTrainingSet(
            backend=runner.name,
            n_chunks=n_chunks,
            jobs=tuple(
                SubmittedChunkJob(job_id=j, chunks=c, workdir=s.workdir)
                for j, c, s in zip(job_ids, groups, specs, strict=True)
            ),
        )

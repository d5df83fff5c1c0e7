"""Providers for JWST spectrum denoiser, neural posterior retrieval, planet-class classifier.

Wired into :class:`astrobio.bootstrap.container.Container` as ``jwst``. Adapter modules are
imported inside factory functions so building the container stays cheap. Models load from
``<models dir>/jwst`` (the shipped defaults under ``data/models/jwst`` unless
``ASTROBIO_MODELS_DIR``); training sets go to ``<data dir>/jwst/datasets/<version>``.

A complete training set is recorded as a version of the governed dataset
``jwst_training_set.<version>`` (``record_ingestion``, passed in from the governance container);
its generation can be submitted as batch jobs (SLURM or the local pool), one per chunk group.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from dependency_injector import containers, providers

from astrobio.application.ports.clock import UuidGenerator
from astrobio.application.ports.job_runner import JobRunner
from astrobio.application.ports.jwst import (
    ForwardModel,
    JwstTrainer,
    NestedSampler,
    PlanetClassifier,
    PosteriorEstimator,
    SpectrumCodec,
    SpectrumDenoiser,
    TrainingSetInspector,
)
from astrobio.application.ports.workspace import RunWorkspace
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.jwst import (
    ClassifyPlanets,
    DenoiseSpectrum,
    RetrieveAtmosphere,
    RetrieveAtmosphereCommand,
    TrainJwstModel,
    TrainJwstModelCommand,
)
from astrobio.application.use_cases.jwst_training_sets import (
    RecordTrainingSet,
    RecordTrainingSetCommand,
    SubmitTrainingSetToBatch,
    version_ref,
)
from astrobio.bootstrap.models import active_model_dir, registering_jwst_trainer
from astrobio.bootstrap.settings import Settings
from astrobio.domain.retrieval import Posterior, RetrievalSystem

JWST_RETRIEVE_JOB = "jwst_retrieve"
JWST_TRAIN_JOB = "jwst_train"
JWST_TRAINING_SET_JOB = "jwst_training_set"


def model_dir(settings: Settings) -> Path:
    return settings.models_dir / "jwst"


def dataset_dir(settings: Settings) -> Path:
    return settings.data_dir / "jwst" / "datasets"


def _forward(settings: Settings) -> ForwardModel:
    from astrobio.adapters.jwst.forward import IsothermalTransmissionModel

    return IsothermalTransmissionModel(settings.bundled_data_dir / "jwst" / "opacity_grid.json")


def _codec() -> SpectrumCodec:
    from astrobio.adapters.jwst.x1d import AstropyX1dCodec

    return AstropyX1dCodec()


def _classifier(settings: Settings) -> PlanetClassifier:
    from astrobio.adapters.jwst.classifier import LogisticPlanetClassifier

    return LogisticPlanetClassifier(active_model_dir(settings, "multiclass"))


def _denoiser(settings: Settings, model: ForwardModel) -> SpectrumDenoiser:
    from astrobio.adapters.jwst.denoiser import TorchSpectrumDenoiser

    return TorchSpectrumDenoiser(active_model_dir(settings, "denoiser"), model.grid)


def _estimator(settings: Settings, model: ForwardModel) -> PosteriorEstimator:
    from astrobio.adapters.jwst.npe import ZukoPosteriorEstimator

    return ZukoPosteriorEstimator(active_model_dir(settings, "retrieval"), model.grid, model.priors)


def _nested(model: ForwardModel) -> NestedSampler:
    from astrobio.adapters.jwst.nested import DynestyNestedSampler

    return DynestyNestedSampler(model)


def _trainer(settings: Settings, model: ForwardModel, finalize: Finalizer) -> JwstTrainer:
    from astrobio.adapters.jwst.training import LocalJwstTrainer

    # Trains into a fresh staging directory and registers the model: never writes the shipped files.
    return registering_jwst_trainer(settings, lambda staging: LocalJwstTrainer(
        model,  # type: ignore[arg-type]
        staging,
        dataset_dir(settings),
        settings.catalog_path,
        finalize=finalize,
    ))


def _inspector() -> TrainingSetInspector:
    from astrobio.adapters.jwst.dataset import NpzTrainingSetInspector

    return NpzTrainingSetInspector()


def _runners(settings: Settings) -> dict[str, JobRunner]:
    # The same backends as the root container's (SLURM records live with the data).
    from astrobio.adapters.jobs.local import LocalJobRunner
    from astrobio.adapters.jobs.slurm import SlurmJobRunner

    local = LocalJobRunner(max_parallel=settings.local_max_parallel)
    slurm = SlurmJobRunner(partition=settings.slurm_partition, state_dir=settings.data_dir / "slurm-jobs")
    return {local.name: local, slurm.name: slurm}


def _workspace(settings: Settings) -> RunWorkspace:
    from astrobio.adapters.workspace.local import LocalRunWorkspace

    return LocalRunWorkspace(settings.runs_dir)


def current_job_id() -> str | None:
    """The job this runs in: the queue's job id (bound by the worker / in-process queue), else
    the SLURM job (``slurm:<id>``) when run as a batch job."""
    import structlog

    value = structlog.contextvars.get_contextvars().get("job_id")
    if value:
        return str(value)
    slurm = os.environ.get("SLURM_JOB_ID")
    return f"slurm:{slurm}" if slurm else None


#: ``(dataset root, config) -> manifest``: finalize a complete training set and record its version.
Finalizer = Callable[[Path, dict[str, Any]], dict[str, Any]]


def _finalizer(record: Callable[[], RecordTrainingSet]) -> Finalizer:
    def finalize(root: Path, config: dict[str, Any]) -> dict[str, Any]:
        """Record the dataset version (quality gate), then write ``manifest.json`` naming it.

        Serialised by a lock file: when the last two chunk jobs finish together, one records and
        the other finds the version recorded. A set below the gate gets no ``manifest.json``.
        """
        import fcntl
        import json

        from astrobio.adapters.jwst import dataset

        with (root / ".finalize.lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            seconds = dataset.generation_seconds(root, config)
            if seconds is None and (root / "manifest.json").is_file():  # a set from before the timings
                seconds = float(json.loads((root / "manifest.json").read_text()).get("generation_s", 0.0))
            recorded = record().execute(
                RecordTrainingSetCommand(
                    name=dataset.version_of(config),
                    location=str(root),
                    config=config,
                    job_id=current_job_id(),
                    generation_s=seconds,
                )
            )
            manifest = dataset.finalize(root, config, seconds or 0.0, dataset_version=version_ref(recorded))
            return manifest | {"recorded": recorded.created}

    return finalize


def training_set_location(
    settings: Settings, model: ForwardModel, n_spectra: int, chunk_size: int, seed: int
) -> tuple[str, Path]:
    """(version, directory) of the training set these sizes and seed describe."""
    from astrobio.adapters.jwst import dataset

    config = dataset.dataset_config(model, n_spectra, chunk_size, seed)  # type: ignore[arg-type]
    return dataset.version_of(config), dataset_dir(settings) / dataset.version_of(config)


def posterior_to_dict(p: Posterior, *, max_samples: int = 2000) -> dict[str, Any]:
    """JSON-ready posterior (the job result and the HTTP body share it)."""
    samples = p.samples[:max_samples]
    return {
        "method": p.method,
        "parameters": list(p.names),
        "samples": np.round(samples, 6).tolist(),
        "n_samples": int(p.samples.shape[0]),
        "summary": [
            {"name": s.name, "median": s.median, "ci68": list(s.ci68), "ci95": list(s.ci95)}
            for s in p.summaries()
        ],
        "diagnostics": {
            "importance_efficiency": p.importance_efficiency,
            "flagged": p.flagged,
            "notes": list(p.notes),
        },
        "provenance": dict(p.provenance),
        "wall_time_s": p.wall_time_s,
    }


def _job_handlers(
    settings: Settings, retrieve: Any, train: Any, model: Any, finalize: Finalizer
) -> dict[str, JobHandler]:
    def jwst_retrieve(params: dict[str, Any]) -> dict[str, Any]:
        command = RetrieveAtmosphereCommand(
            data=str(params["spectrum"]).encode(),
            fmt=str(params.get("format", "json")),
            n_samples=int(params.get("n_samples", 2000)),
            seed=int(params.get("seed", 0)),
            fallback=bool(params.get("fallback", True)),
            n_live=int(params.get("n_live", 100)),
            system=None if not params.get("system") else RetrievalSystem(**params["system"]),
        )
        return posterior_to_dict(retrieve().execute(command))

    def jwst_train(params: dict[str, Any]) -> dict[str, Any]:
        options = {k: v for k, v in params.items() if k != "model"}
        return dict(
            train().execute(TrainJwstModelCommand(model=str(params.get("model", "")), options=options))
        )

    def jwst_training_set(params: dict[str, Any]) -> dict[str, Any]:
        """Generate chunks ``params["chunks"]`` (default: all) of a dataset; finalize and record
        the dataset version when the set is complete (whichever job completes it)."""
        from astrobio.adapters.jwst import dataset

        m = model()
        config = dataset.dataset_config(
            m, int(params["n_spectra"]), int(params.get("chunk_size", 5000)), int(params.get("seed", 0))
        )
        root = dataset_dir(settings) / dataset.version_of(config)
        start = time.perf_counter()
        chunks = [int(i) for i in params.get("chunks") or range(dataset.chunk_count(config))]
        for i in chunks:
            dataset.write_chunk(m, root, config, i)
        elapsed = time.perf_counter() - start
        done = dataset.complete(root, config)
        manifest = finalize(root, config) if done else None
        return {
            "version": dataset.version_of(config),
            "path": str(root),
            "chunks": chunks,
            "chunk_seconds": round(elapsed, 3),
            "complete": done,
            "total_bytes": None if manifest is None else manifest["total_bytes"],
            "generation_s": None if manifest is None else manifest["generation_s"],
            "dataset_version": None if manifest is None else manifest["dataset_version"],
            "recorded": None if manifest is None else manifest["recorded"],
        }

    return {
        JWST_RETRIEVE_JOB: jwst_retrieve,
        JWST_TRAIN_JOB: jwst_train,
        JWST_TRAINING_SET_JOB: jwst_training_set,
    }


class JwstContainer(containers.DeclarativeContainer):
    """JWST spectrum denoiser, neural posterior retrieval, planet-class classifier."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()
    #: ``governance.record_ingestion`` of the root container: training sets become dataset versions.
    record_ingestion: providers.Dependency[Any] = providers.Dependency()

    forward_model = providers.Singleton(_forward, settings)
    codec = providers.Singleton(_codec)
    classifier = providers.Singleton(_classifier, settings)
    denoiser = providers.Singleton(_denoiser, settings, forward_model)
    estimator = providers.Singleton(_estimator, settings, forward_model)
    nested_sampler = providers.Singleton(_nested, forward_model)
    inspector = providers.Singleton(_inspector)
    record_training_set = providers.Factory(RecordTrainingSet, inspector, record_ingestion)
    finalize_training_set = providers.Singleton(_finalizer, record_training_set.provider)
    trainer = providers.Singleton(_trainer, settings, forward_model, finalize_training_set)
    job_runners = providers.Singleton(_runners, settings)
    workspace = providers.Singleton(_workspace, settings)
    submit_training_set = providers.Factory(
        SubmitTrainingSetToBatch, job_runners, workspace, providers.Singleton(UuidGenerator), sys.executable
    )

    classify_planets = providers.Factory(ClassifyPlanets, classifier)
    denoise_spectrum = providers.Factory(DenoiseSpectrum, codec, denoiser)
    retrieve_atmosphere = providers.Factory(
        RetrieveAtmosphere, codec, estimator, forward_model, nested_sampler
    )
    train_model = providers.Factory(TrainJwstModel, trainer)

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(
        _job_handlers,
        settings,
        retrieve_atmosphere.provider,
        train_model.provider,
        forward_model.provider,
        finalize_training_set,
    )

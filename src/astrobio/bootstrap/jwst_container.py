"""Providers for JWST spectrum denoiser, neural posterior retrieval, planet-class classifier.

Wired into :class:`astrobio.bootstrap.container.Container` as ``jwst``. Adapter modules are
imported inside factory functions so building the container stays cheap. Models load from
``<models dir>/jwst`` (the shipped defaults under ``data/models/jwst`` unless
``ASTROBIO_MODELS_DIR``); training sets go to ``<data dir>/jwst/datasets/<version>``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
from dependency_injector import containers, providers

from astrobio.application.ports.jwst import (
    ForwardModel,
    JwstTrainer,
    NestedSampler,
    PlanetClassifier,
    PosteriorEstimator,
    SpectrumCodec,
    SpectrumDenoiser,
)
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.jwst import (
    ClassifyPlanets,
    DenoiseSpectrum,
    RetrieveAtmosphere,
    RetrieveAtmosphereCommand,
    TrainJwstModel,
    TrainJwstModelCommand,
)
from astrobio.bootstrap.settings import Settings
from astrobio.domain.retrieval import Posterior

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

    return LogisticPlanetClassifier(model_dir(settings))


def _denoiser(settings: Settings, model: ForwardModel) -> SpectrumDenoiser:
    from astrobio.adapters.jwst.denoiser import TorchSpectrumDenoiser

    return TorchSpectrumDenoiser(model_dir(settings), model.grid)


def _estimator(settings: Settings, model: ForwardModel) -> PosteriorEstimator:
    from astrobio.adapters.jwst.npe import ZukoPosteriorEstimator

    return ZukoPosteriorEstimator(model_dir(settings), model.grid, model.priors)


def _nested(model: ForwardModel) -> NestedSampler:
    from astrobio.adapters.jwst.nested import DynestyNestedSampler

    return DynestyNestedSampler(model)


def _trainer(settings: Settings, model: ForwardModel) -> JwstTrainer:
    from astrobio.adapters.jwst.training import LocalJwstTrainer

    return LocalJwstTrainer(model, model_dir(settings), dataset_dir(settings), settings.catalog_path)  # type: ignore[arg-type]


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


def _job_handlers(settings: Settings, retrieve: Any, train: Any, model: Any) -> dict[str, JobHandler]:
    def jwst_retrieve(params: dict[str, Any]) -> dict[str, Any]:
        command = RetrieveAtmosphereCommand(
            data=str(params["spectrum"]).encode(),
            fmt=str(params.get("format", "json")),
            n_samples=int(params.get("n_samples", 2000)),
            seed=int(params.get("seed", 0)),
            fallback=bool(params.get("fallback", True)),
            n_live=int(params.get("n_live", 100)),
        )
        return posterior_to_dict(retrieve().execute(command))

    def jwst_train(params: dict[str, Any]) -> dict[str, Any]:
        options = {k: v for k, v in params.items() if k != "model"}
        return dict(
            train().execute(TrainJwstModelCommand(model=str(params.get("model", "")), options=options))
        )

    def jwst_training_set(params: dict[str, Any]) -> dict[str, Any]:
        """Generate chunks ``params["chunks"]`` (default: all) of a dataset; finalize when complete."""
        from astrobio.adapters.jwst import dataset

        m = model()
        config = dataset.dataset_config(
            m, int(params["n_spectra"]), int(params.get("chunk_size", 5000)), int(params.get("seed", 0))
        )
        root = dataset_dir(settings) / dataset.version_of(config)
        n_chunks = -(-config["n_spectra"] // config["chunk_size"])
        start = time.perf_counter()
        for i in params.get("chunks") or range(n_chunks):
            dataset.write_chunk(m, root, config, int(i))
        done = all((root / f"chunk-{i:05d}.npz").is_file() for i in range(n_chunks))
        manifest = dataset.finalize(root, config, time.perf_counter() - start) if done else None
        return {
            "version": dataset.version_of(config),
            "path": str(root),
            "complete": done,
            "total_bytes": None if manifest is None else manifest["total_bytes"],
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

    forward_model = providers.Singleton(_forward, settings)
    codec = providers.Singleton(_codec)
    classifier = providers.Singleton(_classifier, settings)
    denoiser = providers.Singleton(_denoiser, settings, forward_model)
    estimator = providers.Singleton(_estimator, settings, forward_model)
    nested_sampler = providers.Singleton(_nested, forward_model)
    trainer = providers.Singleton(_trainer, settings, forward_model)

    classify_planets = providers.Factory(ClassifyPlanets, classifier)
    denoise_spectrum = providers.Factory(DenoiseSpectrum, codec, denoiser)
    retrieve_atmosphere = providers.Factory(
        RetrieveAtmosphere, codec, estimator, forward_model, nested_sampler
    )
    train_model = providers.Factory(TrainJwstModel, trainer)

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(
        _job_handlers, settings, retrieve_atmosphere.provider, train_model.provider, forward_model.provider
    )

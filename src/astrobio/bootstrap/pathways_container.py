"""Providers for KEGG pathway maps, pathway graphs and the graph VAE.

Wired into :class:`astrobio.bootstrap.container.Container` as ``pathways``. Adapter modules are
imported inside factory functions so building the container stays cheap.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.pathways import (
    GraphVaeTrainer,
    PathwayCatalog,
    PathwayEmbedder,
    PathwayRepository,
)
from astrobio.application.use_cases.governed_pathways import GovernedIngestKegg
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.pathways import (
    EnrichCompounds,
    FindSimilarPathways,
    GetPathway,
    IngestKeggCommand,
    ListPathways,
    TrainGraphVae,
    TrainGraphVaeCommand,
)
from astrobio.bootstrap.models import active_model_dir, registering_gvae_trainer
from astrobio.bootstrap.settings import Settings

INGEST_KEGG_JOB = "ingest_kegg"
TRAIN_GVAE_JOB = "train_gvae"


def _repository(engine: Any) -> PathwayRepository:
    from astrobio.adapters.sql.pathways_repository import SqlPathwayRepository

    return SqlPathwayRepository(engine)


def _bundled(settings: Settings) -> PathwayCatalog:
    from astrobio.adapters.kegg.file_catalog import FileKeggCatalog

    return FileKeggCatalog(settings.kegg_dir)


def _catalogs(settings: Settings) -> Callable[[str], PathwayCatalog]:
    def pick(source: str) -> PathwayCatalog:
        if source == "rest":
            from astrobio.adapters.kegg.rest import KeggRestCatalog

            return KeggRestCatalog(
                base_url=settings.kegg_url,
                timeout_s=settings.http_timeout_s,
                cache_dir=settings.cache_dir / "kegg",
            )
        return _bundled(settings)

    return pick


def _trainer(settings: Settings) -> GraphVaeTrainer:
    from astrobio.adapters.ml.gvae import TorchGraphVaeTrainer

    # Trains into staging and registers the model (activated): never writes the shipped files.
    return registering_gvae_trainer(settings, TorchGraphVaeTrainer)


def _embedder(settings: Settings) -> Callable[[], PathwayEmbedder]:
    def load() -> PathwayEmbedder:
        from astrobio.adapters.ml.gvae import TorchPathwayEmbedder

        return TorchPathwayEmbedder(active_model_dir(settings, "gvae"))

    return load


def export_graphs(repository: PathwayRepository, directory: Any) -> list[Any]:
    """Write every stored pathway as ``<id>.npz`` (adjacency, edge_index, features) in ``directory``."""
    from pathlib import Path

    from astrobio.adapters.ml.data.pathway_graphs import export_npz

    return export_npz(repository.all(), Path(directory))


def metrics_to_dict(m: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(m)


def current_job_id() -> str | None:
    """The id of the job this thread runs (bound by the worker / in-process queue), if any."""
    import structlog

    value = structlog.contextvars.get_contextvars().get("job_id")
    return str(value) if value else None


def _job_handlers(
    ingest: providers.Factory[GovernedIngestKegg], train: providers.Factory[TrainGraphVae]
) -> dict[str, JobHandler]:
    def ingest_kegg(params: dict[str, Any]) -> dict[str, Any]:
        ids = params.get("pathway_ids") or []
        report = ingest().execute(
            IngestKeggCommand(
                source=str(params.get("source", "bundled")), pathway_ids=tuple(str(i) for i in ids)
            ),
            job_id=current_job_id(),
        )
        return {"source": report.source, "ids": list(report.ids), "count": len(report.ids)}

    def train_gvae(params: dict[str, Any]) -> dict[str, Any]:
        command = TrainGraphVaeCommand(epochs=int(params.get("epochs", 60)), seed=int(params.get("seed", 0)))
        return metrics_to_dict(train().execute(command))

    return {INGEST_KEGG_JOB: ingest_kegg, TRAIN_GVAE_JOB: train_gvae}


class PathwaysContainer(containers.DeclarativeContainer):
    """KEGG pathways, pathway graphs, graph VAE."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()
    #: From the governance container: ``record_ingestion``, ``repository``, ``validators``.
    record_ingestion: providers.Dependency[Any] = providers.Dependency()
    validators: providers.Dependency[Any] = providers.Dependency()

    repository = providers.Singleton(_repository, engine)
    catalogs = providers.Singleton(_catalogs, settings)
    bundled_catalog = providers.Singleton(_bundled, settings)
    trainer = providers.Singleton(_trainer, settings)
    embedder = providers.Singleton(_embedder, settings)

    network_validator = providers.Callable(operator.getitem, validators, "reaction_network")
    #: Behind the quality gate: one ``kegg_pathway.<map id>`` dataset version per map.
    ingest_kegg = providers.Factory(
        GovernedIngestKegg, repository, catalogs, network_validator, record_ingestion, uow_factory=uow_factory
    )
    list_pathways = providers.Factory(ListPathways, repository)
    get_pathway = providers.Factory(GetPathway, repository)
    train_gvae = providers.Factory(TrainGraphVae, repository, bundled_catalog.provider, trainer)
    find_similar = providers.Factory(FindSimilarPathways, repository, embedder)
    enrich_compounds = providers.Factory(EnrichCompounds, bundled_catalog)

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(_job_handlers, ingest_kegg.provider, train_gvae.provider)

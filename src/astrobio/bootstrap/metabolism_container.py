"""Providers for genome-scale metabolic models (SBML), environment-conditioned FBA.

Wired into :class:`astrobio.bootstrap.container.Container` as ``metabolism``. Adapter modules are
imported inside factory functions so building the container stays cheap (cobra loads only when a
model is parsed or solved).
"""

from __future__ import annotations

import operator
from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.clock import SystemClock
from astrobio.application.ports.metabolism import FbaEngine, MetabolicModelRepository, SbmlStore
from astrobio.application.use_cases.governed_metabolism import GovernedIngestSbml
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.metabolism import (
    GetMetabolicModel,
    IngestSbmlCommand,
    ListMetabolicModels,
    SimulateMetabolism,
)
from astrobio.bootstrap.settings import Settings

INGEST_SBML_JOB = "ingest_sbml"


def bundled_models_dir(settings: Settings) -> Path:
    return settings.bundled_data_dir / "metabolic_models"


def bundled_sbml(settings: Settings) -> list[IngestSbmlCommand]:
    """The bundled SBML models as ingestion commands (ids, organisms, taxids from the catalog)."""
    from astrobio.adapters.metabolism.bundled import bundled_sbml_commands

    return bundled_sbml_commands(bundled_models_dir(settings))


def _repository(engine: Any) -> MetabolicModelRepository:
    from astrobio.adapters.sql.metabolism_repository import SqlMetabolicModelRepository

    return SqlMetabolicModelRepository(engine)


def _store(settings: Settings) -> SbmlStore:
    from astrobio.adapters.metabolism.sbml_store import LocalSbmlStore

    return LocalSbmlStore((settings.data_dir / "sbml").resolve())


def _fba_engine() -> FbaEngine:
    from astrobio.adapters.metabolism.cobra_engine import CobraFbaEngine

    return CobraFbaEngine()


def ingest_commands(settings: Settings, params: dict[str, Any]) -> list[IngestSbmlCommand]:
    """Commands of an ``ingest_sbml`` job: ``{"bundled": true}`` and/or ``{"paths": [...]}``."""
    commands = bundled_sbml(settings) if params.get("bundled") else []
    cls = str(params.get("organism_class", "mesophile"))
    paths = params.get("paths", [])
    commands += [IngestSbmlCommand(path=str(p), organism_class=cls)
                 for p in ([paths] if isinstance(paths, str) else paths)]
    return commands


def current_job_id() -> str | None:
    """The id of the job this thread runs (bound by the worker / in-process queue), if any."""
    import structlog

    value = structlog.contextvars.get_contextvars().get("job_id")
    return str(value) if value else None


def _job_handlers(settings: Settings, ingest: providers.Factory[GovernedIngestSbml]) -> dict[str, JobHandler]:
    def ingest_sbml(params: dict[str, Any]) -> dict[str, Any]:
        use_case = ingest()
        job_id = current_job_id()
        models = [use_case.execute(c, job_id=job_id) for c in ingest_commands(settings, params)]
        return {"models": [m.id for m in models], "count": len(models)}

    return {INGEST_SBML_JOB: ingest_sbml}


class MetabolismContainer(containers.DeclarativeContainer):
    """Genome-scale metabolic models and environment-conditioned FBA."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()
    #: From the governance container: ``record_ingestion``, ``repository``, ``validators``.
    record_ingestion: providers.Dependency[Any] = providers.Dependency()
    validators: providers.Dependency[Any] = providers.Dependency()

    clock = providers.Singleton(SystemClock)
    repository = providers.Singleton(_repository, engine)
    sbml_store = providers.Singleton(_store, settings)
    fba_engine = providers.Singleton(_fba_engine)

    network_validator = providers.Callable(operator.getitem, validators, "reaction_network")
    #: Behind the quality gate: one ``sbml_model.<model id>`` dataset version per model.
    ingest_sbml = providers.Factory(
        GovernedIngestSbml, repository, sbml_store, fba_engine, clock, network_validator,
        record_ingestion, uow_factory=uow_factory,
    )
    list_models = providers.Factory(ListMetabolicModels, repository)
    get_model = providers.Factory(GetMetabolicModel, repository)
    simulate = providers.Factory(SimulateMetabolism, repository, fba_engine)
    #: The :class:`~astrobio.application.ports.metabolism.BiosignatureFluxes` other stages use.
    biosignature_fluxes = simulate

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(_job_handlers, settings, ingest_sbml.provider)

"""The dependency-injector container: the one place that picks adapters.

Adapter modules are imported inside the factory functions below, so building the
container (and ``astrobio --help``, ``astrobio assess``) does not pay for SQLAlchemy,
httpx or arq until a provider that needs them is called.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.catalogs import CatalogProvider, ExoplanetCatalog
from astrobio.application.ports.clock import SystemClock, UuidGenerator
from astrobio.application.ports.queue import TaskQueue
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.assess_planet import AssessPlanet
from astrobio.application.use_cases.ingest_catalog import IngestCatalog, IngestCatalogCommand
from astrobio.application.use_cases.jobs import GetJob, JobHandler, RunJob, SubmitJob
from astrobio.application.use_cases.planets import GetPlanet, ListPlanets
from astrobio.application.use_cases.rank_targets import RankTargets
from astrobio.bootstrap.settings import Settings
from astrobio.domain.catalog import IngestReport
from astrobio.domain.photometry import ColourSequence

INGEST_CATALOG_JOB = "ingest_catalog"


def _engine(url: str) -> Any:
    from astrobio.adapters.sql.engine import make_engine

    return make_engine(url)


def _uow_factory(engine: Any) -> UnitOfWorkFactory:
    from astrobio.adapters.sql.unit_of_work import SqlUnitOfWorkFactory

    return SqlUnitOfWorkFactory(engine)


def _colours(path: Path) -> ColourSequence:
    from astrobio.adapters.catalog.colours import load_colour_sequence

    return load_colour_sequence(path)


def _archive(settings: Settings) -> ExoplanetCatalog:
    from astrobio.adapters.catalog.archive_tap import ArchiveTapCatalog

    return ArchiveTapCatalog(
        base_url=settings.archive_url,
        timeout_s=settings.http_timeout_s,
        cache_dir=settings.cache_dir / "archive",
    )


def _catalogs(settings: Settings) -> CatalogProvider:
    from astrobio.adapters.catalog.provider import DefaultCatalogProvider

    return DefaultCatalogProvider(
        bundled_path=settings.catalog_path, archive_factory=lambda: _archive(settings)
    )


def report_to_dict(report: IngestReport) -> dict[str, Any]:
    """JSON-ready summary of an ingestion, stored as a job result."""
    return {
        "source": report.source,
        "read": report.read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected_count": len(report.rejected),
        "rejected": [{"line": r.line, "name": r.name, "reason": r.reason} for r in report.rejected],
    }


def _handlers(ingest: providers.Factory[IngestCatalog]) -> dict[str, JobHandler]:
    def ingest_catalog(params: dict[str, Any]) -> dict[str, Any]:
        command = IngestCatalogCommand(source=str(params.get("source", "bundled")))
        return report_to_dict(ingest().execute(command))

    return {INGEST_CATALOG_JOB: ingest_catalog}


def _queue(settings: Settings, run_job: RunJob) -> TaskQueue:
    if settings.redis_url:
        from astrobio.adapters.queue.arq_queue import ArqTaskQueue

        return ArqTaskQueue(settings.redis_url, settings.queue_name)
    from astrobio.adapters.queue.in_process import InProcessTaskQueue

    return InProcessTaskQueue(run_job.execute)


class Container(containers.DeclarativeContainer):
    """Wire settings -> adapters -> use cases. Override any provider in tests."""

    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(_engine, settings.provided.sqlalchemy_url)
    uow_factory = providers.Singleton(_uow_factory, engine)
    colours = providers.Singleton(_colours, settings.provided.colours_path)
    catalogs = providers.Singleton(_catalogs, settings)
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidGenerator)

    ingest_catalog = providers.Factory(IngestCatalog, uow_factory, catalogs, colours)
    assess_planet = providers.Factory(AssessPlanet, colours)
    rank_targets = providers.Factory(RankTargets, uow_factory, colours)
    list_planets = providers.Factory(ListPlanets, uow_factory)
    get_planet = providers.Factory(GetPlanet, uow_factory)
    get_job = providers.Factory(GetJob, uow_factory)

    job_handlers = providers.Singleton(_handlers, ingest_catalog.provider)
    run_job = providers.Singleton(RunJob, uow_factory, job_handlers, clock)
    task_queue = providers.Singleton(_queue, settings, run_job)
    submit_job = providers.Factory(
        SubmitJob, uow_factory, task_queue, clock, ids, known_kinds=frozenset({INGEST_CATALOG_JOB})
    )


def build_container(settings: Settings) -> Container:
    """A container for one process."""
    container = Container(settings=settings)
    return container

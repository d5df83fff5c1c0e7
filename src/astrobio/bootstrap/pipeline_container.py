"""Providers for the end-to-end pipeline (climate -> metabolism -> atmosphere -> spectrum -> ranking).

Wired into :class:`astrobio.bootstrap.container.Container` as ``pipeline``. Adapter modules are
imported inside factory functions so building the container stays cheap.
"""

from __future__ import annotations

from typing import Any

from dependency_injector import containers, providers

from astrobio.application.use_cases.jobs import JobHandler
from astrobio.bootstrap.settings import Settings


def _job_handlers() -> dict[str, JobHandler]:
    return {}


class PipelineContainer(containers.DeclarativeContainer):
    """NCBI assemblies and genomes, genome-model links, 1000 Genomes."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(_job_handlers)

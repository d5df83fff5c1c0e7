"""Providers for the end-to-end pipeline (climate -> metabolism -> atmosphere -> spectrum -> ranking).

Wired into :class:`astrobio.bootstrap.container.Container` as ``pipeline``. Adapter modules are
imported inside factory functions so building the container stays cheap. The spectra and metabolism
features are reached through their own containers (nested here) and wrapped by the pipeline's stage
adapters (``adapters/pipeline/stages.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.clock import SystemClock, UuidGenerator
from astrobio.application.ports.governance import GovernanceRepository
from astrobio.application.ports.pipeline import (
    ClimateStage,
    MetabolismStage,
    PipelineRunRepository,
    ReportWriter,
    SpectrumStage,
)
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.jobs import JobHandler
from astrobio.application.use_cases.pipeline import (
    GetPipelineRun,
    RankByBiosignature,
    RunPipeline,
    StartPipelineRun,
)
from astrobio.application.use_cases.pipeline_stages import PlanetPipeline
from astrobio.application.use_cases.planet_biosphere import SimulatePlanetBiosphere
from astrobio.application.use_cases.planets import GetPlanet
from astrobio.application.use_cases.provenance import (
    CATALOG_DATASET,
    CATALOG_KIND,
    ResolveModelProvenance,
    metabolic_model_versions,
    published_version,
    published_versions_of_kind,
    served_catalog,
)
from astrobio.bootstrap.settings import Settings
from astrobio.domain.photometry import ColourSequence

PIPELINE_RUN_JOB = "pipeline_run"
PIPELINE_CHUNK_JOB = "pipeline_chunk"


def _repository(engine: Any) -> PipelineRunRepository:
    from astrobio.adapters.sql.pipeline_repository import SqlPipelineRunRepository

    return SqlPipelineRunRepository(engine)


def _colours(settings: Settings) -> ColourSequence:
    from astrobio.adapters.catalog.colours import load_colour_sequence

    return load_colour_sequence(settings.colours_path)


def _climate(settings: Settings) -> ClimateStage:
    from astrobio.application.use_cases.planet_climate import SurrogateTargetClimate
    from astrobio.bootstrap.container import _surrogate_registry

    registry = _surrogate_registry(settings)
    return SurrogateTargetClimate(lambda: registry)


def _metabolism(fluxes: Callable[[], Any], list_models: Callable[[], Any]) -> MetabolismStage:
    from astrobio.adapters.pipeline.stages import FbaMetabolismStage

    return FbaMetabolismStage(fluxes, lambda: [m.id for m in list_models().execute()])


def _spectrum(compute: Callable[[], Any]) -> SpectrumStage:
    from astrobio.adapters.pipeline.stages import ComputeSpectrumStage

    return ComputeSpectrumStage(compute)


def _report_writer() -> ReportWriter:
    from astrobio.adapters.report.html import HtmlReportWriter

    return HtmlReportWriter()


@cache
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _metabolic_model_ids(list_models: Callable[[], Any]) -> Sequence[str]:
    try:
        return [m.id for m in list_models().execute()]
    except Exception:  # no metabolism tables (embedded use): FBA will fall back, and say so
        return []


def run_provenance(
    settings: Settings,
    governance: Callable[[], GovernanceRepository] | None = None,
    list_models: Callable[[], Any] | None = None,
    uow_factory: UnitOfWorkFactory | None = None,
) -> dict[str, Any]:
    """Data versions, model checkpoints and code version a run starts with.

    ``catalog_dataset_version`` is the published version of the catalog dataset
    (``exoplanet_table.pscomppars@sha256:...``, else the only recorded catalog dataset; None when
    no ingestion was recorded); ``models`` every checkpoint the run may use: the active scalar
    climate surrogate (with the recorded versions of its training cubes) and the stored metabolic
    models FBA runs on (with their ``sbml_model.<id>`` versions where recorded).
    """
    from astrobio import __version__
    from astrobio.bootstrap.container import _surrogate_registry
    from astrobio.domain.surrogate import SurrogateMode

    try:
        repo = governance() if governance is not None else None
    except Exception:
        repo = None
    catalog = settings.catalog_path
    models: list[dict[str, Any]] = []
    try:
        card = _surrogate_registry(settings).active(SurrogateMode.SCALAR)
        surrogate = None if card is None else card.id
    except Exception as exc:
        card, surrogate = None, f"unavailable ({type(exc).__name__})"
    if card is not None:
        source = None if repo is None else (lambda: repo)
        used = ResolveModelProvenance(uow_factory, source, __version__).execute(card)
        models.append(
            {
                "kind": "climate_surrogate",
                "id": used.model_id,
                "mode": used.model_mode,
                "code_version": used.model_code_version,
                "training_data": [t.to_dict() for t in used.training_data],
            }
        )
    if list_models is not None:
        models += metabolic_model_versions(repo, _metabolic_model_ids(list_models))
    catalogs = published_versions_of_kind(repo, CATALOG_KIND)
    main_catalog = published_version(repo, CATALOG_DATASET) or (catalogs[0] if len(catalogs) == 1 else None)
    # What the planet table holds (the last applied ingestion or rollback), not the bundled file.
    served = served_catalog(repo)
    if served is not None:
        main_catalog = served.dataset_version
        if served.source not in ("", "bundled"):
            catalog = Path(served.source)
    opacity = settings.bundled_data_dir / "opacity" / "opacity_r100.npz"
    return {
        "code_version": __version__,
        "catalog": catalog.name,
        "catalog_sha256": _sha256(catalog) if catalog.exists() else None,
        "catalog_dataset_version": main_catalog,
        "catalog_dataset_versions": catalogs,
        "climate_surrogate": surrogate,
        "models": models,
        "opacity": opacity.name,
        "opacity_sha256": _sha256(opacity) if opacity.exists() else None,
    }


def _code_version() -> str:
    from astrobio import __version__

    return __version__


def _job_handlers(run: providers.Factory[RunPipeline]) -> dict[str, JobHandler]:
    def pipeline_run(params: dict[str, Any]) -> dict[str, Any]:
        done = run().execute(str(params["run_id"]))
        return {
            "run_id": done.id,
            "status": done.status.value,
            "n_done": done.n_done,
            "n_failed": done.n_failed,
        }

    def pipeline_chunk(params: dict[str, Any]) -> dict[str, Any]:
        names = [str(n) for n in params.get("planets", [])]
        done = run().process_chunk(str(params["run_id"]), names)
        return {"run_id": done.id, "status": done.status.value, "chunk": len(names), "n_done": done.n_done}

    return {PIPELINE_RUN_JOB: pipeline_run, PIPELINE_CHUNK_JOB: pipeline_chunk}


class PipelineContainer(containers.DeclarativeContainer):
    """The end-to-end pipeline, its stored runs and its HTML report."""

    settings = providers.Dependency(instance_of=Settings)
    uow_factory: providers.Dependency[Any] = providers.Dependency()
    engine: providers.Dependency[Any] = providers.Dependency()

    #: The root container's spectra and metabolism features and governance repository (one of each
    #: per process: the pipeline shares their caches instead of building its own).
    spectra = providers.DependenciesContainer()
    metabolism = providers.DependenciesContainer()
    governance_repository: providers.Dependency[Any] = providers.Dependency()

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidGenerator)
    colours = providers.Singleton(_colours, settings)
    runs = providers.Singleton(_repository, engine)
    climate_stage = providers.Singleton(_climate, settings)
    metabolism_stage = providers.Factory(
        _metabolism, metabolism.biosignature_fluxes.provider, metabolism.list_models.provider
    )
    spectrum_stage = providers.Singleton(_spectrum, spectra.compute_spectrum.provider)
    report_writer = providers.Singleton(_report_writer)
    provenance = providers.Callable(
        run_provenance, settings, governance_repository.provider, metabolism.list_models.provider, uow_factory
    )

    #: One pipeline (and one FBA cache) per run: re-ingested models are seen by the next run.
    planet_pipeline = providers.Factory(
        PlanetPipeline,
        colours=colours,
        climate=climate_stage.provider,
        metabolism=metabolism_stage.provider,
        spectrum=spectrum_stage.provider,
        code_version=providers.Callable(_code_version),
    )
    start_run = providers.Factory(StartPipelineRun, uow_factory, runs, clock, ids, provenance.provider)
    run_pipeline = providers.Factory(RunPipeline, uow_factory, runs, planet_pipeline, clock)
    get_run = providers.Factory(GetPipelineRun, runs)
    #: A stored planet's biosphere by name (``metabolism simulate --planet``), environment as in a run.
    planet_biosphere = providers.Factory(
        SimulatePlanetBiosphere,
        providers.Factory(GetPlanet, uow_factory),
        colours.provider,
        climate_stage.provider,
        metabolism.simulate,
    )
    rank_by_biosignature = providers.Factory(RankByBiosignature, runs)

    #: Job kind -> handler, merged into the worker's handlers by the root container.
    job_handlers = providers.Singleton(_job_handlers, run_pipeline.provider)

"""The dependency-injector container: the one place that picks adapters.

Adapter modules are imported inside the factory functions below, so building the
container (and ``astrobio --help``, ``astrobio assess``) does not pay for SQLAlchemy,
httpx or arq until a provider that needs them is called.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dependency_injector import containers, providers

from astrobio.application.ports.acquisition import RunAcquisition
from astrobio.application.ports.catalogs import CatalogProvider, ExoplanetCatalog
from astrobio.application.ports.clock import SystemClock, UuidGenerator
from astrobio.application.ports.cube_store import CubeStore
from astrobio.application.ports.job_runner import JobRunner
from astrobio.application.ports.queue import TaskQueue
from astrobio.application.ports.simulator import ClimateSimulator
from astrobio.application.ports.surrogate import SurrogateRegistry, SurrogateTrainer
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.ports.workspace import RunWorkspace
from astrobio.application.use_cases.assess_planet import AssessPlanet
from astrobio.application.use_cases.climate_cubes import (
    ExportCubeSlice,
    GetCube,
    IngestClimateOutput,
    IngestClimateOutputCommand,
    ListCubes,
)
from astrobio.application.use_cases.climate_sweeps import (
    CompleteSweep,
    GetSweep,
    LaunchSweep,
    PlanSweep,
    PollSweep,
)
from astrobio.application.use_cases.core_jobs import (
    ClimateSweepJob,
    IngestCatalogJob,
    IngestCubeSetJob,
)
from astrobio.application.use_cases.governed_ingestion import (
    GovernedIngestCatalog,
    GovernedIngestClimateOutput,
)
from astrobio.application.use_cases.ingest_catalog import IngestCatalog
from astrobio.application.use_cases.jobs import GetJob, JobHandler, JobRegistry, ReapJobs, RunJob, SubmitJob
from astrobio.application.use_cases.planet_climate import SurrogateTargetClimate
from astrobio.application.use_cases.planets import GetPlanet, ListPlanets
from astrobio.application.use_cases.rank_targets import AssessmentCache, RankTargets
from astrobio.application.use_cases.submissions import SubmitPipelineRun, SubmitSweep
from astrobio.application.use_cases.surrogate_batch import SubmitTrainingToBatch
from astrobio.application.use_cases.surrogates import (
    ActivateSurrogate,
    ListSurrogates,
    PredictClimate,
    TrainClimateSurrogate,
    run_training_job,
)
from astrobio.bootstrap.genomes_container import GenomesContainer
from astrobio.bootstrap.governance_container import GovernanceContainer
from astrobio.bootstrap.jobs import job_registry, lease_policy, worker_identity
from astrobio.bootstrap.jwst_container import JwstContainer
from astrobio.bootstrap.metabolism_container import MetabolismContainer
from astrobio.bootstrap.pathways_container import PathwaysContainer
from astrobio.bootstrap.pipeline_container import PipelineContainer
from astrobio.bootstrap.predict_all import predict_all_modes
from astrobio.bootstrap.search import SearchObjectives, pathways_loader, search_job_handlers
from astrobio.bootstrap.settings import Settings
from astrobio.bootstrap.spectra_container import SpectraContainer
from astrobio.domain.photometry import ColourSequence

INGEST_CATALOG_JOB = "ingest_catalog"
CLIMATE_SWEEP_JOB = "climate_sweep"
INGEST_BUNDLED_CUBES_JOB = "ingest_bundled_cubes"
TRAIN_CLIMATE_JOB = "train_climate"
CORE_JOB_KINDS = frozenset(
    {INGEST_CATALOG_JOB, CLIMATE_SWEEP_JOB, INGEST_BUNDLED_CUBES_JOB, TRAIN_CLIMATE_JOB}
)


def _engine(url: str) -> Any:
    from astrobio.adapters.sql.engine import make_engine

    return make_engine(url)


def _readiness(settings: Settings) -> Any:
    from astrobio.bootstrap.health import ReadinessProbe

    return ReadinessProbe(settings.sqlalchemy_url, settings.redis_url)


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


def _simulator() -> ClimateSimulator:
    from astrobio.adapters.gcm.exoplasim import ExoPlaSimSimulator

    return ExoPlaSimSimulator()


def _runners(settings: Settings) -> dict[str, JobRunner]:
    from astrobio.adapters.jobs.local import LocalJobRunner
    from astrobio.adapters.jobs.slurm import SlurmJobRunner

    local = LocalJobRunner(max_parallel=settings.local_max_parallel)
    # Submission records live with the data, so any process of this deployment can follow the jobs.
    slurm = SlurmJobRunner(partition=settings.slurm_partition, state_dir=settings.data_dir / "slurm-jobs")
    return {local.name: local, slurm.name: slurm}


def _workspace(root: Path) -> RunWorkspace:
    from astrobio.adapters.workspace.local import LocalRunWorkspace

    return LocalRunWorkspace(root)


def _cube_store(settings: Settings) -> CubeStore:
    from astrobio.adapters.cubes.zarr_store import ZarrCubeStore

    return ZarrCubeStore(settings.cube_root, dask_scheduler=settings.dask_scheduler)


def _acquisition(registry: Callable[[], SurrogateRegistry]) -> RunAcquisition:
    """Active learning through the active scalar emulator (imports torch only when it picks)."""
    from astrobio.adapters.ml.acquisition import GpVarianceAcquisition

    return GpVarianceAcquisition(registry)


def _surrogate_registry(settings: Settings) -> SurrogateRegistry:
    # torch is imported by the registry only when it loads a model, not here.
    from astrobio.adapters.ml.registry import FileSurrogateRegistry

    registry: SurrogateRegistry = FileSurrogateRegistry(settings.models_dir)
    return registry


def _surrogate_trainer(settings: Settings, store: CubeStore) -> SurrogateTrainer:
    from astrobio import __version__
    from astrobio.adapters.ml.training import LightningSurrogateTrainer

    trainer: SurrogateTrainer = LightningSurrogateTrainer(store, settings.data_dir / "training", __version__)
    return trainer


def bundled_cube_set(settings: Settings) -> list[IngestClimateOutputCommand]:
    """The shared ExoPlaSim runs as ingestion commands (the example cube set)."""
    from astrobio.adapters.cubes.bundled import bundled_runs

    return [
        IngestClimateOutputCommand(sources=[str(path)], name=f"exoplasim-aquaplanet/{Path(path).stem}",
                                   parameters=params)
        for path, params in bundled_runs(settings.gcm_dir)
    ]


def _handlers(
    settings: Settings,
    ingest: providers.Factory[IngestCatalog],
    complete_sweep: providers.Factory[CompleteSweep],
    ingest_cube: providers.Factory[IngestClimateOutput],
    train_climate: providers.Factory[TrainClimateSurrogate],
    list_cubes: providers.Factory[ListCubes],
    *features: dict[str, JobHandler],
) -> dict[str, JobHandler]:
    def train_climate_surrogate(params: dict[str, Any]) -> dict[str, Any]:
        return run_training_job(train_climate(), params)

    handlers: dict[str, JobHandler] = {
        INGEST_CATALOG_JOB: IngestCatalogJob(ingest),
        CLIMATE_SWEEP_JOB: ClimateSweepJob(complete_sweep, settings.gcm_ranks),
        INGEST_BUNDLED_CUBES_JOB: IngestCubeSetJob(lambda: bundled_cube_set(settings), ingest_cube,
                                                   list_cubes),
        TRAIN_CLIMATE_JOB: train_climate_surrogate}
    for extra in features:  # the feature containers' job kinds
        clash = handlers.keys() & extra.keys()
        if clash:
            raise RuntimeError(f"job kinds registered twice: {sorted(clash)}")
        handlers.update(extra)
    return handlers


def _queue(settings: Settings, run_job: RunJob, uow_factory: UnitOfWorkFactory, clock: SystemClock,
           registry: JobRegistry) -> TaskQueue:
    if settings.redis_url:
        from astrobio.adapters.queue.arq_queue import ArqTaskQueue

        return ArqTaskQueue(settings.redis_url, settings.queue_name)
    from astrobio.adapters.queue.in_process import InProcessTaskQueue

    queue = InProcessTaskQueue(run_job.execute, retry_delay=run_job.retry_delay_s)
    # Jobs left running by a process that died (or whose outcome could not be written) come back.
    queue.start_reaper(ReapJobs(uow_factory, queue, clock, registry).execute,
                       float(settings.job_reap_interval_s))
    return queue


def _job_kinds(handlers: dict[str, JobHandler]) -> frozenset[str]:
    return frozenset(handlers)


class Container(containers.DeclarativeContainer):
    """Wire settings -> adapters -> use cases. Override any provider in tests."""

    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(_engine, settings.provided.sqlalchemy_url)
    uow_factory = providers.Singleton(_uow_factory, engine)
    #: GET /health/ready: its own small engine and threads, never queued behind requests.
    readiness = providers.Singleton(_readiness, settings)
    colours = providers.Singleton(_colours, settings.provided.colours_path)
    catalogs = providers.Singleton(_catalogs, settings)
    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidGenerator)

    # Catalog ingestion goes through the quality gate and is recorded as a dataset version.
    governance = providers.Container(GovernanceContainer, settings=settings, uow_factory=uow_factory,
                                     engine=engine)
    ingest_catalog = providers.Factory(GovernedIngestCatalog, uow_factory, catalogs, colours,
                                       governance.catalog_validator, governance.record_ingestion)
    assess_planet = providers.Factory(AssessPlanet, colours)
    # Climate surrogates. The registry is resolved lazily (.provider): ranking without a climate
    # weight never touches it.
    surrogate_registry = providers.Singleton(_surrogate_registry, settings)
    target_climate = providers.Factory(SurrogateTargetClimate, surrogate_registry.provider)
    #: Assessments of the current catalog version, computed once per version for every ranking.
    assessment_cache = providers.Singleton(AssessmentCache)
    rank_targets = providers.Factory(RankTargets, uow_factory, colours, target_climate, assessment_cache)
    list_planets = providers.Factory(ListPlanets, uow_factory)
    get_planet = providers.Factory(GetPlanet, uow_factory)
    get_job = providers.Factory(GetJob, uow_factory)

    # Climate: GCM runs, job runners, cubes.
    simulator = providers.Singleton(_simulator)
    job_runners = providers.Singleton(_runners, settings)
    workspace = providers.Singleton(_workspace, settings.provided.runs_dir)
    cube_store = providers.Singleton(_cube_store, settings)
    ingest_climate_output = providers.Factory(
        GovernedIngestClimateOutput, uow_factory, cube_store, clock, ids, governance.cube_inspector,
        governance.record_ingestion)
    list_cubes = providers.Factory(ListCubes, uow_factory)
    get_cube = providers.Factory(GetCube, uow_factory)
    export_cube_slice = providers.Factory(ExportCubeSlice, uow_factory, cube_store)
    plan_sweep = providers.Factory(PlanSweep, uow_factory, simulator, clock, ids,
                                   acquisition=providers.Factory(_acquisition, surrogate_registry.provider))
    launch_sweep = providers.Factory(LaunchSweep, uow_factory, simulator, job_runners, workspace, clock)
    poll_sweep = providers.Factory(PollSweep, uow_factory, simulator, job_runners, launch_sweep,
                                   ingest_climate_output, clock, settings.provided.max_run_attempts)
    get_sweep = providers.Factory(GetSweep, uow_factory)
    complete_sweep = providers.Factory(CompleteSweep, launch_sweep, poll_sweep, time.sleep, time.monotonic)

    surrogate_trainer = providers.Singleton(_surrogate_trainer, settings, cube_store)
    train_climate_surrogate = providers.Factory(TrainClimateSurrogate, uow_factory, surrogate_trainer,
                                                surrogate_registry)
    predict_climate = providers.Factory(PredictClimate, surrogate_registry, governance.model_provenance)
    list_surrogates = providers.Factory(ListSurrogates, surrogate_registry)
    activate_surrogate = providers.Factory(ActivateSurrogate, surrogate_registry)
    submit_training_to_batch = providers.Factory(SubmitTrainingToBatch, job_runners, workspace, ids,
                                                 python=sys.executable)

    # Feature containers (one per capability); each contributes providers and job kinds.
    pathways = providers.Container(PathwaysContainer, settings=settings, uow_factory=uow_factory,
                                   engine=engine, record_ingestion=governance.record_ingestion,
                                   validators=governance.validators)
    metabolism = providers.Container(MetabolismContainer, settings=settings, uow_factory=uow_factory,
                                     engine=engine, record_ingestion=governance.record_ingestion,
                                     validators=governance.validators)
    spectra = providers.Container(SpectraContainer, settings=settings, uow_factory=uow_factory, engine=engine)
    jwst = providers.Container(JwstContainer, settings=settings, uow_factory=uow_factory, engine=engine,
                               record_ingestion=governance.record_ingestion)
    genomes = providers.Container(GenomesContainer, settings=settings, uow_factory=uow_factory, engine=engine,
                                  record_ingestion=governance.record_ingestion,
                                  governance_repository=governance.repository,
                                  validators=governance.validators)
    pipeline = providers.Container(PipelineContainer, settings=settings, uow_factory=uow_factory,
                                   engine=engine, spectra=spectra, metabolism=metabolism,
                                   governance_repository=governance.repository)

    predict_all = providers.Factory(predict_all_modes, predict_climate, jwst.classifier.provider,
                                    jwst.denoiser.provider, jwst.retrieve_atmosphere.provider)

    # Hyperparameter search: the ``search_trials`` job runs trials of a stored Optuna study.
    search_objectives = providers.Singleton(
        SearchObjectives, settings, uow_factory, cube_store.provider,
        providers.Callable(pathways_loader, pathways.repository.provider, pathways.bundled_catalog.provider))
    search_handlers = providers.Singleton(search_job_handlers, settings, search_objectives)

    job_handlers = providers.Singleton(_handlers, settings, ingest_catalog.provider, complete_sweep.provider,
                                       ingest_climate_output.provider, train_climate_surrogate.provider,
                                       list_cubes.provider, pathways.job_handlers, metabolism.job_handlers,
                                       spectra.job_handlers,
                                       governance.job_handlers, jwst.job_handlers, genomes.job_handlers,
                                       pipeline.job_handlers, search_handlers)
    job_kinds = providers.Singleton(_job_kinds, job_handlers)
    job_registry = providers.Singleton(job_registry, settings, job_handlers)
    run_job = providers.Singleton(RunJob, uow_factory, job_registry, clock,
                                  lease=providers.Singleton(lease_policy, settings),
                                  owner=providers.Singleton(worker_identity))
    task_queue = providers.Singleton(_queue, settings, run_job, uow_factory, clock, job_registry)
    reap_jobs = providers.Factory(ReapJobs, uow_factory, task_queue, clock, job_registry)
    submit_job = providers.Factory(SubmitJob, uow_factory, task_queue, clock, ids, job_registry)
    # Shared by the HTTP API and the CLI: start the work, queue its jobs.
    submit_pipeline_run = providers.Factory(
        SubmitPipelineRun, providers.Callable(lambda uc: uc.execute, pipeline.start_run),
        providers.Callable(lambda uc: uc.chunks, pipeline.run_pipeline), submit_job)
    submit_sweep = providers.Factory(SubmitSweep, providers.Callable(lambda uc: uc.execute, plan_sweep),
                                     submit_job)


def build_container(settings: Settings) -> Container:
    """A container for one process."""
    container = Container(settings=settings)
    return container

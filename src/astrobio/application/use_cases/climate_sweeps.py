"""Plan, launch and follow GCM parameter sweeps: PlanSweep, LaunchSweep, PollSweep."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from astrobio.application.ports.acquisition import Acquisition, RunAcquisition
from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.job_runner import BatchJobSpec, BatchState, JobRunner
from astrobio.application.ports.simulator import ClimateSimulator
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.ports.workspace import RunWorkspace
from astrobio.application.use_cases.climate_cubes import IngestClimateOutput, IngestClimateOutputCommand
from astrobio.domain.climate import (
    ClimateParameters,
    ParameterRange,
    ParameterSweep,
    RunState,
    SamplingMethod,
    SimulationRun,
)
from astrobio.domain.errors import InsufficientData, InvalidQuantity, NotFound, UpstreamUnavailable


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSweepCommand:
    name: str
    ranges: dict[str, ParameterRange]
    base: ClimateParameters = field(default_factory=ClimateParameters)
    method: SamplingMethod = SamplingMethod.LATIN_HYPERCUBE
    samples: int = 4
    seed: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepStatus:
    sweep: ParameterSweep
    runs: tuple[SimulationRun, ...]
    #: for an ``active`` plan: why these runs (the acquisition's figures)
    acquisition: Acquisition | None = None

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(r.state.value for r in self.runs))

    @property
    def finished(self) -> bool:
        return all(r.finished for r in self.runs)


class PlanSweep:
    """Sample a sweep's parameter sets and record one queued run per point.

    Rules: every point must pass the simulator's own validation *before* anything is
    stored (a sweep with one impossible point is rejected whole, naming the field); the
    same name, ranges, method, samples and seed always give the same points. ``active``:
    the ``samples`` runs are those the acquisition (the active emulator's variance) picks
    from a seeded Latin-hypercube pool of the box (32 candidates per run); no model to
    judge is a 422 naming ``method``.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, simulator: ClimateSimulator, clock: Clock,
                 ids: IdGenerator, acquisition: RunAcquisition | None = None) -> None:
        self._uow_factory, self._simulator, self._clock, self._ids = uow_factory, simulator, clock, ids
        self._acquisition = acquisition

    def execute(self, command: PlanSweepCommand) -> SweepStatus:
        now = self._clock.now()
        sweep = ParameterSweep(id=self._ids.new_id(), name=command.name, ranges=dict(command.ranges),
                               base=command.base, method=command.method, samples=command.samples,
                               seed=command.seed, created_at=now)
        points = sweep.points()
        chosen: Acquisition | None = None
        if command.method is SamplingMethod.ACTIVE:
            if self._acquisition is None:
                raise InsufficientData("active sampling needs an acquisition model", field="method")
            chosen = self._acquisition.select(points, command.samples)
            points = [points[i] for i in chosen.indices]
        for i, p in enumerate(points):
            try:
                self._simulator.validate(p)
            except InvalidQuantity as exc:
                raise InvalidQuantity(f"sweep point {i}: {exc.message}", field=exc.field) from exc
        runs = tuple(
            SimulationRun(id=f"{sweep.id}-{i:04d}", parameters=p, sweep_id=sweep.id, created_at=now,
                          updated_at=now)
            for i, p in enumerate(points)
        )
        with self._uow_factory() as uow:
            uow.sweeps.add(sweep)
            for r in runs:
                uow.runs.add(r)
            uow.commit()
        return SweepStatus(sweep=sweep, runs=runs, acquisition=chosen)


def _load(uow_factory: UnitOfWorkFactory, sweep_id: str) -> SweepStatus:
    with uow_factory() as uow:
        sweep = uow.sweeps.get(sweep_id)
        if sweep is None:
            raise NotFound(f"sweep {sweep_id!r} not found", field="sweep_id")
        runs = tuple(uow.runs.for_sweep(sweep_id))
    return SweepStatus(sweep=sweep, runs=runs)


@dataclass(frozen=True, slots=True, kw_only=True)
class LaunchSweepCommand:
    sweep_id: str
    backend: str = "local"
    ranks: int = 1


class LaunchSweep:
    """Submit every queued, not-yet-submitted run of a sweep to a job runner (as one array).

    Rules: runs already submitted or finished are left alone (launching twice is
    harmless); each run gets its own work directory with its parameter file; the batch
    ids are recorded before this returns. An unreachable batch system raises
    ``UpstreamUnavailable`` and records nothing: launch again when it is back.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, simulator: ClimateSimulator,
                 runners: Mapping[str, JobRunner], workspace: RunWorkspace, clock: Clock) -> None:
        self._uow_factory, self._simulator, self._runners = uow_factory, simulator, runners
        self._workspace, self._clock = workspace, clock

    def runner(self, backend: str) -> JobRunner:
        if backend not in self._runners:
            raise InvalidQuantity(f"unknown backend {backend!r}; known: {sorted(self._runners)}",
                                  field="backend")
        return self._runners[backend]

    def spec(self, run: SimulationRun, ranks: int) -> BatchJobSpec:
        params_file = self._workspace.write_parameters(run.id, run.parameters)
        workdir = self._workspace.workdir(run.id)
        # ~9 min per model year per rank at T21 on a laptop-class core; 3x headroom, at least 30 min.
        minutes = max(30, int(3 * 9 * run.parameters.run_days / 360 / max(1, ranks) + 1))
        return BatchJobSpec(name=f"astrobio-{run.id}", workdir=workdir, cpus=ranks, time_limit_min=minutes,
                            argv=tuple(self._simulator.command(params_file, workdir, ranks=ranks)))

    def execute(self, command: LaunchSweepCommand) -> SweepStatus:
        runner = self.runner(command.backend)
        status = _load(self._uow_factory, command.sweep_id)
        todo = [r for r in status.runs if r.state is RunState.QUEUED and r.backend_job_id is None]
        if not todo:
            return status
        specs = [self.spec(r, command.ranks) for r in todo]
        job_ids = runner.submit_array(specs)
        now = self._clock.now()
        with self._uow_factory() as uow:
            for run, spec, job_id in zip(todo, specs, job_ids, strict=True):
                uow.runs.add(run.submitted(runner.name, job_id, spec.workdir, now))
            uow.commit()
        return _load(self._uow_factory, command.sweep_id)


_BATCH_TO_RUN = {BatchState.PENDING: RunState.QUEUED, BatchState.RUNNING: RunState.RUNNING}


class PollSweep:
    """Bring a sweep's runs up to date with the batch system; ingest what succeeded.

    Rules:

    * a finished batch job is judged by the outcome file the model process wrote:
      ``succeeded`` (its NetCDF is ingested into a published cube, linked to the run),
      ``crashed`` (the model blew up: final, log kept), otherwise ``failed``;
    * a ``failed`` run (infrastructure: killed, time limit, node failure, lost) is
      resubmitted while ``attempts < max_attempts``; a crashed run is not (a model crash
      is deterministic for the same parameters);
    * a job the runner no longer knows (e.g. a local pool of a process that exited) is
      judged by its outcome file alone;
    * an unreachable batch system raises ``UpstreamUnavailable``; nothing is changed and
      polling again later resumes the sweep.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, simulator: ClimateSimulator,
                 runners: Mapping[str, JobRunner], launcher: LaunchSweep, ingest: IngestClimateOutput,
                 clock: Clock, max_attempts: int = 2) -> None:
        self._uow_factory, self._simulator, self._runners = uow_factory, simulator, runners
        self._launcher, self._ingest, self._clock = launcher, ingest, clock
        self._max_attempts = max_attempts

    def _judge(self, run: SimulationRun) -> SimulationRun:
        now = self._clock.now()
        runner = self._launcher.runner(run.backend)
        assert run.backend_job_id is not None and run.workdir is not None
        status = runner.status(run.backend_job_id)
        if status.state in _BATCH_TO_RUN:
            return run.moved_to(_BATCH_TO_RUN[status.state], now)
        if status.state is BatchState.CANCELLED:
            _, tail = runner.collect(run.backend_job_id)
            return run.moved_to(RunState.CANCELLED, now, log_excerpt=tail)
        outcome = self._simulator.read_outcome(run.workdir)
        if outcome.state is RunState.SUCCEEDED:
            return run.moved_to(RunState.SUCCEEDED, now, log_excerpt=outcome.log_excerpt,
                                output_files=outcome.output_files)
        if outcome.state is RunState.CRASHED:
            return run.moved_to(RunState.CRASHED, now, log_excerpt=outcome.log_excerpt)
        detail = f"batch job {status.state.value}" + (f" ({status.detail})" if status.detail else "")
        _, tail = runner.collect(run.backend_job_id) if status.state is not BatchState.UNKNOWN else (None, "")
        return run.moved_to(RunState.FAILED, now, log_excerpt=f"{detail}\n{tail or outcome.log_excerpt}")

    def execute(self, sweep_id: str) -> SweepStatus:
        status = _load(self._uow_factory, sweep_id)
        updated: list[SimulationRun] = []
        for run in status.runs:
            if run.finished and not (run.state is RunState.SUCCEEDED and run.cube_id is None):
                continue
            if run.backend_job_id is None:
                continue  # planned, not launched
            new = run if run.finished else self._judge(run)
            if new.state is RunState.SUCCEEDED and new.cube_id is None:
                cube = self._ingest.execute(IngestClimateOutputCommand(
                    sources=new.output_files, name=f"{status.sweep.name}/{new.id}",
                    parameters=new.parameters, run_id=new.id, mapping=self._simulator.output_mapping()))
                new = new.with_cube(cube.id, self._clock.now())
            elif new.state is RunState.FAILED and new.attempts < self._max_attempts:
                # Back to the launcher's queue: a fresh submission on the next launch.
                new = replace(new, state=RunState.QUEUED, backend_job_id=None, updated_at=self._clock.now())
            if new != run:
                updated.append(new)
        if updated:
            with self._uow_factory() as uow:
                for r in updated:
                    uow.runs.add(r)
                uow.commit()
        if any(r.state is RunState.QUEUED and r.backend_job_id is None and r.attempts > 0 for r in updated):
            backend = next(r.backend for r in updated if r.state is RunState.QUEUED)
            return self._launcher.execute(LaunchSweepCommand(sweep_id=sweep_id, backend=backend))
        return _load(self._uow_factory, sweep_id)


class GetSweep:
    """A sweep and its runs; :class:`NotFound` when unknown."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, sweep_id: str) -> SweepStatus:
        return _load(self._uow_factory, sweep_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class CompleteSweepCommand:
    sweep_id: str
    backend: str = "local"
    ranks: int = 1
    poll_interval_s: float = 5.0
    timeout_s: float | None = None
    max_consecutive_outages: int = 60
    #: Called with the status after the launch and after every poll (progress display).
    on_status: Callable[[SweepStatus], None] | None = None


class CompleteSweep:
    """Launch a sweep and poll it until every run is final (the ``climate_sweep`` job).

    Rules: a batch system outage while polling is waited out (up to
    ``max_consecutive_outages`` polls in a row), after which polling resumes where it
    stopped; past ``timeout_s`` the sweep is left running and its current status returned.
    """

    def __init__(self, launch: LaunchSweep, poll: PollSweep, sleep: Callable[[float], None],
                 monotonic: Callable[[], float]) -> None:
        self._launch, self._poll, self._sleep, self._monotonic = launch, poll, sleep, monotonic

    def execute(self, command: CompleteSweepCommand) -> SweepStatus:
        start = self._monotonic()
        status = self._launch.execute(LaunchSweepCommand(sweep_id=command.sweep_id, backend=command.backend,
                                                         ranks=command.ranks))
        outages = 0
        while not status.finished:
            if command.on_status is not None:
                command.on_status(status)
            if command.timeout_s is not None and self._monotonic() - start > command.timeout_s:
                return status
            self._sleep(command.poll_interval_s)
            try:
                status = self._poll.execute(command.sweep_id)
                outages = 0
            except UpstreamUnavailable:
                outages += 1
                if outages > command.max_consecutive_outages:
                    raise
        return status

"""PlanSweep / LaunchSweep / PollSweep / CompleteSweep over scripted fakes."""

from __future__ import annotations

import pytest

from astrobio.adapters.memory.repositories import InMemoryDatabase, InMemoryUnitOfWork
from astrobio.application.ports.job_runner import BatchState
from astrobio.application.ports.simulator import SimulationOutcome
from astrobio.application.use_cases.climate_cubes import IngestClimateOutput
from astrobio.application.use_cases.climate_sweeps import (
    CompleteSweep,
    CompleteSweepCommand,
    LaunchSweep,
    LaunchSweepCommand,
    PlanSweep,
    PlanSweepCommand,
    PollSweep,
)
from astrobio.domain.climate import ClimateParameters, ParameterRange, RunState
from astrobio.domain.errors import InvalidQuantity, UpstreamUnavailable

from .climate_fakes import FakeCubeStore, FakeSimulator, FakeWorkspace, ScriptedRunner
from .fakes import CountingIds, StepClock

RANGES = {"star_teff_k": ParameterRange(low=2600.0, high=6500.0),
          "pco2_bar": ParameterRange(low=1e-4, high=0.1, log=True)}


class World:
    def __init__(self, max_attempts: int = 2) -> None:
        self.db = InMemoryDatabase()
        self.sim, self.runner, self.store = FakeSimulator(), ScriptedRunner(), FakeCubeStore()
        clock, ids = StepClock(), CountingIds()

        def uow() -> InMemoryUnitOfWork:
            return InMemoryUnitOfWork(self.db)

        self.plan = PlanSweep(uow, self.sim, clock, ids)
        self.launch = LaunchSweep(uow, self.sim, {"slurm": self.runner}, FakeWorkspace(), clock)
        self.poll = PollSweep(uow, self.sim, {"slurm": self.runner}, self.launch,
                              IngestClimateOutput(uow, self.store, clock, ids), clock, max_attempts)

    def planned(self, samples: int = 4) -> str:
        return self.plan.execute(PlanSweepCommand(name="t", ranges=RANGES, samples=samples, seed=7)).sweep.id

    def succeed(self, run_workdir: str) -> None:
        self.sim.outcomes[run_workdir] = SimulationOutcome(
            state=RunState.SUCCEEDED, output_files=(f"{run_workdir}/MOST.00000.nc",))


def test_plan_records_one_queued_run_per_point_reproducibly() -> None:
    w = World()
    a = w.plan.execute(PlanSweepCommand(name="a", ranges=RANGES, samples=4, seed=7))
    b = w.plan.execute(PlanSweepCommand(name="b", ranges=RANGES, samples=4, seed=7))
    c = w.plan.execute(PlanSweepCommand(name="c", ranges=RANGES, samples=4, seed=8))
    assert len(a.runs) == 4 and all(r.state is RunState.QUEUED for r in a.runs)
    assert [r.parameters for r in a.runs] == [r.parameters for r in b.runs]
    assert [r.parameters for r in a.runs] != [r.parameters for r in c.runs]
    teffs = sorted(r.parameters.star_teff_k for r in a.runs)
    # Latin hypercube: exactly one point in each quarter of the Teff range.
    assert [int((t - 2600) // 975) for t in teffs] == [0, 1, 2, 3]


def test_a_sweep_with_one_impossible_point_is_rejected_whole() -> None:
    w = World()
    cmd = PlanSweepCommand(name="bad", ranges=RANGES, base=ClimateParameters(run_days=5), samples=3)
    with pytest.raises(InvalidQuantity) as err:
        w.plan.execute(cmd)
    assert err.value.field == "run_days" and w.db.sweeps == {} and w.db.runs == {}


def test_launch_submits_each_queued_run_once() -> None:
    w = World()
    sid = w.planned()
    status = w.launch.execute(LaunchSweepCommand(sweep_id=sid, backend="slurm"))
    assert len(w.runner.specs) == 4 and all(r.backend_job_id and r.attempts == 1 for r in status.runs)
    w.launch.execute(LaunchSweepCommand(sweep_id=sid, backend="slurm"))
    assert len(w.runner.specs) == 4
    spec = next(iter(w.runner.specs.values()))
    assert spec.argv[0] == "fake-gcm" and spec.workdir.startswith("/runs/")
    with pytest.raises(InvalidQuantity):
        w.launch.execute(LaunchSweepCommand(sweep_id=sid, backend="pbs"))


def test_poll_ingests_successes_keeps_crash_logs_and_resubmits_failures() -> None:
    w = World(max_attempts=2)
    sid = w.planned()
    runs = w.launch.execute(LaunchSweepCommand(sweep_id=sid, backend="slurm")).runs
    ok, crash, fail, running = runs
    w.succeed(ok.workdir or "")
    w.sim.outcomes[crash.workdir or ""] = SimulationOutcome(state=RunState.CRASHED, log_excerpt="NaN in T")
    w.runner.states[ok.backend_job_id or ""] = BatchState.COMPLETED
    w.runner.states[crash.backend_job_id or ""] = BatchState.FAILED
    w.runner.states[fail.backend_job_id or ""] = BatchState.FAILED
    w.runner.states[running.backend_job_id or ""] = BatchState.RUNNING
    by_id = {r.id: r for r in w.poll.execute(sid).runs}
    assert by_id[ok.id].state is RunState.SUCCEEDED and by_id[ok.id].cube_id in w.store.cubes
    cube = w.store.cubes[by_id[ok.id].cube_id or ""]
    assert cube.run_id == ok.id and cube.parameters == ok.parameters and w.db.cubes[cube.id] == cube
    assert by_id[crash.id].state is RunState.CRASHED and "NaN in T" in by_id[crash.id].log_excerpt
    assert by_id[running.id].state is RunState.RUNNING
    # The failed run went back to the queue and was submitted again (attempt 2).
    assert by_id[fail.id].state is RunState.QUEUED and by_id[fail.id].attempts == 2
    w.runner.states[by_id[fail.id].backend_job_id or ""] = BatchState.FAILED
    again = {r.id: r for r in w.poll.execute(sid).runs}
    assert again[fail.id].state is RunState.FAILED and "batch job failed" in again[fail.id].log_excerpt
    assert again[crash.id].attempts == 1  # crashes are never resubmitted


def test_poll_judges_a_job_the_runner_forgot_by_its_outcome_file() -> None:
    w = World()
    sid = w.planned(samples=1)
    (run,) = w.launch.execute(LaunchSweepCommand(sweep_id=sid, backend="slurm")).runs
    w.runner.states.clear()  # e.g. a local pool whose process exited
    w.succeed(run.workdir or "")
    (after,) = w.poll.execute(sid).runs
    assert after.state is RunState.SUCCEEDED and after.cube_id is not None


def test_controller_outage_changes_nothing_and_the_sweep_resumes() -> None:
    w = World()
    sid = w.planned(samples=2)
    w.launch.execute(LaunchSweepCommand(sweep_id=sid, backend="slurm"))
    before = dict(w.db.runs)
    w.runner.down = True
    with pytest.raises(UpstreamUnavailable):
        w.poll.execute(sid)
    assert w.db.runs == before
    w.runner.down = False
    for r in before.values():
        w.succeed(r.workdir or "")
    w.runner.finish_all()
    assert w.poll.execute(sid).counts == {"succeeded": 2}


def test_complete_sweep_waits_out_an_outage() -> None:
    w = World()
    sid = w.planned(samples=2)
    polls = {"n": 0}

    def sleep(_: float) -> None:
        polls["n"] += 1
        w.runner.down = polls["n"] == 1  # the first poll hits a dead controller
        if polls["n"] == 2:
            for job_id, spec in w.runner.specs.items():
                w.succeed(spec.workdir)
                w.runner.states[job_id] = BatchState.COMPLETED

    done = CompleteSweep(w.launch, w.poll, sleep, lambda: 0.0).execute(
        CompleteSweepCommand(sweep_id=sid, backend="slurm", poll_interval_s=0))
    assert done.finished and done.counts == {"succeeded": 2} and polls["n"] == 2

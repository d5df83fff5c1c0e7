"""Submit… use cases: start a piece of work and queue the jobs that carry it out.

Shared by the HTTP API and the CLI, so both submit the same jobs with the same parameters (which
``SubmitJob`` validates against each kind's payload).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from astrobio.application.use_cases.climate_sweeps import PlanSweepCommand, SweepStatus
from astrobio.application.use_cases.jobs import SubmitJob, SubmitJobCommand
from astrobio.application.use_cases.pipeline import RunPipelineCommand
from astrobio.domain.job import Job
from astrobio.domain.pipeline_run import PipelineRun

PIPELINE_RUN_JOB = "pipeline_run"
PIPELINE_CHUNK_JOB = "pipeline_chunk"
CLIMATE_SWEEP_JOB = "climate_sweep"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmittedPipelineRun:
    run: PipelineRun
    jobs: tuple[Job, ...]


class SubmitPipelineRun:
    """Record a pipeline run and queue it: one ``pipeline_run`` job, or with ``fan_out`` one
    ``pipeline_chunk`` job per chunk of planets (workers then share the run)."""

    def __init__(
        self,
        start: Callable[[RunPipelineCommand], PipelineRun],
        chunks: Callable[[str], Sequence[Sequence[str]]],
        submit: SubmitJob,
    ) -> None:
        self._start, self._chunks, self._submit = start, chunks, submit

    def execute(self, command: RunPipelineCommand, *, fan_out: bool = False) -> SubmittedPipelineRun:
        run = self._start(command)
        if fan_out:
            jobs = [self._submit.execute(SubmitJobCommand(
                kind=PIPELINE_CHUNK_JOB, params={"run_id": run.id, "planets": list(c)}))
                for c in self._chunks(run.id)]
        else:
            jobs = [self._submit.execute(SubmitJobCommand(kind=PIPELINE_RUN_JOB, params={"run_id": run.id}))]
        return SubmittedPipelineRun(run=run, jobs=tuple(jobs))


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitSweepCommand:
    sweep: PlanSweepCommand
    backend: str = "local"
    ranks: int | None = None
    poll_interval_s: float = 5.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmittedSweep:
    status: SweepStatus
    job: Job


class SubmitSweep:
    """Plan a GCM sweep (every point validated, one queued run each) and queue the
    ``climate_sweep`` job that launches, polls and ingests its runs."""

    def __init__(self, plan: Callable[[PlanSweepCommand], SweepStatus], submit: SubmitJob) -> None:
        self._plan, self._submit = plan, submit

    def execute(self, command: SubmitSweepCommand) -> SubmittedSweep:
        status = self._plan(command.sweep)
        params: dict[str, object] = {"sweep_id": status.sweep.id, "backend": command.backend,
                                     "poll_interval_s": command.poll_interval_s}
        if command.ranks is not None:
            params["ranks"] = command.ranks
        job = self._submit.execute(SubmitJobCommand(kind=CLIMATE_SWEEP_JOB, params=params))
        return SubmittedSweep(status=status, job=job)

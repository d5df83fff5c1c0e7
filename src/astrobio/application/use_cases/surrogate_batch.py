"""SubmitTrainingToBatch: run ``astrobio train climate`` as a batch job (SLURM or the local pool)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from astrobio.application.ports.clock import IdGenerator
from astrobio.application.ports.job_runner import BatchJobSpec, JobRunner
from astrobio.application.ports.workspace import RunWorkspace
from astrobio.application.use_cases.surrogates import TrainingJobParams
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.surrogate import SurrogateMode

#: The module that runs the CLI (``python -m`` works where no ``astrobio`` script is installed).
CLI_MODULE = "astrobio.entrypoints.cli.main"


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitTrainingToBatchCommand:
    params: TrainingJobParams
    backend: str = "slurm"
    cpus: int = 8
    mem_mb: int = 32000
    time_limit_min: int = 240
    gpus: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmittedTraining:
    backend: str
    job_id: str
    spec: BatchJobSpec


def training_argv(python: str, p: TrainingJobParams) -> tuple[str, ...]:
    """``python -m astrobio.entrypoints.cli.main train climate ...`` reproducing ``p`` exactly."""
    mode = "both" if set(p.modes) == set(SurrogateMode) else p.modes[0].value
    argv = [python, "-m", CLI_MODULE, "train", "climate", "--cubes", ",".join(p.cubes) if p.cubes else "all",
            "--mode", mode]
    for name, value in sorted(p.config.items()):
        argv += [f"--{name.replace('_', '-')}", str(value)]
    if not p.activate:
        argv.append("--no-activate")
    return (*argv, "--json")


class SubmitTrainingToBatch:
    """Submit surrogate training to a batch system instead of running it in this process.

    Rules: the job runs the same CLI command a person would (``train climate`` with every
    option spelled out, ``--json`` so its log ends with the model cards), in its own work
    directory (``train-<id>``) of the run workspace, with the requested CPUs, memory and time;
    it reads the same ``ASTROBIO_*`` settings (SLURM exports the submitter's environment),
    so it sees the same database and cube store and registers into the same model registry.
    Follow it with the runner's status / log (``<workdir>/job.log``). An unknown backend is a
    422 naming ``backend``.
    """

    def __init__(self, runners: Mapping[str, JobRunner], workspace: RunWorkspace, ids: IdGenerator,
                 python: str = "python") -> None:
        self._runners, self._workspace, self._ids, self._python = runners, workspace, ids, python

    def execute(self, command: SubmitTrainingToBatchCommand) -> SubmittedTraining:
        runner = self._runners.get(command.backend)
        if runner is None:
            raise InvalidQuantity(f"unknown backend {command.backend!r}; known: {sorted(self._runners)}",
                                  field="backend")
        for name in ("cpus", "mem_mb", "time_limit_min"):
            if getattr(command, name) < 1:
                raise InvalidQuantity(f"{name} must be >= 1", field=name)
        if command.gpus < 0:
            raise InvalidQuantity("gpus must be >= 0", field="gpus")
        name = f"train-{self._ids.new_id()}"
        spec = BatchJobSpec(name=f"astrobio-{name}", argv=training_argv(self._python, command.params),
                            workdir=self._workspace.workdir(name), cpus=command.cpus, mem_mb=command.mem_mb,
                            time_limit_min=command.time_limit_min, gpus=command.gpus)
        return SubmittedTraining(backend=runner.name, job_id=runner.submit(spec), spec=spec)

"""Scripted fakes for the climate use cases (simulator, runner, workspace, cube store)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from astrobio.application.ports.cube_store import CubeStore, ExportFormat, VariableMapping
from astrobio.application.ports.job_runner import BatchJobSpec, BatchState, BatchStatus, JobRunner
from astrobio.application.ports.simulator import ClimateSimulator, SimulationOutcome
from astrobio.application.ports.workspace import RunWorkspace
from astrobio.domain.climate import ClimateCube, ClimateParameters, CubeVariable, GridSpec, RunState
from astrobio.domain.errors import InvalidQuantity, UpstreamUnavailable


class FakeSimulator(ClimateSimulator):
    def __init__(self) -> None:
        self.outcomes: dict[str, SimulationOutcome] = {}

    @property
    def name(self) -> str:
        return "fake-gcm"

    def validate(self, params: ClimateParameters) -> None:
        if params.run_days < 10:
            raise InvalidQuantity("run_days must be >= 10 for the fake model", field="run_days")

    def command(self, params_file: str, workdir: str, *, ranks: int = 1) -> list[str]:
        return ["fake-gcm", params_file, workdir, str(ranks)]

    def output_mapping(self) -> VariableMapping | None:
        return None

    def read_outcome(self, workdir: str) -> SimulationOutcome:
        return self.outcomes.get(workdir, SimulationOutcome(state=RunState.FAILED, log_excerpt="no outcome"))


class FakeWorkspace(RunWorkspace):
    def workdir(self, run_id: str) -> str:
        return f"/runs/{run_id}"

    def write_parameters(self, run_id: str, params: ClimateParameters) -> str:
        return f"/runs/{run_id}/params.json"


class ScriptedRunner(JobRunner):
    """Jobs stay in whatever state the test sets; ``down`` simulates an unreachable controller."""

    def __init__(self, name: str = "slurm") -> None:
        self._name = name
        self.specs: dict[str, BatchJobSpec] = {}
        self.states: dict[str, BatchState] = {}
        self.down = False
        self._n = 0

    @property
    def name(self) -> str:
        return self._name

    def _check(self) -> None:
        if self.down:
            raise UpstreamUnavailable("slurm", "Unable to contact slurm controller")

    def submit(self, spec: BatchJobSpec) -> str:
        return self.submit_array([spec])[0]

    def submit_array(self, specs: Sequence[BatchJobSpec]) -> list[str]:
        self._check()
        self._n += 1
        ids = [f"{self._n}_{i}" for i in range(len(specs))]
        for job_id, spec in zip(ids, specs, strict=True):
            self.specs[job_id] = spec
            self.states[job_id] = BatchState.PENDING
        return ids

    def status(self, job_id: str) -> BatchStatus:
        self._check()
        return BatchStatus(job_id=job_id, state=self.states.get(job_id, BatchState.UNKNOWN))

    def cancel(self, job_id: str) -> None:
        self.states[job_id] = BatchState.CANCELLED

    def collect(self, job_id: str, *, tail_lines: int = 50) -> tuple[BatchStatus, str]:
        return self.status(job_id), f"log of {job_id}"

    def finish_all(self, state: BatchState = BatchState.COMPLETED) -> None:
        for k, v in self.states.items():
            if v in (BatchState.PENDING, BatchState.RUNNING):
                self.states[k] = state


class FakeCubeStore(CubeStore):
    def __init__(self) -> None:
        self.cubes: dict[str, ClimateCube] = {}
        self.fail_next = False

    def ingest(self, sources: Sequence[str], *, cube_id: str, name: str, parameters: ClimateParameters | None,
               mapping: VariableMapping | None, run_id: str | None, now: datetime) -> ClimateCube:
        cube = ClimateCube(
            id=cube_id, name=name, uri=f"mem://{cube_id}",
            grid=GridSpec(lat_deg=(0.0,), lon_deg=(0.0,), lev=(1.0,), n_time=1),
            variables=(CubeVariable(name="ts", units="K", dims=("time", "lat", "lon")),),
            parameters=parameters, time_units="", checksum="0" * 64, source_files=tuple(sources),
            source_checksums=tuple("0" * 64 for _ in sources), source_format="fake", run_id=run_id,
            created_at=now)
        self.cubes[cube_id] = cube
        return cube

    def read(self, cube: ClimateCube, variable: str, *, time: int | None = None,
             lev: int | None = None) -> np.ndarray:
        return np.zeros((1, 1))

    def export(self, cube: ClimateCube, variable: str, *, time: int | None = None, lev: int | None = None,
               fmt: ExportFormat = "netcdf") -> bytes:
        return b"CDF"

    def verify(self, cube: ClimateCube) -> bool:
        return True

    def delete(self, cube: ClimateCube) -> None:
        self.cubes.pop(cube.id, None)

"""Core job handlers are idempotent: a retried job does not duplicate the work of an earlier attempt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from astrobio.application.use_cases.climate_cubes import IngestClimateOutputCommand
from astrobio.application.use_cases.core_jobs import IngestCubeSetJob


@dataclass
class _Cube:
    id: str
    name: str


@dataclass
class _Page:
    items: list[_Cube]


class _Registered:
    def __init__(self, cubes: list[_Cube]) -> None:
        self.cubes = cubes

    def execute(self, offset: int = 0, limit: int = 100) -> _Page:
        return _Page(items=list(self.cubes))


class _Ingest:
    def __init__(self, registered: _Registered) -> None:
        self.registered, self.calls = registered, 0

    def execute(self, command: IngestClimateOutputCommand) -> _Cube:
        self.calls += 1
        cube = _Cube(id=f"c{self.calls}", name=command.name)
        self.registered.cubes.append(cube)
        return cube


def test_a_retried_cube_set_job_skips_the_cubes_an_earlier_attempt_registered() -> None:
    commands = [IngestClimateOutputCommand(sources=[f"/runs/{n}.nc"], name=n) for n in ("a", "b", "c")]
    registered = _Registered([_Cube(id="old-a", name="a")])  # attempt 1 died after cube "a"
    ingest = _Ingest(registered)
    job = IngestCubeSetJob(lambda: commands, lambda: ingest, lambda: registered)  # type: ignore[arg-type,return-value]
    first: dict[str, Any] = job({})
    assert first == {"cubes": ["old-a", "c1", "c2"], "count": 3} and ingest.calls == 2
    again: dict[str, Any] = job({})
    assert again == first and ingest.calls == 2

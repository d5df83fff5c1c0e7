"""The climate model port."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from astrobio.application.ports.cube_store import VariableMapping
from astrobio.domain.climate import ClimateParameters, RunState


@dataclass(frozen=True, slots=True, kw_only=True)
class SimulationOutcome:
    """How one model run ended: ``succeeded`` (with output files) or ``crashed`` (with its log)."""

    state: RunState
    output_files: tuple[str, ...] = ()
    log_excerpt: str = ""
    wall_seconds: float = 0.0


class ClimateSimulator(Protocol):
    """A GCM that turns :class:`ClimateParameters` into NetCDF output in a work directory."""

    @property
    def name(self) -> str: ...

    def validate(self, params: ClimateParameters) -> None:
        """Raise :class:`~astrobio.domain.errors.InvalidQuantity` for a configuration the model
        cannot run (checked before anything is submitted)."""
        ...

    def command(self, params_file: str, workdir: str, *, ranks: int = 1) -> list[str]:
        """The argv that runs ONE model in its own process (what a job runner executes).

        The process reads the parameters from ``params_file`` (JSON of
        ``ClimateParameters.to_dict()``), works only inside ``workdir`` and writes
        ``workdir/outcome.json`` (a :class:`SimulationOutcome`) before it exits.
        """
        ...

    def output_mapping(self) -> VariableMapping | None:
        """How the model's output maps onto a cube (names, dims, which variables to keep)."""
        ...

    def read_outcome(self, workdir: str) -> SimulationOutcome:
        """The outcome a finished process left in ``workdir`` (``failed`` if there is none)."""
        ...

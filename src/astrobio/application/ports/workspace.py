"""Where runs keep their files (parameters in, model output and logs out)."""

from __future__ import annotations

from typing import Protocol

from astrobio.domain.climate import ClimateParameters


class RunWorkspace(Protocol):
    """One directory per simulation run, visible to every job runner (shared FS for SLURM)."""

    def workdir(self, run_id: str) -> str:
        """The run's directory (created if missing)."""
        ...

    def write_parameters(self, run_id: str, params: ClimateParameters) -> str:
        """Write the run's parameter file atomically; returns its path."""
        ...

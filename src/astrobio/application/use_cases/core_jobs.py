"""The handlers of the core job kinds: catalog ingestion, GCM sweeps, the bundled cube set.

Each takes the job's validated parameters (see the kind's payload) and returns a JSON-ready
result. Each is idempotent: a retried job (a lost worker, an unavailable upstream) finishes the
work of an earlier attempt without duplicating it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from astrobio.application.use_cases.climate_cubes import (
    IngestClimateOutput,
    IngestClimateOutputCommand,
    ListCubes,
)
from astrobio.application.use_cases.climate_sweeps import CompleteSweep, CompleteSweepCommand
from astrobio.application.use_cases.ingest_catalog import IngestCatalog, IngestCatalogCommand
from astrobio.domain.catalog import IngestReport


def report_to_dict(report: IngestReport) -> dict[str, Any]:
    """JSON-ready summary of an ingestion, stored as a job result."""
    return {
        "source": report.source,
        "read": report.read,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected_count": len(report.rejected),
        "rejected": [{"line": r.line, "name": r.name, "reason": r.reason} for r in report.rejected],
    }


class IngestCatalogJob:
    """``ingest_catalog``: ingest a snapshot (re-ingesting the same content changes nothing)."""

    def __init__(self, ingest: Callable[[], IngestCatalog]) -> None:
        self._ingest = ingest

    def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        command = IngestCatalogCommand(source=str(params.get("source", "bundled")))
        return report_to_dict(self._ingest().execute(command))


class ClimateSweepJob:
    """``climate_sweep``: launch, poll and ingest the runs of a planned sweep (a retried job
    resumes: runs already done keep their one cube)."""

    def __init__(self, complete: Callable[[], CompleteSweep], default_ranks: int) -> None:
        self._complete, self._ranks = complete, default_ranks

    def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        timeout = params.get("timeout_s")
        status = self._complete().execute(CompleteSweepCommand(
            sweep_id=str(params["sweep_id"]), backend=str(params.get("backend", "local")),
            ranks=int(params.get("ranks") or self._ranks),
            poll_interval_s=float(params.get("poll_interval_s", 5.0)),
            timeout_s=None if timeout is None else float(timeout)))
        return {"sweep_id": status.sweep.id, "finished": status.finished, "counts": status.counts,
                "cubes": [r.cube_id for r in status.runs if r.cube_id]}


class IngestCubeSetJob:
    """``ingest_bundled_cubes``: ingest a set of GCM outputs, skipping cubes already registered
    under the same name (so a retried job does not register a second copy)."""

    def __init__(self, commands: Callable[[], Sequence[IngestClimateOutputCommand]],
                 ingest: Callable[[], IngestClimateOutput], list_cubes: Callable[[], ListCubes]) -> None:
        self._commands, self._ingest, self._list = commands, ingest, list_cubes

    def __call__(self, params: dict[str, Any]) -> dict[str, Any]:
        have = {c.name: c.id for c in self._list().execute(limit=1000).items}
        cubes = [have.get(c.name) or self._ingest().execute(c).id for c in self._commands()]
        return {"cubes": cubes, "count": len(cubes)}

"""In-memory :class:`~astrobio.application.ports.pipeline.PipelineRunRepository` (the fake for unit tests)."""

from __future__ import annotations

from collections.abc import Sequence

from astrobio.application.ports.pipeline import PipelineRunRepository
from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.errors import NotFound
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult, RunStatus


class InMemoryPipelineRunRepository(PipelineRunRepository):
    def __init__(self) -> None:
        self._runs: dict[str, PipelineRun] = {}
        self._results: dict[tuple[str, str], PlanetResult] = {}

    def add_run(self, run: PipelineRun) -> None:
        self._runs[run.id] = run

    def get_run(self, run_id: str) -> PipelineRun | None:
        return self._runs.get(run_id)

    def latest_completed(self) -> PipelineRun | None:
        done = [r for r in self._runs.values() if r.status is RunStatus.COMPLETED]
        return max(done, key=lambda r: (r.updated_at, r.id), default=None)

    def add_results(self, results: Sequence[PlanetResult]) -> None:
        for r in results:
            if r.run_id not in self._runs:
                raise NotFound(f"pipeline run {r.run_id!r} not found", field="run_id")
        for r in results:
            self._results[(r.run_id, r.planet_name)] = r

    def results(
        self,
        run_id: str,
        *,
        verdicts: Sequence[Verdict] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> Sequence[PlanetResult]:
        rows = [
            r
            for (rid, _), r in self._results.items()
            if rid == run_id and (verdicts is None or r.verdict in verdicts)
        ]
        rows.sort(key=lambda r: (r.potential is None, -(r.potential or 0.0), r.planet_name))
        return rows[offset:] if limit is None else rows[offset : offset + limit]

    def counts(self, run_id: str) -> dict[str, int]:
        out: dict[str, int] = {}
        for (rid, _), r in self._results.items():
            if rid == run_id:
                out[r.verdict.value] = out.get(r.verdict.value, 0) + 1
        return out

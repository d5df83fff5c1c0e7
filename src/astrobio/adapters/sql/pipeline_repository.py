"""SQL :class:`~astrobio.application.ports.pipeline.PipelineRunRepository` (SQLite, PostgreSQL).

One transaction per call (``engine.begin()``); a chunk of results is one transaction, so a chunk is
stored whole or not at all. Results are ordered in SQL: potential descending, NULLs last, then name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from astrobio.adapters.sql.pipeline_tables import pipeline_results, pipeline_runs
from astrobio.adapters.sql.repositories import _upsert
from astrobio.adapters.sql.transaction import begin, connect
from astrobio.application.ports.pipeline import PipelineRunRepository
from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.errors import NotFound, UpstreamUnavailable
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult, RunStatus


def run_to_row(r: PipelineRun) -> dict[str, Any]:
    return {
        "id": r.id,
        "status": r.status.value,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
        "options": dict(r.options),
        "planets": None if r.planets is None else list(r.planets),
        "n_planets": r.n_planets,
        "n_done": r.n_done,
        "n_failed": r.n_failed,
        "provenance": dict(r.provenance),
        "error": r.error,
    }


def run_from_row(row: sa.Row[Any]) -> PipelineRun:
    return PipelineRun(
        id=row.id,
        status=RunStatus(row.status),
        created_at=row.created_at,
        updated_at=row.updated_at,
        options=dict(row.options),
        planets=None if row.planets is None else tuple(row.planets),
        n_planets=row.n_planets,
        n_done=row.n_done,
        n_failed=row.n_failed,
        provenance=dict(row.provenance),
        error=row.error,
    )


def result_to_row(r: PlanetResult) -> dict[str, Any]:
    return {
        "run_id": r.run_id,
        "planet_name": r.planet_name,
        "verdict": r.verdict.value,
        "potential": r.potential,
        "habitability": r.habitability,
        "detectability": r.detectability,
        "certainty": r.certainty,
        "summary": dict(r.summary),
        "stages": dict(r.stages),
        "provenance": dict(r.provenance),
        "error": r.error,
    }


def result_from_row(row: sa.Row[Any]) -> PlanetResult:
    return PlanetResult(
        run_id=row.run_id,
        planet_name=row.planet_name,
        verdict=Verdict(row.verdict),
        potential=row.potential,
        habitability=row.habitability,
        detectability=row.detectability,
        certainty=row.certainty,
        summary=dict(row.summary),
        stages=dict(row.stages),
        provenance=dict(row.provenance),
        error=row.error,
    )


class SqlPipelineRunRepository(PipelineRunRepository):
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    @contextmanager
    def _conn(self, write: bool) -> Iterator[sa.Connection]:
        try:
            with begin(self._engine) if write else connect(self._engine) as conn:
                yield conn
        except sa.exc.OperationalError as exc:
            raise UpstreamUnavailable("database", str(exc.orig)) from exc

    def add_run(self, run: PipelineRun) -> None:
        with self._conn(True) as conn:
            conn.execute(_upsert(conn, pipeline_runs), [run_to_row(run)])

    def get_run(self, run_id: str) -> PipelineRun | None:
        with self._conn(False) as conn:
            row = conn.execute(sa.select(pipeline_runs).where(pipeline_runs.c.id == run_id)).first()
        return None if row is None else run_from_row(row)

    def latest_completed(self) -> PipelineRun | None:
        q = (
            sa.select(pipeline_runs)
            .where(pipeline_runs.c.status == RunStatus.COMPLETED.value)
            .order_by(pipeline_runs.c.updated_at.desc(), pipeline_runs.c.id.desc())
            .limit(1)
        )
        with self._conn(False) as conn:
            row = conn.execute(q).first()
        return None if row is None else run_from_row(row)

    def add_results(self, results: Sequence[PlanetResult]) -> None:
        if not results:
            return
        try:
            with self._conn(True) as conn:
                conn.execute(_upsert(conn, pipeline_results), [result_to_row(r) for r in results])
        except sa.exc.IntegrityError as exc:  # the foreign key: results of a run that is not stored
            raise NotFound(f"pipeline run {results[0].run_id!r} not found", field="run_id") from exc

    def results(
        self,
        run_id: str,
        *,
        verdicts: Sequence[Verdict] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> Sequence[PlanetResult]:
        c = pipeline_results.c
        q = sa.select(pipeline_results).where(c.run_id == run_id)
        if verdicts is not None:
            q = q.where(c.verdict.in_([v.value for v in verdicts]))
        q = q.order_by(c.potential.desc().nulls_last(), c.planet_name).offset(offset)
        if limit is not None:
            q = q.limit(limit)
        with self._conn(False) as conn:
            rows = conn.execute(q).all()
        return [result_from_row(r) for r in rows]

    def counts(self, run_id: str) -> dict[str, int]:
        c = pipeline_results.c
        q = sa.select(c.verdict, sa.func.count()).where(c.run_id == run_id).group_by(c.verdict)
        with self._conn(False) as conn:
            return {str(v): int(n) for v, n in conn.execute(q).all()}

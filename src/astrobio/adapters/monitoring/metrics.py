"""Prometheus metrics (prometheus-client): one registry per process, exposed at ``GET /metrics``.

Two kinds of series:

* **observed in this process** (histograms and counters updated as things happen):
  ``astrobio_http_request_duration_seconds{method,route,status}`` (``route`` is the route
  template, ``/planets/{name:str}``, never the raw path, so cardinality stays bounded),
  ``astrobio_inference_duration_seconds{model}``, ``astrobio_audit_append_failures_total``;
* **read from the database at scrape time** (:class:`SqlStateCollector`, so every API replica
  reports the same totals whichever worker ran the job): ``astrobio_jobs{kind,state}``,
  ``astrobio_job_duration_seconds{kind,state}`` (a summary: ``_count``/``_sum`` of finished
  jobs, ``started_at`` to ``updated_at``), ``astrobio_dataset_versions{kind,grade}``,
  ``astrobio_ingestions_held{kind}`` (versions held back by the quality gate),
  ``astrobio_simulation_runs{backend,state}`` (SLURM / local GCM runs) and
  ``astrobio_metrics_database_up`` (0 when the scrape could not read the database; the
  scrape itself still answers 200).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric, SummaryMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
#: The audit log event the HTTP edge logs when an audit entry cannot be written.
AUDIT_FAILED_EVENT = "audit.append_failed"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

_log = logging.getLogger("astrobio.metrics")
#: Every metric family this module exposes (dashboards and alert rules may use only these).
SERIES = ("astrobio_http_request_duration_seconds", "astrobio_inference_duration_seconds",
          "astrobio_audit_append_failures", "astrobio_metrics_database_up", "astrobio_jobs",
          "astrobio_job_duration_seconds", "astrobio_dataset_versions", "astrobio_ingestions_held",
          "astrobio_simulation_runs")

REGISTRY = CollectorRegistry(auto_describe=False)
HTTP_LATENCY = Histogram(
    "astrobio_http_request_duration_seconds", "HTTP request latency by route template, method and status",
    ["method", "route", "status"], buckets=_LATENCY_BUCKETS, registry=REGISTRY)
INFERENCE_LATENCY = Histogram(
    "astrobio_inference_duration_seconds", "Model inference latency per model kind (scalar, datacube, "
    "multiclass, jwst, retrieval)", ["model"], buckets=_LATENCY_BUCKETS, registry=REGISTRY)
AUDIT_FAILURES = Counter(
    "astrobio_audit_append_failures", "Audit entries that could not be appended", registry=REGISTRY)


def observe_http(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_LATENCY.labels(method=method, route=route, status=str(status)).observe(seconds)


def observe_inference(model: str, seconds: float) -> None:
    INFERENCE_LATENCY.labels(model=model).observe(seconds)


def count_audit_failures(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """structlog processor: counts :data:`AUDIT_FAILED_EVENT` lines, passes every event on."""
    if event_dict.get("event") == AUDIT_FAILED_EVENT:
        AUDIT_FAILURES.inc()
    return event_dict


class SqlStateCollector(Collector):
    """Gauges of jobs, dataset versions and GCM runs, counted in the database at scrape time."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def describe(self) -> list[Metric]:
        return []  # collected lazily: nothing to query at registration

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("astrobio_metrics_database_up", "1 when this scrape could read the database")
        try:
            metrics = self._read()
        except Exception as exc:  # a scrape never fails because the database is away
            _log.warning("metrics.database_unavailable: %s", exc)
            up.add_metric([], 0.0)
            yield up
            return
        up.add_metric([], 1.0)
        yield up
        yield from metrics

    def _read(self) -> list[Metric]:
        import sqlalchemy as sa

        from astrobio.adapters.governance.codec import report_from_json
        from astrobio.adapters.sql.governance_tables import governance_datasets, governance_versions
        from astrobio.adapters.sql.tables import jobs, runs

        jobs_g = GaugeMetricFamily("astrobio_jobs", "Jobs by kind and state", labels=["kind", "state"])
        dur = SummaryMetricFamily("astrobio_job_duration_seconds",
                                  "Run time of finished jobs (started to last update)",
                                  labels=["kind", "state"])
        versions = GaugeMetricFamily("astrobio_dataset_versions",
                                     "Dataset versions by kind and quality grade", labels=["kind", "grade"])
        held = GaugeMetricFamily("astrobio_ingestions_held",
                                 "Dataset versions held back by the quality gate (unpublished)",
                                 labels=["kind"])
        run_g = GaugeMetricFamily("astrobio_simulation_runs", "GCM runs by backend (slurm, local) and state",
                                  labels=["backend", "state"])
        with self._engine.connect() as conn:
            j, r = jobs.c, runs.c
            by_state = sa.select(j.kind, j.state, sa.func.count()).group_by(j.kind, j.state)
            for kind, state, n in conn.execute(by_state):
                jobs_g.add_metric([kind, state], float(n))
            totals: dict[tuple[str, str], tuple[int, float]] = {}
            for kind, state, started, updated in conn.execute(
                    sa.select(jobs.c.kind, jobs.c.state, jobs.c.started_at, jobs.c.updated_at).where(
                        jobs.c.state.in_(("succeeded", "failed")), jobs.c.started_at.is_not(None))):
                count, total = totals.get((kind, state), (0, 0.0))
                totals[(kind, state)] = (count + 1, total + max(0.0, (updated - started).total_seconds()))
            for (kind, state), (count, total) in sorted(totals.items()):
                dur.add_metric([kind, state], count_value=count, sum_value=total)
            grades: dict[tuple[str, str], int] = {}
            held_by_kind: dict[str, int] = {}
            for kind, quality, published in conn.execute(
                    sa.select(governance_datasets.c.kind, governance_versions.c.quality,
                              governance_versions.c.published).join(
                        governance_datasets, governance_datasets.c.id == governance_versions.c.dataset_id)):
                grade = report_from_json(quality).grade
                grades[(kind, grade)] = grades.get((kind, grade), 0) + 1
                held_by_kind.setdefault(kind, 0)
                if not published:
                    held_by_kind[kind] += 1
            for (kind, grade), n in sorted(grades.items()):
                versions.add_metric([kind, grade], float(n))
            for kind, n in sorted(held_by_kind.items()):
                held.add_metric([kind], float(n))
            by_run = sa.select(r.backend, r.state, sa.func.count()).group_by(r.backend, r.state)
            for backend, state, n in conn.execute(by_run):
                run_g.add_metric([backend, state], float(n))
        return [jobs_g, dur, versions, held, run_g]


_collectors: dict[int, SqlStateCollector] = {}


def register_database(engine: Any) -> None:
    """Count the database's jobs, versions and runs at each scrape (once per engine)."""
    if id(engine) in _collectors:
        return
    for old in list(_collectors.values()):  # one database per process: a new engine replaces the old
        REGISTRY.unregister(old)
    _collectors.clear()
    collector = SqlStateCollector(engine)
    REGISTRY.register(collector)
    _collectors[id(engine)] = collector


def exposition() -> bytes:
    """The registry in the Prometheus text format."""
    return generate_latest(REGISTRY)

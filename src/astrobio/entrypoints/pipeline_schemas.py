"""msgspec DTOs of ``/pipeline/runs`` and of ``POST /rank`` with ``by: biosignature``."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

import msgspec

from astrobio.application.use_cases.pipeline import (
    DEFAULT_MODES,
    BiosignatureRanking,
    RankByBiosignatureCommand,
    RunPipelineCommand,
    RunView,
)
from astrobio.application.use_cases.potential_uncertainty import DEFAULT_DRAWS
from astrobio.domain.biosignature_ranking import REFERENCE_TRANSITS
from astrobio.domain.jwst_feasibility import PROGRAMME_TRANSITS
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult
from astrobio.domain.ranking import HzFilter


class PipelineRunBody(msgspec.Struct, forbid_unknown_fields=True):
    """Input of ``POST /pipeline/runs``: ``planets`` a list of stored planet names, or ``"all"``.

    ``fan_out`` true queues one ``pipeline_chunk`` job per ``chunk_size`` planets (for several
    workers) instead of one ``pipeline_run`` job.
    """
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("two stored planets, fixed modern-Earth fluxes",
         {"planets": ["TRAPPIST-1 e", "LHS 1140 b"], "metabolism": "fixed"}),
    ]

    planets: list[str] | Literal["all"]
    modes: list[str] | None = None
    n_transits: Annotated[int, msgspec.Meta(ge=1, le=10000)] = REFERENCE_TRANSITS
    metabolism: Literal["fba", "fixed"] = "fba"
    chunk_size: Annotated[int, msgspec.Meta(ge=1, le=100000)] = 500
    fan_out: bool = False
    #: Programme cap on the transits co-added per target (beyond it transits earn nothing).
    max_transits: Annotated[int, msgspec.Meta(ge=1, le=10000)] = PROGRAMME_TRANSITS
    #: Monte Carlo draws per modelled planet (median, 16-84 % interval, P(top 10)).
    n_draws: Annotated[int, msgspec.Meta(ge=1, le=4096)] = DEFAULT_DRAWS

    def to_command(self) -> RunPipelineCommand:
        return RunPipelineCommand(
            planets=None if self.planets == "all" else tuple(self.planets),
            modes=DEFAULT_MODES if self.modes is None else tuple(self.modes),
            n_transits=self.n_transits,
            metabolism=self.metabolism,
            chunk_size=self.chunk_size,
            max_transits=self.max_transits,
            n_draws=self.n_draws,
        )


def _interval(summary: dict[str, Any]) -> list[float] | None:
    lo, hi = summary.get("potential_p16"), summary.get("potential_p84")
    return None if lo is None or hi is None else [float(lo), float(hi)]


class PlanetResultRead(msgspec.Struct, omit_defaults=True):
    """One planet's result; ``stages`` (spectrum, noise...) only when asked for (``?stages=true``)."""

    planet_name: str
    verdict: str
    potential: float | None = None
    habitability: float | None = None
    detectability: float | None = None
    certainty: float | None = None  # runs before the Monte Carlo only
    #: Median and 16-84 % interval of the potential over the Monte Carlo draws; P(in the top 10).
    potential_median: float | None = None
    potential_interval: list[float] | None = None
    p_top10: float | None = None
    p_habitable: float | None = None
    summary: dict[str, Any] = {}
    provenance: dict[str, Any] = {}
    error: str | None = None
    stages: dict[str, Any] | None = None

    @classmethod
    def from_domain(cls, r: PlanetResult, *, stages: bool = False) -> PlanetResultRead:
        return cls(
            planet_name=r.planet_name,
            verdict=r.verdict.value,
            potential=r.potential,
            habitability=r.habitability,
            detectability=r.detectability,
            certainty=r.certainty,
            potential_median=r.summary.get("potential_median"),
            potential_interval=_interval(r.summary),
            p_top10=r.summary.get("p_top10"),
            p_habitable=r.summary.get("p_habitable"),
            summary=dict(r.summary),
            provenance=dict(r.provenance),
            error=r.error,
            stages=dict(r.stages) if stages else None,
        )


class PipelineRunRead(msgspec.Struct, omit_defaults=True):
    """A run: status, counts by verdict, modelled planets by potential, failures; ``job_ids`` if submitted."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("a finished run over two planets",
         {
             "id": "run-7c1e",
             "status": "succeeded",
             "created_at": "2026-12-04T11:00:00Z",
             "updated_at": "2026-12-04T11:04:12Z",
             "options": {"mode": "fast"},
             "n_planets": 2,
             "n_done": 2,
             "n_failed": 0,
             "provenance": {"code_version": "0.1.0"},
             "planets": ["TRAPPIST-1 e", "LHS 1140 b"],
             "counts": {"succeeded": 2},
             "ranked": [
                 {
                     "planet_name": "TRAPPIST-1 e",
                     "verdict": "candidate",
                     "potential": 0.34,
                     "habitability": 0.71,
                     "detectability": 0.48,
                     "certainty": 0.6,
                 },
             ],
             "failures": [],
             "job_ids": ["job-91ab", "job-91ac"],
         }),
    ]

    id: str
    status: str
    created_at: datetime
    updated_at: datetime
    options: dict[str, Any]
    n_planets: int
    n_done: int
    n_failed: int
    provenance: dict[str, Any]
    planets: list[str] | None = None
    error: str | None = None
    counts: dict[str, int] = {}
    ranked: list[PlanetResultRead] = []
    failures: list[PlanetResultRead] = []
    job_ids: list[str] = []

    @classmethod
    def from_run(cls, run: PipelineRun, *, job_ids: list[str] | None = None) -> PipelineRunRead:
        return cls(
            id=run.id,
            status=run.status.value,
            created_at=run.created_at,
            updated_at=run.updated_at,
            options=dict(run.options),
            n_planets=run.n_planets,
            n_done=run.n_done,
            n_failed=run.n_failed,
            provenance=dict(run.provenance),
            planets=None if run.planets is None else list(run.planets),
            error=run.error,
            job_ids=job_ids or [],
        )

    @classmethod
    def from_view(cls, view: RunView, *, stages: bool = False) -> PipelineRunRead:
        out = cls.from_run(view.run)
        out.counts = dict(view.counts)
        out.ranked = [PlanetResultRead.from_domain(r, stages=stages) for r in view.ranked]
        out.failures = [PlanetResultRead.from_domain(r) for r in view.failures]
        return out


class BiosignatureTargetRead(msgspec.Struct, omit_defaults=True):
    rank: int
    name: str
    potential: float
    habitability: float
    detectability: float
    potential_median: float | None = None
    potential_interval: list[float] | None = None
    p_top10: float | None = None
    p_habitable: float | None = None
    planet_class: str | None = None
    radius_earth: float | None = None
    insolation_earth: float | None = None
    ts_k: float | None = None
    ts_sigma_k: float | None = None
    best_gas: str | None = None
    best_mode: str | None = None
    best_snr: float | None = None


class BiosignatureRankingRead(msgspec.Struct):
    """``POST /rank`` with ``"by": "biosignature"``: the latest completed pipeline run's ranking."""

    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("ranked by biosignature potential",
         {
             "by": "potential",
             "run_id": "run-7c1e",
             "targets": [
                 {
                     "rank": 1,
                     "name": "TRAPPIST-1 e",
                     "potential": 0.34,
                     "habitability": 0.71,
                     "detectability": 0.48,
                     "planet_class": "rocky",
                     "radius_earth": 0.92,
                     "insolation_earth": 0.646,
                     "ts_k": 252.4,
                     "ts_sigma_k": 6.1,
                     "best_gas": "CH4",
                     "best_mode": "NIRSpec PRISM",
                     "best_snr": 5.8,
                 },
             ],
             "considered": 3,
             "eligible": 2,
         }),
    ]

    by: str
    run_id: str
    targets: list[BiosignatureTargetRead]
    considered: int
    eligible: int

    @classmethod
    def from_domain(cls, r: BiosignatureRanking) -> BiosignatureRankingRead:
        targets = []
        for i, t in enumerate(r.targets, 1):
            clim, pot = t.stages.get("climate", {}), t.stages.get("potential", {})
            targets.append(
                BiosignatureTargetRead(
                    rank=i,
                    name=t.planet_name,
                    potential=t.potential or 0.0,
                    habitability=t.habitability or 0.0,
                    detectability=t.detectability or 0.0,
                    potential_median=t.summary.get("potential_median"),
                    potential_interval=_interval(t.summary),
                    p_top10=t.summary.get("p_top10"),
                    p_habitable=t.summary.get("p_habitable"),
                    planet_class=t.summary.get("planet_class"),
                    radius_earth=t.summary.get("radius_earth"),
                    insolation_earth=t.summary.get("insolation_earth"),
                    ts_k=clim.get("ts_k"),
                    ts_sigma_k=clim.get("ts_sigma_k"),
                    best_gas=pot.get("best_gas"),
                    best_mode=pot.get("best_mode"),
                    best_snr=pot.get("best_snr"),
                )
            )
        return cls(
            by="biosignature", run_id=r.run.id, targets=targets, considered=r.considered, eligible=r.eligible
        )


def rank_command(
    top: int | None,
    hz: str,
    min_radius_earth: float | None,
    max_radius_earth: float | None,
    max_distance_pc: float | None,
    planet_classes: Sequence[str] | None,
) -> RankByBiosignatureCommand:
    """The biosignature ranking command from ``POST /rank``'s filter fields."""
    return RankByBiosignatureCommand(
        top=top,
        hz=HzFilter(hz),
        min_radius_earth=min_radius_earth,
        max_radius_earth=max_radius_earth,
        max_distance_pc=max_distance_pc,
        planet_classes=None if planet_classes is None else frozenset(planet_classes),
    )

"""The end-to-end pipeline: start a run, execute it (whole or by chunk), read it, rank by biosignature."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.pipeline import PipelineRunRepository
from astrobio.application.ports.repositories import PlanetQuery
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.pipeline_stages import PlanetPipeline, StageOptions
from astrobio.application.use_cases.potential_uncertainty import DEFAULT_DRAWS, with_rank_probabilities
from astrobio.domain.biosignature_ranking import REFERENCE_TRANSITS, PotentialWeights, Verdict
from astrobio.domain.detectability import JWST_MODES, MAX_TRANSITS
from astrobio.domain.errors import Conflict, DomainError, InvalidQuantity, NotFound
from astrobio.domain.jwst_feasibility import PROGRAMME_TRANSITS
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult, RunStatus
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import HzFilter

#: Modes modelled unless asked otherwise: every time-series mode, so that the best one the star does
#: not saturate is chosen per target (PRISM covers CH4/CO2/H2O at 0.6-5.3 um but saturates at J < 10.5;
#: NIRISS SOSS and NIRSpec G395H take brighter stars; MIRI LRS the 7.7 um CH4 and 9.6 um O3 bands).
DEFAULT_MODES = ("nirspec_prism", "niriss_soss", "nirspec_g395h", "miri_lrs")
METABOLISM_SOURCES = ("fba", "fixed")
MAX_DRAWS = 4096


@dataclass(frozen=True, slots=True, kw_only=True)
class RunPipelineCommand:
    """``planets`` None: the whole stored catalog."""

    planets: tuple[str, ...] | None = None
    modes: tuple[str, ...] = DEFAULT_MODES
    n_transits: int = REFERENCE_TRANSITS
    metabolism: str = "fba"
    chunk_size: int = 500
    weights: PotentialWeights = field(default_factory=PotentialWeights)
    max_transits: int = PROGRAMME_TRANSITS
    n_draws: int = DEFAULT_DRAWS


def _options(command: RunPipelineCommand) -> dict[str, Any]:
    return {
        "modes": list(command.modes),
        "n_transits": command.n_transits,
        "metabolism": command.metabolism,
        "chunk_size": command.chunk_size,
        "weights": {"detectability": command.weights.detectability, "certainty": command.weights.certainty},
        "max_transits": command.max_transits,
        "n_draws": command.n_draws,
    }


def _stage_options(options: Mapping[str, Any]) -> StageOptions:
    w = options.get("weights", {})
    return StageOptions(
        modes=tuple(options["modes"]),
        n_transits=int(options["n_transits"]),
        metabolism=str(options["metabolism"]),
        weights=PotentialWeights(**w) if w else PotentialWeights(),
        max_transits=int(options.get("max_transits", PROGRAMME_TRANSITS)),
        n_draws=int(options.get("n_draws", DEFAULT_DRAWS)),
    )


def _run_provenance(provenance: Mapping[str, Any], metabolism: str) -> dict[str, Any]:
    out = dict(provenance)
    if metabolism != "fba" and isinstance(out.get("models"), list):
        out["models"] = [
            m for m in out["models"] if not (isinstance(m, Mapping) and m.get("kind") == "metabolic_model")
        ]
    return out


class StartPipelineRun:
    """Validate a pipeline request and record the run as queued (a worker or the CLI executes it).

    Rules: modes must be known JWST modes (422 naming ``modes``); 1 <= n_transits <= 10000; metabolism
    ``fba`` or ``fixed``; every named planet must be stored (422 naming ``planets`` and listing the
    unknown ones); duplicates are dropped, order kept; an empty list is refused. The run records its
    provenance (catalog dataset version, model checkpoints, code version); with ``fixed`` metabolism
    no metabolic model is listed among its ``models``.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        runs: PipelineRunRepository,
        clock: Clock,
        ids: IdGenerator,
        provenance: Callable[[], dict[str, Any]],
    ) -> None:
        self._uow_factory, self._runs, self._clock, self._ids = uow_factory, runs, clock, ids
        self._provenance = provenance

    def execute(self, command: RunPipelineCommand) -> PipelineRun:
        unknown_modes = [m for m in command.modes if m not in JWST_MODES]
        if unknown_modes or not command.modes:
            raise InvalidQuantity(
                f"unknown instrument mode(s) {unknown_modes} (known: {', '.join(JWST_MODES)})", field="modes"
            )
        if not 1 <= command.n_transits <= MAX_TRANSITS:
            raise InvalidQuantity(f"n_transits must be in 1..{MAX_TRANSITS}", field="n_transits")
        if command.metabolism not in METABOLISM_SOURCES:
            raise InvalidQuantity(f"metabolism must be one of {METABOLISM_SOURCES}", field="metabolism")
        if command.chunk_size < 1:
            raise InvalidQuantity("chunk_size must be >= 1", field="chunk_size")
        if not 1 <= command.max_transits <= MAX_TRANSITS:
            raise InvalidQuantity(f"max_transits must be in 1..{MAX_TRANSITS}", field="max_transits")
        if not 1 <= command.n_draws <= MAX_DRAWS:
            raise InvalidQuantity(f"n_draws must be in 1..{MAX_DRAWS}", field="n_draws")
        names: tuple[str, ...] | None = None
        with self._uow_factory() as uow:
            if command.planets is None:
                n = uow.planets.count(PlanetQuery())
            else:
                names = tuple(dict.fromkeys(command.planets))
                if not names:
                    raise InvalidQuantity("give at least one planet name, or all", field="planets")
                missing = [p for p in names if uow.planets.get(p) is None]
                if missing:
                    shown = ", ".join(repr(m) for m in missing[:5]) + (" ..." if len(missing) > 5 else "")
                    raise InvalidQuantity(f"{len(missing)} unknown planet(s): {shown}", field="planets")
                n = len(names)
        now = self._clock.now()
        run = PipelineRun(
            id=self._ids.new_id(),
            status=RunStatus.QUEUED,
            created_at=now,
            updated_at=now,
            options=_options(command),
            planets=names,
            n_planets=n,
            provenance=_run_provenance(self._provenance(), command.metabolism),
        )
        self._runs.add_run(run)
        return run


def result_refs(provenance: Mapping[str, Any]) -> dict[str, Any]:
    """What each planet's result keeps of its run's provenance: the catalog dataset version and the
    ids of the metabolic models (their versions, and the surrogate's training data, stay on the run)."""
    models = provenance.get("models") or []
    return {
        "catalog_version": provenance.get("catalog_dataset_version"),
        "metabolic_models": [
            m["id"] for m in models if isinstance(m, Mapping) and m.get("kind") == "metabolic_model"
        ],
    }


class RunPipeline:
    """Execute a stored run: its planets in chunks through every stage, each chunk stored as it finishes.

    Rules: a finished run is returned as is (idempotent redelivery); per-planet failures are results,
    not run failures; an unexpected error stops the run as ``failed`` (its message kept) and is
    re-raised; ``process_chunk`` (one worker job) stores one chunk and completes the run once every
    planet has a result.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        runs: PipelineRunRepository,
        pipeline: PlanetPipeline,
        clock: Clock,
    ) -> None:
        self._uow_factory, self._runs, self._pipeline, self._clock = uow_factory, runs, pipeline, clock

    def _get(self, run_id: str) -> PipelineRun:
        run = self._runs.get_run(run_id)
        if run is None:
            raise NotFound(f"pipeline run {run_id!r} not found", field="run_id")
        return run

    def _planets(self, run: PipelineRun, names: Sequence[str] | None = None) -> list[Planet]:
        with self._uow_factory() as uow:
            wanted = names if names is not None else run.planets
            if wanted is None:
                return list(uow.planets.iter_all())
            found = [uow.planets.get(n) for n in wanted]
        return [p for p in found if p is not None]

    def chunks(self, run_id: str) -> list[list[str]]:
        """The run's planet names cut into its chunk size (for fanning out ``pipeline_chunk`` jobs)."""
        run = self._get(run_id)
        names = [p.name for p in self._planets(run)]
        size = int(run.options.get("chunk_size", 500))
        return [names[i : i + size] for i in range(0, len(names), size)]

    def execute(self, run_id: str, progress: Callable[[int, int], None] | None = None) -> PipelineRun:
        run = self._get(run_id)
        if run.finished:
            return run
        run = run.with_status(RunStatus.RUNNING, self._clock.now())
        self._runs.add_run(run)
        try:
            planets = self._planets(run)
            run = run.with_status(RunStatus.RUNNING, self._clock.now(), n_planets=len(planets))
            size = int(run.options.get("chunk_size", 500))
            opts = _stage_options(run.options)
            for i in range(0, len(planets), size):
                results = self._pipeline.run(run.id, planets[i : i + size], opts, result_refs(run.provenance))
                run = self._store(run, results)
                if progress is not None:
                    progress(run.n_done, run.n_planets)
            self._rank_probabilities(run.id)
        except Exception as exc:
            msg = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
            self._runs.add_run(run.with_status(RunStatus.FAILED, self._clock.now(), error=msg))
            raise
        done = run.with_status(RunStatus.COMPLETED, self._clock.now())
        self._runs.add_run(done)
        return done

    def process_chunk(self, run_id: str, names: Sequence[str]) -> PipelineRun:
        run = self._get(run_id)
        if run.finished:
            raise Conflict(f"pipeline run {run_id!r} already {run.status.value}", field="run_id")
        results = self._pipeline.run(
            run.id, self._planets(run, names), _stage_options(run.options), result_refs(run.provenance)
        )
        self._runs.add_results(results)
        run = self._recount(self._get(run_id))
        if run.n_done >= run.n_planets:
            self._rank_probabilities(run_id)
            run = run.with_status(RunStatus.COMPLETED, self._clock.now())
        elif run.status is RunStatus.QUEUED:
            run = run.with_status(RunStatus.RUNNING, self._clock.now())
        self._runs.add_run(run)
        return run

    def _rank_probabilities(self, run_id: str) -> None:
        """Once every planet has a result: P(in the top 10) of each modelled planet over the draws."""
        modelled = self._runs.results(run_id, verdicts=[Verdict.MODELLED])
        self._runs.add_results(with_rank_probabilities(modelled))

    def _recount(self, run: PipelineRun) -> PipelineRun:
        counts = self._runs.counts(run.id)
        return run.with_status(
            run.status,
            self._clock.now(),
            n_done=sum(counts.values()),
            n_failed=counts.get(Verdict.FAILED.value, 0),
        )

    def _store(self, run: PipelineRun, results: Sequence[PlanetResult]) -> PipelineRun:
        self._runs.add_results(results)
        failed = sum(1 for r in results if r.verdict is Verdict.FAILED)
        run = run.with_status(
            RunStatus.RUNNING,
            self._clock.now(),
            n_done=run.n_done + len(results),
            n_failed=run.n_failed + failed,
        )
        self._runs.add_run(run)
        return run


@dataclass(frozen=True, slots=True, kw_only=True)
class RunView:
    run: PipelineRun
    counts: dict[str, int]
    ranked: tuple[PlanetResult, ...]
    failures: tuple[PlanetResult, ...]


class GetPipelineRun:
    """A run with its counts by verdict, modelled planets by potential (top ``limit``), every failure."""

    def __init__(self, runs: PipelineRunRepository) -> None:
        self._runs = runs

    def execute(self, run_id: str, *, limit: int | None = 50) -> RunView:
        run = self._runs.get_run(run_id)
        if run is None:
            raise NotFound(f"pipeline run {run_id!r} not found", field="run_id")
        return RunView(
            run=run,
            counts=self._runs.counts(run_id),
            ranked=tuple(self._runs.results(run_id, verdicts=[Verdict.MODELLED], limit=limit)),
            failures=tuple(self._runs.results(run_id, verdicts=[Verdict.FAILED])),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class RankByBiosignatureCommand:
    top: int | None = 20
    hz: HzFilter = HzFilter.ANY
    min_radius_earth: float | None = None
    max_radius_earth: float | None = None
    max_distance_pc: float | None = None
    planet_classes: frozenset[str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BiosignatureRanking:
    run: PipelineRun
    targets: tuple[PlanetResult, ...]
    considered: int
    eligible: int


def _passes(r: PlanetResult, c: RankByBiosignatureCommand) -> bool:
    s = r.summary
    radius, dist = s.get("radius_earth"), s.get("distance_pc")
    return not (
        (c.hz is HzFilter.CONSERVATIVE and not s.get("in_conservative_hz"))
        or (c.hz is HzFilter.OPTIMISTIC and not s.get("in_optimistic_hz"))
        or (c.min_radius_earth is not None and (radius is None or radius < c.min_radius_earth))
        or (c.max_radius_earth is not None and (radius is None or radius > c.max_radius_earth))
        or (c.max_distance_pc is not None and (dist is None or dist > c.max_distance_pc))
        or (c.planet_classes is not None and s.get("planet_class") not in c.planet_classes)
    )


class RankByBiosignature:
    """Targets ordered by biosignature potential, from the latest completed pipeline run.

    Rules: only planets the run modelled (not screened out, not failed) are ranked; filters as in
    ``POST /rank``; no completed run yet is a 409 naming ``by`` (run ``astrobio pipeline run --all``).
    """

    def __init__(self, runs: PipelineRunRepository) -> None:
        self._runs = runs

    def execute(self, command: RankByBiosignatureCommand) -> BiosignatureRanking:
        run = self._runs.latest_completed()
        if run is None:
            raise Conflict(
                "no completed pipeline run to rank by biosignature potential "
                "(astrobio pipeline run --all, or POST /pipeline/runs)",
                field="by",
            )
        modelled = self._runs.results(run.id, verdicts=[Verdict.MODELLED])
        kept = [r for r in modelled if _passes(r, command)]
        top = kept if command.top is None else kept[: command.top]
        return BiosignatureRanking(run=run, targets=tuple(top), considered=run.n_done, eligible=len(kept))

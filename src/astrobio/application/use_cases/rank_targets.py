"""RankTargets: order the catalog by habitability x detectability x class (x surrogate climate)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from astrobio.application.ports.repositories import PlanetRepository
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.assessment import Assessment, assess_planet
from astrobio.domain.errors import InsufficientData
from astrobio.domain.observability import TSM_MAX_RADIUS_EARTH
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet
from astrobio.domain.ranking import ClimateEstimate, Ranking, RankingFilter, ScoreWeights, rank


class TargetClimate(Protocol):
    """Surface-temperature estimates for planets being ranked (e.g. the scalar climate surrogate)."""

    def estimate(self, targets: Sequence[tuple[Planet, Assessment]]) -> Mapping[str, ClimateEstimate]:
        """Estimates by planet name; a planet it cannot estimate is simply absent."""
        ...


@dataclass(frozen=True, slots=True, kw_only=True)
class RankTargetsCommand:
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    where: RankingFilter = field(default_factory=RankingFilter)
    top: int | None = None


NO_MAGNITUDE = "no J or Ks magnitude (TSM undefined)"


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredAssessments:
    """Every planet of one catalog version, assessed: the eligible ones and the exclusion counts."""

    version: str
    considered: int
    excluded: Mapping[str, int]
    assessed: tuple[tuple[Planet, Assessment], ...]


class AssessmentCache:
    """The assessments of the latest catalog version, shared by every ranking in a process.

    Keyed by :meth:`PlanetRepository.version`, which changes with every write to the planets,
    so a ranking never sees assessments of other data than it reads. One lock: concurrent
    first requests wait for one computation instead of each repeating it.
    """

    def __init__(self, max_rankings: int = 64) -> None:
        self._stored: StoredAssessments | None = None
        self._rankings: OrderedDict[tuple[str, RankTargetsCommand], Ranking] = OrderedDict()
        self._max_rankings = max_rankings
        self.lock = threading.Lock()
        self._rlock = threading.Lock()

    def get(self, version: str) -> StoredAssessments | None:
        stored = self._stored
        return stored if stored is not None and stored.version == version else None

    def put(self, stored: StoredAssessments) -> None:
        with self._rlock:
            self._stored = stored
            self._rankings.clear()

    def ranking(self, version: str, command: RankTargetsCommand) -> Ranking | None:
        """A ranking already computed for this exact command on this catalog version."""
        with self._rlock:
            hit = self._rankings.get((version, command))
            if hit is not None:
                self._rankings.move_to_end((version, command))
            return hit

    def put_ranking(self, version: str, command: RankTargetsCommand, ranking: Ranking) -> None:
        with self._rlock:
            self._rankings[(version, command)] = ranking
            while len(self._rankings) > self._max_rankings:
                self._rankings.popitem(last=False)


class RankTargets:
    """Assess every stored planet, filter, score and order them.

    The assessments are computed once per catalog version (with an :class:`AssessmentCache`):
    a ranking then filters and scores the stored ones, and the same request on the same
    version (without the climate component, whose model can change) is answered from memory.

    Business rules:

    * score = weighted mean of components in [0, 1] (see
      :func:`astrobio.domain.ranking.score`): HZ membership, ESI, detectability
      (TSM against Kempton's cut-offs), planet class and, only when its weight is > 0,
      climate (the probability of a liquid-water surface temperature under the active
      scalar surrogate's prediction); weights are configurable, climate defaults to 0;
    * planets that cannot be assessed (missing radius, stellar Teff or radius, orbit)
      or, below 10 R_earth, have neither J nor Ks (no TSM) are excluded and counted by reason;
    * planets that fail a filter are counted by reason too;
    * a climate weight > 0 without a climate estimator is refused (422 naming
      ``weights.climate``); planets the estimator cannot model get climate 0;
    * order is score descending, then planet name: the same catalog always gives the
      same list.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, colours: ColourSequence | None,
                 climate: TargetClimate | None = None, cache: AssessmentCache | None = None) -> None:
        self._uow_factory = uow_factory
        self._colours = colours
        self._climate = climate
        self._cache = cache

    def _stored(self, planets: PlanetRepository) -> StoredAssessments:
        """The assessments of the catalog version ``planets`` holds: cached, or computed once."""
        version = planets.version()
        if self._cache is None:
            return self._assess_all(planets.iter_all(), version)
        hit = self._cache.get(version)
        if hit is not None:
            return hit
        with self._cache.lock:  # one computation per version, however many requests wait
            hit = self._cache.get(version)
            if hit is None:
                hit = self._assess_all(planets.iter_all(), version)
                self._cache.put(hit)
            return hit

    def _assess_all(self, planets: Iterable[Planet], version: str) -> StoredAssessments:
        """Assess every planet once (per catalog version, when a cache is given)."""
        excluded: dict[str, int] = {}
        assessed: list[tuple[Planet, Assessment]] = []
        considered = 0
        for planet in planets:
            considered += 1
            try:
                a = assess_planet(planet, self._colours)
            except InsufficientData as exc:
                reason = f"missing {exc.field}" if exc.field else exc.message
                excluded[reason] = excluded.get(reason, 0) + 1
                continue
            if a.tsm is None and a.radius_earth < TSM_MAX_RADIUS_EARTH and a.j_mag is None:
                excluded[NO_MAGNITUDE] = excluded.get(NO_MAGNITUDE, 0) + 1
                continue
            assessed.append((planet, a))
        return StoredAssessments(version=version, considered=considered, excluded=excluded,
                                 assessed=tuple(assessed))

    def execute(self, command: RankTargetsCommand) -> Ranking:
        if command.weights.climate > 0 and self._climate is None:
            raise InsufficientData("a climate weight needs a climate surrogate; none is configured",
                                   field="weights.climate")
        with self._uow_factory() as uow:
            stored = self._stored(uow.planets)
        memo = self._cache is not None and command.weights.climate == 0  # a pure function of the data
        if memo and self._cache is not None and (
            hit := self._cache.ranking(stored.version, command)
        ) is not None:
            return hit
        considered, assessed = stored.considered, stored.assessed
        excluded = dict(stored.excluded)
        climate = None
        if command.weights.climate > 0 and self._climate is not None:
            # Only planets that pass the filter are worth a surrogate evaluation.
            eligible = [(p, a) for p, a in assessed if command.where.rejects(a) is None]
            climate = self._climate.estimate(eligible)
        ranking = rank(
            [a for _, a in assessed],
            weights=command.weights,
            where=command.where,
            excluded=excluded,
            considered=considered,
            top=command.top,
            climate=climate,
        )
        if memo and self._cache is not None:
            self._cache.put_ranking(stored.version, command, ranking)
        return ranking

"""RankTargets: order the catalog by habitability x detectability x class (x surrogate climate)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

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


class RankTargets:
    """Assess every stored planet, filter, score and order them.

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
                 climate: TargetClimate | None = None) -> None:
        self._uow_factory = uow_factory
        self._colours = colours
        self._climate = climate

    def execute(self, command: RankTargetsCommand) -> Ranking:
        if command.weights.climate > 0 and self._climate is None:
            raise InsufficientData("a climate weight needs a climate surrogate; none is configured",
                                   field="weights.climate")
        excluded: dict[str, int] = {}
        assessed: list[tuple[Planet, Assessment]] = []
        considered = 0
        with self._uow_factory() as uow:
            for planet in uow.planets.iter_all():
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
        climate = None
        if command.weights.climate > 0 and self._climate is not None:
            # Only planets that pass the filter are worth a surrogate evaluation.
            eligible = [(p, a) for p, a in assessed if command.where.rejects(a) is None]
            climate = self._climate.estimate(eligible)
        return rank(
            [a for _, a in assessed],
            weights=command.weights,
            where=command.where,
            excluded=excluded,
            considered=considered,
            top=command.top,
            climate=climate,
        )

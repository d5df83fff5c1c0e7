"""RankTargets: order the catalog by habitability x detectability x class."""

from __future__ import annotations

from dataclasses import dataclass, field

from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.assessment import Assessment, assess_planet
from astrobio.domain.errors import InsufficientData
from astrobio.domain.observability import TSM_MAX_RADIUS_EARTH
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.ranking import Ranking, RankingFilter, ScoreWeights, rank


@dataclass(frozen=True, slots=True, kw_only=True)
class RankTargetsCommand:
    weights: ScoreWeights = field(default_factory=ScoreWeights)
    where: RankingFilter = field(default_factory=RankingFilter)
    top: int | None = None


NO_MAGNITUDE = "no J or Ks magnitude (TSM undefined)"


class RankTargets:
    """Assess every stored planet, filter, score and order them.

    Business rules:

    * score = weighted mean of four components in [0, 1] (see
      :func:`astrobio.domain.ranking.score`): HZ membership, ESI, detectability
      (TSM against Kempton's cut-offs), and planet class; weights are configurable;
    * planets that cannot be assessed (missing radius, stellar Teff or radius, orbit)
      or, below 10 R_earth, have neither J nor Ks (no TSM) are excluded and counted by reason;
    * planets that fail a filter are counted by reason too;
    * order is score descending, then planet name: the same catalog always gives the
      same list.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, colours: ColourSequence | None) -> None:
        self._uow_factory = uow_factory
        self._colours = colours

    def execute(self, command: RankTargetsCommand) -> Ranking:
        excluded: dict[str, int] = {}
        assessments: list[Assessment] = []
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
                assessments.append(a)
        return rank(
            assessments,
            weights=command.weights,
            where=command.where,
            excluded=excluded,
            considered=considered,
            top=command.top,
        )

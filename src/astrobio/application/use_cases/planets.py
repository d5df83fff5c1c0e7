"""Queries over the stored catalog: ListPlanets and GetPlanet."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from astrobio.application.ports.repositories import PlanetQuery
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.errors import InvalidQuantity, NotFound
from astrobio.domain.planet import Planet

MAX_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True, kw_only=True)
class ListPlanetsCommand:
    query: PlanetQuery = field(default_factory=PlanetQuery)
    offset: int = 0
    limit: int = 50


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetPage:
    items: Sequence[Planet]
    total: int
    offset: int
    limit: int


class ListPlanets:
    """A page of planets ordered by name, with the total count for the same filters.

    Rules: offset >= 0, 1 <= limit <= 1000.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, command: ListPlanetsCommand) -> PlanetPage:
        if command.offset < 0:
            raise InvalidQuantity("offset must be >= 0", field="offset")
        if not 1 <= command.limit <= MAX_PAGE_SIZE:
            raise InvalidQuantity(f"limit must be in 1..{MAX_PAGE_SIZE}", field="limit")
        with self._uow_factory() as uow:
            items = uow.planets.list(command.query, offset=command.offset, limit=command.limit)
            total = uow.planets.count(command.query)
        return PlanetPage(items=items, total=total, offset=command.offset, limit=command.limit)


class GetPlanet:
    """One planet by name; :class:`NotFound` when it is not in the catalog."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow_factory = uow_factory

    def execute(self, name: str) -> Planet:
        with self._uow_factory() as uow:
            planet = uow.planets.get(name)
        if planet is None:
            raise NotFound(f"planet {name!r} not found", field="name")
        return planet

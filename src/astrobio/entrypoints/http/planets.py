"""GET /planets and GET /planets/{name}: the stored catalog."""

from __future__ import annotations

import inspect
from typing import Annotated

from litestar import get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter, SkipValidation

from astrobio.application.ports.repositories import PlanetQuery
from astrobio.application.use_cases.planets import GetPlanet, ListPlanets, ListPlanetsCommand
from astrobio.entrypoints.http.bodies import MAX_INT_PARAM
from astrobio.entrypoints.http.services import in_thread, provide
from astrobio.entrypoints.schemas import PlanetPageRead, PlanetRead, Problem

PositiveQuery = Annotated[Annotated[float, Parameter(gt=0)] | None, Parameter(gt=0)]


@get(
    "/planets", tags=["catalog"], summary="List planets", description=inspect.getdoc(ListPlanets),
    dependencies={"use_case": provide(lambda c: c.list_planets())},
    responses={422: ResponseSpec(Problem, description="a parameter is out of range (field names it)")},
)
async def list_planets(
    use_case: SkipValidation[ListPlanets],
    offset: Annotated[int, Parameter(ge=0, le=MAX_INT_PARAM, description="items to skip")] = 0,
    limit: Annotated[int, Parameter(ge=1, le=1000, description="page size, 1..1000")] = 50,
    name_contains: Annotated[str | None, Parameter(description="case-insensitive substring")] = None,
    host_name: Annotated[str | None, Parameter(description="exact host star name")] = None,
    min_radius_earth: PositiveQuery = None,
    max_radius_earth: PositiveQuery = None,
    max_distance_pc: PositiveQuery = None,
    discovery_method: Annotated[str | None, Parameter(description="e.g. Transit")] = None,
) -> PlanetPageRead:
    command = ListPlanetsCommand(
        query=PlanetQuery(
            name_contains=name_contains,
            host_name=host_name,
            min_radius_earth=min_radius_earth,
            max_radius_earth=max_radius_earth,
            max_distance_pc=max_distance_pc,
            discovery_method=discovery_method,
        ),
        offset=offset,
        limit=limit,
    )
    page = await in_thread(use_case.execute, command)
    return PlanetPageRead(
        items=[PlanetRead.from_domain(p) for p in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@get(
    "/planets/{name:str}", tags=["catalog"], summary="One planet", description=inspect.getdoc(GetPlanet),
    dependencies={"use_case": provide(lambda c: c.get_planet())},
    responses={404: ResponseSpec(Problem, description="no planet with that name")},
)
async def get_planet(
    use_case: SkipValidation[GetPlanet],
    name: Annotated[str, PathParameter(description="planet name as the archive spells it (URL-encoded)")],
) -> PlanetRead:
    planet = await in_thread(use_case.execute, name)
    return PlanetRead.from_domain(planet)


ROUTES = [list_planets, get_planet]

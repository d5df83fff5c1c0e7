"""POST /assess: metrics for one planet described in the body (no database)."""

from __future__ import annotations

import inspect
from typing import Any

from litestar import Request, post
from litestar.openapi.datastructures import ResponseSpec

from astrobio.application.use_cases.assess_planet import AssessPlanet, AssessPlanetCommand
from astrobio.entrypoints.http.access import COMPUTE
from astrobio.entrypoints.http.bodies import decode_body, json_body
from astrobio.entrypoints.http.services import services
from astrobio.entrypoints.schemas import AssessBody, AssessmentRead, Problem

BAD_BODY = {
    400: ResponseSpec(Problem, description="empty body or malformed JSON"),
    422: ResponseSpec(Problem, description="schema or physics violation; `field` names the input"),
}


# Pure CPU work of a few microseconds: run it on the event loop, no thread hop.
@post(
    "/assess", opt=COMPUTE, status_code=200, tags=["science"], summary="Assess one planet",
    description=inspect.getdoc(AssessPlanet), operation_class=json_body(AssessBody), responses=BAD_BODY,
)
async def assess(request: Request[Any, Any, Any]) -> AssessmentRead:
    body = decode_body(await request.body(), AssessBody)
    assessment = services(request).assess.execute(AssessPlanetCommand(planet=body.to_domain()))
    return AssessmentRead.from_domain(assessment)


ROUTES = [assess]

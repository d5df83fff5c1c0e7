"""POST /assess: metrics for one planet described in the body (no database)."""

from __future__ import annotations

import inspect
from typing import Any

import msgspec
from litestar import MediaType, Request, Response, post
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


#: Answers kept by request body (per app): an assessment is a pure function of its input, and
#: clients (a catalog browser, a survey planner) send the same planets again and again.
ANSWERS_MAX = 4096


# CPU work well under a millisecond: run it on the event loop, no thread hop.
@post(
    "/assess", opt=COMPUTE, status_code=200, tags=["science"], summary="Assess one planet",
    description=inspect.getdoc(AssessPlanet), operation_class=json_body(AssessBody), responses=BAD_BODY,
)
async def assess(request: Request[Any, Any, Any]) -> Response[AssessmentRead]:
    raw = await request.body()
    svc = services(request)
    answers = svc.assess_answers
    answer = answers.get(raw)
    if answer is None:
        body = decode_body(raw, AssessBody)
        assessment = svc.assess.execute(AssessPlanetCommand(planet=body.to_domain()))
        answer = msgspec.json.encode(AssessmentRead.from_domain(assessment))
        if len(answers) >= ANSWERS_MAX:
            del answers[next(iter(answers))]  # the oldest entry
        answers[raw] = answer
    return Response(answer, media_type=MediaType.JSON)  # type: ignore[arg-type]  # already JSON bytes


ROUTES = [assess]

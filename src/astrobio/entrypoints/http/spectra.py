"""Spectra: POST /predict/spectrum, GET /planets/{name}/spectrum."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter

from astrobio.application.use_cases.spectra import ComputeSpectrum, ComputeSpectrumCommand
from astrobio.entrypoints.http.access import COMPUTE
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.schemas import Problem
from astrobio.entrypoints.spectra_schemas import SpectrumBody, SpectrumRead

NOT_FOUND = {404: ResponseSpec(Problem, description="no such planet in the catalog")}


def _compute(request: Request[Any, Any, Any], command: ComputeSpectrumCommand) -> SpectrumRead:
    use_case: ComputeSpectrum = services(request).container.spectra.compute_spectrum()
    return SpectrumRead.from_result(use_case.execute(command))


@post(
    "/predict/spectrum", opt=COMPUTE,
    status_code=200,
    tags=["science"],
    summary="Transmission/emission spectrum with JWST noise",
    description=inspect.getdoc(ComputeSpectrum),
    operation_class=json_body(SpectrumBody),
    responses={**BAD_BODY, **NOT_FOUND},
)
async def predict_spectrum(request: Request[Any, Any, Any]) -> SpectrumRead:
    body = decode_body(await request.body(), SpectrumBody)
    command = body.to_command()
    return await in_thread(_compute, request, command)


@get(
    "/planets/{name:str}/spectrum",
    tags=["science"],
    summary="A catalog planet's spectrum with JWST noise",
    description=inspect.getdoc(ComputeSpectrum),
    responses={**NOT_FOUND, 422: ResponseSpec(Problem, description="unknown mode or planet not modellable")},
)
async def planet_spectrum(
    request: Request[Any, Any, Any],
    name: Annotated[str, PathParameter()],
    mode: Annotated[list[str] | None, Parameter(description="JWST mode(s); default all")] = None,
    n_transits: Annotated[int, Parameter(ge=1, le=10000)] = 1,
) -> SpectrumRead:
    command = ComputeSpectrumCommand(planet_name=name, modes=tuple(mode or ()), n_transits=n_transits)
    return await in_thread(_compute, request, command)


ROUTES: list[Any] = [predict_spectrum, planet_spectrum]

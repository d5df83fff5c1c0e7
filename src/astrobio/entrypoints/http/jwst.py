"""JWST spectra and planet classes: POST /jwst/denoise, POST /jwst/retrieve, POST /predict/multiclass,
POST /jobs/train/jwst.

Spectra are sent as the raw body: an x1d FITS file (``application/fits``), CSV (``text/csv``) or
JSON (``application/json``); a generic ``application/octet-stream`` is sniffed. Models load on the
first request, never at start-up; every model evaluation runs in a worker thread.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Request, Response, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter

from astrobio.application.use_cases.jobs import SubmitJobCommand
from astrobio.application.use_cases.jwst import (
    ClassifyPlanets,
    ClassifyPlanetsCommand,
    DenoiseSpectrum,
    DenoiseSpectrumCommand,
    RetrieveAtmosphere,
    RetrieveAtmosphereCommand,
    TrainJwstModel,
)
from astrobio.bootstrap.jwst_container import JWST_RETRIEVE_JOB, JWST_TRAIN_JOB, posterior_to_dict
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.retrieval import RetrievalSystem, system_from_planet
from astrobio.domain.retrieval import gravity_m_s2 as gravity_from_mass
from astrobio.entrypoints.http.access import COMPUTE
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import check_json_depth, decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.jwst_schemas import (
    MEDIA,
    MulticlassBody,
    MulticlassRead,
    TrainJwstBody,
    format_of,
)
from astrobio.entrypoints.schemas import JobRead, Problem

SPECTRUM_ERRORS = {
    400: ResponseSpec(Problem, description="empty body"),
    413: ResponseSpec(Problem, description="upload larger than the server's limit"),
    422: ResponseSpec(
        Problem,
        description="not FITS/CSV/JSON, missing column, NaN or non-positive errors, "
        "wavelengths outside the model's coverage; `field` names it",
    ),
    404: ResponseSpec(Problem, description="no trained model installed"),
}
#: Spectra with more bins than this are retrieved as a background job.
JOB_THRESHOLD_BYTES = 2 * 1024 * 1024


async def _body(request: Request[Any, Any, Any]) -> tuple[bytes, str]:
    from litestar.exceptions import ClientException

    data = await request.body()
    if not data.strip():
        raise ClientException("empty body: send an x1d FITS file, CSV or JSON spectrum")
    fmt = format_of(request.headers.get("content-type", ""), data)
    if fmt == "json":
        check_json_depth(data)
    return data, fmt


@post(
    "/jwst/denoise",
    status_code=200,
    tags=["jwst"],
    summary="Denoise a transmission spectrum",
    description=inspect.getdoc(DenoiseSpectrum),
    responses=SPECTRUM_ERRORS,
    request_max_body_size=16 * 1024 * 1024,
)
async def denoise(request: Request[Any, Any, Any]) -> Response[bytes]:
    data, fmt = await _body(request)
    c = services(request).container.jwst
    spectrum, out = await in_thread(
        lambda: c.denoise_spectrum().execute(DenoiseSpectrumCommand(data=data, fmt=fmt))
    )
    return Response(out, media_type=MEDIA[fmt], headers={"X-Model-Id": spectrum.meta.get("MODEL", "")})


def retrieval_system(
    c: Any,
    *,
    planet: str | None,
    star_radius_sun: float | None,
    planet_mass_earth: float | None,
    planet_radius_earth: float | None,
    gravity: float | None,
    background: str | None,
) -> RetrievalSystem | None:
    """The host / planet / background a retrieval assumes: from the named catalog planet, overridden by
    the explicit values; None when nothing is given (the estimator's training system)."""
    if planet is None and star_radius_sun is None and planet_mass_earth is None and gravity is None \
            and background is None:
        return None
    base = system_from_planet(c.get_planet().execute(planet)) if planet is not None else RetrievalSystem()
    g = gravity
    if g is None and planet_mass_earth is not None:
        if planet_radius_earth is None:
            raise InvalidQuantity("planet_mass_earth needs planet_radius_earth to give the gravity",
                                  field="planet_radius_earth")
        g = gravity_from_mass(planet_mass_earth, planet_radius_earth)
    return RetrievalSystem(
        star_radius_sun=base.star_radius_sun if star_radius_sun is None else star_radius_sun,
        gravity_m_s2=base.gravity_m_s2 if g is None else g,
        background=base.background if background is None else background,
        source=base.source if planet is not None else "request",
    )


@post(
    "/jwst/retrieve",
    status_code=200,
    tags=["jwst"],
    summary="Retrieve atmospheric parameters",
    description=(inspect.getdoc(RetrieveAtmosphere) or "") + "\n\nAnswer: posterior `samples` (at most "
    "2000), per-parameter `summary` (median, 68 % and 95 % central intervals), `diagnostics` "
    "(importance-sampling efficiency, flag, notes), `provenance`. With `job=true`, or for uploads "
    "over 2 MiB, the retrieval runs as a background job (202 + Location).",
    responses={**SPECTRUM_ERRORS, 202: ResponseSpec(JobRead, description="submitted as a job")},
    request_max_body_size=16 * 1024 * 1024,
)
async def retrieve(
    request: Request[Any, Any, Any],
    n_samples: Annotated[int, Parameter(ge=100, le=20000)] = 2000,
    seed: Annotated[int, Parameter(ge=0, le=2**32 - 1)] = 0,
    fallback: Annotated[bool, Parameter(description="nested sampling for flagged inputs")] = True,
    job: Annotated[bool, Parameter(description="run as a background job")] = False,
    planet: Annotated[str | None, Parameter(
        description="catalog planet: host radius, gravity (mass / radius^2) and background from it")] = None,
    star_radius_sun: Annotated[
        Annotated[float, Parameter(gt=0)] | None,
        Parameter(gt=0, description="host radius, R_sun"),
    ] = None,
    planet_mass_earth: Annotated[
        Annotated[float, Parameter(gt=0)] | None,
        Parameter(gt=0, description="planet mass, M_earth"),
    ] = None,
    planet_radius_earth: Annotated[
        Annotated[float, Parameter(gt=0)] | None,
        Parameter(gt=0, description="with the mass: g"),
    ] = None,
    gravity_m_s2: Annotated[
        Annotated[float, Parameter(gt=0)] | None,
        Parameter(gt=0, description="planet surface gravity"),
    ] = None,
    background: Annotated[str | None, Parameter(description="N2 or H2 (H2/He)")] = None,
) -> Response[Any]:
    data, fmt = await _body(request)
    c = services(request).container
    system = await in_thread(lambda: retrieval_system(
        c, planet=planet, star_radius_sun=star_radius_sun, planet_mass_earth=planet_mass_earth,
        planet_radius_earth=planet_radius_earth, gravity=gravity_m_s2, background=background))
    command = RetrieveAtmosphereCommand(data=data, fmt=fmt, n_samples=n_samples, seed=seed, fallback=fallback,
                                        system=system)
    if system is not None and not system.is_training_system:
        job = True  # nested sampling for another system takes minutes: always a background job
    if job or len(data) > JOB_THRESHOLD_BYTES:
        # Parse now so a bad file is a 4xx here, not a failed job later; the job gets JSON.
        spectrum = await in_thread(c.jwst.codec().read, data, fmt)
        text = c.jwst.codec().write(spectrum, "json").decode()
        params = {
            "spectrum": text,
            "format": "json",
            "n_samples": n_samples,
            "seed": seed,
            "fallback": fallback,
        }
        if system is not None:
            params["system"] = {"star_radius_sun": system.star_radius_sun,
                                "gravity_m_s2": system.gravity_m_s2,
                                "background": system.background, "source": system.source}
        submitted = await in_thread(
            c.submit_job().execute, SubmitJobCommand(kind=JWST_RETRIEVE_JOB, params=params)
        )
        return Response(
            JobRead.from_domain(submitted), status_code=202, headers={"Location": f"/jobs/{submitted.id}"}
        )
    posterior = await in_thread(lambda: c.jwst.retrieve_atmosphere().execute(command))
    return Response(posterior_to_dict(posterior), status_code=200)


@post(
    "/predict/multiclass", opt=COMPUTE,
    status_code=200,
    tags=["jwst", "planets"],
    summary="Planet class probabilities",
    description=inspect.getdoc(ClassifyPlanets),
    operation_class=json_body(MulticlassBody),
    responses={**BAD_BODY, 404: ResponseSpec(Problem, description="no classifier installed")},
)
async def predict_multiclass(request: Request[Any, Any, Any]) -> MulticlassRead:
    body = decode_body(await request.body(), MulticlassBody)
    command = ClassifyPlanetsCommand(planets=body.to_inputs())
    c = services(request).container.jwst
    probs = await in_thread(lambda: c.classify_planets().execute(command))
    return MulticlassRead.from_domain(body, probs)


@post(
    "/jobs/train/jwst",
    status_code=202,
    tags=["jobs", "jwst"],
    summary="Train a JWST-feature model",
    description=inspect.getdoc(TrainJwstModel),
    operation_class=json_body(TrainJwstBody),
    responses=BAD_BODY,
)
async def train_jwst(request: Request[Any, Any, Any]) -> Response[JobRead]:
    body = decode_body(await request.body(), TrainJwstBody)
    command = SubmitJobCommand(kind=JWST_TRAIN_JOB, params=body.to_params())
    job = await in_thread(services(request).container.submit_job().execute, command)
    return Response(JobRead.from_domain(job), status_code=202, headers={"Location": f"/jobs/{job.id}"})


ROUTES = [denoise, retrieve, predict_multiclass, train_jwst]

"""Climate cubes and sweeps: GET /climate/cubes[/{id}[/data]], GET /climate/sweeps/{id},
POST /jobs/climate/sweep."""

from __future__ import annotations

import inspect
from typing import Annotated, Any, Literal

from litestar import Request, Response, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter

from astrobio.application.use_cases.climate_cubes import (
    ExportCubeSlice,
    ExportCubeSliceCommand,
    GetCube,
    ListCubes,
)
from astrobio.application.use_cases.climate_sweeps import GetSweep, PlanSweep
from astrobio.application.use_cases.submissions import SubmitSweepCommand
from astrobio.entrypoints.climate_schemas import (
    CubePageRead,
    CubeRead,
    CubeSummaryRead,
    SweepJobBody,
    SweepRead,
)
from astrobio.entrypoints.http.assess import BAD_BODY
from astrobio.entrypoints.http.bodies import MAX_INT_PARAM, decode_body, json_body
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.schemas import JobRead, Problem

NOT_FOUND = {404: ResponseSpec(Problem, description="no such cube or sweep")}
MEDIA = {"netcdf": "application/x-netcdf", "hdf5": "application/x-hdf5"}


@get("/climate/cubes", tags=["climate"], summary="List climate cubes", description=inspect.getdoc(ListCubes))
async def list_cubes(
    request: Request[Any, Any, Any],
    offset: Annotated[int, Parameter(ge=0, le=MAX_INT_PARAM)] = 0,
    limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
) -> CubePageRead:
    page = await in_thread(services(request).container.list_cubes().execute, offset, limit)
    return CubePageRead(
        items=[CubeSummaryRead.from_domain(c) for c in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@get(
    "/climate/cubes/{cube_id:str}",
    tags=["climate"],
    summary="One cube's metadata",
    description=inspect.getdoc(GetCube),
    responses=NOT_FOUND,
)
async def get_cube(request: Request[Any, Any, Any], cube_id: Annotated[str, PathParameter()]) -> CubeRead:
    return CubeRead.from_domain(await in_thread(services(request).container.get_cube().execute, cube_id))


@get(
    "/climate/cubes/{cube_id:str}/data",
    tags=["climate"],
    summary="A variable as NetCDF or HDF5",
    description=inspect.getdoc(ExportCubeSlice),
    responses={**NOT_FOUND, 422: ResponseSpec(Problem, description="unknown variable or index out of range")},
)
async def cube_data(
    request: Request[Any, Any, Any],
    cube_id: Annotated[str, PathParameter()],
    var: Annotated[str, Parameter(description="variable name, e.g. ts or ta")],
    time: Annotated[
        Annotated[int, Parameter(ge=0, le=MAX_INT_PARAM)] | None,
        Parameter(ge=0, le=MAX_INT_PARAM, description="time index"),
    ] = None,
    lev: Annotated[
        Annotated[int, Parameter(ge=0, le=MAX_INT_PARAM)] | None,
        Parameter(ge=0, le=MAX_INT_PARAM, description="level index"),
    ] = None,
    format: Annotated[
        Literal["netcdf", "hdf5"], Parameter(description="netcdf (default) or hdf5")
    ] = "netcdf",
) -> Response[bytes]:
    command = ExportCubeSliceCommand(cube_id=cube_id, variable=var, time=time, lev=lev, fmt=format)
    cube, data = await in_thread(services(request).container.export_cube_slice().execute, command)
    suffix = "nc" if format == "netcdf" else "h5"
    return Response(
        data,
        media_type=MEDIA[format],
        headers={
            "Content-Disposition": f'attachment; filename="{cube.id}-{var}.{suffix}"',
            "X-Cube-Checksum": cube.checksum,
        },
    )


@get(
    "/climate/sweeps/{sweep_id:str}",
    tags=["climate"],
    summary="A sweep and its runs",
    description=inspect.getdoc(GetSweep),
    responses=NOT_FOUND,
)
async def get_sweep(request: Request[Any, Any, Any], sweep_id: Annotated[str, PathParameter()]) -> SweepRead:
    return SweepRead.from_domain(await in_thread(services(request).container.get_sweep().execute, sweep_id))


@post(
    "/jobs/climate/sweep",
    status_code=202,
    tags=["jobs", "climate"],
    summary="Plan and run a GCM sweep",
    description=(inspect.getdoc(PlanSweep) or "") + "\n\nThe sweep then runs as a background job.",
    operation_class=json_body(SweepJobBody),
    responses=BAD_BODY,
)
async def submit_sweep(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    body = decode_body(await request.body(), SweepJobBody)
    command = SubmitSweepCommand(sweep=body.sweep.to_command(), backend=body.backend, ranks=body.ranks,
                                 poll_interval_s=body.poll_interval_s)
    submitted = await in_thread(services(request).container.submit_sweep().execute, command)
    job, status = submitted.job, submitted.status
    return Response(
        {"job": JobRead.from_domain(job), "sweep": SweepRead.from_domain(status)},
        status_code=202,
        headers={"Location": f"/jobs/{job.id}"},
    )


ROUTES = [list_cubes, get_cube, cube_data, get_sweep, submit_sweep]

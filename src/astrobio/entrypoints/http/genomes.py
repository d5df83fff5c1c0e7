"""Genomes: GET /genomes[/{accession}[/qc]], GET /metabolic-models/{model_id}/genome, GET /populations."""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from litestar import Request, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, PathParameter

from astrobio.application.use_cases.access import clearance as clearance_of
from astrobio.application.use_cases.genomes import GetGenome, GetModelGenome, ListGenomes
from astrobio.application.use_cases.populations import ListPopulations
from astrobio.domain.dataset_version import SecurityLevel
from astrobio.entrypoints.genomes_schemas import (
    GenomePageRead,
    GenomeQcRead,
    GenomeRead,
    GenomeSummaryRead,
    ModelGenomeRead,
    PopulationsRead,
    QcRead,
)
from astrobio.entrypoints.http.access import SENSITIVE, principal_of
from astrobio.entrypoints.http.services import in_thread, services
from astrobio.entrypoints.schemas import Problem

INT32_MAX = 2_147_483_647  # SQL INTEGER columns (taxid); offsets beyond are meaningless anyway
NOT_FOUND = {404: ResponseSpec(Problem, description="no such genome or model, or not visible to you")}


def clearance(request: Request[Any, Any, Any]) -> SecurityLevel:
    """The highest security level the caller may read (genomes above it answer 404)."""
    return clearance_of(principal_of(request))


@get(
    "/genomes", opt=SENSITIVE, tags=["genomes"], summary="List ingested genomes",
    description=inspect.getdoc(ListGenomes),
)
async def list_genomes(
    request: Request[Any, Any, Any],
    offset: Annotated[int, Parameter(ge=0, le=INT32_MAX)] = 0,
    limit: Annotated[int, Parameter(ge=1, le=1000)] = 100,
    taxid: Annotated[
        Annotated[int, Parameter(ge=1, le=INT32_MAX)] | None,
        Parameter(ge=1, le=INT32_MAX, description="NCBI taxid"),
    ] = None,
) -> GenomePageRead:
    page = await in_thread(
        services(request).container.genomes.list_genomes().execute, offset, limit, taxid, clearance(request)
    )
    return GenomePageRead(
        items=[GenomeSummaryRead.from_domain(g) for g in page.items],
        total=page.total,
        offset=page.offset,
        limit=page.limit,
    )


@get(
    "/genomes/{accession:str}",
    opt=SENSITIVE,
    tags=["genomes"],
    summary="One genome: statistics, QC, linked models",
    description=inspect.getdoc(GetGenome),
    responses=NOT_FOUND,
)
async def get_genome(
    request: Request[Any, Any, Any], accession: Annotated[str, PathParameter()]
) -> GenomeRead:
    view = await in_thread(
        services(request).container.genomes.get_genome().execute, accession, clearance(request)
    )
    return GenomeRead.from_view(view)


@get(
    "/genomes/{accession:str}/qc",
    opt=SENSITIVE,
    tags=["genomes"],
    summary="A genome's QC reports (FCS, ANI, CheckM, BUSCO)",
    description=inspect.getdoc(GetGenome),
    responses=NOT_FOUND,
)
async def get_genome_qc(
    request: Request[Any, Any, Any], accession: Annotated[str, PathParameter()]
) -> GenomeQcRead:
    g = (
        await in_thread(
            services(request).container.genomes.get_genome().execute, accession, clearance(request)
        )
    ).genome
    return GenomeQcRead(
        accession=g.accession, qc_status=g.qc_status, qc=[QcRead.from_domain(q) for q in g.qc]
    )


@get(
    "/metabolic-models/{model_id:str}/genome",
    opt=SENSITIVE,
    tags=["genomes", "metabolism"],
    summary="The genome(s) a metabolic model was built from, with QC",
    description=inspect.getdoc(GetModelGenome),
    responses=NOT_FOUND,
)
async def model_genome(
    request: Request[Any, Any, Any], model_id: Annotated[str, PathParameter()]
) -> ModelGenomeRead:
    view = await in_thread(
        services(request).container.genomes.get_model_genome().execute, model_id, clearance(request)
    )
    return ModelGenomeRead.from_view(view)


@get(
    "/populations",
    tags=["genomes"],
    summary="1000 Genomes populations and the genotype PCA",
    description=inspect.getdoc(ListPopulations),
)
async def list_populations(request: Request[Any, Any, Any]) -> PopulationsRead:
    return PopulationsRead.from_view(
        await in_thread(services(request).container.genomes.list_populations().execute)
    )


ROUTES = [list_genomes, get_genome, get_genome_qc, model_genome, list_populations]

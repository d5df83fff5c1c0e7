"""Job payloads: one msgspec Struct per job kind, checked when the job is submitted.

A payload names every parameter a kind's handler reads, with its type and bounds; unknown
parameters are refused (a typo would otherwise be ignored silently). :func:`validator` turns a
Struct into the :data:`~astrobio.application.use_cases.jobs.ParamsValidator` that
``SubmitJob`` calls: bad parameters raise :class:`~astrobio.domain.errors.InvalidQuantity`
naming the field (HTTP 422, CLI exit 2) and nothing is stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import msgspec

from astrobio.domain.errors import InvalidQuantity

PositiveInt = Annotated[int, msgspec.Meta(ge=1)]
Seed = Annotated[int, msgspec.Meta(ge=0, le=2**32 - 1)]
PositiveFloat = Annotated[float, msgspec.Meta(gt=0)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=4096)]


class _Payload(msgspec.Struct, forbid_unknown_fields=True):
    pass


class IngestCatalogPayload(_Payload):
    source: Name = "bundled"


class ClimateSweepPayload(_Payload):
    sweep_id: Name
    backend: Name = "local"
    ranks: PositiveInt | None = None
    poll_interval_s: PositiveFloat = 5.0
    timeout_s: PositiveFloat | None = None


class IngestBundledCubesPayload(_Payload):
    pass


class IngestKeggPayload(_Payload):
    source: Name = "bundled"
    pathway_ids: list[Name] | None = None


class TrainGvaePayload(_Payload):
    epochs: PositiveInt = 60
    seed: Seed = 0


class IngestSbmlPayload(_Payload):
    bundled: bool = False
    paths: Name | list[Name] = []
    organism_class: Name = "mesophile"


class IngestGenomePayload(_Payload):
    accession: Name | None = None
    paths: list[Name] | None = None
    security_level: Name | None = None


class IngestAssembliesPayload(_Payload):
    path: Name | None = None
    taxids: str | list[int | str] | None = None
    groups: str | list[str] | None = None
    refseq_categories: str | list[str] | None = None
    assembly_levels: str | list[str] | None = None
    latest_only: bool = True


class DownloadAssemblyPayload(_Payload):
    accession: Name
    dest_dir: Name | None = None


class Ingest1000GenomesPayload(_Payload):
    panel: Name | None = None
    vcf: Name | None = None
    sample_table: Name | None = None
    indexes: list[Name] | None = None


class JwstRetrievePayload(_Payload):
    spectrum: str
    format: Name = "json"
    n_samples: PositiveInt = 2000
    seed: Seed = 0
    fallback: bool = True
    n_live: PositiveInt = 100
    #: host radius, gravity, background and their source (see ``RetrievalSystem``); None: training system
    system: dict[str, Any] | None = None


class JwstTrainPayload(msgspec.Struct):
    """The trainer takes further options by name: only the common ones are typed here."""

    model: str = ""
    mode: str | None = None
    seed: Seed = 0
    n_spectra: PositiveInt | None = None
    epochs: PositiveInt | None = None


class JwstTrainingSetPayload(_Payload):
    n_spectra: PositiveInt
    chunk_size: PositiveInt = 5000
    seed: Seed = 0
    chunks: list[Annotated[int, msgspec.Meta(ge=0)]] | None = None


class PipelineRunPayload(_Payload):
    run_id: Name


class PipelineChunkPayload(_Payload):
    run_id: Name
    planets: list[Name] = []


class SearchTrialsPayload(_Payload):
    study: Name


#: The payload of each kind this package knows (kinds without one are checked by their handler).
PAYLOADS: dict[str, type[msgspec.Struct]] = {
    "ingest_catalog": IngestCatalogPayload,
    "climate_sweep": ClimateSweepPayload,
    "ingest_bundled_cubes": IngestBundledCubesPayload,
    "ingest_kegg": IngestKeggPayload,
    "train_gvae": TrainGvaePayload,
    "ingest_sbml": IngestSbmlPayload,
    "ingest_genome": IngestGenomePayload,
    "ingest_assemblies": IngestAssembliesPayload,
    "download_assembly": DownloadAssemblyPayload,
    "ingest_1000g": Ingest1000GenomesPayload,
    "jwst_retrieve": JwstRetrievePayload,
    "jwst_train": JwstTrainPayload,
    "jwst_training_set": JwstTrainingSetPayload,
    "pipeline_run": PipelineRunPayload,
    "pipeline_chunk": PipelineChunkPayload,
    "search_trials": SearchTrialsPayload,
}

_AT = re.compile(r"- at `\$\.?([^`]*)`")
_NAMED = re.compile(r"field `([^`]+)`")


def field_of(error: msgspec.ValidationError) -> str:
    """The parameter a msgspec validation error is about (``params`` when it names none)."""
    text = str(error)
    named = _NAMED.search(text)
    at = _AT.search(text)
    path = at.group(1) if at else ""
    head = re.split(r"[.\[]", path, maxsplit=1)[0] if path else ""
    if head:
        return head
    return named.group(1) if named else "params"


def validator(payload: type[msgspec.Struct]) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """Check job parameters against ``payload``; the parameters as given when they pass."""

    def validate(params: Mapping[str, Any]) -> dict[str, Any]:
        try:
            msgspec.convert(dict(params), type=payload, strict=True)
        except msgspec.ValidationError as exc:
            raise InvalidQuantity(f"invalid job parameters: {exc}", field=field_of(exc)) from None
        return dict(params)

    return validate

"""Catalog ingestion behind the quality gate, recorded as a dataset version."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from typing import Any

from astrobio.application.ports.catalogs import CatalogProvider, ExoplanetCatalog
from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.cube_store import CubeStore
from astrobio.application.ports.governance import CubeInspector, QualityValidator
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.climate_cubes import IngestClimateOutput, IngestClimateOutputCommand
from astrobio.application.use_cases.ingest_catalog import IngestCatalog, IngestCatalogCommand
from astrobio.application.use_cases.record_ingestion import (
    IngestedFile,
    RecordIngestion,
    RecordIngestionCommand,
    gate_failed,
)
from astrobio.domain.catalog import CatalogSnapshot, IngestReport
from astrobio.domain.climate import ClimateCube
from astrobio.domain.dataset_version import DublinCore
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet

CATALOG_KIND = "exoplanet_table"
CATALOG_FILE = "planets.jsonl"


class _Fetched:
    """A catalog whose snapshot was already fetched (so the source is read once)."""

    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self._snapshot = snapshot

    @property
    def source(self) -> str:
        return self._snapshot.source

    def fetch(self) -> CatalogSnapshot:
        return self._snapshot


class _FetchedProvider:
    def __init__(self, snapshot: CatalogSnapshot) -> None:
        self._catalog = _Fetched(snapshot)

    def open(self, source: str) -> ExoplanetCatalog:
        return self._catalog


def planet_row(planet: Planet) -> bytes:
    """Canonical JSON of one planet (sorted keys): the unit of row checksums and diffs."""
    return json.dumps(asdict(planet), sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def catalog_dataset_name(source: str) -> str:
    """Every snapshot of the same source is a version of the same dataset."""
    if source in {"bundled", "archive"}:
        return "pscomppars"
    return "pscomppars-" + hashlib.sha256(source.encode()).hexdigest()[:8]


class GovernedIngestCatalog(IngestCatalog):
    """Ingest a catalog snapshot only if it passes the quality gate, and version it.

    Business rules (on top of :class:`IngestCatalog`'s):

    * the snapshot is validated first (completeness, ranges and units, mass-radius and Kepler
      consistency, duplicates, outliers); below the gate nothing is written to the planet
      table, the report is kept with a held (``candidate``) version, and the ingestion fails
      naming the grade and the version;
    * an administrator publishes a held snapshot with ``astrobio quality override``; ingesting
      that same snapshot again then goes through;
    * a published ingestion records a dataset version of the snapshot (one JSON line per
      planet, row checksums for diffs) with its quality report and lineage.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        catalogs: CatalogProvider,
        colours: ColourSequence,
        validator: QualityValidator,
        record: RecordIngestion,
    ) -> None:
        super().__init__(uow_factory, catalogs, colours)
        self._validator = validator
        self._record = record

    def execute(
        self, command: IngestCatalogCommand, *, job_id: str | None = None, actor: str = "system"
    ) -> IngestReport:
        snapshot = self._catalogs.open(command.source).fetch()
        planets = sorted(snapshot.planets, key=lambda p: p.name)
        rows = [planet_row(p) for p in planets]
        name = catalog_dataset_name(command.source)
        report = self._validator.validate(snapshot.source, snapshot)
        data = b"\n".join(rows) + b"\n"
        file = IngestedFile(
            name=CATALOG_FILE,
            data=data,
            kind="table",
            shape=(len(rows),),
            dtype="jsonl",
            attrs={"key": "name", "source": snapshot.source},
        )
        params: dict[str, Any] = {"source": command.source}
        publishable = self._record.would_publish(CATALOG_KIND, name, report, (file,))
        if publishable:
            result = IngestCatalog(self._uow_factory, _FetchedProvider(snapshot), self._colours).execute(
                command
            )
        recorded = self._record.execute(
            RecordIngestionCommand(
                kind=CATALOG_KIND,
                name=name,
                quality=report,
                produced_by="ingest_catalog",
                files=(file,),
                job_id=job_id,
                parameters=params,
                actor=actor,
                row_digests={
                    p.name: hashlib.sha256(r).hexdigest()[:16] for p, r in zip(planets, rows, strict=True)
                },
                metadata=DublinCore(
                    title=f"NASA Exoplanet Archive planetary systems ({name})",
                    creator="NASA Exoplanet Science Institute",
                    source=snapshot.source,
                    subject=("exoplanets", "planetary systems"),
                    format="application/jsonl",
                    publisher="NASA Exoplanet Archive",
                    rights="public domain (NASA)",
                    description=f"{len(rows)} planets, {len(snapshot.rejected)} rows rejected",
                ),
            )
        )
        if not publishable:
            raise gate_failed(f"catalog {snapshot.source!r}", recorded)
        return result


CUBE_KIND = "climate_cube"


class GovernedIngestClimateOutput(IngestClimateOutput):
    """Ingest GCM output behind the quality gate, and version it.

    Business rules (on top of :class:`IngestClimateOutput`'s):

    * the sources are inspected first (value ranges and units, NaN fraction, top-of-atmosphere
      energy balance, signal-to-noise); below the gate no cube is published, the report is
      kept with a held version and the ingestion fails naming the grade;
    * a published cube is recorded as a version of the dataset named after the cube: one
      manifest entry per variable (SHA-256 of its values, shape, units, summary statistics), so
      two versions diff by variable, attribute and statistic; the run parameters and run id are
      its lineage.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        store: CubeStore,
        clock: Clock,
        ids: IdGenerator,
        inspector: CubeInspector,
        record: RecordIngestion,
    ) -> None:
        super().__init__(uow_factory, store, clock, ids)
        self._inspector = inspector
        self._record = record

    def execute(self, command: IngestClimateOutputCommand) -> ClimateCube:
        if not command.sources:
            return super().execute(command)  # the base rule names the missing field
        name = command.name or "cube"
        report, entries = self._inspector.inspect(list(command.sources), name)
        publishable = self._record.would_publish(CUBE_KIND, name, report, arrays=entries)
        cube = super().execute(command) if publishable else None
        params: dict[str, Any] = {
            "sources": [str(s) for s in command.sources],
            "run_id": command.run_id,
            "parameters": _plain(command.parameters),
        }
        recorded = self._record.execute(
            RecordIngestionCommand(
                kind=CUBE_KIND,
                name=name,
                quality=report,
                produced_by="ingest_climate_output",
                arrays=entries,
                parameters=params,
                job_id=command.run_id,
                metadata=DublinCore(
                    title=f"Climate cube {name}",
                    type="Dataset",
                    format="zarr",
                    subject=("climate model output", "GCM"),
                    identifier=cube.id if cube is not None else "",
                    source=params["sources"][0],
                    description=f"{len(entries)} variables",
                ),
            )
        )
        if cube is None:
            raise gate_failed(f"cube {name!r}", recorded)
        return cube


def _plain(value: Any) -> Any:
    """JSON-ready parameters (dataclasses with ``to_dict``, mappings, sequences, scalars)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if hasattr(value, "to_dict"):
        return _plain(value.to_dict())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)

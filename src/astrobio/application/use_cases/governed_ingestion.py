"""Catalog ingestion behind the quality gate, recorded as a dataset version."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from astrobio.application.ports.catalogs import CatalogProvider, ExoplanetCatalog
from astrobio.application.ports.clock import Clock, IdGenerator
from astrobio.application.ports.cube_store import CubeStore
from astrobio.application.ports.governance import (
    CubeInspector,
    GovernanceRepository,
    ObjectStore,
    QualityValidator,
)
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.climate_cubes import IngestClimateOutput, IngestClimateOutputCommand
from astrobio.application.use_cases.ingest_catalog import IngestCatalog, IngestCatalogCommand
from astrobio.application.use_cases.record_ingestion import (
    IngestedFile,
    RecordedVersion,
    RecordIngestion,
    RecordIngestionCommand,
    gate_failed,
)
from astrobio.domain.catalog import CatalogSnapshot, IngestReport
from astrobio.domain.climate import ClimateCube
from astrobio.domain.dataset_version import DublinCore, ManifestEntry
from astrobio.domain.errors import InvalidDataset, NotFound
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet
from astrobio.domain.quality import QualityReport
from astrobio.domain.star import Star

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


def planet_from_row(row: bytes) -> Planet:
    """The planet of one :func:`planet_row` line (a stored catalog version read back)."""
    data = json.loads(row)
    star = data.pop("star")
    for fields in (star, data):  # JSON arrays back to the (minus, plus) tuples
        if isinstance(fields.get("errors"), dict):
            fields["errors"] = {k: tuple(v) for k, v in fields["errors"].items()}
    return Planet(star=Star(**star), **data)


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
      planet, row checksums for diffs) with its quality report and lineage;
    * the planets, the dataset version (with its tag moves) and its audit entry are written in
      one transaction: a crash at any point leaves all of them or none;
    * the dataset's ``serving`` tag then names the version the planet table holds (what a
      pipeline run reads and records as its provenance).
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
        with self._uow_factory() as uow:
            if publishable:
                result = self.store(uow, snapshot)
            recorded = self._record.execute(RecordIngestionCommand(
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
            ))
            if publishable:
                self._record.mark_serving(recorded.version.dataset_id, recorded.version.id, actor=actor)
            uow.commit()
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
      its lineage;
    * the cube's registration, its dataset version and the audit entry commit together; if that
      transaction fails the published arrays are deleted again.
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
        existing = self.registered(command) if publishable else None
        cube = existing or (self.publish(command) if publishable else None)
        try:
            with self._uow_factory() as uow:
                if cube is not None and existing is None:
                    uow.cubes.add(cube)
                recorded = self._record_version(command, name, report, entries, cube)
                uow.commit()
        except BaseException:
            if cube is not None and existing is None:
                self._store.delete(cube)
            raise
        if cube is None:
            raise gate_failed(f"cube {name!r}", recorded)
        return cube

    def _record_version(self, command: IngestClimateOutputCommand, name: str, report: QualityReport,
                        entries: Sequence[ManifestEntry], cube: ClimateCube | None) -> RecordedVersion:
        params: dict[str, Any] = {
            "sources": [str(s) for s in command.sources],
            "run_id": command.run_id,
            "parameters": _plain(command.parameters),
        }
        return self._record.execute(
            RecordIngestionCommand(
                kind=CUBE_KIND,
                name=name,
                quality=report,
                produced_by="ingest_climate_output",
                arrays=tuple(entries),
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


class ApplyCatalogVersion:
    """Make the planet table hold a recorded catalog version (a rollback of that dataset).

    Business rules: the version's stored ``planets.jsonl`` is read back (checksum verified); in
    one transaction its planets are written, the planets of the version served before that the
    target lacks are deleted, and the dataset's ``serving`` tag moves to the target (audited).
    Other datasets' planets are left alone.
    """

    def __init__(self, uow_factory: UnitOfWorkFactory, repo: GovernanceRepository, objects: ObjectStore,
                 record: RecordIngestion) -> None:
        self._uow_factory, self._repo, self._objects, self._record = uow_factory, repo, objects, record

    def _planets(self, dataset_id: str, version_id: str) -> list[Planet]:
        version = self._repo.get_version(dataset_id, version_id)
        if version is None:
            raise NotFound(f"version {version_id!r} of {dataset_id!r} not found", field="version")
        entry = next((e for e in version.manifest.entries if e.name == CATALOG_FILE), None)
        if entry is None:
            raise InvalidDataset(f"{dataset_id}@{version_id} holds no {CATALOG_FILE}", field="version")
        data = self._objects.get(dataset_id, version_id, CATALOG_FILE, expected_sha256=entry.sha256)
        return [planet_from_row(line) for line in data.splitlines() if line.strip()]

    def execute(self, dataset_id: str, version_id: str, *, actor: str = "system",
                reason: str = "rollback") -> int:
        """Apply the version; the number of planets it holds."""
        target = self._planets(dataset_id, version_id)
        served = self._record.serving(dataset_id)
        stale: set[str] = set()
        if served is not None and served != version_id:
            stale = {p.name for p in self._planets(dataset_id, served)} - {p.name for p in target}
        with self._uow_factory() as uow:
            uow.planets.remove(stale)
            uow.planets.add_many(target)
            self._record.mark_serving(dataset_id, version_id, actor=actor, reason=reason)
            uow.commit()
        return len(target)

"""KEGG pathway ingestion behind the quality gate: one dataset version per map."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Any

from astrobio.application.ports.governance import QualityValidator
from astrobio.application.ports.pathways import PathwayCatalog, PathwayRepository
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.pathways import IngestKegg, IngestKeggCommand, IngestKeggReport
from astrobio.application.use_cases.record_ingestion import (
    IngestedFile,
    RecordedVersion,
    RecordIngestion,
    RecordIngestionCommand,
)
from astrobio.domain.dataset_version import DublinCore
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.pathway import Pathway, PathwayReaction, require_pathway_id
from astrobio.domain.quality import QualityGateFailed, QualityIssue, QualityReport, Severity

KEGG_KIND = "kegg_pathway"
#: Flux bound standing for "unbounded" in the plain reaction mappings (COBRA's convention).
OPEN_BOUND = 1000.0


def reaction_row(r: PathwayReaction) -> bytes:
    """Canonical JSON of one map reaction: the unit of row checksums and version diffs."""
    return json.dumps(
        {
            "id": r.id,
            "reversible": r.reversible,
            "substrates": list(r.substrates),
            "products": list(r.products),
            "orthologs": list(r.orthologs),
        },
        sort_keys=True,
        separators=(",", ":"),
    ).encode()


def pathway_network(pathway: Pathway) -> dict[str, Any]:
    """The map's reactions as the plain mappings the ``reaction_network`` validator reads.

    KGML names each reaction's main substrates and products but neither stoichiometry nor
    formulas: coefficients are -1 / +1, reversible reactions get a negative lower bound, and a
    compound counts as *resolved* (declared, formula unknown) when KEGG's compound table names it.
    Mass and charge balance therefore cannot be checked from a KGML map.
    """
    reactions = []
    for r in pathway.reactions:
        stoichiometry: dict[str, float] = {}
        for c in r.substrates:
            stoichiometry[c] = stoichiometry.get(c, 0.0) - 1.0
        for c in r.products:
            stoichiometry[c] = stoichiometry.get(c, 0.0) + 1.0
        reactions.append(
            {
                "id": r.id,
                "stoichiometry": stoichiometry,
                "lower_bound": -OPEN_BOUND if r.reversible else 0.0,
                "upper_bound": OPEN_BOUND,
            }
        )
    return {
        "reactions": reactions,
        "formulas": {c: "" for c in pathway.compounds if c in pathway.compound_names},
        "charges": {},
    }


def pathway_report(validator: QualityValidator, pathway: Pathway) -> QualityReport:
    """The ``reaction_network`` report of one map, with KEGG's notion of completeness.

    * completeness: mean of the share of the map's compounds KEGG's compound table names and
      the share of its reactions catalysed by a KO / gene entry (the first alone without
      reactions);
    * a map without reactions but with KO / gene entries (oxidative phosphorylation, secretion
      systems: protein-complex maps) is not empty: its ``empty`` error becomes an INFO (and,
      having no reaction ids, it has none duplicated);
    * an INFO records that mass / charge balance was not checked (KGML carries no formulas).
    """
    report = validator.validate(pathway.id, pathway_network(pathway))
    named = len([c for c in pathway.compounds if c in pathway.compound_names])
    named_share = named / len(pathway.compounds) if pathway.compounds else 1.0
    catalysed = len([r for r in pathway.reactions if r.orthologs])
    parts = [named_share]
    if pathway.reactions:
        parts.append(catalysed / len(pathway.reactions))
    issues = list(report.issues)
    metrics = replace(report.metrics, completeness=sum(parts) / len(parts))
    if not pathway.reactions and pathway.orthologs:
        issues = [i for i in issues if i.code != "empty"]
        metrics = replace(metrics, uniqueness=1.0)  # no reaction ids, so none duplicated
        issues.append(
            QualityIssue(
                severity=Severity.INFO,
                code="no_reactions",
                message=f"no reactions: a map of {len(pathway.orthologs)} KO / gene entries",
            )
        )
    if named < len(pathway.compounds):
        issues.append(
            QualityIssue(
                severity=Severity.INFO,
                code="unnamed_compounds",
                count=len(pathway.compounds) - named,
                message=f"{len(pathway.compounds) - named} compounds are not in KEGG's compound table",
            )
        )
    if pathway.reactions:
        issues.append(
            QualityIssue(
                severity=Severity.INFO,
                code="balance_unchecked",
                count=len(pathway.reactions),
                message="KGML carries no stoichiometry or formulas: mass / charge balance not checked",
            )
        )
    return replace(
        report,
        kind=KEGG_KIND,
        metrics=metrics,
        issues=tuple(issues),
        details={
            **report.details,
            "compounds": float(len(pathway.compounds)),
            "named_compounds": float(named),
            "catalysed_reactions": float(catalysed),
            "orthologs": float(len(pathway.orthologs)),
        },
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class _Checked:
    pathway: Pathway
    file: IngestedFile
    report: QualityReport
    publishable: bool


class GovernedIngestKegg(IngestKegg):
    """Ingest KEGG maps only if every one passes the quality gate; version each map.

    Business rules (on top of :class:`IngestKegg`'s):

    * every map is fetched, parsed and validated (``reaction_network`` over its reactions:
      resolvable compounds, dead ends, duplicates; completeness from KEGG's compound table and
      the catalysing KOs) before anything is written;
    * one map below the gate fails the whole ingestion (all or nothing): no map is written to
      the pathway table, each failing map's report is kept with a held (``candidate``) version
      of ``kegg_pathway.<map id>``, and the error names its grade and version;
    * an administrator publishes a held map with ``astrobio quality override``; ingesting that
      same KGML again then goes through;
    * a published ingestion records one version per map (its KGML document, one row checksum
      per reaction, Dublin Core metadata with KEGG cross-references, the source and ids as
      lineage); the same KGML again is the same version (nothing new is recorded).
    """

    def __init__(
        self,
        repository: PathwayRepository,
        catalogs: Callable[[str], PathwayCatalog],
        validator: QualityValidator,
        record: RecordIngestion,
        *,
        uow_factory: UnitOfWorkFactory | None = None,
    ) -> None:
        super().__init__(repository, catalogs)
        self._validator = validator
        self._record = record
        self._uow_factory = uow_factory

    def execute(
        self, command: IngestKeggCommand, *, job_id: str | None = None, actor: str = "system"
    ) -> IngestKeggReport:
        if command.source not in {"bundled", "rest"}:
            raise InvalidQuantity(f"unknown source {command.source!r} (bundled or rest)", field="source")
        ids = [require_pathway_id(i) for i in command.pathway_ids]
        catalog = self._catalogs(command.source)
        checked = [self._check(*catalog.fetch_document(i)) for i in (ids or catalog.list_ids())]
        params: dict[str, Any] = {"source": command.source, "ids": [c.pathway.id for c in checked]}
        held = [c for c in checked if not c.publishable]
        if held:
            recorded = [self._recorded(c, catalog.source, params, job_id, actor) for c in held]
            reasons = "; ".join(
                f"{c.pathway.id}: grade {c.report.grade} ({c.report.overall:.1%}, "
                f"{len(c.report.errors)} error issue(s)), report kept with version "
                f"{r.version.id[:19]} of {r.version.dataset_id}"
                for c, r in zip(held, recorded, strict=True)
            )
            raise QualityGateFailed(
                f"KEGG ingestion not published, nothing written: {len(held)} of {len(checked)} "
                f"map(s) below the quality gate: {reasons}",
                report_id=recorded[0].version.id,
            )
        # The maps, their versions and audit entries in one transaction (the repositories join
        # the unit of work's connection).
        with self._uow_factory() if self._uow_factory is not None else nullcontext() as uow:
            self._repository.save_all([c.pathway for c in checked])
            for c in checked:
                self._recorded(c, catalog.source, params, job_id, actor)
            if uow is not None:
                uow.commit()
        return IngestKeggReport(source=catalog.source, ids=tuple(c.pathway.id for c in checked))

    def _check(self, pathway: Pathway, kgml: bytes) -> _Checked:
        report = pathway_report(self._validator, pathway)
        file = IngestedFile(
            name=f"{pathway.id}.kgml",
            data=kgml,
            kind="file",
            shape=(len(pathway.reactions),),
            dtype="application/xml",
            attrs={"pathway": pathway.id, "source": pathway.source},
        )
        publishable = self._record.would_publish(KEGG_KIND, pathway.id, report, (file,))
        return _Checked(pathway=pathway, file=file, report=report, publishable=publishable)

    def _recorded(
        self,
        c: _Checked,
        source: str,
        params: Mapping[str, Any],
        job_id: str | None,
        actor: str,
    ) -> RecordedVersion:
        p = c.pathway
        compounds = tuple(x for x in p.compounds if x[:1] in {"C", "G", "D"})
        orthologs = tuple(o for o in p.orthologs if o.startswith("K"))
        return self._record.execute(
            RecordIngestionCommand(
                kind=KEGG_KIND,
                name=p.id,
                quality=c.report,
                produced_by="ingest_kegg",
                files=(c.file,),
                job_id=job_id,
                parameters=dict(params),
                actor=actor,
                row_digests={r.id: hashlib.sha256(reaction_row(r)).hexdigest()[:16] for r in p.reactions},
                metadata=DublinCore(
                    title=f"KEGG pathway {p.id}: {p.title}",
                    creator="Kanehisa Laboratories",
                    subject=("metabolic pathways", "KEGG", p.title),
                    description=(
                        f"{len(p.compounds)} compounds, {len(p.reactions)} reactions, "
                        f"{len(p.orthologs)} KO / gene entries (organism {p.organism or 'ko'})"
                    ),
                    publisher="KEGG",
                    type="Dataset",
                    format="application/xml (KGML)",
                    identifier=f"path:{p.id}",
                    source=p.source or source,
                    rights="KEGG terms of use (https://www.kegg.jp/kegg/legal.html)",
                    cross_refs={"kegg": (p.id, *orthologs, *compounds)},
                ),
            )
        )

"""SBML model ingestion behind the quality gate: one dataset version per model."""

from __future__ import annotations

import hashlib
import json
from contextlib import nullcontext
from dataclasses import replace
from typing import Any

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.governance import QualityValidator
from astrobio.application.ports.metabolism import (
    FbaEngine,
    MetabolicModelRepository,
    ParsedSbml,
    SbmlStore,
)
from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.application.use_cases.metabolism import IngestSbml, IngestSbmlCommand
from astrobio.application.use_cases.record_ingestion import (
    IngestedFile,
    RecordIngestion,
    RecordIngestionCommand,
    gate_failed,
)
from astrobio.domain.dataset_version import DublinCore
from astrobio.domain.metabolism import MetabolicModel
from astrobio.domain.quality import QualityIssue, QualityReport, Severity

SBML_KIND = "sbml_model"
SBML_FILE = "model.xml"
#: Below this share of metabolites with a parsable formula, mass balance is mostly unchecked:
#: an ERROR (the 8 bundled models have 82-100 %).
MIN_FORMULA_COVERAGE = 0.5


def model_report(validator: QualityValidator, model: MetabolicModel, parsed: ParsedSbml) -> QualityReport:
    """The ``reaction_network`` report of a parsed model plus the engine's model-quality check.

    * the validator reads the model's reactions as plain mappings (resolvable metabolites,
      element and charge balance of internal reactions, structurally blocked reactions,
      duplicate ids); boundary reactions and the objective (``model.objective``) are exempt from
      balance checks; imbalances are WARNINGs, so a real model with many of them still passes;
    * fewer than :data:`MIN_FORMULA_COVERAGE` of metabolites with a formula is an ERROR;
    * growth on the default medium is INFO (a WARNING when the model does not grow), FBA-blocked
      reactions INFO.
    """
    network = dict(parsed.network)
    network["exchange_prefixes"] = (*network.get("exchange_prefixes", ()), model.objective)
    report = validator.validate(model.id, network)
    q = model.quality
    issues = list(report.issues)
    coverage = report.metrics.completeness
    if coverage < MIN_FORMULA_COVERAGE and report.rows:
        issues.append(
            QualityIssue(
                severity=Severity.ERROR,
                code="missing_formulas",
                message=f"only {coverage:.0%} of metabolites have a formula (mass balance mostly "
                f"unchecked; at least {MIN_FORMULA_COVERAGE:.0%} needed)",
            )
        )
    for check in parsed.sanity:  # metabolic sanity checks (domain/metabolic_sanity.py): ERROR holds the model
        if not check.passed:
            issues.append(QualityIssue(severity=Severity.ERROR, code=f"sanity_{check.name}",
                                       message=check.message))
    if q.grows_on_default_medium:
        issues.append(
            QualityIssue(
                severity=Severity.INFO,
                code="default_growth",
                field=model.objective,
                message=f"grows on its default medium at {q.default_growth_per_h:.4g} 1/h",
            )
        )
    else:
        issues.append(
            QualityIssue(
                severity=Severity.WARNING,
                code="no_growth",
                field=model.objective,
                message="does not grow on its default medium",
            )
        )
    if q.blocked_reactions:
        issues.append(
            QualityIssue(
                severity=Severity.INFO,
                code="fba_blocked",
                count=q.blocked_reactions,
                message=f"{q.blocked_reactions} reactions carry no flux on the default medium (FBA)",
            )
        )
    return replace(
        report,
        kind=SBML_KIND,
        issues=tuple(issues),
        details={
            **report.details,
            "formula_coverage": coverage,
            "default_growth_per_h": q.default_growth_per_h,
            "fba_blocked_reactions": float(q.blocked_reactions),
            "metabolites": float(model.n_metabolites),
            "genes": float(model.n_genes),
        },
    )


def _reaction_row(reaction: Any) -> bytes:
    return json.dumps(reaction, sort_keys=True, separators=(",", ":")).encode()


class GovernedIngestSbml(IngestSbml):
    """Register an SBML model only if it passes the quality gate, and version it.

    Business rules (on top of :class:`IngestSbml`'s, whose refusals still apply first: a
    malformed file, one without reactions or objective writes nothing and records nothing):

    * the parsed model is validated (:func:`model_report`); below the gate the file is not
      stored and the model not registered, the report is kept with a held (``candidate``)
      version of ``sbml_model.<model id>``, and the ingestion fails naming the grade and version;
    * an administrator publishes a held model with ``astrobio quality override``; ingesting the
      same file again then goes through;
    * a registered model is recorded as a version (the SBML document, one row checksum per
      reaction, Dublin Core metadata with its NCBI taxonomy id, the command as lineage); the
      same file again is the same version.
    """

    def __init__(
        self,
        repo: MetabolicModelRepository,
        store: SbmlStore,
        engine: FbaEngine,
        clock: Clock,
        validator: QualityValidator,
        record: RecordIngestion,
        *,
        uow_factory: UnitOfWorkFactory | None = None,
    ) -> None:
        super().__init__(repo, store, engine, clock)
        self._validator = validator
        self._record = record
        self._uow_factory = uow_factory

    def execute(
        self, command: IngestSbmlCommand, *, job_id: str | None = None, actor: str = "system"
    ) -> MetabolicModel:
        model, parsed = self.prepare(command)
        report = model_report(self._validator, model, parsed)
        file = IngestedFile(
            name=SBML_FILE,
            data=parsed.document,
            kind="file",
            shape=(model.n_reactions,),
            dtype="application/xml",
            attrs={"model": model.id, "source": model.source},
        )
        publishable = self._record.would_publish(SBML_KIND, model.id, report, (file,))
        # The model, its version and audit entry in one transaction (the repositories join the
        # unit of work's connection).
        with self._uow_factory() if self._uow_factory is not None else nullcontext() as uow:
            if publishable:
                model = self.store(command, model)
            reactions = parsed.network.get("reactions", ())
            recorded = self._record.execute(
                RecordIngestionCommand(
                    kind=SBML_KIND,
                    name=model.id,
                    quality=report,
                    produced_by="ingest_sbml",
                    files=(file,),
                    job_id=job_id,
                    actor=actor,
                    parameters={
                        "source": model.source,
                        "path": command.path,
                        "model_id": model.id,
                        "organism_class": command.organism_class,
                        "objective": model.objective,
                    },
                    row_digests={
                        str(r["id"]): hashlib.sha256(_reaction_row(r)).hexdigest()[:16] for r in reactions
                    },
                    metadata=DublinCore(
                        title=f"Metabolic model {model.id}"
                        + (f" ({model.organism})" if model.organism else ""),
                        subject=("genome-scale metabolic model", "SBML", "flux balance analysis"),
                        description=(
                            f"{model.n_reactions} reactions, {model.n_metabolites} metabolites, "
                            f"{model.n_genes} genes; objective {model.objective}"
                        ),
                        type="Dataset",
                        format="application/sbml+xml",
                        identifier=model.id,
                        source=model.source,
                        rights=model.license or "",
                        cross_refs=(
                            {"ncbi_taxonomy": (str(model.ncbi_taxid),)}
                            if model.ncbi_taxid is not None
                            else {}
                        ),
                    ),
                )
            )
            if uow is not None:
                uow.commit()
        if not publishable:
            bad = [f"sanity check {c.name} failed ({c.message})" for c in parsed.sanity if not c.passed]
            raise gate_failed(f"model {model.id!r}", recorded, verb="registered", detail="; ".join(bad))
        return model

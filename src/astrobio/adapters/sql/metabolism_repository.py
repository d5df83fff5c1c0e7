"""SQL :class:`~astrobio.application.ports.metabolism.MetabolicModelRepository` (SQLite, PostgreSQL).

One transaction per call (``engine.begin()``). Nested values travel as JSON; Python's ``json``
writes floats with ``repr`` so they come back bit-identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from astrobio.adapters.sql.metabolism_tables import metabolic_models
from astrobio.adapters.sql.repositories import _upsert
from astrobio.adapters.sql.transaction import begin, connect
from astrobio.application.ports.metabolism import MetabolicModelRepository
from astrobio.domain.errors import UpstreamUnavailable
from astrobio.domain.metabolism import MetabolicModel, ModelQuality


def model_to_row(m: MetabolicModel) -> dict[str, Any]:
    q = m.quality
    return {
        "id": m.id, "name": m.name, "organism": m.organism, "ncbi_taxid": m.ncbi_taxid,
        "organism_class": m.organism_class, "objective": m.objective, "sbml_sha256": m.sbml_sha256,
        "sbml_uri": m.sbml_uri, "source": m.source, "n_reactions": m.n_reactions,
        "n_metabolites": m.n_metabolites, "n_genes": m.n_genes, "exchanges": dict(m.exchanges),
        "base_medium": dict(m.base_medium),
        "quality": {"objective_present": q.objective_present, "default_growth_per_h": q.default_growth_per_h,
                    "blocked_reactions": q.blocked_reactions, "mass_imbalanced": q.mass_imbalanced,
                    "charge_imbalanced": q.charge_imbalanced,
                    "imbalanced_examples": list(q.imbalanced_examples)},
        "license": m.license, "reference": m.reference, "ingested_at": m.ingested_at,
    }


def model_from_row(r: sa.Row[Any]) -> MetabolicModel:
    q = dict(r.quality)
    q["imbalanced_examples"] = tuple(q.get("imbalanced_examples", ()))
    return MetabolicModel(
        id=r.id, name=r.name, organism=r.organism, ncbi_taxid=r.ncbi_taxid, organism_class=r.organism_class,
        objective=r.objective, sbml_sha256=r.sbml_sha256, sbml_uri=r.sbml_uri, source=r.source,
        n_reactions=r.n_reactions, n_metabolites=r.n_metabolites, n_genes=r.n_genes,
        exchanges=dict(r.exchanges), base_medium={k: float(v) for k, v in r.base_medium.items()},
        quality=ModelQuality(**q), ingested_at=r.ingested_at, license=r.license, reference=r.reference)


class SqlMetabolicModelRepository(MetabolicModelRepository):
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def add(self, model: MetabolicModel) -> None:
        try:
            with begin(self._engine) as conn:
                conn.execute(_upsert(conn, metabolic_models), [model_to_row(model)])
        except sa.exc.OperationalError as exc:
            raise UpstreamUnavailable("database", str(exc.orig)) from exc

    def get(self, model_id: str) -> MetabolicModel | None:
        try:
            with connect(self._engine) as conn:
                query = sa.select(metabolic_models).where(metabolic_models.c.id == model_id)
                row = conn.execute(query).first()
        except sa.exc.OperationalError as exc:
            raise UpstreamUnavailable("database", str(exc.orig)) from exc
        return None if row is None else model_from_row(row)

    def list(self, *, ncbi_taxid: int | None = None) -> Sequence[MetabolicModel]:
        query = sa.select(metabolic_models).order_by(metabolic_models.c.id)
        if ncbi_taxid is not None:
            query = query.where(metabolic_models.c.ncbi_taxid == ncbi_taxid)
        try:
            with connect(self._engine) as conn:
                rows = conn.execute(query).all()
        except sa.exc.OperationalError as exc:
            raise UpstreamUnavailable("database", str(exc.orig)) from exc
        return [model_from_row(r) for r in rows]

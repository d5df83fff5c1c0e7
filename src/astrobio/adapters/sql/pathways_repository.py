"""Pathways in SQL (SQLAlchemy Core); one transaction per call on the feature's engine."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from astrobio.adapters.sql.pathways_tables import pathways as table
from astrobio.adapters.sql.transaction import begin
from astrobio.application.ports.pathways import PathwayRepository
from astrobio.domain.pathway import Pathway, PathwayReaction, PathwayRelation


def to_document(p: Pathway) -> dict[str, Any]:
    return {
        "compounds": list(p.compounds),
        "reactions": [
            {
                "id": r.id,
                "reversible": r.reversible,
                "substrates": list(r.substrates),
                "products": list(r.products),
                "orthologs": list(r.orthologs),
            }
            for r in p.reactions
        ],
        "orthologs": list(p.orthologs),
        "relations": [
            {"source": r.source, "target": r.target, "kind": r.kind, "subtypes": list(r.subtypes)}
            for r in p.relations
        ],
        "compound_names": dict(p.compound_names),
        "layout_px": {k: [x, y] for k, (x, y) in p.layout_px.items()},
    }


def from_row(row: Any) -> Pathway:
    d = row.document
    return Pathway(
        id=row.id,
        title=row.title,
        organism=row.organism,
        source=row.source,
        compounds=tuple(d["compounds"]),
        reactions=tuple(
            PathwayReaction(
                id=r["id"],
                reversible=r["reversible"],
                substrates=tuple(r["substrates"]),
                products=tuple(r["products"]),
                orthologs=tuple(r["orthologs"]),
            )
            for r in d["reactions"]
        ),
        orthologs=tuple(d["orthologs"]),
        relations=tuple(
            PathwayRelation(
                source=r["source"], target=r["target"], kind=r["kind"], subtypes=tuple(r["subtypes"])
            )
            for r in d["relations"]
        ),
        compound_names=dict(d["compound_names"]),
        layout_px={k: (float(v[0]), float(v[1])) for k, v in d["layout_px"].items()},
    )


class SqlPathwayRepository(PathwayRepository):
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def save_all(self, pathways: Sequence[Pathway]) -> None:
        now = datetime.now(UTC)
        rows = [
            {
                "id": p.id,
                "title": p.title,
                "organism": p.organism,
                "source": p.source,
                "n_compounds": len(p.compounds),
                "n_reactions": len(p.reactions),
                "document": to_document(p),
                "ingested_at": now,
            }
            for p in pathways
        ]
        if not rows:
            return
        with begin(self._engine) as conn:
            conn.execute(table.delete().where(table.c.id.in_([r["id"] for r in rows])))
            conn.execute(table.insert(), rows)

    def get(self, pathway_id: str) -> Pathway | None:
        with begin(self._engine) as conn:
            row = conn.execute(table.select().where(table.c.id == pathway_id)).first()
        return None if row is None else from_row(row)

    def page(self, offset: int = 0, limit: int = 100) -> tuple[list[Pathway], int]:
        with begin(self._engine) as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
            rows = conn.execute(table.select().order_by(table.c.id).offset(offset).limit(limit)).all()
        return [from_row(r) for r in rows], int(total)

    def all(self) -> list[Pathway]:
        with begin(self._engine) as conn:
            return [from_row(r) for r in conn.execute(table.select().order_by(table.c.id)).all()]

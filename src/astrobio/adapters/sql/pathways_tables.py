"""SQL tables of this feature, on the shared :data:`~astrobio.adapters.sql.tables.metadata`.

``pathways``: one row per KEGG map; the map's members (compounds, reactions, KOs, relations,
names, layout) as one JSON document, sizes as columns for listing without decoding it.
"""

from __future__ import annotations

import sqlalchemy as sa

from astrobio.adapters.sql.tables import NameText, UtcDateTime, metadata

pathways = sa.Table(
    "pathways",
    metadata,
    sa.Column("id", NameText, primary_key=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("organism", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("n_compounds", sa.Integer, nullable=False),
    sa.Column("n_reactions", sa.Integer, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("ingested_at", UtcDateTime, nullable=False),
)

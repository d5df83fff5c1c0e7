"""SQL tables of the pipeline feature, on the shared :data:`~astrobio.adapters.sql.tables.metadata`.

``pipeline_runs`` holds one :class:`~astrobio.domain.pipeline_run.PipelineRun` (options, planet list
and provenance as JSON); ``pipeline_results`` one
:class:`~astrobio.domain.pipeline_run.PlanetResult` per run and planet: the verdict and the
potential's components as columns (ranked in SQL), the summary, stage outputs and provenance as JSON.
"""

from __future__ import annotations

import sqlalchemy as sa

from astrobio.adapters.sql.tables import NameText, UtcDateTime, metadata

pipeline_runs = sa.Table(
    "pipeline_runs",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("options", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("planets", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("n_planets", sa.Integer, nullable=False),
    sa.Column("n_done", sa.Integer, nullable=False),
    sa.Column("n_failed", sa.Integer, nullable=False),
    sa.Column("provenance", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("error", sa.Text, nullable=True),
    sa.Index(None, "status", "updated_at"),
)

pipeline_results = sa.Table(
    "pipeline_results",
    metadata,
    sa.Column(
        "run_id", sa.String(64), sa.ForeignKey("pipeline_runs.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("planet_name", NameText, primary_key=True),
    sa.Column("verdict", sa.String(32), nullable=False),
    sa.Column("potential", sa.Float, nullable=True),
    sa.Column("habitability", sa.Float, nullable=True),
    sa.Column("detectability", sa.Float, nullable=True),
    sa.Column("certainty", sa.Float, nullable=True),
    sa.Column("summary", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("stages", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("provenance", sa.JSON(none_as_null=True), nullable=False),
    sa.Column("error", sa.Text, nullable=True),
    sa.Index(None, "run_id", "verdict", "potential"),
)

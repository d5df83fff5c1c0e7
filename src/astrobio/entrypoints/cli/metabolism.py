"""CLI commands: genome-scale metabolic models (SBML) and environment-conditioned FBA."""

from __future__ import annotations

import typer


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""

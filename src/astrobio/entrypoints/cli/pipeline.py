"""CLI commands: the end-to-end pipeline and its report."""

from __future__ import annotations

import typer


def register(root: typer.Typer, ingest: typer.Typer, train: typer.Typer) -> None:
    """Add this feature's commands to the root app and to the ``ingest`` / ``train`` groups."""

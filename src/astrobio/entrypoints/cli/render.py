"""Rendering: JSON for scripts (``--json``), rich tables for people."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import msgspec
import typer

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def emit_json(obj: Any) -> None:
    sys.stdout.write(msgspec.json.encode(obj).decode() + "\n")


def fmt(x: float | None, digits: int = 3) -> str:
    if x is None:
        return "—"
    return f"{x:.{digits}g}" if abs(x) < 1e-3 or abs(x) >= 1e5 else f"{x:.{digits}f}".rstrip("0").rstrip(".")


def table(title: str, columns: list[str], rows: list[list[str]], caption: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title, caption=caption)
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*r)
    # Piped output (logs, CI, files) gets a wide console instead of rich's 80-column default,
    # so planet names are not folded across lines.
    Console(width=None if sys.stdout.isatty() else 200).print(t)

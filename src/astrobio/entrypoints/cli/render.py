"""Rendering: JSON for scripts (``--json``), rich tables for people."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Annotated, Any, TypeVar

import msgspec
import typer

T = TypeVar("T")

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


class Progress:
    """What a long command reports: ``advance`` a count, ``update`` counts/notes, ``note`` a status line.

    A no-op unless stderr is a terminal and ``--json`` is off, so scripts and logs see only results.
    """

    def __init__(self, bar: Any | None, task: Any | None) -> None:
        self._bar, self._task = bar, task

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def update(self, *, completed: float | None = None, total: float | None = None,
               description: str | None = None) -> None:
        if self._bar is not None:
            kwargs: dict[str, Any] = {}
            if completed is not None:
                kwargs["completed"] = completed
            if total is not None:
                kwargs["total"] = total
            if description is not None:
                kwargs["description"] = description
            self._bar.update(self._task, **kwargs)


def progress_enabled(json: bool) -> bool:
    """Progress bars only for people: a terminal on stderr, no ``--json``."""
    import os

    return not json and sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


@contextmanager
def progress(description: str, total: float | None = None, *, json: bool = False,
             unit: str = "") -> Iterator[Progress]:
    """A rich progress bar on stderr with counts, elapsed time and ETA (a spinner when ``total`` is None)."""
    if not progress_enabled(json):
        yield Progress(None, None)
        return
    stop_activity()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import Progress as RichProgress

    columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                          MofNCompleteColumn(), TextColumn(unit), TextColumn("elapsed"), TimeElapsedColumn(),
                          TextColumn("ETA"), TimeRemainingColumn()]
    # Output piped to a file must stay in the file: only redirect prints above the bar when stdout is
    # the terminal too.
    with RichProgress(*columns, console=Console(stderr=True), transient=False,
                      redirect_stdout=sys.stdout.isatty(), redirect_stderr=False) as bar:
        task = bar.add_task(description, total=total)
        yield Progress(bar, task)
        if total is not None:
            bar.update(task, completed=bar.tasks[0].total)


def track(items: Sequence[T], description: str, *, json: bool = False, unit: str = "") -> Iterator[T]:
    """Iterate ``items`` with a progress bar (counts and ETA) in a terminal."""
    with progress(description, len(items), json=json, unit=unit) as p:
        for item in items:
            yield item
            p.advance()


_activity: dict[str, Any] = {}


def stop_activity() -> None:
    """Stop the command-wide spinner (before a real progress bar starts, or at exit)."""
    timer, live = _activity.pop("timer", None), _activity.pop("live", None)
    if timer is not None:
        timer.cancel()
    if live is not None:
        live.stop()


@contextmanager
def activity(label: str, *, json: bool, delay_s: float = 2.0) -> Iterator[None]:
    """A spinner with elapsed time for any command still busy after ``delay_s`` (terminal only).

    Commands that know their counts show a bar (:func:`progress`), which replaces the spinner.
    """
    if not progress_enabled(json):
        yield
        return
    import threading

    def start() -> None:
        from rich.console import Console
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        live = RichProgress(SpinnerColumn(), TextColumn(label), TextColumn("elapsed"), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True,
                            redirect_stdout=sys.stdout.isatty(), redirect_stderr=False)
        live.add_task(label, total=None)
        live.start()
        _activity["live"] = live

    timer = threading.Timer(delay_s, start)
    timer.daemon = True
    _activity["timer"] = timer
    timer.start()
    try:
        yield
    finally:
        stop_activity()

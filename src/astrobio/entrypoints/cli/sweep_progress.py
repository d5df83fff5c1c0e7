"""The terminal progress bar of a GCM sweep (``climate sweep launch``, ``climate run``)."""

from __future__ import annotations

from typing import Any

from astrobio.entrypoints.sweep_progress import SweepProgressTracker


def follow_sweep(description: str, *, json: bool, ranks: int, parallel: int) -> Any:
    """A context manager giving an ``on_status`` callback that drives a terminal progress bar."""
    from contextlib import contextmanager

    from astrobio.entrypoints.cli.render import progress

    @contextmanager
    def _follow() -> Any:
        tracker = SweepProgressTracker(ranks=ranks, parallel=parallel)
        with progress(description, None, json=json, unit="steps") as bar:
            def on_status(status: Any) -> None:
                est = tracker.observe(list(status.runs))
                bar.update(completed=est.steps_done, total=est.steps_total,
                           description=f"{description}: {est.line()}")

            yield on_status

    return _follow()
